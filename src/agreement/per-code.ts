import { classMetrics } from "../core/classification-metrics.js";
import { AgreementInputError } from "../core/errors.js";
import type { Coding } from "../core/schemas.js";
import { type IntervalMethod, type PairStat, pairStatistics } from "./_pairs.js";
import { alignCodings } from "./align.js";
import { type ClassificationReport, classificationReport } from "./classification.js";
import type { Coefficient } from "./types.js";

/** Agreement on one code, taken against all the others (one-vs-rest). @category Agreement */
export interface CodeAgreement {
  /** Cohen's kappa of the binary "this code / any other" ratings. */
  readonly kappa: Coefficient;
  /**
   * Of the items the second side gave this code, the share the first side also did; `null` (0/0)
   * when the second side never gave it.
   */
  readonly precision: number | null;
  /**
   * Of the items the first side gave this code, the share the second side also did; `null` (0/0)
   * when the first side never gave it.
   */
  readonly recall: number | null;
  /** 2tp / (support + predicted); `null` (0/0) when neither side gave the code (a declared, unused label). */
  readonly f1: number | null;
  /** Items the first side gave this code. */
  readonly support: number;
  /** Items the second side gave this code. */
  readonly predicted: number;
}

/** Options of {@link perCodeAgreement} and {@link codingAgreement}. @category Agreement */
export interface PerCodeOptions {
  /**
   * Maps each code to the label compared, e.g. a code to its parent at some depth of a code
   * hierarchy (`(id) => rollUp(codebook, id, 1)`), so agreement can be read at any level. Default:
   * the code itself.
   */
  readonly mapLabel?: (code: string) => string;
  /** The labels to report, in order (default: every label either side used, sorted). */
  readonly labels?: readonly string[];
  /** Bootstrap resamples for the intervals; 0 (default) for none. */
  readonly resamples?: number;
  /** Bootstrap seed (default 1). */
  readonly seed?: number;
  /**
   * What the bootstrap resamples: `"session"` (a cluster bootstrap: whole sessions, with all their
   * utterances) or `"utterance"`. Default: `"session"` when every utterance's session is known
   * (`sessionOf`, or `session` on each pair), otherwise `"utterance"`.
   */
  readonly resampleBy?: "session" | "utterance";
  /** {@link codingAgreement}: the session of an utterance id (enables the cluster bootstrap). */
  readonly sessionOf?: (utteranceId: string) => string | undefined;
  /** Called with (resamples done, resamples) while the bootstrap runs, e.g. for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A pair of codes for {@link perCodeAgreement}, optionally with the session it belongs to. @category Agreement */
export interface CodePair {
  readonly a: string;
  readonly b: string;
  /** The session (cluster) of the utterance, for the cluster bootstrap. */
  readonly session?: string;
}

function mapped(
  pairs: ReadonlyArray<{ readonly a: string; readonly b: string }>,
  mapLabel?: (code: string) => string,
): { a: string[]; b: string[] } {
  const a: string[] = [];
  const b: string[] = [];
  pairs.forEach((p, i) => {
    const x = mapLabel ? mapLabel(p.a) : p.a;
    const y = mapLabel ? mapLabel(p.b) : p.b;
    if (typeof x !== "string" || typeof y !== "string")
      throw new AgreementInputError([
        {
          code: "invalid_input",
          path: [i],
          message: "mapLabel must return a string for every code",
        },
      ]);
    a.push(x);
    b.push(y);
  });
  return { a, b };
}

const byCodeUnit = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Session indices of the pairs (0..S−1 in order of appearance), or undefined when not resampling sessions. */
function clustersOf(
  fn: string,
  sessions: readonly (string | undefined)[],
  resampleBy: PerCodeOptions["resampleBy"],
): Int32Array | undefined {
  if (resampleBy === "utterance") return undefined;
  const missing = sessions.findIndex((s) => typeof s !== "string" || s === "");
  if (missing >= 0) {
    if (resampleBy === "session")
      throw new AgreementInputError([
        {
          code: "invalid_input",
          path: [missing, "session"],
          message: `${fn}: resampleBy "session" needs the session of every utterance (sessionOf, or a session on each pair)`,
        },
      ]);
    return undefined;
  }
  const index = new Map<string, number>();
  return Int32Array.from(sessions, (s) => {
    let c = index.get(s as string);
    if (c === undefined) {
      c = index.size;
      index.set(s as string, c);
    }
    return c;
  });
}

/** The shared engine run of both functions: codes to indices, then {@link pairStatistics}. */
function run(
  fn: string,
  a: readonly string[],
  b: readonly string[],
  sessions: readonly (string | undefined)[],
  options: PerCodeOptions,
  stats: readonly PairStat[],
  declared: readonly string[] | undefined,
) {
  const report = options.labels ?? [...new Set([...a, ...b])].sort(byCodeUnit);
  // Categories: the declared labels (every code must be one), else every code used or reported.
  const categories = declared ?? [...new Set([...a, ...b, ...report])].sort(byCodeUnit);
  const index = new Map<string, number>();
  categories.forEach((c, k) => {
    index.set(c, k);
  });
  const enc = (side: readonly string[], j: number) =>
    Int32Array.from(side, (c, i) => {
      const k = index.get(c);
      if (k === undefined)
        throw new AgreementInputError([
          {
            code: "invalid_input",
            path: [i, j],
            message: `${fn}: code ${JSON.stringify(c)} is not one of the declared labels`,
          },
        ]);
      return k;
    });
  const resamples = options.resamples ?? 0;
  const clusters = resamples > 0 ? clustersOf(fn, sessions, options.resampleBy) : undefined;
  const result = pairStatistics(enc(a, 0), enc(b, 1), {
    L: categories.length,
    declared: declared !== undefined,
    stats,
    perCode: Int32Array.from(report, (l) => index.get(l) as number),
    resamples,
    seed: options.seed ?? 1,
    ...(clusters ? { clusters } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { ...result, report };
}

function perCodeOf(
  a: readonly string[],
  b: readonly string[],
  report: readonly string[],
  kappas: readonly Coefficient[],
): Record<string, CodeAgreement> {
  const support = new Map<string, number>();
  const predicted = new Map<string, number>();
  const tp = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    inc(support, x);
    inc(predicted, y);
    if (x === y) inc(tp, x);
  }
  // Null prototype: a code named `__proto__` or `constructor` is a key like any other.
  const out: Record<string, CodeAgreement> = Object.create(null);
  report.forEach((label, k) => {
    const s = support.get(label) ?? 0;
    const p = predicted.get(label) ?? 0;
    const t = tp.get(label) ?? 0;
    const m = classMetrics(t, s, p, "code");
    out[label] = {
      kappa: kappas[k] as Coefficient,
      precision: m.precision.value,
      recall: m.recall.value,
      f1: m.f1.value,
      support: s,
      predicted: p,
    };
  });
  return out;
}

/**
 * Agreement on each code taken against all the others ("one-vs-rest"): for every label, Cohen's
 * kappa of the two binary ratings "has this label / has another", and precision, recall and F1 with
 * the first side as reference. Works between two coders or between a human (first) and a
 * classifier (second), at any level of a code hierarchy through `mapLabel`.
 *
 * The binary kappa of a label is undefined (value `null`) when neither or both sides gave it to
 * every item. A precision, recall or F1 that would be 0/0 is `null`, as in
 * {@link classificationReport} (and the same numbers: both come from one implementation).
 *
 * References: Cohen (1960) for kappa; one-vs-rest reporting as in scikit-learn's
 * `classification_report`.
 *
 * The result is a null-prototype object keyed by label, so a code named `__proto__` or
 * `constructor` is an own key like any other. Everything comes from one pass of per-code counts
 * (the binary kappa of a code from its true positives and margins), so time is linear in pairs
 * plus codes; with `resamples`, all codes share the same resamples (each O(pairs + codes)), and
 * per-code intervals are given for up to 1,000 codes. Intervals resample sessions when each pair
 * has its `session` (see {@link codingAgreement}), utterances otherwise.
 *
 * @param pairs aligned codes, e.g. `alignCodings(a, b).pairs`, optionally with their `session`.
 * @param options `mapLabel`, the labels to report, and bootstrap settings.
 * @example
 * perCodeAgreement([{ a: "Q", b: "Q" }, { a: "Q", b: "R" }, { a: "R", b: "R" }, { a: "GI", b: "GI" }]).Q;
 * // => { kappa: { value: 0.5 }, precision: 1, recall: 0.5, f1: 0.6666666666666666, support: 2, predicted: 1 }
 * @category Agreement
 */
export function perCodeAgreement(
  pairs: ReadonlyArray<CodePair>,
  options: PerCodeOptions = {},
): Record<string, CodeAgreement> {
  const { a, b } = mapped(pairs, options.mapLabel);
  const sessions = pairs.map((p) => p.session);
  const r = run("perCodeAgreement", a, b, sessions, options, [], undefined);
  return perCodeOf(a, b, r.report, r.perCode);
}

/** The result of {@link codingAgreement}. @category Agreement */
export interface CodingAgreementResult {
  /** Utterances coded on both sides. */
  readonly nUsed: number;
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  readonly overall: {
    readonly percentAgreement: Coefficient;
    readonly cohenKappa: Coefficient;
    readonly krippendorffAlpha: Coefficient;
    readonly gwetAc1: Coefficient;
    /** With the first side as gold; `null` when no utterance was coded on both sides. */
    readonly classification: ClassificationReport | null;
  };
  readonly perCode: Record<string, CodeAgreement>;
  /** How the intervals were made (present when `resamples` > 0): method, unit, resamples, seed. */
  readonly interval?: IntervalMethod;
}

/**
 * Everything about agreement between two lists of codings (two coders, or a human and a
 * classifier): aligns them by utterance id ({@link alignCodings}), then gives overall percent
 * agreement, Cohen's kappa, Krippendorff's alpha (nominal), Gwet's AC1 and the classification
 * report (first side as gold), and {@link perCodeAgreement} for each code, at the level of the code
 * hierarchy `mapLabel` chooses. Optional seeded percentile-bootstrap intervals (`resamples`,
 * `seed`), named in `interval`.
 *
 * Utterances are nested in sessions and are not independent, so when the session of every
 * utterance is known (`sessionOf`) the bootstrap resamples whole sessions (a cluster bootstrap:
 * each resample draws as many sessions as there are, with replacement, with all their
 * utterances); `resampleBy: "utterance"` resamples utterances as if independent (narrower
 * intervals when sessions differ). Every statistic is read off per-code tallies, so each resample
 * is one pass over its utterances: 148,760 utterances × 1,000 resamples take seconds. Intervals
 * are left out (with `interval.note`) beyond {@link MAX_BOOTSTRAP_CATEGORIES} codes.
 *
 * References for the cluster bootstrap: Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap
 * Methods and their Application*, Cambridge University Press, §3.8. Field, C. A., & Welsh, A. H.
 * (2007). Bootstrapping clustered data. *Journal of the Royal Statistical Society B*, 69(3),
 * 369–390. Percentile intervals: Efron & Tibshirani (1993), ch. 13.
 *
 * References: see {@link cohenKappa}, {@link krippendorffAlpha}, {@link gwetAc1},
 * {@link classificationReport}.
 *
 * @param a first list of codings (reference).
 * @param b second list of codings.
 * @param options `mapLabel`, labels, and bootstrap settings (`resamples`, `seed`, `sessionOf`,
 * `resampleBy`, `onProgress`).
 * @throws {AgreementInputError} when an utterance is coded twice on one side, a code is not one of
 * the declared `labels`, or `resampleBy: "session"` is asked without every session known.
 * @example
 * const c = (utteranceId: string, codeId: string) => ({ utteranceId, codeId, source: "x", confidence: 1 });
 * const r = codingAgreement([c("u1", "Q"), c("u2", "R"), c("u3", "Q")], [c("u1", "Q"), c("u2", "Q"), c("u4", "R")]);
 * r.nUsed;                    // => 2
 * r.onlyA;                    // => ["u3"]
 * r.overall.cohenKappa.value; // => 0
 * @category Agreement
 */
export function codingAgreement(
  a: readonly Coding[],
  b: readonly Coding[],
  options: PerCodeOptions = {},
): CodingAgreementResult {
  const al = alignCodings(a, b);
  const { a: la, b: lb } = mapped(al.pairs, options.mapLabel);
  const labels = options.labels;
  const sessionOf = options.sessionOf;
  const sessions = al.pairs.map((p) => (sessionOf ? sessionOf(p.utteranceId) : undefined));
  const stats: PairStat[] = ["percent", "kappa", "alpha", "ac1"];
  const r = run("codingAgreement", la, lb, sessions, options, stats, labels);
  const none: Coefficient = { value: null, reason: "no utterance was coded on both sides" };
  const empty = la.length === 0;
  return {
    nUsed: al.pairs.length,
    onlyA: al.onlyA,
    onlyB: al.onlyB,
    overall: {
      percentAgreement: empty ? none : r.overall.percent,
      cohenKappa: empty ? none : r.overall.kappa,
      krippendorffAlpha: empty ? none : r.overall.alpha,
      gwetAc1: empty ? none : r.overall.ac1,
      classification: empty ? null : classificationReport(la, lb, labels ? { labels } : {}),
    },
    perCode: perCodeOf(la, lb, r.report, r.perCode),
    ...(r.interval ? { interval: r.interval } : {}),
  };
}
