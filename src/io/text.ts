import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Transcript, Utterance } from "../core/schemas.js";
import {
  makeUtterance,
  maxUtteranceBytesOf,
  type ReadOptions,
  type ReadResult,
  speakerPrefix,
  speakerResolver,
  splitLines,
  tooLargeIssue,
  utf8Length,
} from "./_shared.js";

/**
 * Reads plain `Speaker: text` lines. A line without a speaker prefix continues the previous
 * utterance (joined with a newline); blank lines are ignored. Text before the first speaker line is
 * kept as an utterance with no speaker (role `defaultRole`, or `other` with a warning). Ids are
 * `<session>:<index>`.
 *
 * A speaker prefix is at most 40 characters and 4 words, without sentence punctuation, followed by
 * `:` and a space (so "Note: ..." inside a turn would start a new turn: prefer CSV or JSONL when
 * turns may contain such lines).
 * @category Transcripts
 * @example
 * ```ts
 * readText("T: How are you?\nC: Fine.\nReally fine.\n", { session: "s1" }).transcripts[0].utterances[1].text;
 * // => "Fine.\nReally fine."
 * ```
 */
export function readText(text: string, options: ReadOptions = {}): ReadResult {
  const session = options.session ?? "session";
  const resolve = speakerResolver("txt", options);
  const maxBytes = maxUtteranceBytesOf("txt", options);
  const warnings: Issue[] = [];
  const utterances: Utterance[] = [];
  const lines = splitLines(text);
  let current: { speaker: string; line: number; parts: string[] } | undefined;
  let size = 0;
  const flush = () => {
    if (!current) return;
    const index = utterances.length;
    utterances.push(
      makeUtterance({
        id: `${session}:${index}`,
        session,
        index,
        speaker: current.speaker,
        role: resolve(current.speaker, current.line, warnings),
        text: current.parts.join("\n"),
      }),
    );
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    const pre = speakerPrefix(line);
    if (pre) {
      flush();
      current = { speaker: pre.speaker, line: i + 1, parts: [pre.rest] };
      size = 0;
    } else if (current) {
      current.parts.push(line.trim());
    } else {
      current = { speaker: "", line: i + 1, parts: [line.trim()] };
      size = 0;
    }
    // The utterance so far (its lines joined by one newline each) is over the bound.
    size += utf8Length(current.parts[current.parts.length - 1] as string) + 1;
    if (size - 1 > maxBytes)
      throw new TranscriptParseError("txt", [
        tooLargeIssue("txt", options.file, maxBytes, { line: current.line }),
      ]);
  }
  flush();
  const transcripts: Transcript[] = utterances.length > 0 ? [{ id: session, utterances }] : [];
  return { transcripts, codings: [], warnings };
}

/**
 * Writes one transcript as `Speaker: text` lines (a multi-line text continues on following lines).
 * Readable by {@link readText} when speaker names are prefix-safe and text lines are trimmed and
 * non-empty.
 * @category Transcripts
 */
export function writeText(transcript: Transcript): string {
  return transcript.utterances.map((u) => `${u.speaker}: ${u.text}\n`).join("");
}
