import { type IntervalMethod, pairStatistics } from "./_pairs.js";
import { type ClassificationReport, classificationReport } from "./classification.js";
import type { Categories, Coefficient, Rating } from "./types.js";

/** Options of {@link labelAgreement}. @category Agreement */
export interface LabelAgreementOptions {
  /**
   * The labels in scale order: the rows and columns of the confusion matrix and the scale of the
   * weighted kappas. Every label seen must be one of them. Default: the labels used, sorted
   * (numbers ascending, then strings), as {@link classificationReport} sorts them.
   */
  readonly labels?: Categories;
  /** Bootstrap resamples for the kappas' 95 % intervals; 0 (default) for none. */
  readonly resamples?: number;
  /** Bootstrap seed (default 1). */
  readonly seed?: number;
  /** Called with (resamples done, resamples) while the bootstrap runs, e.g. for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The result of {@link labelAgreement}. @category Agreement */
export interface LabelAgreementResult {
  /** Accuracy, per-label and averaged precision, recall and F1, the confusion matrix. */
  readonly classification: ClassificationReport;
  /** Cohen's kappa, unweighted and with linear and quadratic weights over the label order. */
  readonly cohenKappa: {
    readonly unweighted: Coefficient;
    readonly linear: Coefficient;
    readonly quadratic: Coefficient;
  };
  /** How the intervals were made (present when `resamples` > 0). */
  readonly interval?: IntervalMethod;
}

/**
 * Agreement between two aligned label lists, a reference (`gold`) and another rater or a
 * classifier (`predicted`): the {@link classificationReport} and Cohen's kappa unweighted and with
 * linear and quadratic weights (weighted kappas read the labels as an ordered scale, in the order
 * of `labels`), with optional seeded percentile-bootstrap intervals. Pairs with a missing label
 * (`null`/`undefined`) on either side are left out of everything (`classification.nUsed` counts
 * the rest). This is what `rapportkit agree --pairs <file.csv>` prints.
 *
 * All three kappas share the same resamples (one pass per resample), drawn as {@link bootstrap}
 * draws them, so for the same seed each interval equals `bootstrap((m) => cohenKappaMatrix(m,
 * { weights, categories }), rows, { resamples, seed })`.
 *
 * References: Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
 * Psychological Measurement*, 20, 37–46. Cohen, J. (1968). Weighted kappa. *Psychological
 * Bulletin*, 70(4), 213–220. Fleiss, J. L., & Cohen, J. (1973), *Educational and Psychological
 * Measurement*, 33, 613–619 (quadratic weights). Efron, B., & Tibshirani, R. J. (1993). *An
 * Introduction to the Bootstrap*, ch. 13 (percentile intervals).
 *
 * @param gold the reference labels, one per item.
 * @param predicted the other labels, aligned with `gold`.
 * @param options the label order and bootstrap settings.
 * @throws {AgreementInputError} when the lists differ in length, no pair is complete, or a label is
 * not one of `labels`.
 * @example
 * const r = labelAgreement([1, 2, 3, 3], [1, 3, 3, 2], { labels: [1, 2, 3] });
 * r.classification.accuracy;          // => 0.5
 * r.cohenKappa.quadratic.value;       // => 0.6363636363636364
 * @category Agreement
 */
export function labelAgreement(
  gold: ReadonlyArray<Rating>,
  predicted: ReadonlyArray<Rating>,
  options: LabelAgreementOptions = {},
): LabelAgreementResult {
  const classification = classificationReport(
    gold,
    predicted,
    options.labels ? { labels: options.labels } : {},
  );
  // The kappas over the report's labels (its order is the scale), on the complete pairs.
  const labels = classification.confusion.labels;
  const index = new Map<string | number, number>();
  labels.forEach((l, k) => {
    index.set(l, k);
  });
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    const p = predicted[i];
    if (g === null || g === undefined || p === null || p === undefined) continue;
    a.push(index.get(g) as number);
    b.push(index.get(p) as number);
  }
  const ps = pairStatistics(Int32Array.from(a), Int32Array.from(b), {
    L: labels.length,
    declared: options.labels !== undefined,
    stats: ["kappa", "kappaLinear", "kappaQuadratic"],
    resamples: options.resamples ?? 0,
    seed: options.seed ?? 1,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return {
    classification,
    cohenKappa: {
      unweighted: ps.overall.kappa,
      linear: ps.overall.kappaLinear,
      quadratic: ps.overall.kappaQuadratic,
    },
    ...(ps.interval ? { interval: ps.interval } : {}),
  };
}
