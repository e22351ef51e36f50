#!/usr/bin/env bash
# The project's whole check, as the README's `npm test` runs it: typecheck, lint, build,
# unit/property/browser tests, package checks, size budgets; it ends with "N passed, N failed".
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
step npx vitest run --reporter=default --reporter=json --outputFile.json=vitest-report.json
step npx publint
# node10 resolution cannot see subpath exports; the root entry is still checked under node10.
step npx attw --pack . --profile node16
step npx size-limit
# The closing line counts tests, plus any check step (typecheck, lint, build, package) that failed.
FAILED_STEPS=$failed_steps node scripts/vitest-summary.mjs vitest-report.json || status=1
exit $status
