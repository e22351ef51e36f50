/**
 * The fuzzing contract: a call either returns, or throws the library's typed error with a location;
 * never anything else, never slowly, never touching a built-in prototype.
 */
import { type Issue, isRapportkitError } from "../../src/core/errors.js";
import { assertNoPollution, prototypeSnapshot } from "../helpers/arbitraries.js";

/** The seed every fuzz property uses (change it to explore; failures print the counterexample). */
export const SEED = 20_261_126;

function short(issue: Issue): string {
  return JSON.stringify({ ...issue, message: issue.message.slice(0, 200) });
}

/** What one call did. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Whether an issue says where: a line (text input) or a non-empty path (structured input). */
export function hasLocation(issue: Issue, allowRootPath: boolean): boolean {
  if (typeof issue.line === "number" && issue.line >= 1) return true;
  if (!Array.isArray(issue.path)) return false;
  return issue.path.length > 0 || allowRootPath;
}

/**
 * Runs `fn(input)` and checks the contract; throws an Error describing the breach (fast-check
 * reports it with the shrunk input). `allowRootPath`: a structured loader may report the whole
 * input (path `[]`) when it is not even an object.
 */
export function checkContract<T>(
  name: string,
  fn: (input: T) => unknown,
  input: T,
  opts: { maxMs?: number; allowRootPath?: boolean; file?: string } = {},
): Outcome {
  const before = prototypeSnapshot();
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: fn(input) };
  } catch (e) {
    outcome = { ok: false, error: e };
  }
  const ms = performance.now() - t0;
  assertNoPollution(before);
  if (!outcome.ok) {
    const e = outcome.error;
    if (!isRapportkitError(e))
      throw new Error(
        `${name} threw a non-rapportkit error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      );
    if (e.issues.length === 0) throw new Error(`${name} threw ${e.name} with no issues`);
    for (const issue of e.issues) {
      if (!hasLocation(issue, opts.allowRootPath ?? false))
        throw new Error(`${name}: ${e.name} issue without a location: ${short(issue)}`);
      if (opts.file !== undefined && issue.file !== opts.file)
        throw new Error(`${name}: ${e.name} issue without the file name: ${short(issue)}`);
    }
  }
  const max = opts.maxMs ?? 2000;
  if (ms > max) throw new Error(`${name} took ${ms.toFixed(0)} ms (bound ${max} ms)`);
  return outcome;
}
