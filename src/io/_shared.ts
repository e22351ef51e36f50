import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Coding, SpeakerRole, Transcript, Utterance } from "../core/schemas.js";
import { lookupRole, type SpeakerMap } from "./speakers.js";

/**
 * What every reader returns: the sessions read, any codings found in the input (a CSV `code`
 * column, AnnoMI's annotator labels), and warnings (unmapped speakers, skipped rows). Warnings name
 * locations, never utterance text.
 * @category Transcripts
 */
export interface ReadResult {
  readonly transcripts: Transcript[];
  readonly codings: Coding[];
  readonly warnings: Issue[];
  /** The codebook id the codings belong to, when the input says (AnnoMI: `annomi`). */
  readonly codebookId?: string;
}

/**
 * What to do with a bad row: `throw` (the default) stops with a {@link TranscriptParseError};
 * `skip` leaves the row out and reports it as a warning carrying the error's code and line.
 * @category Transcripts
 */
export type OnError = "throw" | "skip";

/**
 * Options every reader accepts.
 * @category Transcripts
 */
export interface ReadOptions {
  /** The file name, put on every error and warning. */
  readonly file?: string;
  /** Session id for utterances whose input names none (default `session`). */
  readonly session?: string;
  /** Extra speaker names → roles, over {@link defaultSpeakerMap}. */
  readonly speakerMap?: SpeakerMap;
  /** The role of every utterance, whatever its speaker (the CLI's `--speaker`). */
  readonly role?: SpeakerRole;
  /** The role of utterances with no speaker and no role in the input. */
  readonly defaultRole?: SpeakerRole;
  /** Bad rows: throw (default) or skip and warn. Not every format can skip (see each reader). */
  readonly onError?: OnError;
  /**
   * The largest utterance text read, in bytes of UTF-8 (default
   * {@link DEFAULT_MAX_UTTERANCE_BYTES}, 1 MB; `Infinity` for no bound). A longer one is an error
   * (`too_large`) naming its line; with `onError: "skip"` its row is skipped and reported. Coding
   * costs up to ~150 bytes of memory per byte of text, so the bound keeps one row from
   * exhausting the heap.
   */
  readonly maxUtteranceBytes?: number;
  /**
   * AnnoMI only: keep every annotator's label columns as they are in the file (the `*_exists`
   * flags, the subtypes, the talk type, `annotator_id` and the raw `timestamp`) in
   * `utterance.metadata.annomi`, one object per annotator row, so that nothing of the file is lost
   * (`rapportkit convert` uses it). Default false: the codings carry each annotator's main code.
   */
  readonly annomiLabels?: boolean;
}

/**
 * The default largest utterance the readers accept: 1 MB (1,000,000 bytes of UTF-8), about 150,000
 * words, far beyond any spoken turn.
 * @category Transcripts
 */
export const DEFAULT_MAX_UTTERANCE_BYTES = 1_000_000;

/** The `maxUtteranceBytes` of reader options, checked. @internal */
export function maxUtteranceBytesOf(format: string, options: ReadOptions): number {
  const max = options.maxUtteranceBytes ?? DEFAULT_MAX_UTTERANCE_BYTES;
  if (!(max >= 1))
    throw new TranscriptParseError(format, [
      {
        code: "invalid_option",
        path: ["maxUtteranceBytes"],
        message: `${format}: maxUtteranceBytes must be a number of bytes ≥ 1 (or Infinity)`,
      },
    ]);
  return max;
}

/** The length of `text` in UTF-8 bytes (without encoding it). @internal */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII 1 byte; up to U+07FF 2; a surrogate pair 4 (2 + 2); the rest 3.
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 1 : 2;
  }
  return n;
}

/** Whether `text` takes more than `max` bytes as UTF-8 (without encoding it). @internal */
export function utf8Over(text: string, max: number): boolean {
  if (text.length * 3 <= max) return false;
  if (text.length > max) return true;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 + 2 here.
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
    if (n > max) return true;
  }
  return false;
}

/** The issue for an utterance longer than `max` bytes (its size, never its text). @internal */
export function tooLargeIssue(
  format: string,
  file: string | undefined,
  max: number,
  where: { line?: number; path?: Issue["path"] },
): Issue {
  return issueAt(file, {
    code: "too_large",
    ...(where.line === undefined ? {} : { line: where.line }),
    path: where.path ?? ["text"],
    message: `${format}: the utterance is longer than the maximum of ${formatBytes(max)} (maxUtteranceBytes, --max-utterance-mb)`,
  });
}

function formatBytes(n: number): string {
  return n >= 1e6 && n % 1e4 === 0 ? `${n / 1e6} MB` : `${n} bytes`;
}

/** Builds and throws a TranscriptParseError for one issue. @internal */
export function fail(format: string, issue: Omit<Issue, "path"> & { path?: Issue["path"] }): never {
  throw new TranscriptParseError(format, [{ path: [], ...issue }]);
}

/** An issue with the file name attached (when known). @internal */
export function issueAt(
  file: string | undefined,
  issue: Omit<Issue, "path" | "file"> & { path?: Issue["path"] },
): Issue {
  const out: Issue = { path: [], ...issue };
  return file === undefined ? out : { ...out, file };
}

function allDigits(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const PLAIN_NUMBER = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a time: plain seconds (`12.5`), or `[hh:]mm:ss` with an optional fraction after `.` or
 * `,` (`00:01:02.500`, `01:02,5`). Returns `undefined` for an empty string and `null` when the
 * value is not a time. Linear in the input.
 * @category Transcripts
 * @example
 * ```ts
 * parseTime("00:01:02.5"); // => 62.5
 * parseTime("7"); // => 7
 * parseTime("1:2:3:4"); // => null
 * ```
 */
export function parseTime(value: string): number | undefined | null {
  const s = value.trim();
  if (s === "") return undefined;
  if (s.length > 64) return null;
  if (s.indexOf(":") < 0) {
    if (!PLAIN_NUMBER.test(s)) return null;
    const n = Number(s);
    return Number.isFinite(n) ? n : null;
  }
  const parts = s.split(":");
  if (parts.length > 3) return null;
  const last = parts[parts.length - 1] as string;
  let sep = last.indexOf(".");
  if (sep < 0) sep = last.indexOf(",");
  const whole = sep < 0 ? last : last.slice(0, sep);
  const frac = sep < 0 ? "" : last.slice(sep + 1);
  if (!allDigits(whole, 0, whole.length) || whole.length > 2) return null;
  if (sep >= 0 && !allDigits(frac, 0, frac.length)) return null;
  let total = Number(whole);
  if (total >= 60) return null;
  let mult = 60;
  for (let i = parts.length - 2; i >= 0; i--) {
    const p = parts[i] as string;
    if (!allDigits(p, 0, p.length)) return null;
    const n = Number(p);
    if (i === parts.length - 2 && parts.length === 3 && n >= 60) return null;
    total += n * mult;
    mult *= 60;
  }
  if (frac) total += Number(`0.${frac}`);
  return Math.round(total * 1e6) / 1e6;
}

/**
 * Formats seconds as `hh:mm:ss.mmm` (WebVTT) or with `,` (SRT).
 * @internal
 */
export function formatClock(seconds: number, sep: "." | ","): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const f = ms % 1000;
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${p2(h)}:${p2(m)}:${p2(s)}${sep}${String(f).padStart(3, "0")}`;
}

/**
 * Resolves speaker names to roles for one read, warning once per unmapped name (at its first
 * line). The warning names the line, never the label: a speaker label can be a person's name, and
 * a damaged file can shift utterance text into the speaker column.
 * @internal
 */
export function speakerResolver(
  format: string,
  options: ReadOptions,
): (speaker: string, line: number | undefined, warnings: Issue[]) => SpeakerRole {
  const seen = new Set<string>();
  // The roles of the labels the map covers, by label as written (a few per file): a label's role
  // never changes within a read, and an unmapped label is warned about once, at its first line.
  const known = new Map<string, SpeakerRole>();
  return (speaker, line, warnings) => {
    if (options.role) return options.role;
    const cached = known.get(speaker);
    if (cached !== undefined) return cached;
    if (speaker.trim() === "") {
      if (options.defaultRole) return options.defaultRole;
    } else {
      const r = lookupRole(speaker, options.speakerMap);
      if (r) {
        if (known.size < 1024) known.set(speaker, r);
        return r;
      }
    }
    const key = speaker.trim().toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      const where = line === undefined ? "" : ` at line ${line}`;
      const label =
        key === ""
          ? `the utterance with no speaker${where}`
          : `the speaker label${where} (${speaker.trim().length} characters; not repeated here, as labels can be names)`;
      warnings.push(
        issueAt(options.file, {
          code: "unknown_speaker",
          message: `${format}: ${label} is not in the speaker map; kept with role "other" (map it with a speaker map, e.g. --speaker-map name=therapist)`,
          ...(line === undefined ? {} : { line }),
        }),
      );
    }
    return "other";
  };
}

/**
 * Collects utterances into sessions in order of first appearance, giving each an index within its
 * session (input order) and an id `<session>:<index>` unless it already has one.
 * @internal
 */
export class SessionIndexer {
  private readonly counts = new Map<string, { n: number }>();
  /** The last session seen and its count: rows mostly come session by session. */
  private last: string | undefined;
  private lastCount: { n: number } = { n: 0 };
  next(session: string): number {
    if (session !== this.last) {
      let count = this.counts.get(session);
      if (!count) {
        count = { n: 0 };
        this.counts.set(session, count);
      }
      this.last = session;
      this.lastCount = count;
    }
    return this.lastCount.n++;
  }
}

/** Groups utterances by session, keeping the order of first appearance. @internal */
export function groupSessions(
  utterances: readonly Utterance[],
  metadata?: ReadonlyMap<string, Record<string, unknown>>,
): Transcript[] {
  const bySession = new Map<string, Utterance[]>();
  for (const u of utterances) {
    let list = bySession.get(u.session);
    if (!list) {
      list = [];
      bySession.set(u.session, list);
    }
    list.push(u);
  }
  const out: Transcript[] = [];
  for (const [id, list] of bySession) {
    const md = metadata?.get(id);
    out.push(md ? { id, utterances: list, metadata: md } : { id, utterances: list });
  }
  return out;
}

/** Builds an utterance leaving out undefined optional fields. @internal */
export function makeUtterance(u: {
  id: string;
  session: string;
  index: number;
  speaker: string;
  role: SpeakerRole;
  text: string;
  start?: number | undefined;
  end?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
}): Utterance {
  const out: Utterance = {
    id: u.id,
    session: u.session,
    index: u.index,
    speaker: u.speaker,
    role: u.role,
    text: u.text,
  };
  if (u.start !== undefined) out.start = u.start;
  if (u.end !== undefined) out.end = u.end;
  if (u.metadata !== undefined) out.metadata = u.metadata;
  return out;
}

/**
 * Splits text into lines, accepting `\n`, `\r\n` and a lone `\r`, and dropping a leading BOM.
 * @internal
 */
export function splitLines(text: string): string[] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.split(/\r\n|\r|\n/);
}

/** True when `role` is one of the three speaker roles. @internal */
export function isRole(role: string): role is SpeakerRole {
  return role === "therapist" || role === "client" || role === "other";
}

/**
 * Finds a `Speaker:` prefix at the start of a line: a label of at most 40 characters and 4 words,
 * with no sentence punctuation, followed by `:` and a space or the end of the line. Returns the
 * speaker and the rest of the line, or `undefined`. Linear; no regex.
 * @internal
 */
export function speakerPrefix(line: string): { speaker: string; rest: string } | undefined {
  const colon = line.indexOf(":");
  if (colon <= 0 || colon > 40) return undefined;
  const after = line.charAt(colon + 1);
  if (after !== "" && after !== " " && after !== "\t") return undefined;
  const label = line.slice(0, colon).trim();
  if (label === "") return undefined;
  let words = 1;
  for (let i = 0; i < label.length; i++) {
    const c = label.charAt(i);
    if (c === " ") words++;
    if ('.?!,;"()[]{}<>'.includes(c) && !(c === "." && /^dr\.?$/i.test(label.slice(0, i + 1))))
      return undefined;
  }
  if (words > 4) return undefined;
  // A time such as "10:30" is not a speaker.
  if (allDigits(label, 0, label.length)) return undefined;
  return { speaker: label, rest: line.slice(colon + 1).trim() };
}
