import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { parse } from "csv-parse";
import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Coding, Utterance } from "../core/schemas.js";
import { groupSessions, type ReadOptions, type ReadResult } from "../io/_shared.js";
import { annomiCollector } from "../io/annomi.js";
import {
  type CsvReadOptions,
  csvErrorIssue,
  csvParseOptions,
  csvRecordLine,
  csvRowMapper,
  isCsvParseError,
  type MappedRow,
  RowError,
  reportSkippedInto,
} from "../io/csv.js";
import { type JsonlReadOptions, jsonlLineMapper } from "../io/json.js";

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
 * A csv-parse stream parser whose records come as `{ record, info: { lines } }`. csv-parse's own
 * `info: true` builds two info objects per record, which halves its throughput; instead this reads
 * the parser's documented live `parser.info.lines` counter at the moment each record is pushed
 * (the record's last line, exactly what `info.lines` would say). Falls back to `info: true` if the
 * parser has no such counter.
 */
function csvStreamParser(options: Record<string, unknown>) {
  const parser = parse({ ...options, info: false }) as ReturnType<typeof parse> & {
    info?: { lines?: unknown };
  };
  const info = parser.info;
  if (!info || typeof info.lines !== "number") return parse({ ...options, info: true });
  const push = parser.push.bind(parser);
  parser.push = (chunk: unknown, encoding?: BufferEncoding) =>
    push(
      chunk === null ? null : { record: chunk, info: { lines: info.lines as number } },
      encoding,
    );
  return parser;
}

function withFile<T extends { file?: string }>(input: StreamSource, options: T): T {
  return options.file === undefined && typeof input === "string"
    ? { ...options, file: input }
    : options;
}

/**
 * Streams a CSV transcript utterance by utterance, with csv-parse's stream API: memory stays
 * constant whatever the file size (a 1 GB CSV is never read whole). Ids, sessions, indices, roles
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
  options: CsvReadOptions = {},
): AsyncGenerator<StreamItem, void, undefined> {
  const opts = withFile(input, options);
  const file = opts.file;
  const skip = opts.onError === "skip";
  const skipped: Issue[] = [];
  const parser = csvStreamParser(
    csvParseOptions(opts.delimiter, skip ? reportSkippedInto(skipped, file) : undefined),
  );
  const source = toReadable(input);
  pipeline(source, parser, () => {});
  let map: ((rec: readonly string[], line: number) => MappedRow) | undefined;
  const drain = function* (before: number): Generator<StreamItem> {
    while (skipped.length > 0 && (skipped[0]?.line ?? 0) < before) {
      const e = skipped.shift() as Issue;
      yield { error: e, line: e.line };
    }
  };
  try {
    for await (const chunk of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = csvRecordLine(chunk.record, chunk.info.lines);
      if (skipped.length > 0) yield* drain(line);
      if (!map) {
        map = csvRowMapper(chunk.record, opts);
        continue;
      }
      try {
        yield { ...map(chunk.record, line), line };
      } catch (e) {
        if (!(e instanceof RowError)) throw e;
        if (!skip) throw new TranscriptParseError("csv", [e.issue]);
        yield { error: { ...e.issue, message: `${e.issue.message}; row skipped` }, line };
      }
    }
  } catch (e) {
    if (e instanceof TranscriptParseError) throw e;
    if (isCsvParseError(e)) throw new TranscriptParseError("csv", [csvErrorIssue(e, file)]);
    throw e;
  } finally {
    if (!source.destroyed) source.destroy();
  }
  yield* drain(Number.POSITIVE_INFINITY);
}

/**
 * Streams a JSONL transcript line by line (constant memory). Ids, sessions and indices are exactly
 * those of `readJsonl` (the core entry) on the same text. `onError` as in {@link streamCsvUtterances}.
 * @category Node
 */
export async function* streamJsonlUtterances(
  input: StreamSource,
  options: JsonlReadOptions = {},
): AsyncGenerator<StreamItem, void, undefined> {
  const opts = withFile(input, options);
  const skip = opts.onError === "skip";
  const map = jsonlLineMapper(opts);
  const source = toReadable(input);
  source.setEncoding?.("utf8");
  const rl = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
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
  } finally {
    rl.close();
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
  const file = opts.file;
  const warnings: Issue[] = [];
  const parser = csvStreamParser(
    csvParseOptions(
      undefined,
      opts.onError === "skip" ? reportSkippedInto(warnings, file) : undefined,
    ),
  );
  const source = toReadable(input);
  pipeline(source, parser, () => {});
  let collector: ReturnType<typeof annomiCollector> | undefined;
  try {
    for await (const chunk of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!collector) collector = annomiCollector(chunk.record, opts, warnings);
      else collector.add(chunk.record, csvRecordLine(chunk.record, chunk.info.lines));
    }
  } catch (e) {
    if (e instanceof TranscriptParseError) throw e;
    if (isCsvParseError(e)) throw new TranscriptParseError("annomi", [csvErrorIssue(e, file)]);
    throw e;
  } finally {
    if (!source.destroyed) source.destroy();
  }
  return collector
    ? collector.finish()
    : { transcripts: [], codings: [], warnings, codebookId: "annomi" };
}
