import { TranscriptParseError } from "../core/errors.js";
import type {
  CodebookRef,
  CodedTranscript,
  Coding,
  SpeakerRole,
  Utterance,
} from "../core/schemas.js";
import { jsonErrorLocation } from "./_json-locate.js";
import { isRole, issueAt, splitLines } from "./_shared.js";
import {
  type CsvRecordAt,
  type CsvWriteOptions,
  csvCell,
  csvField,
  parseCsvRecords,
} from "./csv.js";

/**
 * One coded utterance as `rapportkit code` writes it and `score`, `agree` and `eval` read it.
 * `speaker` is the role; `code` is empty for an uncoded utterance.
 * @category Transcripts
 */
export interface CodedRow {
  readonly id: string;
  readonly session: string;
  readonly index: number;
  readonly speaker: SpeakerRole;
  readonly code: string;
  readonly confidence: number;
  readonly text: string;
}

/** Decimals a written confidence keeps: `0.9242555229336087` is written `0.9243`. */
const CONFIDENCE_DECIMALS = 4;

/** A confidence as the coded-row writers write it: rounded to {@link CONFIDENCE_DECIMALS} decimals. */
function confidenceOut(x: number): number {
  const r = Number(x.toFixed(CONFIDENCE_DECIMALS));
  return Object.is(r, -0) ? 0 : r;
}

/** The coded-rows columns, in order (the CSV header exactly). @category Transcripts */
export const CODED_COLUMNS = [
  "id",
  "session",
  "index",
  "speaker",
  "code",
  "confidence",
  "text",
] as const;

/**
 * Writes coded rows as CSV with the header exactly `id,session,index,speaker,code,confidence,text`;
 * confidences rounded to 4 decimals ({@link CONFIDENCE_DECIMALS}).
 * With `csvSafe`, cells a spreadsheet would run as formulas are neutralised (see
 * {@link CsvWriteOptions.csvSafe}).
 * @category Transcripts
 * @example
 * ```ts
 * writeCodedCsv([{ id: "s:0", session: "s", index: 0, speaker: "therapist", code: "question.open", confidence: 0.9, text: "What brings you here?" }]);
 * // => "id,session,index,speaker,code,confidence,text\ns:0,s,0,therapist,question.open,0.9,What brings you here?\n"
 * ```
 */
export function writeCodedCsv(rows: Iterable<CodedRow>, options?: CsvWriteOptions): string {
  let out = `${CODED_COLUMNS.join(",")}\n`;
  for (const r of rows) out += codedCsvLine(r, options);
  return out;
}

/**
 * One coded row as a CSV line (with its `\n`), for writing row by row. `csvSafe`: see
 * {@link CsvWriteOptions.csvSafe}.
 * @category Transcripts
 */
export function codedCsvLine(r: CodedRow, options?: CsvWriteOptions): string {
  if (options?.csvSafe)
    return `${[
      r.id,
      r.session,
      String(r.index),
      r.speaker,
      r.code,
      String(confidenceOut(r.confidence)),
      r.text,
    ]
      .map((v) => csvCell(v, options))
      .join(",")}\n`;
  return `${csvField(r.id)},${csvField(r.session)},${r.index},${r.speaker},${csvField(r.code)},${confidenceOut(r.confidence)},${csvField(r.text)}\n`;
}

/**
 * One coded row as a JSONL line (with its `\n`), keys in {@link CODED_COLUMNS} order, the confidence
 * rounded to 4 decimals.
 * @category Transcripts
 */
export function codedJsonlLine(r: CodedRow): string {
  return `${JSON.stringify({
    id: r.id,
    session: r.session,
    index: r.index,
    speaker: r.speaker,
    code: r.code,
    confidence: confidenceOut(r.confidence),
    text: r.text,
  })}\n`;
}

/** Writes coded rows as JSONL, one object per line. @category Transcripts */
export function writeCodedJsonl(rows: Iterable<CodedRow>): string {
  let out = "";
  for (const r of rows) out += codedJsonlLine(r);
  return out;
}

function toRow(
  o: Record<string, unknown>,
  line: number,
  file: string | undefined,
  format: string,
): CodedRow {
  const bad = (field: string, expected: string): never => {
    throw new TranscriptParseError(format, [
      issueAt(file, {
        code: "bad_row",
        line,
        path: [field],
        message: `${format}: coded row field "${field}" must be ${expected}`,
      }),
    ]);
  };
  const id = o.id;
  const session = o.session;
  const speaker = typeof o.speaker === "string" ? o.speaker.trim().toLowerCase() : o.speaker;
  const code = o.code ?? "";
  const index = typeof o.index === "string" && o.index.trim() !== "" ? Number(o.index) : o.index;
  const confRaw = o.confidence;
  const confidence =
    confRaw === "" || confRaw === undefined || confRaw === null
      ? 0
      : typeof confRaw === "string"
        ? Number(confRaw)
        : confRaw;
  const text = o.text;
  if (typeof id !== "string" || id === "") bad("id", "a non-empty string");
  if (typeof session !== "string" || session === "") bad("session", "a non-empty string");
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0)
    bad("index", "a non-negative integer");
  if (typeof speaker !== "string" || !isRole(speaker)) bad("speaker", "therapist, client or other");
  if (typeof code !== "string") bad("code", "a string (empty when uncoded)");
  if (typeof confidence !== "number" || !(confidence >= 0 && confidence <= 1))
    bad("confidence", "a number in [0, 1]");
  if (typeof text !== "string") bad("text", "a string");
  return {
    id: id as string,
    session: session as string,
    index: index as number,
    speaker: speaker as SpeakerRole,
    code: code as string,
    confidence: confidence as number,
    text: text as string,
  };
}

/**
 * Reads coded rows (the output of `rapportkit code`) from CSV (header with at least the columns
 * `id,session,index,speaker,code,confidence,text`, in any order) or JSONL.
 * @throws {TranscriptParseError} `missing_column` (line 1), `bad_row`/`bad_csv`/`bad_json` with the
 * line, naming the field and what it must be.
 * @category Transcripts
 */
export function readCodedRows(
  text: string,
  options: { format: "csv" | "jsonl"; file?: string },
): CodedRow[] {
  const file = options.file;
  const out: CodedRow[] = [];
  if (options.format === "jsonl") {
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] as string;
      if (l.trim() === "") continue;
      let o: unknown;
      try {
        o = JSON.parse(l);
      } catch {
        throw new TranscriptParseError("jsonl", [
          issueAt(file, {
            code: "bad_json",
            line: i + 1,
            column: jsonErrorLocation(l).column,
            message: "jsonl: the line is not valid JSON (expected one coded row object per line)",
          }),
        ]);
      }
      if (o === null || typeof o !== "object" || Array.isArray(o))
        throw new TranscriptParseError("jsonl", [
          issueAt(file, {
            code: "bad_row",
            line: i + 1,
            message: "jsonl: the line is not a JSON object",
          }),
        ]);
      out.push(toRow(o as Record<string, unknown>, i + 1, file, "jsonl"));
    }
    return out;
  }
  const records = parseCsvRecords(text, "csv", { file });
  const header = records[0]?.record ?? [];
  const col: Record<string, number> = {};
  for (const c of CODED_COLUMNS) {
    const i = header.findIndex((h) => h.trim().toLowerCase() === c);
    if (i < 0 && records.length > 0)
      throw new TranscriptParseError("csv", [
        issueAt(file, {
          code: "missing_column",
          line: 1,
          path: ["columns", c],
          message: `csv: coded rows need the column "${c}" (header: ${CODED_COLUMNS.join(",")})`,
        }),
      ]);
    col[c] = i;
  }
  for (let r = 1; r < records.length; r++) {
    const { record, line } = records[r] as CsvRecordAt;
    const o: Record<string, unknown> = {};
    for (const c of CODED_COLUMNS) o[c] = record[col[c] as number];
    out.push(toRow(o, line, file, "csv"));
  }
  return out;
}

/**
 * Groups coded rows into coded transcripts (one per session, in order of first appearance): each
 * row an utterance (speaker and role = the row's `speaker`), each non-empty `code` a coding with
 * the row's confidence and the given `source`.
 * @category Transcripts
 */
export function codedRowsToCodedTranscripts(
  rows: readonly CodedRow[],
  codebook: CodebookRef,
  source: string,
): CodedTranscript[] {
  const sessions = new Map<string, { utterances: Utterance[]; codings: Coding[] }>();
  for (const r of rows) {
    let s = sessions.get(r.session);
    if (!s) {
      s = { utterances: [], codings: [] };
      sessions.set(r.session, s);
    }
    s.utterances.push({
      id: r.id,
      session: r.session,
      index: r.index,
      speaker: r.speaker,
      role: r.speaker,
      text: r.text,
    });
    if (r.code !== "")
      s.codings.push({ utteranceId: r.id, codeId: r.code, confidence: r.confidence, source });
  }
  return [...sessions].map(([id, s]) => ({
    transcript: { id, utterances: s.utterances },
    codebook: { id: codebook.id, version: codebook.version },
    codings: s.codings,
  }));
}
