import type { SpeakerRole, Utterance } from "../core/schemas.js";

/**
 * One sentence of a text: its trimmed text and its half-open character span `[start, end)` in the
 * original, so that `text.slice(start, end) === sentence.text`.
 * @category Text
 */
export interface Sentence {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

// A sentence ends at a line break, or after `.`, `!`, `?` or `…` (then any closing quotes or
// brackets) followed by white space.
const BREAK = /\r\n|[\n\r\u2028\u2029]|(?<=[.!?\u2026]["'\u201d\u2019)\]]*)[^\S\r\n\u2028\u2029]+/g;
// Words whose full stop does not end a sentence ("Dr. Lee", "e.g. walking"), and initials
// ("J. Smith"; not "I", as in "So do I. Then…").
const ABBREVIATION = /(?:^|[\s(])(?:mr|mrs|ms|mx|dr|prof|sr|jr|st|vs|cf|approx|e\.g|i\.e)\.$/i;
const INITIAL = /(?:^|[\s(])[A-HJ-Z]\.$/;
const isAbbreviation = (before: string): boolean =>
  ABBREVIATION.test(before) || INITIAL.test(before);
const HAS_LETTER = /\p{L}/u;

/**
 * Splits a text into sentences the way the coding manual's sentence units are cut (§1, "Long turns
 * coded sentence by sentence"): at line breaks (paragraphs, list items) and after `.`, `!`, `?`
 * or `…` followed by white space, but not after common abbreviations ("Dr.", "e.g.") or an
 * initial. A piece with no letter (a list number such as "1.", an emoji, "—") joins the
 * sentence after it (or, at the end, the one before), so no character but white space is dropped.
 *
 * Like MITI's utterance units it is a heuristic, not a parser: "Hang in there!!! You've got this"
 * is two sentences, "see you at 5 p.m. tomorrow" one.
 *
 * @example
 * sentenceSpans("Hi there.\n\n1. Talk to him. 2. Wait.").map((s) => s.text);
 * // ["Hi there.", "1. Talk to him.", "2. Wait."]
 * @category Text
 */
export function sentenceSpans(text: string): Sentence[] {
  const pieces: { start: number; end: number }[] = [];
  let from = 0;
  const push = (end: number) => {
    let s = from;
    let e = end;
    while (s < e && /\s/.test(text[s] as string)) s++;
    while (e > s && /\s/.test(text[e - 1] as string)) e--;
    if (e > s) pieces.push({ start: s, end: e });
  };
  for (const m of text.matchAll(BREAK)) {
    const at = m.index;
    // A full stop after an abbreviation does not end the sentence (line breaks always do).
    if (!/[\n\r\u2028\u2029]/.test(m[0]) && isAbbreviation(text.slice(Math.max(from, at - 8), at)))
      continue;
    push(at);
    from = at + m[0].length;
  }
  push(text.length);
  // Pieces without a letter (a list number, an emoji) join the next piece (the last one joins the one before).
  const merged: { start: number; end: number }[] = [];
  let pending: number | undefined;
  for (const p of pieces) {
    const word = HAS_LETTER.test(text.slice(p.start, p.end));
    if (!word) {
      pending ??= p.start;
      continue;
    }
    merged.push({ start: pending ?? p.start, end: p.end });
    pending = undefined;
  }
  if (pending !== undefined) {
    const last = merged.at(-1);
    const tail = (pieces.at(-1) as { end: number }).end;
    if (last) last.end = tail;
    else merged.push({ start: pending, end: tail });
  }
  return merged.map(({ start, end }) => ({ text: text.slice(start, end), start, end }));
}

/**
 * Options of {@link segmentTurns}.
 * @category Text
 */
export interface SegmentTurnsOptions {
  /** The roles whose turns are split. Default `["therapist"]` (the helper's turns). */
  readonly roles?: readonly SpeakerRole[];
}

/**
 * Where a segment came from, in `metadata.segment` of each utterance {@link segmentTurns} made.
 * @category Text
 */
export interface SegmentOrigin {
  /** The id of the turn it was cut from. */
  readonly of: string;
  /** Its index in the input (before renumbering). */
  readonly index: number;
  /** Which sentence of the turn it is, from 1, and how many the turn has. */
  readonly n: number;
  readonly count: number;
  /** Its character span `[start, end)` in the turn's text. */
  readonly start: number;
  readonly end: number;
}

/**
 * Splits each long turn of the chosen roles into one utterance per sentence ({@link sentenceSpans}),
 * for sources that code long helper turns (forum answers, long chat messages, emails) sentence by
 * sentence, as MITI codes a long volley as several behaviours (coding manual §1). Pure: returns new
 * utterances and leaves the input as it was.
 *
 * - A turn of one sentence, and every turn of another role, is kept as it is.
 * - A turn of several sentences becomes utterances with ids `<id>#1`, `<id>#2`, …, the same
 *   session, speaker and role, the sentence as text, and `metadata.segment` ({@link SegmentOrigin})
 *   saying which turn and span each came from, beside the turn's own metadata.
 * - `index` is renumbered 0, 1, 2, … within each session in input order (the input index is kept in
 *   `metadata.segment.index` for segments; for other utterances it is the only change).
 * - A timed turn's `start`–`end` is shared among its sentences in proportion to their length, so
 *   talk time per speaker is unchanged (the times of the sentences inside are estimates).
 *
 * Every input turn is accounted for: joining the texts of the segments with `metadata.segment.of`
 * equal to a turn's id gives back that turn's text, less the white space between sentences.
 *
 * @example
 * const units = segmentTurns(transcript.utterances);
 * const codes = defaultClassifier().classify(units);
 * @category Text
 */
export function segmentTurns(
  utterances: readonly Utterance[],
  options: SegmentTurnsOptions = {},
): Utterance[] {
  return utterances.flatMap(turnSegmenter(options));
}

/**
 * {@link segmentTurns} one turn at a time, for streams: the function it returns splits each turn
 * it is given and numbers the results after the turns it was given before (per session). Give it
 * every utterance of a session, in order.
 *
 * @example
 * const split = turnSegmenter();
 * for await (const u of utterances) for (const unit of split(u)) handle(unit);
 * @category Text
 */
export function turnSegmenter(
  options: SegmentTurnsOptions = {},
): (utterance: Utterance) => Utterance[] {
  const roles = new Set<SpeakerRole>(options.roles ?? ["therapist"]);
  const next = new Map<string, number>();
  const index = (session: string): number => {
    const i = next.get(session) ?? 0;
    next.set(session, i + 1);
    return i;
  };
  return (u) => {
    const spans = roles.has(u.role) ? sentenceSpans(u.text) : [];
    if (spans.length < 2) return [{ ...u, index: index(u.session) }];
    const out: Utterance[] = [];
    const timed = u.start !== undefined && u.end !== undefined;
    const total = spans.reduce((n, s) => n + (s.end - s.start), 0);
    let before = 0;
    spans.forEach((s, k) => {
      const segment: SegmentOrigin = {
        of: u.id,
        index: u.index,
        n: k + 1,
        count: spans.length,
        start: s.start,
        end: s.end,
      };
      let times: { start: number; end: number } | undefined;
      if (timed) {
        const t0 = u.start as number;
        const span = (u.end as number) - t0;
        const len = s.end - s.start;
        times = {
          start: t0 + (span * before) / total,
          end: k === spans.length - 1 ? (u.end as number) : t0 + (span * (before + len)) / total,
        };
        before += len;
      }
      out.push({
        id: `${u.id}#${k + 1}`,
        session: u.session,
        index: index(u.session),
        speaker: u.speaker,
        role: u.role,
        text: s.text,
        metadata: { ...u.metadata, segment },
        ...times,
      });
    });
    return out;
  };
}
