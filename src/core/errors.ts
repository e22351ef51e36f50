/**
 * Errors as data first (zod's model): every failure is a list of issues, each with a `code`, a
 * `path` into the input and a `message`, plus a location (`line`, `column`, `file`) for text input.
 * Messages name locations and expectations, never the content of an utterance: transcripts are
 * health data.
 * @module
 */

/**
 * The issue codes rapportkit adds to zod's own (`invalid_type`, `too_small`, …).
 * @category Errors
 */
export type RapportkitIssueCode =
  | "invalid_input"
  | "duplicate_code_id"
  | "unknown_parent_code"
  | "parent_cycle"
  | "forbidden_key"
  | "unknown_code"
  | "unknown_codebook"
  | "crosswalk_target_missing"
  | "missing_column"
  | "bad_row"
  | "bad_timestamp"
  | "bad_json"
  | "bad_csv"
  | "bad_cue"
  | "model_invalid"
  | "model_mismatch"
  | "classifier_failed"
  | "out_of_range"
  | "missing_answer"
  | "insufficient_data"
  | (string & {});

/**
 * One problem found in an input.
 * @category Errors
 */
export interface Issue {
  /** What kind of problem (a zod issue code or a {@link RapportkitIssueCode}). */
  readonly code: RapportkitIssueCode;
  /** Where in a structured input (object keys and array indices). */
  readonly path: readonly PropertyKey[];
  /** What was expected; never contains utterance text. */
  readonly message: string;
  /** 1-based line in a text input. */
  readonly line?: number;
  /** 1-based column in a text input. */
  readonly column?: number;
  /** The file or source name, when known. */
  readonly file?: string;
}

/**
 * Formats an issue's location as `file:line:column` or a dotted path (`codes[3].id`).
 * @category Errors
 */
export function formatLocation(issue: Issue): string {
  const parts: string[] = [];
  if (issue.file) parts.push(issue.file);
  if (issue.line !== undefined) {
    parts.push(String(issue.line));
    if (issue.column !== undefined) parts.push(String(issue.column));
  }
  const loc = parts.join(":");
  const path = formatPath(issue.path);
  if (loc && path) return `${loc} (${path})`;
  return loc || path;
}

/** Formats a path such as `["codes", 3, "id"]` as `codes[3].id`. @category Errors */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** One line per issue: `location: message`. @category Errors */
export function formatIssue(issue: Issue): string {
  const loc = formatLocation(issue);
  return loc ? `${loc}: ${issue.message}` : issue.message;
}

/**
 * The base of every error rapportkit throws. `issues` holds the details; `message` is the first
 * issue, formatted, plus a count of the rest.
 * @category Errors
 */
export class RapportkitError extends Error {
  override name = "RapportkitError";
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[] | string, options?: { cause?: unknown }) {
    const list: readonly Issue[] =
      typeof issues === "string" ? [{ code: "invalid_input", path: [], message: issues }] : issues;
    const first = list[0];
    const head = first ? formatIssue(first) : "invalid input";
    super(list.length > 1 ? `${head} (and ${list.length - 1} more issues)` : head, options);
    this.issues = list;
  }
}

/** A value did not match a rapportkit schema (wraps zod's issues, with their paths). @category Errors */
export class ValidationError extends RapportkitError {
  override name = "ValidationError";
}

/** A codebook is invalid, or a codebook operation (extend, crosswalk) failed. @category Errors */
export class CodebookError extends RapportkitError {
  override name = "CodebookError";
}

/** A transcript could not be read: carries the format and the first issue's line and column. @category Errors */
export class TranscriptParseError extends RapportkitError {
  override name = "TranscriptParseError";
  readonly format: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(format: string, issues: readonly Issue[], options?: { cause?: unknown }) {
    super(issues, options);
    this.format = format;
    this.line = issues[0]?.line;
    this.column = issues[0]?.column;
  }
}

/** A model file is malformed or does not fit the codebook it is used with. @category Errors */
export class ModelError extends RapportkitError {
  override name = "ModelError";
}

/** A classifier failed (e.g. an adapter's injected function threw or answered badly). @category Errors */
export class ClassifierError extends RapportkitError {
  override name = "ClassifierError";
  readonly classifierId: string;
  constructor(
    classifierId: string,
    issues: readonly Issue[] | string,
    options?: { cause?: unknown },
  ) {
    super(issues, options);
    this.classifierId = classifierId;
  }
}

/** Ratings given to an agreement statistic are unusable (wrong shapes, no items). @category Errors */
export class AgreementInputError extends RapportkitError {
  override name = "AgreementInputError";
}

/** Input to a score (a questionnaire answer out of range, a missing item) is unusable. @category Errors */
export class ScoreInputError extends RapportkitError {
  override name = "ScoreInputError";
}

/**
 * True for any error rapportkit throws (also across duplicate copies of the package, by name).
 * @category Errors
 */
export function isRapportkitError(e: unknown): e is RapportkitError {
  return (
    e instanceof RapportkitError ||
    (e instanceof Error &&
      Array.isArray((e as { issues?: unknown }).issues) &&
      /Error$/.test(e.name))
  );
}
