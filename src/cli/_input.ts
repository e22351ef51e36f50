/**
 * Shared input options for every command that reads transcripts (`code`, `score`, `report`,
 * `convert`): spread {@link inputArgs} into the command's `args`, then call {@link loadInput}
 * (whole input) or {@link streamInput} (utterance by utterance, constant memory for CSV/JSONL).
 *
 * How a CSV is read:
 * - Each row is one utterance; `--text-column` names the column with the words (default `text`).
 * - `--session-column` groups rows into sessions. Without it, ALL rows form ONE session named after
 *   the file (its base name without extension; `stdin` for `-`), indexed in row order, with ids
 *   `<session>:<index>` unless `--id-column` is given.
 * - `--speaker therapist|client` sets the role of every row (e.g. a CSV of therapist replies only);
 *   otherwise the role comes from `--role-column`, else `--speaker-column` through the speaker map
 *   (defaults plus `--speaker-map name=role,...`). An unmapped speaker is kept with role `other`
 *   and warned about.
 * - `--context-column` names a column holding the preceding turn (typically the client's words the
 *   therapist replies to); its value is kept as `utterance.metadata.context`, so classifiers can
 *   use it as the previous client turn when rows are single utterances rather than sessions.
 * - `--on-error skip` leaves out malformed rows, reporting each with its line, instead of stopping.
 *
 * Warnings go to stderr as one line each, `file:line: message`, never with utterance text.
 * @module
 */
import { stat } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import type { ArgsDef } from "citty";
import { parse as parseCsvSync } from "csv-parse/sync";
import { flatten, oneEach } from "../_internal/batches.js";
import { columnsNote } from "../_internal/closest.js";
import { formatIssue, type Issue } from "../core/errors.js";
import type { SpeakerRole } from "../core/schemas.js";
import { DEFAULT_MAX_UTTERANCE_BYTES, type OnError, type ReadResult } from "../io/_shared.js";
import { type CsvColumns, csvParseOptions } from "../io/csv.js";
import {
  detectFormat,
  isTranscriptFormat,
  type ReadTranscriptOptions,
  readTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
} from "../io/read.js";
import { parseSpeakerMap, type SpeakerMap } from "../io/speakers.js";
import { readHead, readTextChecked, readTranscriptFile, sessionNameOf } from "../node/files.js";
import {
  readAnnomiStream,
  type StreamItem,
  streamCsvItemBatches,
  streamJsonlUtterances,
} from "../node/stream.js";
import { terminalSafe } from "./_text.js";
import { type CliIO, InputError, UsageError } from "./io.js";

/** The citty args every transcript-reading command accepts. Spread into a command's `args`. */
export const inputArgs = {
  format: {
    type: "string",
    description: `input format: ${TRANSCRIPT_FORMATS.join("|")} (default: from the file name and content)`,
  },
  "text-column": {
    type: "string",
    description: "CSV column with the utterance text (default: text)",
  },
  "context-column": {
    type: "string",
    description: "CSV column with the preceding (client) turn, kept as metadata.context",
  },
  "id-column": {
    type: "string",
    description: "CSV column with utterance ids (default: <session>:<index>)",
  },
  "speaker-column": {
    type: "string",
    description: "CSV column with speaker names (mapped to roles)",
  },
  "session-column": {
    type: "string",
    description: "CSV column with session ids (default: one session named after the file)",
  },
  "role-column": { type: "string", description: "CSV column with roles (therapist|client|other)" },
  "start-column": {
    type: "string",
    description: "CSV column with start times (seconds or hh:mm:ss)",
  },
  "end-column": { type: "string", description: "CSV column with end times (seconds or hh:mm:ss)" },
  speaker: { type: "string", description: "role of every row: therapist|client" },
  "speaker-map": {
    type: "string",
    description: "speaker names to roles, e.g. 'Dr Lee=therapist,Sam=client' (over the defaults)",
  },
  "on-error": {
    type: "string",
    description:
      "malformed rows (CSV/JSONL/AnnoMI): throw (stop, default) or skip (report and go on)",
  },
  "max-utterance-mb": {
    type: "string",
    description: `longest utterance read, in MB (default ${DEFAULT_MAX_UTTERANCE_BYTES / 1e6}); longer: an error at its line`,
  },
} as const satisfies ArgsDef;

const COLUMN_ARGS: readonly [string, keyof CsvColumns][] = [
  ["text-column", "text"],
  ["context-column", "context"],
  ["id-column", "id"],
  ["speaker-column", "speaker"],
  ["session-column", "session"],
  ["role-column", "role"],
  ["start-column", "start"],
  ["end-column", "end"],
];

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * An option's value, whichever spelling citty stored it under (`--code-column` or `codeColumn`);
 * `--x` without a value is a usage error.
 */
export function strArg(args: Record<string, unknown>, name: string): string | undefined {
  const v = args[name] ?? args[camel(name)];
  if (v === undefined || v === null || v === false) return undefined;
  if (v === true || v === "") throw new UsageError(`--${name} needs a value`);
  return String(v);
}

/** An option's value as a whole number ≥ `min` (see {@link strArg}); anything else is a usage error. */
export function intArg(
  args: Record<string, unknown>,
  name: string,
  min: number,
): number | undefined {
  const v = strArg(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}`);
  return n;
}

/** The reader options the input args describe (format not included). */
export interface InputOptions {
  readonly format: TranscriptFormat | undefined;
  readonly columns: CsvColumns | undefined;
  readonly role: SpeakerRole | undefined;
  readonly speakerMap: SpeakerMap | undefined;
  readonly onError: OnError;
  readonly maxUtteranceBytes: number;
}

/**
 * Validates the input args and turns them into reader options.
 * @throws {UsageError} for an unknown format, role, speaker map entry or `--on-error` value, or
 * column options with a format other than CSV.
 */
export function inputOptionsOf(args: Record<string, unknown>): InputOptions {
  const f = strArg(args, "format");
  if (f !== undefined && !isTranscriptFormat(f))
    throw new UsageError(`--format must be one of ${TRANSCRIPT_FORMATS.join(", ")}`);
  const columns: Record<string, string> = {};
  for (const [arg, field] of COLUMN_ARGS) {
    const v = strArg(args, arg);
    if (v !== undefined) columns[field] = v;
  }
  const hasColumns = Object.keys(columns).length > 0;
  const sp = strArg(args, "speaker");
  let role: SpeakerRole | undefined;
  if (sp !== undefined) {
    const r = sp.trim().toLowerCase();
    if (r !== "therapist" && r !== "client" && r !== "other")
      throw new UsageError("--speaker must be therapist or client (the role of every row)");
    role = r;
  }
  const mapSpec = strArg(args, "speaker-map");
  let speakerMap: SpeakerMap | undefined;
  if (mapSpec !== undefined) {
    const m = parseSpeakerMap(mapSpec);
    if (!m.ok)
      throw new UsageError(
        `--speaker-map entry ${m.entry + 1} must look like ${m.expected} (entries separated by commas)`,
      );
    speakerMap = m.map;
  }
  const oe = strArg(args, "on-error") ?? "throw";
  if (oe !== "throw" && oe !== "skip") throw new UsageError("--on-error must be throw or skip");
  const mbRaw = strArg(args, "max-utterance-mb");
  const mb = mbRaw === undefined ? DEFAULT_MAX_UTTERANCE_BYTES / 1e6 : Number(mbRaw);
  if (!Number.isFinite(mb) || Math.round(mb * 1e6) < 1)
    throw new UsageError("--max-utterance-mb must be a number of megabytes above 0 (e.g. 1 or 8)");
  return {
    format: f as TranscriptFormat | undefined,
    columns: hasColumns ? (columns as CsvColumns) : undefined,
    role,
    speakerMap,
    onError: oe,
    maxUtteranceBytes: Math.round(mb * 1e6),
  };
}

interface Resolved {
  readonly format: TranscriptFormat;
  readonly options: ReadTranscriptOptions;
  /** Absolute path, or undefined for stdin. */
  readonly path: string | undefined;
  /** The whole text, when it had to be read (stdin). */
  readonly text: string | undefined;
}

async function resolveInput(
  path: string,
  args: Record<string, unknown>,
  io: CliIO,
  extra: Partial<ReadTranscriptOptions> = {},
): Promise<Resolved> {
  if (!path) throw new UsageError("missing input file (a path, or - for stdin)");
  const o = inputOptionsOf(args);
  let format = o.format;
  let text: string | undefined;
  let abs: string | undefined;
  let file: string;
  let session: string;
  if (path === "-") {
    if (!io.stdin) throw new InputError("reading standard input is not available here");
    text = await io.stdin();
    format ??= detectFormat("", text);
    file = "<stdin>";
    session = "stdin";
  } else {
    abs = resolvePath(io.cwd, path);
    // A directory fails later with EISDIR and no file name: say which, now.
    if ((await stat(abs).catch(() => undefined))?.isDirectory())
      throw new InputError(`${path}: is a directory, not a transcript file`);
    format ??= detectFormat(path, await readHead(abs));
    file = path;
    session = sessionNameOf(path);
  }
  if (!format)
    throw new UsageError(
      `cannot tell the format of ${path === "-" ? "standard input" : path}; pass --format ${TRANSCRIPT_FORMATS.join("|")}`,
    );
  if (o.columns && format !== "csv")
    throw new UsageError(
      `the --*-column options apply to --format csv only (the input is ${format})`,
    );
  const options: ReadTranscriptOptions = {
    format,
    file,
    session,
    ...(format === "csv" && path.toLowerCase().endsWith(".tsv") ? { delimiter: "\t" } : {}),
    onError: o.onError,
    maxUtteranceBytes: o.maxUtteranceBytes,
    ...(o.columns ? { columns: o.columns } : {}),
    ...(o.role ? { role: o.role } : {}),
    ...(o.speakerMap ? { speakerMap: o.speakerMap } : {}),
    ...extra,
  };
  return { format, options, path: abs, text };
}

/**
 * Prints warnings to `io.err`, one line each (`file:line: message`), at most `max` of them, then a
 * count of the rest. Warnings never hold utterance text.
 */
export function printWarnings(warnings: readonly Issue[], io: CliIO, max = 50): void {
  const n = Math.min(max, warnings.length);
  for (let i = 0; i < n; i++)
    io.err(`rapportkit: warning: ${terminalSafe(formatIssue(warnings[i] as Issue))}\n`);
  if (warnings.length > n)
    io.err(`rapportkit: warning: … and ${warnings.length - n} more warnings\n`);
}

/**
 * Reads the input a command was given (`path`, or `-` for stdin via `io.stdin`) with the options of
 * {@link inputArgs}, prints its warnings to `io.err`, and returns the {@link ReadResult}.
 * CSV and JSONL files are read by the streaming readers; see the module notes for how CSV rows
 * become sessions and what `--context-column` does.
 * @throws {UsageError} for bad options; `TranscriptParseError` (exit 1, with file:line:column) for
 * bad input.
 */
export async function loadInput(
  path: string,
  args: Record<string, unknown>,
  io: CliIO,
): Promise<ReadResult> {
  const r = await resolveInput(path, args, io);
  let result: ReadResult;
  if (r.text !== undefined) result = readTranscript(r.text, r.options);
  else {
    const { format: _f, ...rest } = r.options;
    result = await readTranscriptFile(r.path as string, { ...rest, format: r.format });
  }
  if (!r.options.role && result.transcripts.some((t) => t.utterances.length > 0)) {
    if (result.transcripts.every((t) => t.utterances.every((u) => u.role === "other")))
      throw await allOtherError(r, path);
  }
  printWarnings(result.warnings, io);
  return result;
}

/**
 * The error for an input whose every utterance resolved to role `other`: nothing would be coded
 * as a therapist's or a client's words, which is never what was meant. Names the options that say
 * whose words are whose and, for a CSV, the columns the file has (when line 1 looks like a header).
 */
async function allOtherError(r: Resolved, path: string): Promise<InputError> {
  const name = path === "-" ? "<stdin>" : path;
  const o = r.options as ReadTranscriptOptions & { columns?: CsvColumns };
  if (r.format !== "csv")
    return new InputError(
      `${name}: every utterance has role "other" (no speaker label is a known role), so none would be read as a therapist's or a client's words; say whose they are with --speaker therapist|client (every utterance) or --speaker-map name=role (e.g. --speaker-map Sam=client,Lee=therapist)`,
    );
  let header: string[] | undefined;
  try {
    const head = r.text ?? (await readHead(r.path as string, 65536));
    const recs = parseCsvSync(head, {
      ...csvParseOptions(o.delimiter),
      to_line: 1,
      relax_column_count: true,
    }) as unknown as { record: string[] }[];
    header = recs[0]?.record;
  } catch {
    header = undefined;
  }
  const speakerCol =
    o.columns?.speaker ??
    header?.find((h) => h.trim().toLowerCase() === "speaker") ??
    o.columns?.role ??
    header?.find((h) => h.trim().toLowerCase() === "role");
  const why =
    speakerCol === undefined
      ? "the file has no speaker column"
      : `no value of the ${JSON.stringify(speakerCol)} column is a known role`;
  return new InputError(
    `${name}: every row has role "other" (${why}), so none would be read as a therapist's or a client's words; say whose they are with --speaker therapist|client (every row), --speaker-column <column> (speaker names) or --speaker-map name=role (e.g. --speaker-map Sam=client,Lee=therapist)${header ? columnsNote(header) : ""}`,
  );
}

/**
 * Holds back items while every utterance so far has role `other`; throws {@link allOtherError}
 * when the input ends that way, and streams on as soon as a therapist or client appears.
 * ({@link refuseAllOtherBatches} over one-item batches.)
 */
async function* refuseAllOther(
  items: AsyncIterable<StreamItem>,
  r: Resolved,
  path: string,
): AsyncGenerator<StreamItem, void, undefined> {
  yield* flatten(refuseAllOtherBatches(oneEach(items), r, path));
}

/** The items of `batches`, held back while every utterance so far has role `other` (see {@link refuseAllOther}). */
async function* refuseAllOtherBatches(
  batches: AsyncIterable<readonly StreamItem[]>,
  r: Resolved,
  path: string,
): AsyncGenerator<readonly StreamItem[], void, undefined> {
  if (r.options.role) {
    yield* batches;
    return;
  }
  let held: StreamItem[] | undefined = [];
  let seen = false;
  for await (const batch of batches) {
    if (held === undefined) {
      yield batch;
      continue;
    }
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i] as StreamItem;
      held.push(item);
      if (item.utterance === undefined) continue;
      seen = true;
      if (item.utterance.role !== "other") {
        for (let k = i + 1; k < batch.length; k++) held.push(batch[k] as StreamItem);
        yield held;
        held = undefined;
        break;
      }
    }
  }
  if (held === undefined) return;
  if (seen) throw await allOtherError(r, path);
  if (held.length) yield held;
}

/** A streamed item, with its session's metadata when the input has some (AnnoMI: `mi_quality`, `topic`, …). */
export type InputItem = StreamItem & {
  readonly sessionMetadata?: Readonly<Record<string, unknown>>;
};

/**
 * Streams the input utterance by utterance: CSV and JSONL files with constant memory, each item
 * carrying its own warnings (`item.warnings`, not printed here) and skipped rows coming as
 * `{ error }` items (with `--on-error skip`). Other formats and stdin are read whole, their warnings
 * printed to `io.err` here, then streamed (with `line: 0`, and the session's metadata). `extra`
 * reader options go to the reader as they are (`convert` keeps AnnoMI's label columns with them).
 */
export async function* streamInput(
  path: string,
  args: Record<string, unknown>,
  io: CliIO,
  extra: Partial<ReadTranscriptOptions> = {},
): AsyncGenerator<InputItem, void, undefined> {
  const r = await resolveInput(path, args, io, extra);
  if (r.path !== undefined && r.format === "csv") {
    yield* flatten(csvBatches(r, path, io));
    return;
  }
  yield* streamResolved(r, path, io);
}

/**
 * {@link streamInput}'s items in batches: a CSV file a batch per chunk read (one await per batch,
 * not per row: `code`), other inputs an item per batch.
 */
export async function* streamInputBatches(
  path: string,
  args: Record<string, unknown>,
  io: CliIO,
  extra: Partial<ReadTranscriptOptions> = {},
): AsyncGenerator<readonly InputItem[], void, undefined> {
  const r = await resolveInput(path, args, io, extra);
  if (r.path !== undefined && r.format === "csv") {
    yield* csvBatches(r, path, io);
    return;
  }
  yield* oneEach(streamResolved(r, path, io));
}

function csvBatches(
  r: Resolved,
  path: string,
  io: CliIO,
): AsyncGenerator<readonly StreamItem[], void, undefined> {
  // A warning about the whole input (invalid UTF-8: count and first line) comes at its end.
  const onWarning = (w: Issue) => printWarnings([w], io);
  return refuseAllOtherBatches(
    streamCsvItemBatches(r.path as string, { ...r.options, onWarning }),
    r,
    path,
  );
}

/** {@link streamInput} of a resolved input that is not a CSV file. */
async function* streamResolved(
  r: Resolved,
  path: string,
  io: CliIO,
): AsyncGenerator<InputItem, void, undefined> {
  // A warning about the whole input (invalid UTF-8: count and first line) comes at its end.
  const onWarning = (w: Issue) => printWarnings([w], io);
  if (r.path !== undefined && r.format === "jsonl") {
    yield* refuseAllOther(streamJsonlUtterances(r.path, { ...r.options, onWarning }), r, path);
    return;
  }
  const result =
    r.path !== undefined && r.format === "annomi"
      ? await readAnnomiStream(r.path, r.options)
      : readTranscript(
          r.text ?? (await readTextChecked(r.path as string, r.format, r.options.file, onWarning)),
          r.options,
        );
  const utterances = result.transcripts.flatMap((t) => t.utterances);
  if (!r.options.role && utterances.length > 0 && utterances.every((u) => u.role === "other"))
    throw await allOtherError(r, path);
  // Rows a whole-file reader skipped (`--on-error skip`) are items of their own, as the streaming
  // readers give them, so that `code` and `convert` count them in their summaries.
  const skipped = result.warnings.filter((w) => w.message.endsWith("; row skipped"));
  printWarnings(
    result.warnings.filter((w) => !w.message.endsWith("; row skipped")),
    io,
  );
  for (const w of skipped) yield { error: w, line: w.line };
  const byUtterance = new Map<string, (typeof result.codings)[number][]>();
  for (const c of result.codings) {
    const list = byUtterance.get(c.utteranceId);
    if (list) list.push(c);
    else byUtterance.set(c.utteranceId, [c]);
  }
  for (const t of result.transcripts)
    for (const u of t.utterances)
      yield {
        utterance: u,
        line: 0,
        codings: byUtterance.get(u.id) ?? [],
        warnings: [],
        ...(t.metadata ? { sessionMetadata: t.metadata } : {}),
      };
}

/** One CSV record and the 1-based line it ends on. */
export interface CsvRecord {
  readonly record: string[];
  readonly line: number;
}

/**
 * Parses a whole CSV text (a header and data rows, not transcripts: `agree`, `survey`) with the IO
 * layer's csv-parse options, so every command splits lines the same way and in linear time (any mix
 * of `\r\n`, `\n`, `\r`; BOM dropped; empty lines skipped; every row as wide as the header).
 * Throws csv-parse's error: callers report its `code` and `lines`, never its message (it can quote
 * cell content).
 */
export function csvRecords(text: string): CsvRecord[] {
  const parsed = parseCsvSync(text, csvParseOptions(undefined)) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  return parsed.map((r) => ({ record: r.record, line: r.info.lines }));
}
