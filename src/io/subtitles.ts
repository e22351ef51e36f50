import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Transcript, Utterance } from "../core/schemas.js";
import {
  formatClock,
  issueAt,
  makeUtterance,
  maxUtteranceBytesOf,
  parseTime,
  type ReadOptions,
  type ReadResult,
  speakerPrefix,
  speakerResolver,
  splitLines,
  tooLargeIssue,
  utf8Over,
} from "./_shared.js";

interface Cue {
  line: number;
  identifier: string | undefined;
  start: number;
  end: number;
  speaker: string | undefined;
  text: string;
}

/**
 * Parses a timing line `start --> end [settings]`. Returns the times or the 1-based column of the
 * first bad timestamp.
 */
function parseTiming(
  line: string,
  sep: "." | ",",
): { start: number; end: number } | { column: number; what: string } {
  const arrow = line.indexOf("-->");
  if (arrow < 0) return { column: 1, what: 'a timing line "start --> end"' };
  const left = line.slice(0, arrow);
  const startCol = left.length - left.trimStart().length + 1;
  const startText = left.trim();
  const rightAll = line.slice(arrow + 3);
  const endOffset = arrow + 3 + (rightAll.length - rightAll.trimStart().length);
  const rightTrim = rightAll.trimStart();
  let stop = 0;
  while (
    stop < rightTrim.length &&
    rightTrim.charAt(stop) !== " " &&
    rightTrim.charAt(stop) !== "\t"
  )
    stop++;
  const endText = rightTrim.slice(0, stop);
  const check = (t: string): number | null => {
    // hh:mm:ss.ttt or mm:ss.ttt, with exactly 3 fraction digits after the format's separator.
    const dot = t.lastIndexOf(sep);
    if (dot < 0 || t.length - dot - 1 !== 3) return null;
    const other = sep === "." ? "," : ".";
    if (t.includes(other)) return null;
    const parts = t.slice(0, dot).split(":");
    if (parts.length < 2 || parts.length > 3) return null;
    // Minutes and seconds have exactly two digits; hours (optional) at least one.
    if ((parts[parts.length - 1] as string).length !== 2) return null;
    if ((parts[parts.length - 2] as string).length !== 2) return null;
    const v = parseTime(t);
    return v === undefined ? null : v;
  };
  const start = check(startText);
  if (start === null) return { column: startCol, what: `a start time hh:mm:ss${sep}mmm` };
  const end = check(endText);
  if (end === null) return { column: endOffset + 1, what: `an end time hh:mm:ss${sep}mmm` };
  if (end < start) return { column: endOffset + 1, what: "an end time not before the start time" };
  return { start, end };
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  lrm: "\u200e",
  rlm: "\u200f",
};

/** Removes WebVTT tags and decodes character references, returning the text and the first voice. */
function vttPayload(payload: string): { text: string; voice: string | undefined; voices: number } {
  let out = "";
  let voice: string | undefined;
  let voices = 0;
  let i = 0;
  while (i < payload.length) {
    const c = payload.charAt(i);
    if (c === "<") {
      const close = payload.indexOf(">", i + 1);
      if (close < 0) {
        out += payload.slice(i);
        break;
      }
      const tag = payload.slice(i + 1, close);
      if (tag.startsWith("v") && (tag.charAt(1) === " " || tag.charAt(1) === ".")) {
        const sp = tag.indexOf(" ");
        const name = sp < 0 ? "" : tag.slice(sp + 1).trim();
        voices++;
        if (voice === undefined) voice = name;
      }
      i = close + 1;
    } else if (c === "&") {
      // Look for the ";" within the next 10 characters only: linear, however many "&" there are.
      let semi = -1;
      for (let k = i + 1; k < payload.length && k <= i + 10; k++)
        if (payload.charAt(k) === ";") {
          semi = k;
          break;
        }
      const name = semi > i ? payload.slice(i + 1, semi) : "";
      if (name.startsWith("#")) {
        const hex = name.charAt(1) === "x" || name.charAt(1) === "X";
        const code = Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
        if (Number.isFinite(code) && code >= 0 && code <= 0x10ffff) {
          out += String.fromCodePoint(code);
          i = semi + 1;
          continue;
        }
      } else if (Object.hasOwn(ENTITIES, name)) {
        out += ENTITIES[name];
        i = semi + 1;
        continue;
      }
      out += c;
      i++;
    } else {
      let j = i + 1;
      while (j < payload.length && payload.charAt(j) !== "<" && payload.charAt(j) !== "&") j++;
      out += payload.slice(i, j);
      i = j;
    }
  }
  return { text: out, voice, voices };
}

function cuesToResult(
  format: "vtt" | "srt",
  cues: readonly Cue[],
  options: ReadOptions,
  warnings: Issue[],
): ReadResult {
  const session = options.session ?? "session";
  const resolve = speakerResolver(format, options);
  const maxBytes = maxUtteranceBytesOf(format, options);
  const utterances: Utterance[] = [];
  const ids = new Set<string>();
  let previous = "";
  cues.forEach((cue, index) => {
    if (utf8Over(cue.text, maxBytes))
      throw new TranscriptParseError(format, [
        tooLargeIssue(format, options.file, maxBytes, { line: cue.line }),
      ]);
    let speaker = cue.speaker;
    if (speaker === undefined) {
      speaker = previous;
    }
    previous = speaker;
    const role = resolve(speaker, cue.line, warnings);
    const useIdentifier =
      cue.identifier !== undefined && cue.identifier !== "" && !ids.has(cue.identifier);
    const id = useIdentifier ? (cue.identifier as string) : `${session}:${index}`;
    ids.add(id);
    utterances.push(
      makeUtterance({
        id,
        session,
        index,
        speaker,
        role,
        text: cue.text,
        start: cue.start,
        end: cue.end,
      }),
    );
  });
  const transcripts: Transcript[] = utterances.length > 0 ? [{ id: session, utterances }] : [];
  return { transcripts, codings: [], warnings };
}

/**
 * Reads WebVTT. Each cue is one utterance: its speaker from the first `<v Speaker>` voice span
 * (or a `Speaker:` prefix; a cue with neither continues the previous cue's speaker), its text with
 * tags removed and character references decoded, its start and end from the cue timing. The cue
 * identifier, when present and unique, is the utterance id; otherwise `<session>:<index>`.
 * NOTE, STYLE and REGION blocks are skipped.
 * @throws {TranscriptParseError} `bad_cue` (line 1) without the `WEBVTT` header; `bad_timestamp`
 * with the line and column of a broken cue timestamp.
 * @category Transcripts
 * @example
 * ```ts
 * readVtt("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Therapist>How are you?\n", { session: "s1" })
 *   .transcripts[0].utterances[0];
 * // => { id: "s1:0", session: "s1", index: 0, speaker: "Therapist", role: "therapist", text: "How are you?", start: 1, end: 2.5 }
 * ```
 */
export function readVtt(text: string, options: ReadOptions = {}): ReadResult {
  const file = options.file;
  const lines = splitLines(text);
  const head = lines[0] ?? "";
  if (!(head === "WEBVTT" || head.startsWith("WEBVTT ") || head.startsWith("WEBVTT\t")))
    throw new TranscriptParseError("vtt", [
      issueAt(file, {
        code: "bad_cue",
        line: 1,
        column: 1,
        message: 'vtt: the file must start with "WEBVTT"',
      }),
    ]);
  const warnings: Issue[] = [];
  const cues: Cue[] = [];
  let i = 1;
  // Skip the header block.
  while (i < lines.length && (lines[i] as string).trim() !== "") i++;
  while (i < lines.length) {
    while (i < lines.length && (lines[i] as string).trim() === "") i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const first = lines[i] as string;
    if (
      first.startsWith("NOTE") ||
      first === "STYLE" ||
      first.startsWith("STYLE ") ||
      first === "REGION" ||
      first.startsWith("REGION ")
    ) {
      if (!first.includes("-->")) {
        while (i < lines.length && (lines[i] as string).trim() !== "") i++;
        continue;
      }
    }
    let identifier: string | undefined;
    if (!first.includes("-->")) {
      identifier = first.trim();
      i++;
    }
    const timingLine = lines[i];
    const lineNo = i + 1;
    if (timingLine === undefined || timingLine.trim() === "" || !timingLine.includes("-->"))
      throw new TranscriptParseError("vtt", [
        issueAt(file, {
          code: "bad_cue",
          line: timingLine === undefined || timingLine.trim() === "" ? blockStart + 1 : lineNo,
          column: 1,
          message: 'vtt: expected a cue timing line "hh:mm:ss.mmm --> hh:mm:ss.mmm"',
        }),
      ]);
    const timing = parseTiming(timingLine, ".");
    if ("column" in timing)
      throw new TranscriptParseError("vtt", [
        issueAt(file, {
          code: "bad_timestamp",
          line: lineNo,
          column: timing.column,
          message: `vtt: broken cue timestamp; expected ${timing.what}`,
        }),
      ]);
    i++;
    const payload: string[] = [];
    while (i < lines.length && (lines[i] as string).trim() !== "") {
      payload.push(lines[i] as string);
      i++;
    }
    const p = vttPayload(payload.join("\n"));
    let speaker = p.voice;
    let body = p.text;
    if (speaker === undefined) {
      const pre = speakerPrefix(body);
      if (pre) {
        speaker = pre.speaker;
        body = pre.rest;
      }
    }
    if (p.voices > 1)
      warnings.push(
        issueAt(file, {
          code: "multiple_voices",
          line: lineNo,
          message: `vtt: the cue has ${p.voices} voice spans; kept as one utterance of the first voice`,
        }),
      );
    cues.push({
      line: lineNo,
      identifier,
      start: timing.start,
      end: timing.end,
      speaker,
      text: body,
    });
  }
  return cuesToResult("vtt", cues, options, warnings);
}

/**
 * Reads SRT. Each numbered block is one utterance; a speaker prefix at the start of its text
 * (`THERAPIST:`, `Client:`, `Dr Lee:`) names the speaker, and a block without one continues the
 * previous block's speaker. Start and end come from the `hh:mm:ss,mmm --> hh:mm:ss,mmm` line.
 * Ids are `<session>:<index>`.
 * @throws {TranscriptParseError} `bad_cue` with the line of a block without a timing line or
 * whose cue number is not a whole number;
 * `bad_timestamp` with line and column of a broken timestamp.
 * @category Transcripts
 * @example
 * ```ts
 * readSrt("1\n00:00:01,000 --> 00:00:02,000\nCLIENT: I guess.\n").transcripts[0].utterances[0].role; // => "client"
 * ```
 */
export function readSrt(text: string, options: ReadOptions = {}): ReadResult {
  const file = options.file;
  const lines = splitLines(text);
  const cues: Cue[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && (lines[i] as string).trim() === "") i++;
    if (i >= lines.length) break;
    const blockStart = i;
    if (!(lines[i] as string).includes("-->")) {
      // The cue number: a whole number (the timing line follows).
      if (!/^\d{1,15}$/.test((lines[i] as string).trim()))
        throw new TranscriptParseError("srt", [
          issueAt(file, {
            code: "bad_cue",
            line: i + 1,
            column: 1,
            message:
              "srt: expected a cue number (a whole number such as 12) at the start of the block",
          }),
        ]);
      i++;
    }
    const timingLine = lines[i];
    if (timingLine === undefined || !timingLine.includes("-->"))
      throw new TranscriptParseError("srt", [
        issueAt(file, {
          code: "bad_cue",
          line: timingLine === undefined ? blockStart + 1 : i + 1,
          column: 1,
          message:
            'srt: expected a timing line "hh:mm:ss,mmm --> hh:mm:ss,mmm" after the cue number',
        }),
      ]);
    const lineNo = i + 1;
    const timing = parseTiming(timingLine, ",");
    if ("column" in timing)
      throw new TranscriptParseError("srt", [
        issueAt(file, {
          code: "bad_timestamp",
          line: lineNo,
          column: timing.column,
          message: `srt: broken timestamp; expected ${timing.what}`,
        }),
      ]);
    i++;
    const payload: string[] = [];
    while (i < lines.length && (lines[i] as string).trim() !== "") {
      payload.push(lines[i] as string);
      i++;
    }
    let body = payload.join("\n");
    let speaker: string | undefined;
    const pre = speakerPrefix(body);
    if (pre) {
      speaker = pre.speaker;
      body = pre.rest;
    }
    cues.push({
      line: lineNo,
      identifier: undefined,
      start: timing.start,
      end: timing.end,
      speaker,
      text: body,
    });
  }
  return cuesToResult("srt", cues, options, []);
}

function escapeVtt(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * Writes one transcript's utterances as WebVTT cues with `<v Speaker>` voice spans, the utterance
 * id as cue identifier, and each utterance's start/end (an utterance without times starts where
 * the previous ended and lasts one second). Readable by {@link readVtt}.
 * @category Transcripts
 */
export function writeVtt(transcript: Transcript): string {
  const out: string[] = ["WEBVTT", ""];
  let t = 0;
  for (const u of transcript.utterances) {
    const start = u.start ?? t;
    const end = u.end ?? Math.max(start, u.start === undefined ? start + 1 : start);
    t = end;
    out.push(u.id.replaceAll("-->", "->").replace(/[\r\n]/g, " "));
    out.push(`${formatClock(start, ".")} --> ${formatClock(end, ".")}`);
    const body = escapeVtt(u.text)
      .split(/\r\n|\r|\n/)
      .map((l) => (l.trim() === "" ? "&#32;" : l))
      .join("\n");
    out.push(`<v ${escapeVtt(u.speaker)}>${body}`);
    out.push("");
  }
  return out.join("\n");
}

/**
 * Writes one transcript as SRT: numbered blocks, `Speaker: text`. Readable by {@link readSrt}
 * (speaker names must be `Speaker:`-prefix-safe; utterance text must not contain blank lines).
 * @category Transcripts
 */
export function writeSrt(transcript: Transcript): string {
  const out: string[] = [];
  let t = 0;
  transcript.utterances.forEach((u, i) => {
    const start = u.start ?? t;
    const end = u.end ?? start + 1;
    t = end;
    out.push(String(i + 1));
    out.push(`${formatClock(start, ",")} --> ${formatClock(end, ",")}`);
    out.push(`${u.speaker}: ${u.text}`);
    out.push("");
  });
  return out.join("\n");
}
