import { parse } from "csv-parse/browser/esm/sync";
import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Coding, Transcript, Utterance } from "../core/schemas.js";
import { jsonDepthLocation, MAX_JSON_DEPTH } from "./_json-locate.js";
import {
  groupSessions,
  isRole,
  issueAt,
  makeUtterance,
  parseTime,
  type ReadOptions,
  type ReadResult,
  SessionIndexer,
  speakerResolver,
} from "./_shared.js";

/**
 * Which CSV header names hold which utterance fields. `text` is required; the others are optional.
 * Without a mapping, each field is read from the column of the same name when the header has one
 * (`id`, `session`, `speaker`, `role`, `text`, `start`, `end`, `code`, `confidence`, `context`,
 * `metadata`).
 * @category Transcripts
 */
export interface CsvColumns {
  readonly text?: string;
  readonly session?: string;
  readonly speaker?: string;
  readonly role?: string;
  readonly start?: string;
  readonly end?: string;
  readonly id?: string;
  /** A code per row: each non-empty value becomes a {@link Coding} of the row's utterance. */
  readonly code?: string;
  /** The confidence of `code`, in [0, 1] (default 1). */
  readonly confidence?: string;
  /** The preceding turn (e.g. the client's words a therapist replies to): kept as `metadata.context`. */
  readonly context?: string;
  /** A JSON object per row, kept as the utterance's `metadata`. */
  readonly metadata?: string;
}

/**
 * Options of {@link readCsv}.
 * @category Transcripts
 */
export interface CsvReadOptions extends ReadOptions {
  readonly columns?: CsvColumns;
  /** The `source` of codings read from a `code` column (default `human`). */
  readonly source?: string;
  /** Field delimiter (default `,`). */
  readonly delimiter?: string;
}

type Field = keyof CsvColumns;
const FIELDS: readonly Field[] = [
  "text",
  "session",
  "speaker",
  "role",
  "start",
  "end",
  "id",
  "code",
  "confidence",
  "context",
  "metadata",
];

/** The result of mapping one CSV record. @internal */
export interface MappedRow {
  readonly utterance: Utterance;
  readonly codings: Coding[];
  readonly warnings: Issue[];
}

/** A row-level problem: the issue to throw, or to report when skipping. @internal */
export class RowError extends Error {
  readonly issue: Issue;
  constructor(issue: Issue) {
    super(issue.message);
    this.issue = issue;
  }
}

function findColumn(header: readonly string[], name: string): number {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const want = name.trim().toLowerCase();
  return header.findIndex((h) => h.trim().toLowerCase() === want);
}

/**
 * Maps CSV records (arrays of fields, header first) to utterances. Shared by {@link readCsv} and the
 * streaming reader in `rapportkit/node`, so both give the same ids, indices and roles.
 * @internal
 */
export function csvRowMapper(
  header: readonly string[],
  options: CsvReadOptions,
): (record: readonly string[], line: number) => MappedRow {
  const file = options.file;
  const explicit = options.columns ?? {};
  const col: Partial<Record<Field, number>> = {};
  for (const f of FIELDS) {
    const name = explicit[f];
    if (name !== undefined) {
      const i = findColumn(header, name);
      if (i < 0)
        throw new TranscriptParseError("csv", [
          issueAt(file, {
            code: "missing_column",
            path: ["columns", f],
            line: 1,
            // The header's own names are not listed: in a file without a header row they would be
            // utterance text.
            message: `csv: the header (line 1, ${header.length} columns) has no column ${JSON.stringify(name)}, mapped as the ${f} column`,
          }),
        ]);
      col[f] = i;
    } else {
      const i = findColumn(header, f);
      if (i >= 0) col[f] = i;
    }
  }
  if (col.text === undefined)
    throw new TranscriptParseError("csv", [
      issueAt(file, {
        code: "missing_column",
        path: ["columns", "text"],
        line: 1,
        message: `csv: the header has no "text" column; name the column that holds the utterances (columns.text, or --text-column)`,
      }),
    ]);
  const resolve = speakerResolver("csv", options);
  const indexer = new SessionIndexer();
  const defaultSession = options.session ?? "session";
  const source = options.source ?? "human";
  const get = (rec: readonly string[], f: Field): string | undefined => {
    const i = col[f];
    return i === undefined ? undefined : rec[i];
  };
  return (rec, line) => {
    const rowError = (f: Field, code: string, message: string): RowError =>
      new RowError(issueAt(file, { code, line, path: [header[col[f] ?? 0] ?? f], message }));
    const warnings: Issue[] = [];
    const text = get(rec, "text") ?? "";
    const sessionValue = get(rec, "session");
    const session = sessionValue ? sessionValue : defaultSession;
    const speaker = get(rec, "speaker") ?? "";
    const roleValue = (get(rec, "role") ?? "").trim().toLowerCase();
    let role = options.role;
    if (!role) {
      if (isRole(roleValue)) role = roleValue;
      else if (roleValue !== "") role = resolve(roleValue, line, warnings);
      else if (col.speaker === undefined && options.defaultRole) role = options.defaultRole;
      else role = resolve(speaker, line, warnings);
    }
    const times: { start?: number; end?: number } = {};
    for (const f of ["start", "end"] as const) {
      const v = get(rec, f);
      if (v === undefined) continue;
      const t = parseTime(v);
      if (t === null)
        throw rowError(f, "bad_timestamp", `csv: the ${f} time is not seconds or hh:mm:ss(.mmm)`);
      if (t !== undefined) times[f] = t;
    }
    if (times.start !== undefined && times.end !== undefined && times.end < times.start)
      throw rowError("end", "bad_timestamp", "csv: the end time is before the start time");
    let metadata: Record<string, unknown> | undefined;
    const md = get(rec, "metadata");
    if (md !== undefined && md.trim() !== "") {
      if (jsonDepthLocation(md))
        throw rowError(
          "metadata",
          "bad_json",
          `csv: the metadata field is nested deeper than ${MAX_JSON_DEPTH} levels`,
        );
      let parsed: unknown;
      try {
        parsed = JSON.parse(md);
      } catch {
        throw rowError("metadata", "bad_json", "csv: the metadata field is not valid JSON");
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw rowError("metadata", "bad_json", "csv: the metadata field is not a JSON object");
      metadata = { ...(parsed as Record<string, unknown>) };
    }
    const context = get(rec, "context");
    if (context !== undefined) metadata = { ...metadata, context };
    const index = indexer.next(session);
    const idValue = get(rec, "id");
    const id = idValue ? idValue : `${session}:${index}`;
    const utterance = makeUtterance({
      id,
      session,
      index,
      speaker: col.speaker === undefined && speaker === "" ? role : speaker,
      role,
      text,
      ...times,
      metadata,
    });
    const codings: Coding[] = [];
    const code = get(rec, "code")?.trim();
    if (code) {
      let confidence = 1;
      const c = get(rec, "confidence")?.trim();
      if (c) {
        confidence = Number(c);
        if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1)
          throw rowError(
            "confidence",
            "out_of_range",
            "csv: confidence must be a number in [0, 1]",
          );
      }
      codings.push({ utteranceId: id, codeId: code, confidence, source });
    }
    return { utterance, codings, warnings };
  };
}

/**
 * The first line of a CSV record, from csv-parse's `info.lines` (the line the record ends on) less
 * the line breaks inside its quoted fields.
 * @internal
 */
export function csvRecordLine(rec: readonly string[], endLine: number): number {
  let n = 0;
  for (const f of rec) {
    for (let i = f.indexOf("\n"); i >= 0; i = f.indexOf("\n", i + 1)) n++;
  }
  return endLine - n;
}

/**
 * The most parse errors csv-parse may report for one skipped record before the read stops: it
 * reports every stray quote of a record, each at a cost linear in the field read so far, so an
 * unbounded count is quadratic on a long hostile line.
 * @internal
 */
export const MAX_ERRORS_PER_RECORD = 16;

/** True for an error thrown by csv-parse (its codes start with `CSV_`, bar one). @internal */
export function isCsvParseError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("CSV_") || code === "INVALID_OPENING_QUOTE");
}

/** The csv-parse options every CSV reader uses (sync and stream). @internal */
export function csvParseOptions(
  delimiter: string | undefined,
  onSkip: ((e: unknown) => void) | undefined,
): Record<string, unknown> {
  // csv-parse calls on_skip once per error, and a record can have several: report each skipped
  // record once, and stop (CSV_TOO_MANY_ERRORS, with the line) when one record has too many.
  let record = -1;
  let errors = 0;
  const skipOnce = onSkip
    ? (e: unknown) => {
        const at = (e as { bytes_records?: unknown }).bytes_records;
        if (typeof at === "number" && at === record) {
          if (++errors > MAX_ERRORS_PER_RECORD)
            throw Object.assign(new Error("too many errors in one CSV record"), {
              code: "CSV_TOO_MANY_ERRORS",
              lines: (e as { lines?: unknown }).lines,
            });
          return;
        }
        record = typeof at === "number" ? at : -1;
        errors = 1;
        onSkip(e);
      }
    : undefined;
  return {
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: false,
    delimiter: delimiter ?? ",",
    // Every line break the other readers accept, in any mix. (csv-parse's auto-discovery keeps
    // the first kind it sees, miscounts lines in mixed files, and costs ~6 µs per character of
    // the first record: 6 s for a 1 MB first line.)
    record_delimiter: ["\r\n", "\n", "\r"],
    skip_records_with_error: onSkip !== undefined,
    ...(skipOnce ? { on_skip: skipOnce } : {}),
  };
}

/**
 * The `onSkip` of {@link csvParseOptions} that reports each skipped record in `list` as its
 * {@link csvErrorIssue} with `; row skipped` (no content). Shared by the whole-text and stream readers.
 * @internal
 */
export function reportSkippedInto(list: Issue[], file: string | undefined): (e: unknown) => void {
  return (e) => {
    const issue = csvErrorIssue(e, file);
    list.push({ ...issue, message: `${issue.message}; row skipped` });
  };
}

/** A parsed CSV record and the 1-based line it starts on. @internal */
export interface CsvRecordAt {
  readonly record: string[];
  readonly line: number;
}

/**
 * Parses a whole CSV text into records with the line each starts on ({@link csvRecordLine}), with
 * {@link csvParseOptions}. With `skipped`, a malformed record is left out and reported there
 * (`…; row skipped`); without, it throws. Shared by {@link readCsv}, `readAnnomi` and `readCodedRows`.
 * @throws {TranscriptParseError} of `format`, with csv-parse's code and line (never its message).
 * @internal
 */
export function parseCsvRecords(
  text: string,
  format: string,
  options: { file?: string | undefined; delimiter?: string | undefined; skipped?: Issue[] },
): CsvRecordAt[] {
  const { file, skipped } = options;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(
      text,
      csvParseOptions(
        options.delimiter,
        skipped ? reportSkippedInto(skipped, file) : undefined,
      ) as never,
    ) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    if (!isCsvParseError(e)) throw e;
    throw new TranscriptParseError(format, [csvErrorIssue(e, file)]);
  }
  return records.map((r) => ({ record: r.record, line: csvRecordLine(r.record, r.info.lines) }));
}

/** The message and code for a csv-parse error, without any of the input's content. @internal */
export function csvErrorIssue(e: unknown, file: string | undefined): Issue {
  const err = e as { code?: string; lines?: number; message?: string };
  const line = typeof err.lines === "number" ? err.lines : undefined;
  const code = err.code ?? "";
  let message: string;
  if (
    code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" ||
    code === "CSV_RECORD_INCONSISTENT_COLUMNS"
  )
    message = "csv: the row has a different number of fields than the header";
  else if (code === "CSV_QUOTE_NOT_CLOSED")
    message = 'csv: a quoted field is not closed (a " is missing) before the end of the input';
  else if (code === "CSV_INVALID_OPENING_QUOTE" || code === "INVALID_OPENING_QUOTE")
    message = 'csv: a quote (") opens in the middle of an unquoted field; quote the whole field';
  else if (code === "CSV_INVALID_CLOSING_QUOTE")
    message =
      'csv: a closing quote (") is followed by other characters; double quotes inside a quoted field ("")';
  else if (code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE")
    message = "csv: characters follow a closing quote";
  else if (code === "CSV_TOO_MANY_ERRORS")
    message = `csv: more than ${MAX_ERRORS_PER_RECORD} quoting errors in one row; fix the quoting (too damaged to skip)`;
  else message = `csv: the input is not valid CSV (${code || "parse error"})`;
  return issueAt(file, {
    code: code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" ? "bad_row" : "bad_csv",
    message,
    ...(line === undefined ? {} : { line }),
  });
}

/**
 * Reads a CSV transcript with a header row (parsed with csv-parse). One row per utterance; the
 * header mapping (`options.columns`) says which columns hold what (see {@link CsvColumns}).
 *
 * - Ids: the `id` column's value when mapped and non-empty, else `<session>:<index>`.
 * - Sessions: the `session` column, else `options.session` (default `session`); the index counts
 *   rows within each session in input order.
 * - Roles: `options.role` for every row; else a `role` column (`therapist`/`client`/`other`, or a
 *   speaker name); else the `speaker` column through the speaker map; else `options.defaultRole`.
 *   An unmapped speaker keeps its name with role `other` and a `unknown_speaker` warning.
 * - Times: seconds or `hh:mm:ss(.mmm)`.
 * - Rows with a `code` give codings (source `options.source`, default `human`).
 *
 * @throws {TranscriptParseError} `missing_column` (line 1) for a mapped column the header lacks;
 * `bad_row`/`bad_csv` with the line for a row with the wrong number of fields or an unclosed quote;
 * `bad_timestamp`, `bad_json`, `out_of_range` for a bad field. With `onError: "skip"` bad rows are
 * left out and reported as warnings with the same code and line.
 * @category Transcripts
 * @example
 * ```ts
 * const { transcripts } = readCsv("speaker,text\nT,How are you?\nC,Fine.\n", { session: "s1" });
 * transcripts[0].utterances[1]; // => { id: "s1:1", session: "s1", index: 1, speaker: "C", role: "client", text: "Fine." }
 * ```
 */
export function readCsv(text: string, options: CsvReadOptions = {}): ReadResult {
  const file = options.file;
  const skip = options.onError === "skip";
  const warnings: Issue[] = [];
  const records = parseCsvRecords(text, "csv", {
    file,
    delimiter: options.delimiter,
    ...(skip ? { skipped: warnings } : {}),
  });
  const first = records[0];
  if (!first) return { transcripts: [], codings: [], warnings };
  const map = csvRowMapper(first.record, options);
  const utterances: Utterance[] = [];
  const codings: Coding[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, line } = records[r] as CsvRecordAt;
    try {
      const row = map(record, line);
      utterances.push(row.utterance);
      for (const c of row.codings) codings.push(c);
      for (const w of row.warnings) warnings.push(w);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      if (!skip) throw new TranscriptParseError("csv", [e.issue]);
      warnings.push({ ...e.issue, message: `${e.issue.message}; row skipped` });
    }
  }
  warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { transcripts: groupSessions(utterances), codings, warnings };
}

/**
 * The columns {@link writeCsv} writes, in order. `metadata` is a JSON object per row.
 * @category Transcripts
 */
export const CSV_COLUMNS = [
  "id",
  "session",
  "index",
  "speaker",
  "role",
  "text",
  "start",
  "end",
  "metadata",
] as const;

/** A column {@link writeCsv} can write. @category Transcripts */
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * Quotes one CSV field when it needs it (delimiter, quote, CR/LF, or leading/trailing space).
 * @category Transcripts
 * @example
 * ```ts
 * csvField('say "hi", then'); // => '"say ""hi"", then"'
 * ```
 */
export function csvField(value: string): string {
  let needs = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) {
      needs = true;
      break;
    }
  }
  if (!needs && value.length > 0) {
    const f = value.charCodeAt(0);
    const l = value.charCodeAt(value.length - 1);
    if (f === 32 || f === 9 || l === 32 || l === 9 || f === 0xfeff) needs = true;
  }
  return needs ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes transcripts as CSV with a header row, one row per utterance, readable by {@link readCsv}
 * (`readCsv(writeCsv(ts))` gives `ts` back, transcript metadata and empty transcripts aside).
 * Columns default to {@link CSV_COLUMNS} (`start`, `end` and `metadata` only when some utterance has
 * them); lines end with `\n`.
 * @category Transcripts
 * @example
 * ```ts
 * writeCsv([{ id: "s1", utterances: [{ id: "s1:0", session: "s1", index: 0, speaker: "T", role: "therapist", text: "Hi, you" }] }]);
 * // => 'id,session,index,speaker,role,text\ns1:0,s1,0,T,therapist,"Hi, you"\n'
 * ```
 */
export function writeCsv(
  transcripts: readonly Transcript[],
  options: { columns?: readonly CsvColumn[] } = {},
): string {
  let columns = options.columns;
  if (!columns) {
    let start = false;
    let end = false;
    let md = false;
    for (const t of transcripts)
      for (const u of t.utterances) {
        if (u.start !== undefined) start = true;
        if (u.end !== undefined) end = true;
        if (u.metadata !== undefined) md = true;
      }
    columns = CSV_COLUMNS.filter(
      (c) => (c !== "start" || start) && (c !== "end" || end) && (c !== "metadata" || md),
    );
  }
  const lines: string[] = [columns.join(",")];
  for (const t of transcripts)
    for (const u of t.utterances) lines.push(csvUtteranceRow(u, columns));
  return `${lines.join("\n")}\n`;
}

/**
 * One utterance as a CSV row (no line end) with the given columns: `metadata` as JSON, numbers as
 * written by `String`, every field quoted by {@link csvField} when it needs it. Shared by
 * {@link writeCsv} and the streaming `convert` command.
 * @internal
 */
export function csvUtteranceRow(u: Utterance, columns: readonly CsvColumn[] = CSV_COLUMNS): string {
  const row: string[] = [];
  for (const c of columns) {
    const v =
      c === "metadata"
        ? u.metadata === undefined
          ? ""
          : JSON.stringify(u.metadata)
        : c === "start" || c === "end" || c === "index"
          ? u[c] === undefined
            ? ""
            : String(u[c])
          : u[c];
    row.push(csvField(v));
  }
  return row.join(",");
}
