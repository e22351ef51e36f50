#!/usr/bin/env bash
# The project's whole check, as the README's `npm test` runs it: typecheck, lint, build,
# unit/property/browser tests with the package checks and size budgets; it ends with
# "N passed, N failed".
set -uo pipefail
export NO_COLOR=1
cd "$(dirname "$0")/.."
status=0
failed_steps=0
step() { echo "==> $*"; "$@" || { echo "FAILED: $*"; status=1; failed_steps=$((failed_steps + 1)); }; }
step npm run --silent typecheck
step npm run --silent lint
step npm run --silent build
rm -f vitest-report.json
# The package checks run inside the tests (test/package.test.ts), on the packed tarball: publint
# --strict, attw (node16 profile), the scratch install with import and require, and every
# size-limit budget. They are not repeated as steps here.
# Not a counted step: its failures are counted test by test in the closing line.
npx vitest run --reporter=default --reporter=json --outputFile.json=vitest-report.json || status=1
# The closing line counts tests, plus any check step (typecheck, lint, build) that failed.
FAILED_STEPS=$failed_steps node scripts/vitest-summary.mjs vitest-report.json || status=1
exit $status
