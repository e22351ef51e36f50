import { TranscriptParseError } from "../core/errors.js";
import type { Transcript } from "../core/schemas.js";
import type { ReadOptions, ReadResult } from "./_shared.js";
import { ANNOMI_REQUIRED_COLUMNS, readAnnomi } from "./annomi.js";
import { type CsvColumns, readCsv, writeCsv } from "./csv.js";
import { readJson, readJsonl, writeJson, writeJsonl } from "./json.js";
import { readSrt, readVtt } from "./subtitles.js";
import { readText } from "./text.js";

/** The transcript formats rapportkit reads. @category Transcripts */
export const TRANSCRIPT_FORMATS = ["csv", "jsonl", "json", "vtt", "srt", "txt", "annomi"] as const;
/** @category Transcripts */
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** True when `s` names a format in {@link TRANSCRIPT_FORMATS}. @category Transcripts */
export function isTranscriptFormat(s: string): s is TranscriptFormat {
  return (TRANSCRIPT_FORMATS as readonly string[]).includes(s);
}

/**
 * Options of {@link readTranscript}: the format, plus the options of that format's reader.
 * @category Transcripts
 */
export interface ReadTranscriptOptions extends ReadOptions {
  readonly format: TranscriptFormat;
  /** CSV only: which columns hold what. */
  readonly columns?: CsvColumns;
  /** CSV/JSONL: the `source` of codings read from a code column or key. */
  readonly source?: string;
  /** CSV only: the field delimiter (default `,`; a `.tsv` file read with `rapportkit/node` uses a tab). */
  readonly delimiter?: string;
}

/**
 * Reads a transcript in the named format (`csv|json|jsonl|vtt|srt|txt|annomi`), dispatching to
 * {@link readCsv}, {@link readJson}, {@link readJsonl}, {@link readVtt}, {@link readSrt},
 * {@link readText} or {@link readAnnomi}.
 * @throws {TranscriptParseError} from the reader; `invalid_input` for an unknown format.
 * @category Transcripts
 * @example
 * ```ts
 * readTranscript("T: Hi.\n", { format: "txt" }).transcripts[0].utterances[0].role; // => "therapist"
 * ```
 */
export function readTranscript(text: string, options: ReadTranscriptOptions): ReadResult {
  switch (options.format) {
    case "csv":
      return readCsv(text, options);
    case "json":
      return readJson(text, options);
    case "jsonl":
      return readJsonl(text, options);
    case "vtt":
      return readVtt(text, options);
    case "srt":
      return readSrt(text, options);
    case "txt":
      return readText(text, options);
    case "annomi":
      return readAnnomi(text, options);
    default:
      throw new TranscriptParseError(String(options.format), [
        {
          code: "invalid_input",
          path: ["format"],
          message: `unknown format; expected one of ${TRANSCRIPT_FORMATS.join(", ")}`,
        },
      ]);
  }
}

/**
 * Writes transcripts in `csv`, `jsonl` or `json`.
 * @category Transcripts
 */
export function writeTranscript(
  transcripts: readonly Transcript[],
  format: "csv" | "jsonl" | "json",
): string {
  if (format === "csv") return writeCsv(transcripts);
  if (format === "jsonl") return writeJsonl(transcripts);
  return writeJson(transcripts);
}

/**
 * Guesses a format from a file name's extension (`.csv`, `.jsonl`/`.ndjson`, `.json`, `.vtt`,
 * `.srt`, `.txt`), and, when `text` is given, from its content: a CSV whose header has AnnoMI's
 * columns is `annomi`; a text starting with `WEBVTT` is `vtt`. Returns `undefined` when unsure.
 * @category Transcripts
 * @example
 * ```ts
 * detectFormat("session.vtt"); // => "vtt"
 * detectFormat("AnnoMI-full.csv", "mi_quality,transcript_id,video_title,video_url,topic,utterance_id,interlocutor,timestamp,utterance_text\n"); // => "annomi"
 * ```
 */
export function detectFormat(fileName: string, text?: string): TranscriptFormat | undefined {
  const name = fileName.toLowerCase();
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot + 1) : "";
  const head = text === undefined ? undefined : text.slice(0, 4096).replace(/^\ufeff/, "");
  let fmt: TranscriptFormat | undefined;
  if (ext === "csv" || ext === "tsv") fmt = "csv";
  else if (ext === "jsonl" || ext === "ndjson") fmt = "jsonl";
  else if (ext === "json") fmt = "json";
  else if (ext === "vtt") fmt = "vtt";
  else if (ext === "srt") fmt = "srt";
  else if (ext === "txt" || ext === "text") fmt = "txt";
  if (head !== undefined) {
    if (head.startsWith("WEBVTT")) return "vtt";
    if (fmt === "csv" || fmt === undefined) {
      const nl = head.search(/\r|\n/);
      const firstLine = (nl < 0 ? head : head.slice(0, nl)).toLowerCase();
      const cols = firstLine.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
      if (ANNOMI_REQUIRED_COLUMNS.every((m) => cols.includes(m))) return "annomi";
    }
    if (fmt === undefined) {
      const t = head.trimStart();
      const nl = t.indexOf("\n");
      const line1 = (nl < 0 ? t : t.slice(0, nl)).trim();
      if (nl >= 0 && line1.startsWith("{") && line1.endsWith("}")) return "jsonl";
      if (t.startsWith("[") || t.startsWith("{")) return "json";
    }
  }
  return fmt;
}
