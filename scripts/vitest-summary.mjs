// Reads the vitest JSON report and prints one plain closing line: "N passed, N failed".
// vitest's own summary ("Tests  5 passed (5)") is not a line CI reads.
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2] ?? "vitest-report.json";
if (!existsSync(file)) {
  console.log("0 passed, 1 failed (no vitest report was written)");
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, "utf8"));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const failedSuites = (report.testResults ?? []).filter(
  (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
).length;
const failedSteps = Number(process.env.FAILED_STEPS ?? 0);
const failed = report.numFailedTests + failedSuites + failedSteps;
console.log(
  `${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
