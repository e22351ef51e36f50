import { parse } from "csv-parse/browser/esm/sync";
import { closest, columnsNote, looksLikeHeader } from "../_internal/closest.js";
import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Coding, Transcript, Utterance } from "../core/schemas.js";
import { jsonDepthLocation, MAX_JSON_DEPTH } from "./_json-locate.js";
import {
  groupSessions,
  isRole,
  issueAt,
  maxUtteranceBytesOf,
  parseTime,
  type ReadOptions,
  type ReadResult,
  SessionIndexer,
  speakerResolver,
  tooLargeIssue,
  utf8Over,
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

/**
 * `; did you mean "x"` and the columns, when line 1 is surely a header: it names a field rapportkit
 * knows (or one the options map) and every cell looks like a column name. Otherwise nothing: in a
 * file without a header row, line 1 is an utterance.
 */
function suggestColumn(name: string, header: readonly string[], mapped: CsvColumns): string {
  const known = [...FIELDS, ...Object.values(mapped as Record<string, string | undefined>)].filter(
    (n): n is string => n !== undefined,
  );
  if (!known.some((n) => findColumn(header, n) >= 0) || !looksLikeHeader(header)) return "";
  const near = closest(name, header);
  return `${near === undefined ? "" : `; did you mean ${JSON.stringify(near.trim())}?`}${columnsNote(header)}`;
}

function findColumn(header: readonly string[], name: string): number {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const want = name.trim().toLowerCase();
  return header.findIndex((h) => h.trim().toLowerCase() === want);
}

/**
 * The first two header columns (1-based) with the same name, compared as columns are found (trimmed,
 * any case); empty names are not compared. @internal
 */
export function duplicateColumns(
  header: readonly string[],
): { first: number; second: number; name: string } | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < header.length; i++) {
    const name = (header[i] as string).trim().toLowerCase();
    if (name === "") continue;
    const j = seen.get(name);
    if (j !== undefined) return { first: j + 1, second: i + 1, name };
    seen.set(name, i);
  }
  return undefined;
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
  const dup = duplicateColumns(header);
  if (dup) {
    // The name is given when it is a field name or one the options map: a header's own names
    // could be utterance text in a file without a header row.
    const known =
      (FIELDS as readonly string[]).includes(dup.name) ||
      Object.values(explicit).some(
        (n) => typeof n === "string" && n.trim().toLowerCase() === dup.name,
      );
    throw new TranscriptParseError("csv", [
      issueAt(file, {
        code: "duplicate_column",
        path: ["columns"],
        line: 1,
        message: `csv: header columns ${dup.first} and ${dup.second}${known ? ` are both named ${JSON.stringify(dup.name)}` : " have the same name"}; rename one, so that each field is read from one column`,
      }),
    ]);
  }
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
            // The header's names are listed only when line 1 looks like a header: in a file without
            // one they would be utterance text.
            message: `csv: the header (line 1, ${header.length} columns) has no column ${JSON.stringify(name)}, mapped as the ${f} column${suggestColumn(name, header, explicit)}`,
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
        message: `csv: the header has no "text" column; name the column that holds the utterances (columns.text, or --text-column)${suggestColumn("text", header, explicit)}`,
      }),
    ]);
  const resolve = speakerResolver("csv", options);
  const maxBytes = maxUtteranceBytesOf("csv", options);
  const indexer = new SessionIndexer();
  const defaultSession = options.session ?? "session";
  const source = options.source ?? "human";
  // The columns, looked up once: per row, only what the header has is read.
  const iText = col.text;
  const iSession = col.session;
  const iSpeaker = col.speaker;
  const iRole = col.role;
  const iStart = col.start;
  const iEnd = col.end;
  const iMetadata = col.metadata;
  const iContext = col.context;
  const iId = col.id;
  const iCode = col.code;
  const iConfidence = col.confidence;
  const rowError = (line: number, f: Field, code: string, message: string): RowError =>
    new RowError(issueAt(file, { code, line, path: [header[col[f] ?? 0] ?? f], message }));
  const timeOf = (
    rec: readonly string[],
    i: number | undefined,
    f: "start" | "end",
    line: number,
  ) => {
    if (i === undefined) return undefined;
    const t = parseTime(rec[i] as string);
    if (t === null)
      throw rowError(
        line,
        f,
        "bad_timestamp",
        `csv: the ${f} time is not seconds or hh:mm:ss(.mmm)`,
      );
    return t;
  };
  return (rec, line) => {
    const warnings: Issue[] = [];
    const text = rec[iText] ?? "";
    if (utf8Over(text, maxBytes))
      throw new RowError(
        tooLargeIssue("csv", file, maxBytes, { line, path: [header[iText] ?? "text"] }),
      );
    const sessionValue = iSession === undefined ? undefined : rec[iSession];
    const session = sessionValue ? sessionValue : defaultSession;
    const speaker = (iSpeaker === undefined ? undefined : rec[iSpeaker]) ?? "";
    let role = options.role;
    if (!role) {
      const roleValue = iRole === undefined ? "" : (rec[iRole] ?? "").trim().toLowerCase();
      if (isRole(roleValue)) role = roleValue;
      else if (roleValue !== "") role = resolve(roleValue, line, warnings);
      else if (iSpeaker === undefined && options.defaultRole) role = options.defaultRole;
      else role = resolve(speaker, line, warnings);
    }
    const start = timeOf(rec, iStart, "start", line);
    const end = timeOf(rec, iEnd, "end", line);
    if (start !== undefined && end !== undefined && end < start)
      throw rowError(line, "end", "bad_timestamp", "csv: the end time is before the start time");
    let metadata: Record<string, unknown> | undefined;
    const md = iMetadata === undefined ? undefined : rec[iMetadata];
    if (md !== undefined && md.trim() !== "") {
      if (jsonDepthLocation(md))
        throw rowError(
          line,
          "metadata",
          "bad_json",
          `csv: the metadata field is nested deeper than ${MAX_JSON_DEPTH} levels`,
        );
      let parsed: unknown;
      try {
        parsed = JSON.parse(md);
      } catch {
        throw rowError(line, "metadata", "bad_json", "csv: the metadata field is not valid JSON");
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw rowError(
          line,
          "metadata",
          "bad_json",
          "csv: the metadata field is not a JSON object",
        );
      metadata = { ...(parsed as Record<string, unknown>) };
    }
    if (iContext !== undefined) metadata = { ...metadata, context: rec[iContext] };
    const index = indexer.next(session);
    const idValue = iId === undefined ? undefined : rec[iId];
    const id = idValue ? idValue : `${session}:${index}`;
    // As makeUtterance builds it (the same keys in the same order), without the argument object.
    const utterance: Utterance = {
      id,
      session,
      index,
      speaker: iSpeaker === undefined && speaker === "" ? role : speaker,
      role,
      text,
    };
    if (start !== undefined) utterance.start = start;
    if (end !== undefined) utterance.end = end;
    if (metadata !== undefined) utterance.metadata = metadata;
    const codings: Coding[] = [];
    const code = iCode === undefined ? undefined : rec[iCode]?.trim();
    if (code) {
      let confidence = 1;
      const c = iConfidence === undefined ? undefined : rec[iConfidence]?.trim();
      if (c) {
        confidence = Number(c);
        if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1)
          throw rowError(
            line,
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

/** True for an error thrown by csv-parse (its codes start with `CSV_`, bar one). @internal */
export function isCsvParseError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("CSV_") || code === "INVALID_OPENING_QUOTE");
}

/**
 * The csv-parse options every CSV reader uses. Errors throw: the readers that skip bad records do
 * so with {@link CsvRecordReader}, which resumes reading after a damaged record itself.
 * @internal
 */
export function csvParseOptions(delimiter: string | undefined): Record<string, unknown> {
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
  };
}

/** A parsed CSV record and the 1-based line it starts on. @internal */
export interface CsvRecordAt {
  readonly record: string[];
  readonly line: number;
}

/**
 * One item of {@link CsvRecordReader}: a record with the line it begins on, or (when skipping) a
 * record left out, as an issue whose line is where that record began.
 * @internal
 */
export type CsvReadItem =
  | { readonly record: string[]; readonly line: number; readonly error?: never }
  | { readonly error: Issue; readonly line: number; readonly record?: never };

/** Options of {@link CsvRecordReader}. @internal */
export interface CsvRecordReaderOptions {
  /** The format named in errors (`csv`, `annomi`). */
  readonly format: string;
  readonly file?: string | undefined;
  readonly delimiter?: string | undefined;
  /** Leave malformed records out (as error items) instead of throwing. */
  readonly skip?: boolean;
  /** Bytes buffered before a parse is tried (default 64 kB; small values are for tests). */
  readonly window?: number;
  /**
   * The longest record buffered, in bytes (default: no bound). A record still incomplete past it
   * is an error at the line where it began (`CSV_RECORD_TOO_LARGE`) before it is parsed, so memory
   * stays bounded; when skipping, reading goes on at the next line.
   */
  readonly maxRecordBytes?: number;
  /**
   * How many times the input may be parsed in all (re-reading after damaged records) before the
   * reader gives up with `CSV_TOO_MANY_ERRORS` (default 8; small values are for tests).
   */
  readonly workFactor?: number;
  /** Split records with csv-parse only, never {@link parseCsvText} (for tests that compare them). */
  readonly csvParseOnly?: boolean;
}

/**
 * The longest CSV record the streaming readers buffer for a given utterance bound: four times it
 * plus 64 kB (room for a context column, metadata and ids next to the text).
 * @internal
 */
export function csvRecordBound(maxUtteranceBytes: number): number {
  return 4 * maxUtteranceBytes + MIN_WINDOW;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** The code of a delimiter {@link parseCsvText} handles (one ASCII character, not a quote or a line break), else -1. */
function fastDelimiter(delimiter: string | undefined): number {
  const d = delimiter ?? ",";
  if (d.length !== 1) return -1;
  const c = d.charCodeAt(0);
  return c < 128 && c !== QUOTE && c !== LF && c !== CR ? c : -1;
}

/** `text` with lone surrogates replaced by U+FFFD (as `TextEncoder` does), or undefined where that cannot be done cheaply. */
function wellFormed(text: string): string | undefined {
  const t = text as string & { isWellFormed?: () => boolean; toWellFormed?: () => string };
  if (typeof t.isWellFormed !== "function" || typeof t.toWellFormed !== "function")
    return undefined;
  return t.isWellFormed() ? text : t.toWellFormed();
}

/**
 * Splits well-formed CSV text into records (RFC 4180: `"` quotes, `""` inside quotes, `\r\n`,
 * `\n` or `\r` ends a record, empty lines skipped), each with the line it begins on (`firstLine` for
 * text[from]). The same records and lines as csv-parse with {@link csvParseOptions}, several times
 * faster; it reads only what is surely well-formed and gives up (undefined) at anything else (a
 * quote inside an unquoted field, characters after a closing quote), for csv-parse to read and
 * report. A quote still open at `to` ends the reading there: `open` is where that record begins, and
 * `records` and `lines` (the line breaks read) are those before it (a streaming reader waits for
 * more input; at the end of the input, it is an error for csv-parse to report). Field counts are
 * not checked. With `copy`, no value shares memory with `text` (the streaming reader's windows).
 * @internal
 */
export function parseCsvText(
  text: string,
  from: number,
  to: number,
  delimiter: number,
  firstLine: number,
  copy = false,
): { records: CsvRecordAt[]; lines: number; open?: number } | undefined {
  // With `copy`, values of 13 characters or more (those V8 would slice) are copies, so that a
  // value kept (an utterance in a streaming coder's history) does not keep the whole text alive.
  const own = (v: string): string => (!copy || v.length < 13 ? v : (v + "\0").slice(0, -1));
  const records: CsvRecordAt[] = [];
  const last: (string | undefined)[] = [];
  let line = firstLine;
  let i = from;
  while (i < to) {
    let c = text.charCodeAt(i);
    if (c === LF || c === CR) {
      // An empty line.
      i += c === CR && i + 1 < to && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const begin = line;
    const recordStart = i;
    const record: string[] = [];
    for (;;) {
      if (i < to && text.charCodeAt(i) === QUOTE) {
        let value = "";
        let s = i + 1;
        for (;;) {
          const q = text.indexOf('"', s);
          if (q < 0 || q >= to) return { records, lines: begin - firstLine, open: recordStart };
          for (let k = s; k < q; k++) {
            const d = text.charCodeAt(k);
            if (d === LF) line++;
            else if (d === CR && text.charCodeAt(k + 1) !== LF) line++;
          }
          if (q + 1 < to && text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(s, q + 1);
            s = q + 2;
            continue;
          }
          value = value === "" ? text.slice(s, q) : value + text.slice(s, q);
          i = q + 1;
          break;
        }
        record.push(own(value));
        if (i >= to) break;
        c = text.charCodeAt(i);
        if (c === delimiter) {
          i++;
          continue;
        }
        if (c !== LF && c !== CR) return undefined;
      } else {
        const s = i;
        c = -1;
        while (i < to) {
          c = text.charCodeAt(i);
          if (c === delimiter || c === LF || c === CR) break;
          if (c === QUOTE) return undefined;
          i++;
        }
        // A value the same as the column's last (a session, a speaker) is that string again:
        // no copy, and its hash is already computed for the maps it is looked up in.
        const prev = last[record.length];
        if (prev !== undefined && prev.length === i - s && text.startsWith(prev, s))
          record.push(prev);
        else {
          const value = own(text.slice(s, i));
          last[record.length] = value;
          record.push(value);
        }
        if (i >= to) break;
        if (c === delimiter) {
          i++;
          continue;
        }
      }
      // A line break ends the record.
      i += c === CR && i + 1 < to && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    records.push({ record, line: begin });
  }
  return { records, lines: line - firstLine };
}

/** A csv-parse error that stops one parse so the reader can resynchronise. */
class Abort {
  constructor(readonly error: unknown) {}
}

/** Bytes buffered before a (non-final) parse is tried. */
const MIN_WINDOW = 1 << 16;

/**
 * Splits CSV bytes into records with csv-parse, incrementally (push chunks, then `end`), so that a
 * malformed record costs only that record.
 *
 * csv-parse's own skipping (`skip_records_with_error`) stays inside a quoted field after a quoting
 * error, so one stray or missing quote swallows every row up to the next quote or the end of the
 * input. Here any csv-parse error stops the parse; the record is reported at the line where it
 * began, and parsing starts again on the next line (a record with the wrong number of fields is
 * well-formed, and is left out whole). Where a record with broken quoting ends cannot be known, so no
 * well-formed row is lost: the rows an unclosed quote swallowed are read again, and the continuation
 * line of a broken multi-line field is reported as malformed on its own.
 *
 * Input is parsed in windows that end at a line break; a record still open at the end of a window
 * (a quoted field across lines) waits for more input. The header (first record) always throws.
 * Total work is linear: past a fixed multiple of the input size in re-reading, it throws.
 * @throws {TranscriptParseError} of `format` with csv-parse's code and the record's first line
 * (never csv-parse's message, which can quote cell content).
 * @internal
 */
export class CsvRecordReader {
  private buf = new Uint8Array(0);
  private start = 0;
  private len = 0;
  /** Absolute number of the line before `buf[start]`. */
  private lineBase = 0;
  private records = 0;
  /** The header's number of fields (every record must have as many), once read. */
  private width = -1;
  /** Bytes consumed before `buf[start]` (the BOM is looked for only at the very start). */
  private offset = 0;
  private readonly minWindow: number;
  private window: number;
  private pushed = 0;
  private parsed = 0;
  private readonly opts: Record<string, unknown>;
  /** The delimiter for {@link parseCsvText}, or -1 (csv-parse only). */
  private readonly delimiterCode: number;
  private readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  private readonly maxRecord: number;
  private readonly workFactor: number;
  /** The line where the current stretch of damaged records began (0: none). */
  private damageLine = 0;
  /** Dropping the rest of a too-long line, up to its line break. */
  private discarding = false;
  /** A CR ended the line dropped last: a LF at the start of the next chunk belongs to it. */
  private skipLF = false;

  constructor(private readonly options: CsvRecordReaderOptions) {
    this.minWindow = Math.max(1, options.window ?? MIN_WINDOW);
    this.window = this.minWindow;
    this.maxRecord = options.maxRecordBytes ?? Number.POSITIVE_INFINITY;
    this.workFactor = options.workFactor ?? 8;
    this.delimiterCode = options.csvParseOnly ? -1 : fastDelimiter(options.delimiter);
    this.opts = {
      ...csvParseOptions(options.delimiter),
      // The UTF-8 byte order mark is dropped here (run): csv-parse's own check needs a Buffer.
      bom: false,
      // Each window is parsed afresh, so the field count is checked here (run), against the header.
      relax_column_count: true,
      info: false,
      skip_records_with_error: true,
    };
  }

  /** Adds bytes; returns the records (and skipped records) complete so far. */
  push(chunk: Uint8Array): CsvReadItem[] {
    if (this.skipLF && chunk.length > 0) {
      this.skipLF = false;
      if (chunk[0] === LF) chunk = this.drop(chunk, 1);
    }
    if (this.discarding) {
      let i = 0;
      while (i < chunk.length && chunk[i] !== LF && chunk[i] !== CR) i++;
      if (i === chunk.length) {
        this.drop(chunk, i);
        return [];
      }
      let e = i + 1;
      if (chunk[i] === CR) {
        if (e < chunk.length) {
          if (chunk[e] === LF) e++;
        } else this.skipLF = true;
      }
      this.discarding = false;
      chunk = this.drop(chunk, e);
    }
    if (chunk.length === 0) return [];
    this.append(chunk);
    return this.len - this.start >= this.window ? this.run(false) : [];
  }

  /** Ends the input; returns the remaining records. */
  end(): CsvReadItem[] {
    return this.run(true);
  }

  /** Drops the first `n` bytes of a chunk unread (the rest of a too-long line). */
  private drop(chunk: Uint8Array, n: number): Uint8Array {
    this.pushed += n;
    this.offset += n;
    return chunk.subarray(n);
  }

  /** A record too long to buffer, beginning on `line`: throw, or report it skipped. */
  private tooLong(line: number, out: CsvReadItem[]): void {
    const e = { code: "CSV_RECORD_TOO_LARGE" };
    if (this.options.skip !== true || this.records === 0) this.fail(e, line);
    const issue = csvErrorIssue(e, this.options.file);
    out.push({ error: { ...issue, line, message: `${issue.message}; row skipped` }, line });
  }

  private append(chunk: Uint8Array): void {
    this.pushed += chunk.length;
    const live = this.len - this.start;
    if (this.len + chunk.length > this.buf.length) {
      const need = live + chunk.length;
      const next =
        need <= this.buf.length
          ? this.buf
          : new Uint8Array(Math.max(need, this.buf.length * 2, MIN_WINDOW * 2));
      next.set(this.buf.subarray(this.start, this.len), 0);
      this.buf = next;
      this.len = live;
      this.start = 0;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  /** The end of the last complete line in [from, to): after a LF, or a CR not followed by LF. */
  private lastBreak(from: number, to: number): number {
    const b = this.buf;
    for (let i = to - 1; i >= from; i--) {
      const c = b[i];
      if (c === LF) return i + 1;
      if (c === CR && i + 1 < to) return i + 1;
    }
    return from;
  }

  /** The position just after the `n`th line break from `from` (CRLF counts once). */
  private afterBreaks(from: number, to: number, n: number): number {
    const b = this.buf;
    let p = from;
    for (let k = 0; k < n && p < to; p++) {
      const c = b[p];
      if (c === LF) k++;
      else if (c === CR) {
        k++;
        if (p + 1 < to && b[p + 1] === LF) p++;
      }
    }
    return p;
  }

  /** Line breaks in [from, to) (CRLF counts once). */
  private breaks(from: number, to: number): number {
    const b = this.buf;
    let n = 0;
    for (let i = from; i < to; i++) {
      const c = b[i];
      if (c === LF) n++;
      else if (c === CR) {
        n++;
        if (b[i + 1] === LF && i + 1 < to) i++;
      }
    }
    return n;
  }

  private fail(e: unknown, line: number): never {
    const issue = csvErrorIssue(e, this.options.file);
    throw new TranscriptParseError(this.options.format, [{ ...issue, line }]);
  }

  /** The line a record begins on, walking past the empty lines from `p`; `p` after them. */
  private skipEmpty(p: number, to: number, line: number): { p: number; line: number } {
    const b = this.buf;
    while (p < to && (b[p] === LF || b[p] === CR)) {
      if (b[p] === CR && p + 1 < to && b[p + 1] === LF) p++;
      p++;
      line++;
    }
    return { p, line };
  }

  /**
   * Parses [from, to) with no callback per record, giving each record the line after the previous
   * record's last. Returns undefined when that may be wrong or incomplete (an error, a skipped
   * record, or empty lines between records): then {@link slow} reads the window again.
   */
  private fast(
    from: number,
    to: number,
    final: boolean,
  ): CsvReadItem[] | { items: CsvReadItem[]; end: number } | undefined {
    if (this.delimiterCode >= 0) {
      // Decoded whole (a window ends at a line break, so no character is cut), then split by
      // parseCsvText; text with a replacement character (invalid UTF-8) is left to csv-parse, which
      // decodes field by field.
      const text = this.decoder.decode(this.buf.subarray(from, to));
      if (!text.includes("\uFFFD")) {
        const r = parseCsvText(text, 0, text.length, this.delimiterCode, this.lineBase + 1, true);
        if (r === undefined) return undefined;
        if (r.open === undefined) {
          this.lineBase += r.lines;
          return r.records as CsvReadItem[];
        }
        // A quoted field runs past the window: the records before it, and where it begins (after
        // the window's first `r.lines` line breaks). Too long a record, or the end of the input,
        // is csv-parse's to report.
        const end = this.afterBreaks(from, to, r.lines);
        if (final || this.len - end > this.maxRecord) return undefined;
        this.lineBase += r.lines;
        return { items: r.records as CsvReadItem[], end };
      }
    }
    let records: string[][];
    try {
      records = parse(
        this.buf.subarray(from, to) as never,
        {
          ...this.opts,
          on_skip: (e: unknown) => {
            throw new Abort(e);
          },
        } as never,
      ) as unknown as string[][];
    } catch (e) {
      if (e instanceof Abort) return undefined;
      throw e;
    }
    const items: CsvReadItem[] = new Array(records.length);
    let line = this.lineBase + 1;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as string[];
      items[i] = { record, line };
      line += 1 + fieldBreaks(record);
    }
    // With no empty lines, the window's line breaks are the records' own and their delimiters.
    const breaks = this.breaks(from, to);
    const endsWithBreak = to > from && (this.buf[to - 1] === LF || this.buf[to - 1] === CR);
    const expected = line - this.lineBase - 1 - (endsWithBreak || records.length === 0 ? 0 : 1);
    if (breaks !== expected && !(final && records.length === 0 && breaks === 0)) return undefined;
    this.lineBase += breaks;
    return items;
  }

  /**
   * Parses [from, to) with a callback per record (slower: csv-parse builds an info object each),
   * tracking where the last record ended; stops at the first error that is not a wrong field count.
   */
  private slow(
    from: number,
    to: number,
  ): { items: CsvReadItem[]; end: number; line: number; abort: unknown } {
    const items: CsvReadItem[] = [];
    // Where the last record (read or skipped) ended, and the line there.
    let end = from;
    let line = this.lineBase + 1;
    const next = (bytes: number, record: readonly string[]): number => {
      const at = this.skipEmpty(end, from + bytes, line);
      end = from + bytes;
      line = at.line + 1 + fieldBreaks(record);
      return at.line;
    };
    let abort: unknown;
    try {
      parse(
        this.buf.subarray(from, to) as never,
        {
          ...this.opts,
          on_record: (record: string[], ctx: { bytes: number }) => {
            items.push({ record, line: next(ctx.bytes, record) });
            return null;
          },
          on_skip: (e: unknown) => {
            throw new Abort(e);
          },
        } as never,
      );
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      abort = e.error;
    }
    return { items, end, line, abort };
  }

  private run(final: boolean): CsvReadItem[] {
    const out: CsvReadItem[] = [];
    const skip = this.options.skip === true;
    const emit = (items: readonly CsvReadItem[]) => {
      for (const item of items) {
        if (item.record) {
          if (this.width < 0) this.width = item.record.length;
          else if (item.record.length !== this.width) {
            const e = { code: "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" };
            if (!skip) this.fail(e, item.line);
            const issue = csvErrorIssue(e, this.options.file);
            out.push({
              error: { ...issue, line: item.line, message: `${issue.message}; row skipped` },
              line: item.line,
            });
            continue;
          }
          this.records++;
        }
        out.push(item);
      }
    };
    let resumed = false;
    for (;;) {
      if (this.offset === 0 && this.len - this.start >= 3) {
        const b = this.buf;
        const s = this.start;
        if (b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) this.start += 3;
        this.offset = 3;
      }
      const from = this.start;
      if (from >= this.len) break;
      const to = final ? this.len : this.lastBreak(from, this.len);
      if (to <= from) {
        if (this.len - from > this.maxRecord) {
          // One line longer than any record may be: report it, and drop it up to its line break.
          this.tooLong(this.lineBase + 1, out);
          this.offset += this.len - from;
          this.start = this.len;
          this.lineBase += 1;
          this.discarding = true;
          this.window = this.minWindow;
          resumed = false;
          break;
        }
        this.window = Math.max(this.window, 2 * (this.len - from));
        break;
      }
      // Just after an error the window goes straight to the slow parse: one parse per damaged
      // record (each csv-parse call costs tens of µs to set up).
      const quick = resumed ? undefined : this.fast(from, to, final);
      if (quick && !Array.isArray(quick)) {
        // The records before a quoted field that runs past the window; wait for more input (at
        // least twice as much).
        this.damageLine = 0;
        this.parsed += quick.end - from;
        emit(quick.items);
        this.offset += quick.end - from;
        this.start = quick.end;
        this.window = Math.max(this.minWindow, 2 * (this.len - quick.end));
        break;
      }
      if (quick) {
        this.damageLine = 0;
        this.parsed += to - from;
        emit(quick);
        this.offset += to - from;
        this.start = to;
        if (!final) this.window = this.minWindow;
        continue;
      }
      const r = this.slow(from, to);
      emit(r.items);
      if (r.abort === undefined) {
        resumed = false;
        this.damageLine = 0;
        this.parsed += 2 * (to - from);
        this.lineBase = r.line - 1 + this.breaks(r.end, to);
        this.offset += to - from;
        this.start = to;
        if (!final) this.window = this.minWindow;
        continue;
      }
      // The record that failed begins after the empty lines that follow the last one read.
      const at = this.skipEmpty(r.end, to, r.line);
      let p = at.p;
      let abort = r.abort;
      const open = (abort as { code?: unknown }).code === "CSV_QUOTE_NOT_CLOSED";
      if (!final && open && this.len - p > this.maxRecord) abort = { code: "CSV_RECORD_TOO_LARGE" };
      else if (!final && open) {
        // A quoted field runs past this window: wait for more input (at least twice as much).
        this.offset += p - from;
        this.start = p;
        this.lineBase = at.line - 1;
        this.window = Math.max(this.minWindow, 2 * (this.len - p));
        break;
      }
      if (!skip || this.records === 0) this.fail(abort, at.line);
      const issue = csvErrorIssue(abort, this.options.file);
      out.push({
        error: { ...issue, line: at.line, message: `${issue.message}; row skipped` },
        line: at.line,
      });
      // Go on from the line after the one the failed record began on.
      const b = this.buf;
      while (p < to && b[p] !== LF && b[p] !== CR) p++;
      if (p < to) p += b[p] === CR && p + 1 < to && b[p + 1] === LF ? 2 : 1;
      // What the two parses read (up to where csv-parse stopped) is read again from `p`: past a
      // fixed multiple of the input, the quoting is too damaged to go on in linear time.
      const stop = (abort as { code?: unknown; bytes?: unknown }).bytes;
      const read = open ? to - from : Math.max(p - from, typeof stop === "number" ? stop : 0);
      this.parsed += 2 * read;
      if (this.damageLine === 0) this.damageLine = at.line;
      if (this.parsed > this.workFactor * this.pushed + 4 * MIN_WINDOW) {
        // Named at the line where the damage began, not where reading gave up.
        const issue = csvErrorIssue({ code: "CSV_TOO_MANY_ERRORS" }, this.options.file);
        throw new TranscriptParseError(this.options.format, [
          {
            ...issue,
            line: this.damageLine,
            message: `csv: the quoting is damaged from this line on (the records from here are malformed), too badly to read past line ${at.line}; fix the quoting from this line`,
          },
        ]);
      }
      this.offset += p - from;
      this.start = p;
      this.lineBase = at.line;
      // Errors close together: stay with the slow parse; far apart: try the fast one again.
      resumed = p - from < MIN_WINDOW;
    }
    return out;
  }
}

/** Line breaks inside a record's fields (CRLF counts once). */
function fieldBreaks(record: readonly string[]): number {
  let n = 0;
  for (const f of record) {
    for (let i = f.indexOf("\n"); i >= 0; i = f.indexOf("\n", i + 1)) n++;
    for (let i = f.indexOf("\r"); i >= 0; i = f.indexOf("\r", i + 1)) if (f[i + 1] !== "\n") n++;
  }
  return n;
}

/**
 * Parses a whole CSV text into records with the line each starts on, with {@link CsvRecordReader}.
 * With `skipped`, a malformed record is left out and reported there (`…; row skipped`, at the line
 * where it began); without, it throws. Shared by {@link readCsv}, `readAnnomi` and `readCodedRows`.
 * @throws {TranscriptParseError} of `format`, with csv-parse's code and line (never its message).
 * @internal
 */
export function parseCsvRecords(
  text: string,
  format: string,
  options: { file?: string | undefined; delimiter?: string | undefined; skipped?: Issue[] },
): CsvRecordAt[] {
  const { skipped } = options;
  const delimiter = fastDelimiter(options.delimiter);
  const t = delimiter < 0 ? undefined : wellFormed(text);
  if (t !== undefined) {
    // Well-formed text with rows of one width: read in one pass, without encoding it to bytes.
    const fast = parseCsvText(t, t.charCodeAt(0) === 0xfeff ? 1 : 0, t.length, delimiter, 1);
    const width = fast?.records[0]?.record.length;
    if (fast?.open === undefined && fast?.records.every((r) => r.record.length === width))
      return fast.records;
  }
  const reader = new CsvRecordReader({
    format,
    file: options.file,
    delimiter: options.delimiter,
    skip: skipped !== undefined,
  });
  const records: CsvRecordAt[] = [];
  for (const item of [...reader.push(new TextEncoder().encode(text)), ...reader.end()]) {
    if (item.error) skipped?.push(item.error);
    else records.push(item);
  }
  return records;
}

/**
 * The issue for a CSV with no header row (empty, or only blank lines): an error, since reading
 * nothing from a file that should hold a transcript is almost always a mistake (a truncated export,
 * the wrong file). @internal
 */
export function emptyCsvIssue(format: string, file: string | undefined): Issue {
  return issueAt(file, {
    code: "empty_input",
    line: 1,
    message: `${format}: the input is empty; expected a header row (e.g. speaker,text) and one row per utterance`,
  });
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
    message = 'csv: a quoted field in the row that begins here is never closed (a " is missing)';
  else if (code === "CSV_INVALID_OPENING_QUOTE" || code === "INVALID_OPENING_QUOTE")
    message = 'csv: a quote (") opens in the middle of an unquoted field; quote the whole field';
  else if (code === "CSV_INVALID_CLOSING_QUOTE")
    message =
      'csv: a closing quote (") is followed by other characters; double quotes inside a quoted field ("")';
  else if (code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE")
    message = "csv: characters follow a closing quote";
  else if (code === "CSV_RECORD_TOO_LARGE")
    message =
      "csv: the row that begins here is too long to read (more than four times the maximum utterance size, maxUtteranceBytes or --max-utterance-mb)";
  else if (code === "CSV_TOO_MANY_ERRORS")
    message =
      "csv: the quoting is too damaged to read past this row (too many malformed rows re-read); fix the quoting";
  else message = `csv: the input is not valid CSV (${code || "parse error"})`;
  return issueAt(file, {
    code:
      code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH"
        ? "bad_row"
        : code === "CSV_RECORD_TOO_LARGE"
          ? "too_large"
          : "bad_csv",
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
 * @throws {TranscriptParseError} `empty_input` (line 1) for an empty input (no header row);
 * `duplicate_column` (line 1, naming the two columns) when two header names are the same;
 * `missing_column` (line 1) for a mapped column the header lacks;
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
  if (!first) throw new TranscriptParseError("csv", [emptyCsvIssue("csv", file)]);
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
 * Options of the CSV writers ({@link writeCsv}, `writeCodedCsv`, `codedCsvLine`).
 * @category Transcripts
 */
export interface CsvWriteOptions {
  /**
   * Neutralise cells a spreadsheet would run as a formula (OWASP, "CSV Injection"): a cell that
   * begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, and every cell
   * is quoted. The price is an inexact round trip: reading the file back gives those cells with
   * the `'` (e.g. `'-1 point`). Use it for files people open in Excel, LibreOffice or Google
   * Sheets; leave it off for files only programs read. Default `false`.
   */
  readonly csvSafe?: boolean;
}

/** Whether a cell begins with a character a spreadsheet reads as the start of a formula. */
function formulaLeading(value: string): boolean {
  const c = value.charCodeAt(0);
  // = + - @ tab CR
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

/**
 * One CSV field as the writers write it: {@link csvField}, or with `csvSafe` quoted, with a `'`
 * before a formula-leading value (see {@link CsvWriteOptions.csvSafe}).
 * @internal
 */
export function csvCell(value: string, options?: CsvWriteOptions): string {
  if (options?.csvSafe)
    return `"${formulaLeading(value) ? "'" : ""}${value.replaceAll('"', '""')}"`;
  return csvField(value);
}

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
 * them); lines end with `\n`. With `csvSafe`, formula cells are neutralised (see
 * {@link CsvWriteOptions.csvSafe}), and the round trip is no longer exact for them.
 * @category Transcripts
 * @example
 * ```ts
 * writeCsv([{ id: "s1", utterances: [{ id: "s1:0", session: "s1", index: 0, speaker: "T", role: "therapist", text: "Hi, you" }] }]);
 * // => 'id,session,index,speaker,role,text\ns1:0,s1,0,T,therapist,"Hi, you"\n'
 * ```
 */
export function writeCsv(
  transcripts: readonly Transcript[],
  options: { columns?: readonly CsvColumn[] } & CsvWriteOptions = {},
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
    for (const u of t.utterances) lines.push(csvUtteranceRow(u, columns, options));
  return `${lines.join("\n")}\n`;
}

/**
 * One utterance as a CSV row (no line end) with the given columns: `metadata` as JSON, numbers as
 * written by `String`, every field quoted by {@link csvField} when it needs it. Shared by
 * {@link writeCsv} and the streaming `convert` command.
 * @internal
 */
export function csvUtteranceRow(
  u: Utterance,
  columns: readonly CsvColumn[] = CSV_COLUMNS,
  options?: CsvWriteOptions,
): string {
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
    row.push(csvCell(v, options));
  }
  return row.join(",");
}
