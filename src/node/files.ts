import { open, readFile, writeFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Transcript } from "../core/schemas.js";
import type { ReadResult } from "../io/_shared.js";
import { Utf8Check } from "../io/_utf8.js";
import {
  detectFormat,
  type ReadTranscriptOptions,
  readTranscript,
  type TranscriptFormat,
  writeTranscript,
} from "../io/read.js";
import {
  collectStream,
  readAnnomiStream,
  streamCsvUtterances,
  streamJsonlUtterances,
} from "./stream.js";

/**
 * Options of {@link readTranscriptFile}: those of `readTranscript`, with `format` optional (guessed
 * from the extension and the first bytes, see `detectFormat`) and `session` defaulting to the file's
 * base name without extension.
 * @category Node
 */
export type ReadFileOptions = Omit<ReadTranscriptOptions, "format"> & {
  readonly format?: TranscriptFormat;
};

/**
 * The first `bytes` bytes of a file as text (for format detection).
 * @category Node
 */
export async function readHead(path: string, bytes = 4096): Promise<string> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await fh.close();
  }
}

/**
 * The session name for a file: its base name without extension (`data/s01.csv` → `s01`).
 * @category Node
 */
export function sessionNameOf(path: string): string {
  const b = basename(path, extname(path));
  return b === "" ? "session" : b;
}

/**
 * The format of a file: `options.format`, else guessed from its extension and first bytes.
 * @throws {TranscriptParseError} `invalid_input` when the format cannot be told.
 * @category Node
 */
export async function formatOfFile(
  path: string,
  format?: TranscriptFormat,
): Promise<TranscriptFormat> {
  if (format) return format;
  const f = detectFormat(path, await readHead(path));
  if (!f)
    throw new TranscriptParseError("unknown", [
      {
        code: "invalid_input",
        path: ["format"],
        file: path,
        message:
          "cannot tell the format from the file name or content; pass a format (csv, jsonl, json, vtt, srt, txt, annomi)",
      },
    ]);
  return f;
}

/**
 * Reads a transcript file. CSV, JSONL and AnnoMI are read by the streaming readers (the same
 * result as `readCsv`/`readJsonl`/`readAnnomi` on the whole text, without holding the text in
 * memory); other formats are read whole. Errors and warnings carry the path as `file`.
 * @throws {TranscriptParseError} as the format's reader; Node's own error for a missing file.
 * @category Node
 * @example
 * ```ts
 * const { transcripts, warnings } = await readTranscriptFile("session.vtt");
 * ```
 */
export async function readTranscriptFile(
  path: string,
  options: ReadFileOptions = {},
): Promise<ReadResult> {
  const format = await formatOfFile(path, options.format);
  const tsv = extname(path).toLowerCase() === ".tsv" && format === "csv";
  const opts = {
    session: sessionNameOf(path),
    file: path,
    ...(tsv ? { delimiter: "\t" } : {}),
    ...options,
    format,
  };
  // Invalid UTF-8 is read as U+FFFD, with a warning (count and first line), never silently.
  const extra: Issue[] = [];
  const onWarning = (w: Issue) => extra.push(w);
  let result: ReadResult;
  if (format === "csv")
    result = await collectStream(streamCsvUtterances(path, { ...opts, onWarning }));
  else if (format === "jsonl")
    result = await collectStream(streamJsonlUtterances(path, { ...opts, onWarning }));
  else if (format === "annomi") return readAnnomiStream(path, opts);
  else result = readTranscript(await readTextChecked(path, format, opts.file, onWarning), opts);
  if (extra.length === 0) return result;
  const warnings = [...result.warnings, ...extra].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ...result, warnings };
}

/**
 * A whole file as text, decoded as UTF-8; invalid sequences are read as U+FFFD and reported to
 * `onWarning` (count and first line).
 * @internal
 */
export async function readTextChecked(
  path: string,
  format: string,
  file: string | undefined,
  onWarning: (w: Issue) => void,
): Promise<string> {
  const bytes = await readFile(path);
  const check = new Utf8Check();
  check.push(bytes);
  check.end();
  const w = check.issue(format, file);
  if (w) onWarning(w);
  return bytes.toString("utf8");
}

/**
 * Writes transcripts to a file as CSV, JSONL or JSON (format from `options.format` or the extension,
 * default JSONL).
 * @category Node
 */
export async function writeTranscriptFile(
  path: string,
  transcripts: readonly Transcript[],
  options: { format?: "csv" | "jsonl" | "json" } = {},
): Promise<void> {
  const ext = extname(path).toLowerCase();
  const format = options.format ?? (ext === ".csv" ? "csv" : ext === ".json" ? "json" : "jsonl");
  await writeFile(path, writeTranscript(transcripts, format), "utf8");
}
