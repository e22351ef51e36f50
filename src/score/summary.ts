import type { CodedTranscript, SpeakerRole } from "../core/schemas.js";
import { defined, ratio, type Stat, undefinedStat } from "../core/stat.js";
import {
  mapWeighted,
  type PreparedSessions,
  prepare,
  type SessionScoreOptions,
  type Unit,
  unknownWarnings,
  weightedCodes,
  withAncestors,
} from "./_session.js";
import { BUILTIN_MAPPINGS } from "./mapping.js";

/** Counts and rates of one code on one role's utterances. @category Scores */
export interface CodeRate {
  readonly codeId: string;
  /** The role of the utterances the code was given to. */
  readonly role: SpeakerRole;
  /**
   * Utterances carrying the code or (for a parent code) one of its sub-codes; with `counting:
   * "expected"`, the sum of their probabilities (fractional).
   */
  readonly count: number;
  /** True for a parent code whose count includes its sub-codes (`reflection` ⊇ `reflection.complex`). */
  readonly rolledUp: boolean;
  /** count / utterances of that role × 100 (0–100: each utterance has one chosen coding). */
  readonly per100: Stat;
  /** count / session minutes × 10, when utterances carry start times. */
  readonly per10min: Stat;
}

/** Per-role values. @category Scores */
export interface PerRole<T> {
  readonly therapist: T;
  readonly client: T;
  readonly other: T;
}

/** What {@link summarizeSession} returns. @category Scores */
export interface SessionSummary {
  readonly session: string;
  readonly codebook: string;
  readonly utterances: PerRole<number> & {
    readonly total: number;
    readonly coded: number;
    readonly uncoded: number;
  };
  /** Session length in seconds (last end, or last start, minus first start) when times exist. */
  readonly durationSeconds: Stat;
  /** Every code used, and every parent code of one (rolled up), sorted by role then id. */
  readonly codes: readonly CodeRate[];
  /** Share (0–1) of talk per role, from times when every utterance has start and end, else from word counts. */
  readonly talkShare: PerRole<Stat> & { readonly basis: "time" | "words" };
  /** Turns (maximal runs of one speaker's consecutive utterances) per role. */
  readonly turns: PerRole<number>;
  /** Mean words per turn, per role. */
  readonly meanTurnWords: PerRole<Stat>;
  /** Interruptions, attributed to the role that interrupted, with the interrupting utterances' ids. */
  readonly interruptions: {
    readonly total: number;
    readonly byRole: PerRole<number>;
    /** Turns that started before the previous speaker's turn ended (times). */
    readonly overlaps: number;
    /** Turns after a turn cut off with a trailing dash or ellipsis. */
    readonly cutOffs: number;
    readonly utteranceIds: readonly string[];
  };
  /** Share (0–1) of therapist utterances coded as questions (MITI Q after mapping). */
  readonly questionShare: Stat;
  /** Share (0–1) of therapist utterances coded as reflections (MITI SR or CR after mapping). */
  readonly reflectionShare: Stat;
  /** Reflections / questions, utterance-level (MITI R:Q without volley rules). */
  readonly reflectionToQuestion: Stat;
  /** Non-fatal problems (ids and counts, never text). */
  readonly warnings: readonly string[];
}

const ROLES: readonly SpeakerRole[] = ["therapist", "client", "other"];

function perRole<T>(f: (r: SpeakerRole) => T): PerRole<T> {
  return { therapist: f("therapist"), client: f("client"), other: f("other") };
}

/**
 * True when the text, trailing spaces ignored, ends in a dash or an ellipsis (a cut-off turn).
 * @example
 * endsCutOff("I was going to-"); // => true
 * @category Scores
 */
export function endsCutOff(text: string): boolean {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1] as string)) end--;
  if (end === 0) return false;
  const last = text[end - 1] as string;
  if (last === "-" || last === "\u2013" || last === "\u2014" || last === "\u2026") return true;
  return end >= 3 && text.slice(end - 3, end) === "...";
}

/**
 * Counts and rates per code, talk-time share, turn lengths, interruptions, and question and
 * reflection ratios for one coded session.
 *
 * - Rates: count per 100 utterances of the role the code was given to, and per 10 minutes when
 *   utterances carry start times (duration = last end, or last start, − first start). A parent
 *   code (`reflection`) is also listed, rolled up over its sub-codes by dotted id.
 * - Talk-time share: Σ(end − start) per role / total when every utterance has both times
 *   (`basis: "time"`); otherwise word counts per role / all words (`basis: "words"`).
 * - Turns: maximal runs of consecutive utterances by one speaker; mean turn length in words.
 * - Interruptions: at a change of speaker, the new turn starts before the previous one ends
 *   (`start < previous end`), or the previous turn ends in a dash or ellipsis (cut off).
 * - Question and reflection ratios use the MITI 4.2.1 mapping (Q; SR + CR), per utterance.
 *
 * Reference: rates per 100 utterances and talk-time share follow common MI feedback reports
 * (e.g. the therapist:client ratio of CACTI's MISC 2.5 summary); the reflection to
 * question ratio is MITI 4.2.1's R:Q (Moyers, Manuel & Ernst 2015) computed without volley rules.
 *
 * @example
 * const s = summarizeSession(coded);
 * s.codes.find((c) => c.codeId === "reflection")?.per100; // => { value: 40 }
 * @category Scores
 */
export function summarizeSession(
  coded: CodedTranscript,
  options: SessionScoreOptions = {},
): SessionSummary {
  return summarizeSessionWith(coded, options, undefined);
}

/** {@link summarizeSession}, preparing the session through `cache` (when given). @internal */
export function summarizeSessionWith(
  coded: CodedTranscript,
  options: SessionScoreOptions,
  cache: PreparedSessions | undefined,
): SessionSummary {
  const session = prepare(coded, options, cache);
  const units = session.units;
  const warnings = [...session.warnings];
  const n = perRole((r) => units.filter((u) => u.role === r).length);
  const coded_ = units.filter((u) => u.codeId !== undefined).length;

  // Duration.
  let first: number | undefined;
  let last: number | undefined;
  let allTimed = units.length > 0;
  let allStartEnd = units.length > 0;
  for (const u of units) {
    const { start, end } = u.utterance;
    if (start === undefined) allTimed = false;
    if (start === undefined || end === undefined) allStartEnd = false;
    if (start !== undefined) first = first === undefined ? start : Math.min(first, start);
    const e = end ?? start;
    if (e !== undefined) last = last === undefined ? e : Math.max(last, e);
  }
  const duration = sessionDuration(allTimed, first, last);

  // Codes, with parents rolled up.
  const counts = new Map<
    string,
    { codeId: string; role: SpeakerRole; count: number; rolled: boolean }
  >();
  for (const u of units) {
    for (const [code, weight] of weightedCodes(u, options.counting)) {
      withAncestors(code).forEach((id, k) => {
        const key = `${u.role}\u0000${id}`;
        const c = counts.get(key) ?? { codeId: id, role: u.role, count: 0, rolled: false };
        c.count += weight;
        if (k > 0) c.rolled = true;
        counts.set(key, c);
      });
    }
  }
  const codes = codeRates(counts.values(), n, duration);

  // Talk share.
  const basis: "time" | "words" = allStartEnd ? "time" : "words";
  const amount = (u: Unit) =>
    basis === "time" ? (u.utterance.end as number) - (u.utterance.start as number) : u.wordCount;
  const talk = perRole((r) => units.filter((u) => u.role === r).reduce((s, u) => s + amount(u), 0));
  const talkTotal = talk.therapist + talk.client + talk.other;
  const talkShare = {
    basis,
    ...perRole((r) =>
      ratio(talk[r], talkTotal, basis === "time" ? "no talk time" : "no words in the session"),
    ),
  };

  // Turns and interruptions.
  const turns = { therapist: 0, client: 0, other: 0 };
  const turnWords = { therapist: 0, client: 0, other: 0 };
  const byRole = { therapist: 0, client: 0, other: 0 };
  const interruptIds: string[] = [];
  let overlaps = 0;
  let cutOffs = 0;
  units.forEach((u, i) => {
    const prev = i > 0 ? units[i - 1] : undefined;
    const newTurn = !prev || prev.utterance.speaker !== u.utterance.speaker || prev.role !== u.role;
    if (newTurn) turns[u.role]++;
    turnWords[u.role] += u.wordCount;
    if (!prev || !newTurn) return;
    const overlap =
      u.utterance.start !== undefined &&
      prev.utterance.end !== undefined &&
      u.utterance.start < prev.utterance.end;
    const cut = endsCutOff(prev.utterance.text);
    if (overlap) overlaps++;
    if (cut) cutOffs++;
    if (overlap || cut) {
      byRole[u.role]++;
      interruptIds.push(u.utterance.id);
    }
  });
  const meanTurnWords = perRole((r) => ratio(turnWords[r], turns[r], `no ${r} turns`));

  // Questions and reflections via the MITI mapping.
  let questionShare: Stat;
  let reflectionShare: Stat;
  let rq: Stat;
  if (
    options.mappings?.["miti-4.2.1"] ||
    Object.hasOwn(BUILTIN_MAPPINGS["miti-4.2.1"], session.codebookId)
  ) {
    const { weighted, unknown } = mapWeighted(session, "miti-4.2.1", options);
    warnings.push(...unknownWarnings(unknown, "MITI"));
    let q = 0;
    let r = 0;
    weighted.forEach((codes, i) => {
      if (units[i]?.role !== "therapist") return;
      for (const [m, weight] of codes) {
        if (m === "Q") q += weight;
        if (m === "SR" || m === "CR") r += weight;
      }
    });
    questionShare = ratio(q, n.therapist, "no therapist utterances");
    reflectionShare = ratio(r, n.therapist, "no therapist utterances");
    rq = ratio(r, q, "no questions: reflections to questions is undefined");
  } else {
    const why = `no MITI mapping for codebook '${session.codebookId}'`;
    questionShare = undefinedStat(why);
    reflectionShare = undefinedStat(why);
    rq = undefinedStat(why);
  }

  return {
    session: session.id,
    codebook: session.codebookId,
    utterances: { ...n, total: units.length, coded: coded_, uncoded: units.length - coded_ },
    durationSeconds: duration,
    codes,
    talkShare,
    turns,
    meanTurnWords,
    interruptions: {
      total: interruptIds.length,
      byRole,
      overlaps,
      cutOffs,
      utteranceIds: interruptIds,
    },
    questionShare,
    reflectionShare,
    reflectionToQuestion: rq,
    warnings,
  };
}

/**
 * The session's duration from its first start to its last end (or start): undefined unless every
 * utterance has a start time, or when it is zero. Shared with the live coder. @internal
 */
export function sessionDuration(
  allTimed: boolean,
  first: number | undefined,
  last: number | undefined,
): Stat {
  return !allTimed || first === undefined || last === undefined
    ? undefinedStat("not every utterance has a start time")
    : last - first > 0
      ? defined(last - first)
      : undefinedStat("session duration is zero");
}

/** A code's count within one role, and whether any of it came from a child code. @internal */
export interface CodeCount {
  readonly codeId: string;
  readonly role: SpeakerRole;
  readonly count: number;
  readonly rolled: boolean;
}

/**
 * The code rates of a summary from the codes' counts: sorted by role (therapist, client, other),
 * then code id; per 100 utterances of that role and per 10 minutes. Shared with the live coder.
 * @internal
 */
export function codeRates(
  counts: Iterable<CodeCount>,
  n: Readonly<Record<SpeakerRole, number>>,
  duration: Stat,
): CodeRate[] {
  return [...counts]
    .sort((a, b) =>
      a.role === b.role
        ? a.codeId < b.codeId
          ? -1
          : a.codeId > b.codeId
            ? 1
            : 0
        : ROLES.indexOf(a.role) - ROLES.indexOf(b.role),
    )
    .map((c) => ({
      codeId: c.codeId,
      role: c.role,
      count: c.count,
      rolledUp: c.rolled,
      per100: ratio(c.count, n[c.role], `no ${c.role} utterances`, 100),
      per10min:
        duration.value === null
          ? undefinedStat(duration.reason)
          : ratio(c.count, duration.value, "session duration is zero", 600),
    }));
}
