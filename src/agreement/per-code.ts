import { AgreementInputError } from "../core/errors.js";
import type { Coding } from "../core/schemas.js";
import { alignCodings } from "./align.js";
import { bootstrap } from "./bootstrap.js";
import { type ClassificationReport, classificationReport } from "./classification.js";
import { cohenKappaMatrix } from "./cohen-kappa.js";
import { gwetAc1 } from "./gwet-ac1.js";
import { krippendorffAlpha } from "./krippendorff-alpha.js";
import { percentAgreement } from "./percent-agreement.js";
import type { Coefficient, RatingMatrix } from "./types.js";

/** Agreement on one code, taken against all the others (one-vs-rest). @category Agreement */
export interface CodeAgreement {
  /** Cohen's kappa of the binary "this code / any other" ratings. */
  readonly kappa: Coefficient;
  /** Of the items the second side gave this code, the share the first side also did. */
  readonly precision: number;
  /** Of the items the first side gave this code, the share the second side also did. */
  readonly recall: number;
  readonly f1: number;
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
  /** Bootstrap resamples for the kappa intervals; 0 (default) for none. */
  readonly resamples?: number;
  /** Bootstrap seed (default 1). */
  readonly seed?: number;
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

function withCi(
  fn: (m: RatingMatrix) => Coefficient,
  m: RatingMatrix,
  resamples: number,
  seed: number,
): Coefficient {
  const r = resamples <= 0 || m.length === 0 ? fn(m) : bootstrap(fn, m, { resamples, seed });
  // Plain { value, reason?, ci95? }: drop the statistic-specific extras (pa, pe, counts).
  return {
    value: r.value,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.ci95 ? { ci95: r.ci95 } : {}),
  };
}

/**
 * Agreement on each code taken against all the others ("one-vs-rest"): for every label, Cohen's
 * kappa of the two binary ratings "has this label / has another", and precision, recall and F1 with
 * the first side as reference. Works between two coders or between a human (first) and a
 * classifier (second), at any level of a code hierarchy through `mapLabel`.
 *
 * The binary kappa of a label is undefined (value `null`) when neither or both sides gave it to
 * every item. Precision/recall 0/0 are 0, as in {@link classificationReport}.
 *
 * References: Cohen (1960) for kappa; one-vs-rest reporting as in scikit-learn's
 * `classification_report`.
 *
 * The result is a null-prototype object keyed by label, so a code named `__proto__` or
 * `constructor` is an own key like any other.
 *
 * @param pairs aligned codes, e.g. `alignCodings(a, b).pairs`.
 * @param options `mapLabel`, the labels to report, and bootstrap settings.
 * @example
 * perCodeAgreement([{ a: "Q", b: "Q" }, { a: "Q", b: "R" }, { a: "R", b: "R" }, { a: "GI", b: "GI" }]).Q;
 * // => { kappa: { value: 0.5 }, precision: 1, recall: 0.5, f1: 0.6666666666666666, support: 2, predicted: 1 }
 * @category Agreement
 */
export function perCodeAgreement(
  pairs: ReadonlyArray<{ readonly a: string; readonly b: string }>,
  options: PerCodeOptions = {},
): Record<string, CodeAgreement> {
  const { a, b } = mapped(pairs, options.mapLabel);
  const labels =
    options.labels ?? [...new Set([...a, ...b])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  // Null prototype: a code named `__proto__` or `constructor` is a key like any other.
  const out: Record<string, CodeAgreement> = Object.create(null);
  const resamples = options.resamples ?? 0;
  const seed = options.seed ?? 1;
  for (const label of labels) {
    let tp = 0;
    let support = 0;
    let predicted = 0;
    const m: [number, number][] = new Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i] === label ? 1 : 0;
      const y = b[i] === label ? 1 : 0;
      support += x;
      predicted += y;
      tp += x & y;
      m[i] = [x, y];
    }
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const kappa = withCi((mm) => cohenKappaMatrix(mm, { categories: [0, 1] }), m, resamples, seed);
    out[label] = { kappa, precision, recall, f1, support, predicted };
  }
  return out;
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
}

/**
 * Everything about agreement between two lists of codings (two coders, or a human and a
 * classifier): aligns them by utterance id ({@link alignCodings}), then gives overall percent
 * agreement, Cohen's kappa, Krippendorff's alpha (nominal), Gwet's AC1 and the classification
 * report (first side as gold), and {@link perCodeAgreement} for each code, at the level of the code
 * hierarchy `mapLabel` chooses. Optional seeded bootstrap intervals (`resamples`, `seed`).
 *
 * References: see {@link cohenKappa}, {@link krippendorffAlpha}, {@link gwetAc1},
 * {@link classificationReport}.
 *
 * @param a first list of codings (reference).
 * @param b second list of codings.
 * @param options `mapLabel`, labels and bootstrap settings.
 * @throws {AgreementInputError} when an utterance is coded twice on one side.
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
  const m: [string, string][] = la.map((x, i) => [x, lb[i] as string]);
  const resamples = options.resamples ?? 0;
  const seed = options.seed ?? 1;
  const none: Coefficient = { value: null, reason: "no utterance was coded on both sides" };
  const stat = (fn: (mm: RatingMatrix) => Coefficient) =>
    m.length === 0 ? none : withCi(fn, m, resamples, seed);
  const labels = options.labels;
  return {
    nUsed: al.pairs.length,
    onlyA: al.onlyA,
    onlyB: al.onlyB,
    overall: {
      percentAgreement: stat((mm) => percentAgreement(mm)),
      cohenKappa: stat((mm) => cohenKappaMatrix(mm)),
      krippendorffAlpha: stat((mm) => krippendorffAlpha(mm)),
      gwetAc1: stat((mm) => gwetAc1(mm, labels ? { categories: labels } : {})),
      classification:
        m.length === 0 ? null : classificationReport(la, lb, labels ? { labels } : {}),
    },
    perCode: perCodeAgreement(
      al.pairs.map((p) => ({ a: p.a, b: p.b })),
      options,
    ),
  };
}
