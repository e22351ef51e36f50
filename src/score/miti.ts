import { ScoreInputError } from "../core/errors.js";
import type { CodedTranscript } from "../core/schemas.js";
import { defined, ratio, type Stat, undefinedStat } from "../core/stat.js";
import {
  mapWeighted,
  type PreparedSessions,
  prepare,
  type SessionScoreOptions,
  type Unit,
  unknownWarnings,
} from "./_session.js";
import { MITI_CODES, type MitiCode } from "./mapping.js";

/** MITI 4.2.1 global ratings, each 1–5 (Moyers, Manuel & Ernst 2015, *MITI 4.2.1*, global scores). @category Scores */
export interface MitiGlobals {
  /** Cultivating Change Talk. */
  readonly CCT: number;
  /** Softening Sustain Talk. */
  readonly SST: number;
  readonly Partnership: number;
  readonly Empathy: number;
}

/** A fair/good pair of thresholds: a value ≥ `good` is good, ≥ `fair` fair. @category Scores */
export interface Threshold {
  readonly fair: number;
  readonly good: number;
}

/** MITI 4.2.1 competency thresholds. @category Scores */
export interface MitiThresholds {
  readonly relational: Threshold;
  readonly technical: Threshold;
  /** In percent. */
  readonly pctCR: Threshold;
  readonly rq: Threshold;
}

/**
 * The manual's thresholds (MITI 4.2.1, summary scores and thresholds): Relational 3.5/4, Technical 3/4,
 * %CR 40 %/50 %, R:Q 1/2. They rest on expert opinion, not norms. Some vendors use a Technical
 * fair cut of 3.5, so every threshold is configurable.
 * @category Scores
 */
export const MITI_THRESHOLDS: MitiThresholds = {
  relational: { fair: 3.5, good: 4 },
  technical: { fair: 3, good: 4 },
  pctCR: { fair: 40, good: 50 },
  rq: { fair: 1, good: 2 },
};

/** A competency level, or null (with the reason) when the score is undefined. @category Scores */
export type Competency =
  | { readonly level: "good" | "fair" | "below_fair"; readonly reason?: undefined }
  | { readonly level: null; readonly reason: string };

/** Options of {@link mitiSummary}. @category Scores */
export interface MitiOptions extends SessionScoreOptions {
  /** Global ratings for the session (1–5 each); without them the globals are undefined. */
  readonly globals?: MitiGlobals;
  /** Override some or all thresholds. */
  readonly thresholds?: Partial<MitiThresholds>;
  /**
   * Apply the MITI volley rules (default false: count every coded utterance). A volley is an
   * uninterrupted run of therapist utterances, ended by client speech other than a short
   * back-channel ("yeah", "right", "mm-hmm"). Within a volley each code counts at most once; one
   * reflection per volley, CR if any reflection in it is complex; one Persuade per volley (Persuade
   * if any was without permission, else Persuade with Permission). MITI 4.2.1 §1.1.
   */
  readonly volleyRules?: boolean;
}

/** What {@link mitiSummary} returns. @category Scores */
export interface MitiSummary {
  readonly session: string;
  readonly codebook: string;
  readonly volleyRules: boolean;
  /**
   * Behaviour counts after mapping (and volley rules when on); expected counts, fractional, with
   * `counting: "expected"`.
   */
  readonly counts: Readonly<Record<MitiCode, number>>;
  /** Reflection-to-question ratio (SR + CR) / Q. */
  readonly rq: Stat;
  /** Percent complex reflections 100 × CR / (SR + CR). */
  readonly pctCR: Stat;
  /** Total MI-adherent: Seek + AF + Emphasize. */
  readonly mia: number;
  /** Total MI-non-adherent: Confront + Persuade. */
  readonly mina: number;
  /** Technical global (CCT + SST) / 2. */
  readonly technical: Stat;
  /** Relational global (Partnership + Empathy) / 2. */
  readonly relational: Stat;
  readonly competency: {
    readonly technical: Competency;
    readonly relational: Competency;
    readonly pctCR: Competency;
    readonly rq: Competency;
  };
  readonly warnings: readonly string[];
}

const BACKCHANNEL = new Set([
  "yeah",
  "yes",
  "yep",
  "right",
  "mm",
  "mhm",
  "mm-hmm",
  "mm-hm",
  "uh-huh",
  "hmm",
  "okay",
  "ok",
  "sure",
  "uh",
  "um",
]);

/** A short facilitative client utterance ("yeah", "right", "mm-hmm") that does not end a volley. @internal */
export function isBackchannel(u: Unit): boolean {
  if (u.tokens.length === 0 || u.tokens.length > 3) return u.tokens.length === 0;
  return u.tokens.every((t) => BACKCHANNEL.has(t));
}

/**
 * Splits therapist utterances into volleys: indices of runs of therapist utterances ended by
 * non-therapist speech other than a back-channel (MITI 4.2.1 §1.1).
 * @internal
 */
export function volleys(units: readonly Unit[]): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  units.forEach((u, i) => {
    if (u.role === "therapist") cur.push(i);
    else if (!isBackchannel(u) && cur.length > 0) {
      out.push(cur);
      cur = [];
    }
  });
  if (cur.length > 0) out.push(cur);
  return out;
}

function level(s: Stat, t: Threshold): Competency {
  if (s.value === null) return { level: null, reason: s.reason };
  return { level: s.value >= t.good ? "good" : s.value >= t.fair ? "fair" : "below_fair" };
}

function checkGlobals(g: MitiGlobals): void {
  const issues = [];
  for (const k of ["CCT", "SST", "Partnership", "Empathy"] as const) {
    const v = (g as unknown as Record<string, unknown>)[k];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 1 || v > 5)
      issues.push({
        code: "out_of_range",
        path: ["globals", k],
        message: `MITI global ${k} must be a number from 1 to 5`,
      });
  }
  if (issues.length > 0) throw new ScoreInputError(issues);
}

/**
 * MITI 4.2.1 summary scores from codings in `miti-4.2.1`, or mapped from `rapport` or `annomi`
 * (tables in `mapping.ts`).
 *
 * - R:Q = (SR + CR) / Q; undefined when Q = 0.
 * - %CR = 100 × CR / (SR + CR); undefined when there are no reflections.
 * - MIA (total MI-adherent) = Seek + AF + Emphasize; MINA (non-adherent) = Confront + Persuade.
 *   Persuade with Permission is in neither.
 * - Technical = (CCT + SST) / 2, Relational = (Partnership + Empathy) / 2, when globals are given.
 * - Competency: fair/good at the thresholds (defaults {@link MITI_THRESHOLDS}); a value at or
 *   above a threshold reaches it.
 *
 * Reference: Moyers, Manuel & Ernst (2015), *Motivational Interviewing Treatment Integrity
 * Coding Manual 4.2.1*, summary scores and thresholds.
 *
 * @throws ScoreInputError when a global is outside 1–5, or the codebook has no MITI mapping.
 * @example
 * // 6 reflections (2 complex) and 3 questions:
 * const m = mitiSummary(coded);
 * m.rq; // => { value: 2 }
 * m.pctCR; // => { value: 33.33… }
 * m.competency.rq; // => { level: "good" }
 * @category Scores
 */
export function mitiSummary(coded: CodedTranscript, options: MitiOptions = {}): MitiSummary {
  return mitiSummaryWith(coded, options, undefined);
}

/** {@link mitiSummary}, preparing the session through `cache` (when given). @internal */
export function mitiSummaryWith(
  coded: CodedTranscript,
  options: MitiOptions,
  cache: PreparedSessions | undefined,
): MitiSummary {
  if (options.globals) checkGlobals(options.globals);
  const session = prepare(coded, options, cache);
  const volleyRules = options.volleyRules ?? false;
  if (volleyRules && options.counting === "expected")
    throw new ScoreInputError([
      {
        code: "invalid_input",
        path: ["counting"],
        message:
          'volley rules count each code once per volley, which has no expected count: use counting "top" with volleyRules',
      },
    ]);
  const { weighted, unknown } = mapWeighted(session, "miti-4.2.1", options);
  const warnings = [...session.warnings, ...unknownWarnings(unknown, "MITI")];
  const counts = Object.fromEntries(MITI_CODES.map((c) => [c, 0])) as Record<MitiCode, number>;
  const isMiti = (c: string | null): c is MitiCode =>
    c !== null && (MITI_CODES as readonly string[]).includes(c);
  if (!volleyRules) {
    weighted.forEach((codes, i) => {
      if (session.units[i]?.role !== "therapist") return;
      for (const [m, weight] of codes) if (isMiti(m)) counts[m] += weight;
    });
  } else {
    // Top codes (counting "expected" was refused above): one code or none per unit.
    const mapped = weighted.map((codes) => codes[0]?.[0] ?? null);
    for (const v of volleys(session.units)) {
      const seen = new Set<MitiCode>();
      for (const i of v) {
        const m = mapped[i] ?? null;
        if (isMiti(m)) seen.add(m);
      }
      countVolley(seen, counts);
    }
  }
  return mitiFromCounts(session.id, session.codebookId, volleyRules, counts, options, warnings);
}

/**
 * Counts one volley's codes once each (MITI 4.2.1 volley rules): a complex reflection makes a
 * simple one in the same volley not count, and Persuade makes Persuade with Permission not count.
 * Shared with the live coder. @internal
 */
export function countVolley(seen: Set<MitiCode>, counts: Record<MitiCode, number>): void {
  if (seen.has("CR")) seen.delete("SR");
  if (seen.has("Persuade")) seen.delete("PersuadeWithPermission");
  for (const c of seen) counts[c]++;
}

/**
 * The MITI 4.2.1 summary from the behaviour counts: R:Q, %CR, MI-adherent and non-adherent,
 * the globals and the competency levels. Shared with the live coder. @internal
 */
export function mitiFromCounts(
  session: string,
  codebook: string,
  volleyRules: boolean,
  counts: Record<MitiCode, number>,
  options: Pick<MitiOptions, "globals" | "thresholds">,
  warnings: string[],
): MitiSummary {
  const t = { ...MITI_THRESHOLDS, ...options.thresholds };
  const refl = counts.SR + counts.CR;
  const rq = ratio(refl, counts.Q, "no questions (Q = 0): R:Q is undefined");
  const pctCR = ratio(counts.CR, refl, "no reflections (SR + CR = 0): %CR is undefined", 100);
  const g = options.globals;
  const technical = g ? defined((g.CCT + g.SST) / 2) : undefinedStat("no global ratings supplied");
  const relational = g
    ? defined((g.Partnership + g.Empathy) / 2)
    : undefinedStat("no global ratings supplied");
  return {
    session,
    codebook,
    volleyRules,
    counts,
    rq,
    pctCR,
    mia: counts.Seek + counts.AF + counts.Emphasize,
    mina: counts.Confront + counts.Persuade,
    technical,
    relational,
    competency: {
      technical: level(technical, t.technical),
      relational: level(relational, t.relational),
      pctCR: level(pctCR, t.pctCR),
      rq: level(rq, t.rq),
    },
    warnings,
  };
}

/** What {@link miscSummary} returns. @category Scores */
export interface MiscSummary {
  readonly session: string;
  readonly codebook: string;
  /**
   * Counts of the MISC 2.5 codes after mapping (Q = question without open/closed; CT/SUST = client
   * change/sustain talk); expected counts, fractional, with `counting: "expected"`.
   */
  readonly counts: Readonly<Record<string, number>>;
  /** MI-consistent: ADP + AF + EC + RCP + SU. */
  readonly mico: number;
  /** MI-inconsistent: ADW + CO + DI + RCW + WA. */
  readonly miin: number;
  /** 100 × MICO / (MICO + MIIN). */
  readonly pctMIConsistent: Stat;
  /** 100 × OQ / (OQ + CQ). */
  readonly pctOpenQuestions: Stat;
  /** 100 × CR / (SR + CR). */
  readonly pctComplexReflections: Stat;
  /** (SR + CR) / (OQ + CQ + Q). */
  readonly rq: Stat;
  /** 100 × CT / (CT + SUST). */
  readonly pctChangeTalk: Stat;
  /** Therapist utterances / client utterances. */
  readonly therapistClientRatio: Stat;
  readonly warnings: readonly string[];
}

/**
 * MISC 2.5-style summaries, where the codes allow (CACTI's implementation):
 * MICO = ADP + AF + EC + RCP + SU; MIIN = ADW + CO + DI + RCW + WA; %MIC = MICO / (MICO + MIIN);
 * %OQ = OQ / (OQ + CQ); %CR = CR / (SR + CR); R:Q = (SR + CR) / (OQ + CQ); %CT = CT / (CT + ST).
 * Questions without an open/closed subtype count in R:Q's denominator but not in %OQ (a warning
 * says how many). Undefined ratios are `{ value: null, reason }`.
 *
 * Reference: Houck, Moyers, Miller, Glynn & Hallgren, *MISC 2.5*; summary formulas as implemented
 * in CASAA's CACTI coding software (`SessionData.getCodeSummaryMap`).
 *
 * @example
 * miscSummary(coded).pctOpenQuestions; // => { value: 75 } for 3 open and 1 closed question
 * @category Scores
 */
export function miscSummary(
  coded: CodedTranscript,
  options: SessionScoreOptions = {},
): MiscSummary {
  return miscSummaryWith(coded, options, undefined);
}

/** {@link miscSummary}, preparing the session through `cache` (when given). @internal */
export function miscSummaryWith(
  coded: CodedTranscript,
  options: SessionScoreOptions,
  cache: PreparedSessions | undefined,
): MiscSummary {
  const session = prepare(coded, options, cache);
  const { weighted, unknown } = mapWeighted(session, "misc-2.5", options);
  const warnings = [...session.warnings, ...unknownWarnings(unknown, "MISC")];
  const counts: Record<string, number> = {};
  for (const codes of weighted) for (const [m, w] of codes) counts[m] = (counts[m] ?? 0) + w;
  const c = (k: string) => counts[k] ?? 0;
  const mico = c("ADP") + c("AF") + c("EC") + c("RCP") + c("SU");
  const miin = c("ADW") + c("CO") + c("DI") + c("RCW") + c("WA");
  const split = c("OQ") + c("CQ");
  if (c("Q") > 0 && split > 0)
    warnings.push(
      `${c("Q")} question(s) without an open/closed subtype are not in %open questions`,
    );
  const nT = session.units.filter((u) => u.role === "therapist").length;
  const nC = session.units.filter((u) => u.role === "client").length;
  return {
    session: session.id,
    codebook: session.codebookId,
    counts,
    mico,
    miin,
    pctMIConsistent: ratio(mico, mico + miin, "no MI-consistent or -inconsistent codes", 100),
    pctOpenQuestions: ratio(
      c("OQ"),
      split,
      c("Q") > 0
        ? "questions carry no open/closed subtype in this codebook"
        : "no questions (OQ + CQ = 0)",
      100,
    ),
    pctComplexReflections: ratio(c("CR"), c("SR") + c("CR"), "no reflections (SR + CR = 0)", 100),
    rq: ratio(c("SR") + c("CR"), split + c("Q"), "no questions: R:Q is undefined"),
    pctChangeTalk: ratio(c("CT"), c("CT") + c("SUST"), "no change or sustain talk coded", 100),
    therapistClientRatio: ratio(nT, nC, "no client utterances"),
    warnings,
  };
}
