import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { flatten } from "../_internal/batches.js";
import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Coding, Utterance } from "../core/schemas.js";
import {
  groupSessions,
  maxUtteranceBytesOf,
  type ReadOptions,
  type ReadResult,
} from "../io/_shared.js";
import { Utf8Check } from "../io/_utf8.js";
import { annomiCollector } from "../io/annomi.js";
import {
  type CsvReadItem,
  type CsvReadOptions,
  CsvRecordReader,
  csvRecordBound,
  csvRowMapper,
  emptyCsvIssue,
  type MappedRow,
  RowError,
} from "../io/csv.js";
import { type JsonlReadOptions, jsonlLineMapper } from "../io/json.js";

/**
 * Options of the streaming readers beyond the core readers' own.
 * @category Node
 */
export interface StreamReadOptions {
  /**
   * Called at the end of the stream with a warning about the whole input: `invalid_utf8` (how many
   * byte sequences were not UTF-8 and were read as U+FFFD, and the line of the first). Without
   * it, nothing is said; `readTranscriptFile` and the CLI pass one.
   */
  readonly onWarning?: (warning: Issue) => void;
}

/**
 * What the streaming readers take: a file path, a Node stream, a web `ReadableStream`, or any
 * (async) iterable of strings or bytes.
 * @category Node
 */
export type StreamSource =
  | string
  | NodeJS.ReadableStream
  | WebReadableStream<Uint8Array>
  | ReadableStream<Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/**
 * One item of a streaming read: an utterance (with the line its row starts on, the codings the row
 * carried and any warnings, e.g. an unmapped speaker), or — with `onError: "skip"` — a row that
 * was left out, as an issue with its line. Issues never contain utterance text.
 * @category Node
 */
export type StreamItem =
  | {
      readonly utterance: Utterance;
      readonly line: number;
      readonly codings: readonly Coding[];
      readonly warnings: readonly Issue[];
      readonly error?: never;
    }
  | {
      readonly error: Issue;
      readonly line: number | undefined;
      readonly utterance?: never;
      readonly codings?: never;
      readonly warnings?: never;
    };

function toReadable(input: StreamSource): Readable {
  if (typeof input === "string") return createReadStream(input);
  if (input instanceof Readable) return input;
  if (typeof (input as ReadableStream).getReader === "function")
    return Readable.fromWeb(input as WebReadableStream<Uint8Array>);
  return Readable.from(input as AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>);
}

/**
 * The CSV records of a source, read chunk by chunk through {@link CsvRecordReader} (memory: the
 * current window and the longest record), each with the line it begins on; with `skip`, malformed
 * records come as error items at the line where they began.
 */
async function* csvItems(
  input: StreamSource,
  options: CsvItemsOptions,
): AsyncGenerator<CsvReadItem, void, undefined> {
  yield* flatten(csvItemBatches(input, options));
}

interface CsvItemsOptions {
  format: string;
  file?: string | undefined;
  delimiter?: string | undefined;
  skip: boolean;
  maxRecordBytes: number;
  onWarning?: ((warning: Issue) => void) | undefined;
}

/** {@link csvItems}, a batch per chunk read (no empty batches). */
async function* csvItemBatches(
  input: StreamSource,
  options: CsvItemsOptions,
): AsyncGenerator<readonly CsvReadItem[], void, undefined> {
  const reader = new CsvRecordReader(options);
  const source = toReadable(input);
  const encoder = new TextEncoder();
  const utf8 = new Utf8Check();
  try {
    for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      utf8.push(bytes);
      const items = reader.push(bytes);
      if (items.length) yield items;
    }
    const items = reader.end();
    if (items.length) yield items;
    utf8.end();
    const w = utf8.issue(options.format, options.file);
    if (w) options.onWarning?.(w);
  } finally {
    if (!source.destroyed) source.destroy();
  }
}

function withFile<T extends { file?: string }>(input: StreamSource, options: T): T {
  return options.file === undefined && typeof input === "string"
    ? { ...options, file: input }
    : options;
}

/**
 * Streams a CSV transcript utterance by utterance, with csv-parse's stream API: memory stays
 * constant whatever the file size (a 1 GB CSV is never read whole). An utterance longer than
 * `maxUtteranceBytes` (default 1 MB) is a `too_large` error at its line; a row longer than four
 * times that is refused before it is parsed (memory stays bounded whatever one row holds). Ids, sessions, indices, roles
 * and codings are exactly those of `readCsv` (the core entry) on the same text (same options).
 *
 * With `onError: "throw"` (default) a bad row throws a `TranscriptParseError` with its line; with
 * `"skip"` it yields `{ error, line }` and goes on. A missing mapped column always throws.
 * Warnings (e.g. an unmapped speaker) ride on the utterance item where they arise.
 * @category Node
 * @example
 * ```ts
 * for await (const item of streamCsvUtterances("big.csv", { columns: { text: "utterance" }, onError: "skip" })) {
 *   if (item.error) console.error(item.error.line, item.error.message);
 *   else handle(item.utterance);
 * }
 * ```
 */
export async function* streamCsvUtterances(
  input: StreamSource,
  options: CsvReadOptions & StreamReadOptions = {},
): AsyncGenerator<StreamItem, void, undefined> {
  yield* flatten(streamCsvItemBatches(input, options));
}

/**
 * The items of {@link streamCsvUtterances}, a batch per chunk read (one await per batch, not per
 * row): the same items in the same order, and an error thrown after the items before it.
 * @internal
 */
export async function* streamCsvItemBatches(
  input: StreamSource,
  options: CsvReadOptions & StreamReadOptions = {},
): AsyncGenerator<readonly StreamItem[], void, undefined> {
  const opts = withFile(input, options);
  const skip = opts.onError === "skip";
  let map: ((rec: readonly string[], line: number) => MappedRow) | undefined;
  let header = false;
  for await (const items of csvItemBatches(input, {
    format: "csv",
    file: opts.file,
    delimiter: opts.delimiter,
    skip,
    maxRecordBytes: csvRecordBound(maxUtteranceBytesOf("csv", opts)),
    onWarning: opts.onWarning,
  })) {
    const out: StreamItem[] = [];
    let failure: unknown;
    for (const item of items) {
      if (item.error) {
        out.push({ error: item.error, line: item.line });
        continue;
      }
      try {
        if (!map) {
          header = true;
          map = csvRowMapper(item.record, opts);
          continue;
        }
        const row = map(item.record, item.line);
        out.push({
          utterance: row.utterance,
          codings: row.codings,
          warnings: row.warnings,
          line: item.line,
        });
      } catch (e) {
        if (e instanceof RowError && skip) {
          out.push({
            error: { ...e.issue, message: `${e.issue.message}; row skipped` },
            line: item.line,
          });
          continue;
        }
        failure = e instanceof RowError ? new TranscriptParseError("csv", [e.issue]) : e;
        break;
      }
    }
    if (out.length) yield out;
    if (failure !== undefined) throw failure;
  }
  if (!map && !header) throw new TranscriptParseError("csv", [emptyCsvIssue("csv", opts.file)]);
}

/**
 * Streams a JSONL transcript line by line (constant memory). Ids, sessions and indices are exactly
 * those of `readJsonl` (the core entry) on the same text. `onError` as in {@link streamCsvUtterances}.
 * @category Node
 */
export async function* streamJsonlUtterances(
  input: StreamSource,
  options: JsonlReadOptions & StreamReadOptions = {},
): AsyncGenerator<StreamItem, void, undefined> {
  const opts = withFile(input, options);
  const skip = opts.onError === "skip";
  const map = jsonlLineMapper(opts);
  const source = toReadable(input);
  // The bytes are checked as UTF-8 on their way to the decoder (which replaces what is not).
  const utf8 = new Utf8Check();
  const encoder = new TextEncoder();
  const decoded = Readable.from(
    (async function* () {
      const decoder = new TextDecoder("utf-8");
      for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
        const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
        utf8.push(bytes);
        yield decoder.decode(bytes, { stream: true });
      }
      yield decoder.decode();
      utf8.end();
    })(),
  );
  const rl = createInterface({ input: decoded, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  try {
    for await (const raw of rl) {
      lineNo++;
      const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      try {
        const row = map(text, lineNo);
        if (row) yield { ...row, line: lineNo };
      } catch (e) {
        if (!(e instanceof RowError)) throw e;
        if (!skip) throw new TranscriptParseError("jsonl", [e.issue]);
        yield { error: { ...e.issue, message: `${e.issue.message}; line skipped` }, line: lineNo };
      }
    }
    const w = utf8.issue("jsonl", opts.file);
    if (w) opts.onWarning?.(w);
  } finally {
    rl.close();
    if (!decoded.destroyed) decoded.destroy();
    if (!source.destroyed) source.destroy();
  }
}

/**
 * Collects a stream of items into a {@link ReadResult}, as the non-streaming readers return it:
 * sessions in order of first appearance, skipped rows as warnings, warnings in line order.
 * @category Node
 */
export async function collectStream(items: AsyncIterable<StreamItem>): Promise<ReadResult> {
  const utterances: Utterance[] = [];
  const codings: Coding[] = [];
  const warnings: Issue[] = [];
  for await (const item of items) {
    if (item.error) {
      warnings.push(item.error);
      continue;
    }
    utterances.push(item.utterance);
    for (const c of item.codings) codings.push(c);
    for (const w of item.warnings) warnings.push(w);
  }
  warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { transcripts: groupSessions(utterances), codings, warnings };
}

/**
 * Reads an AnnoMI CSV from a file or stream with csv-parse's (faster) Node stream parser: the same
 * result as `readAnnomi` on the whole text. The rows are streamed; the collapsed utterances and the
 * codings are held in memory.
 * @throws {TranscriptParseError} as `readAnnomi`.
 * @category Node
 */
export async function readAnnomiStream(
  input: StreamSource,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const opts = withFile(input, options);
  const warnings: Issue[] = [];
  let collector: ReturnType<typeof annomiCollector> | undefined;
  for await (const item of csvItems(input, {
    format: "annomi",
    file: opts.file,
    skip: opts.onError === "skip",
    maxRecordBytes: csvRecordBound(maxUtteranceBytesOf("annomi", opts)),
    onWarning: (w) => warnings.push(w),
  })) {
    if (item.error) warnings.push(item.error);
    else if (!collector) collector = annomiCollector(item.record, opts, warnings);
    else collector.add(item.record, item.line);
  }
  if (!collector) throw new TranscriptParseError("annomi", [emptyCsvIssue("annomi", opts.file)]);
  return collector.finish();
}
