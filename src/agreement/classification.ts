import { type ClassMetrics, classificationMetrics } from "../core/classification-metrics.js";
import { AgreementInputError } from "../core/errors.js";
import type { Stat } from "../core/stat.js";
import { encodeMatrix, MAX_DENSE_CATEGORIES } from "./_matrix.js";
import type { Categories, Rating } from "./types.js";

/**
 * A confusion matrix: rows are the gold (reference) labels, columns the predicted ones. Always
 * given as its non-zero `cells` (linear in the items); also as a dense `matrix` when there are at
 * most {@link MAX_DENSE_CATEGORIES} labels.
 * @category Agreement
 */
export interface ConfusionMatrix {
  readonly labels: ReadonlyArray<string | number>;
  /**
   * `matrix[g][p]` = items with gold label `labels[g]` predicted as `labels[p]`; `null` when there
   * are more than {@link MAX_DENSE_CATEGORIES} labels (a dense table would be quadratic in them).
   */
  readonly matrix: number[][] | null;
  /** The non-zero cells `[g, p, count]` (indices into `labels`), by gold then predicted label. */
  readonly cells: ReadonlyArray<readonly [number, number, number]>;
}

/** Precision, recall and F1. @category Agreement */
export interface PrfScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * One label's scores in a {@link ClassificationReport}. A ratio that would be 0/0 is `null`, and
 * listed in the report's `undefinedRatios`.
 * @category Agreement
 */
export interface ClassScores {
  /** tp / predicted; `null` when the label was never predicted. */
  readonly precision: number | null;
  /** tp / support; `null` when the label is not among the gold labels. */
  readonly recall: number | null;
  /** 2tp / (support + predicted); `null` when the label is in neither (a declared, unused label). */
  readonly f1: number | null;
  /** Items whose gold label is this one. */
  readonly support: number;
  /** Items predicted as this one. */
  readonly predicted: number;
}

/** The result of {@link classificationReport}. @category Agreement */
export interface ClassificationReport {
  /** Share of used items whose prediction equals the gold label. */
  readonly accuracy: number;
  /** Unweighted means over all labels (macro F1 is the mean of per-class F1). */
  readonly macro: PrfScores;
  /** From the summed counts; equals accuracy when every item has one gold and one predicted label. */
  readonly micro: PrfScores;
  /** Means weighted by support. */
  readonly weighted: PrfScores;
  /**
   * Per label, keyed by `String(label)`, in the order of `confusion.labels`. A null-prototype
   * object: any label (`__proto__`, `constructor`) is an own key, and a missing one is `undefined`.
   */
  readonly perClass: Readonly<Record<string, ClassScores>>;
  readonly confusion: ConfusionMatrix;
  /** Pairs used (both labels present). */
  readonly nUsed: number;
  /** Pairs left out because the gold or the predicted label was missing. */
  readonly nDroppedMissing: number;
  /**
   * The per-class ratios that are 0/0 and so `null`, e.g. `"precision of x"` (x was never
   * predicted), `"recall of x"` (x is not among the gold labels), `"f1 of x"` (neither).
   */
  readonly undefinedRatios: readonly string[];
}

/** Options of {@link confusionMatrix} and {@link classificationReport}. @category Agreement */
export interface ClassificationOptions {
  /**
   * The labels, in order (rows and columns of the confusion matrix; macro averages run over all of
   * them, including unused ones). Every label seen must be one of them. Default: the union of the
   * gold and predicted labels, sorted (numbers ascending, then strings).
   */
  readonly labels?: Categories;
}

function encodePairs(
  fn: string,
  gold: ReadonlyArray<Rating>,
  pred: ReadonlyArray<Rating>,
  labels?: Categories,
) {
  if (!Array.isArray(gold) || !Array.isArray(pred) || gold.length !== pred.length)
    throw new AgreementInputError(
      `${fn}: needs gold and predicted label lists of the same length (got ${
        Array.isArray(gold) ? gold.length : typeof gold
      } and ${Array.isArray(pred) ? pred.length : typeof pred})`,
    );
  if (gold.length === 0) throw new AgreementInputError(`${fn}: no labels given`);
  return encodeMatrix(
    fn,
    gold.map((g, i) => [g, pred[i]]),
    labels,
  );
}

interface Tallies {
  readonly confusion: ConfusionMatrix;
  readonly used: number;
  readonly tp: Float64Array;
  readonly support: Float64Array;
  readonly predicted: Float64Array;
}

/** Per-label counts and the sparse confusion, in one pass and one sort (never L × L). */
function tallies(e: ReturnType<typeof encodePairs>): Tallies {
  const L = e.categories.length;
  const tp = new Float64Array(L);
  const support = new Float64Array(L);
  const predicted = new Float64Array(L);
  const keys = new Float64Array(e.n);
  let used = 0;
  for (let i = 0; i < e.n; i++) {
    const g = e.codes[2 * i] as number;
    const p = e.codes[2 * i + 1] as number;
    if (g < 0 || p < 0) continue;
    support[g] = (support[g] as number) + 1;
    predicted[p] = (predicted[p] as number) + 1;
    if (g === p) tp[g] = (tp[g] as number) + 1;
    keys[used++] = g * L + p;
  }
  const sorted = keys.subarray(0, used).sort();
  const cells: [number, number, number][] = [];
  for (let i = 0; i < used; ) {
    const key = sorted[i] as number;
    let j = i + 1;
    while (j < used && sorted[j] === key) j++;
    const g = Math.floor(key / L);
    cells.push([g, key - g * L, j - i]);
    i = j;
  }
  let matrix: number[][] | null = null;
  if (L <= MAX_DENSE_CATEGORIES) {
    const m = Array.from({ length: L }, () => new Array<number>(L).fill(0));
    for (const [g, p, c] of cells) (m[g] as number[])[p] = c;
    matrix = m;
  }
  return { confusion: { labels: e.categories, matrix, cells }, used, tp, support, predicted };
}

/**
 * The confusion matrix of predicted against gold labels (rows gold, columns predicted), as
 * scikit-learn's `confusion_matrix(y_true, y_pred, labels=…)`. Pairs missing either label are left
 * out. The non-zero `cells` are always given; the dense `matrix` only up to
 * {@link MAX_DENSE_CATEGORIES} labels (`null` beyond).
 *
 * @param gold the reference labels (`null`/`undefined` = missing).
 * @param pred the predicted labels, aligned with `gold`.
 * @param options the label order.
 * @throws {AgreementInputError} if the lists differ in length, are empty, or hold a label outside the declared ones.
 * @example
 * confusionMatrix(["a", "a", "b"], ["a", "b", "b"]);
 * // => { labels: ["a", "b"], matrix: [[1, 1], [0, 1]], cells: [[0, 0, 1], [0, 1, 1], [1, 1, 1]] }
 * @category Agreement
 */
export function confusionMatrix(
  gold: ReadonlyArray<Rating>,
  pred: ReadonlyArray<Rating>,
  options: ClassificationOptions = {},
): ConfusionMatrix {
  const e = encodePairs("confusionMatrix", gold, pred, options.labels);
  return tallies(e).confusion;
}

/**
 * Classification metrics of predicted against gold labels, as scikit-learn 1.2's
 * `classification_report` / `precision_recall_fscore_support`, `accuracy_score` and
 * `confusion_matrix`.
 *
 * Per label k with tp_k true positives, support s_k (gold count) and p_k (predicted count):
 * precision_k = tp_k / p_k, recall_k = tp_k / s_k, F1_k = 2 tp_k / (s_k + p_k) (= 2 P R / (P + R)).
 * A 0/0 ratio is `null` and listed in `undefinedRatios`: precision of a label never predicted,
 * recall of a label not among the gold labels, F1 of a label in neither. Macro: unweighted mean
 * over all labels (F1 is the mean of the per-class F1, not the F1 of macro P and R). Weighted: mean
 * weighted by support. In both means a `null` counts as 0, as scikit-learn's `zero_division=0`
 * does, so the averages are scikit-learn's. Micro: from the summed counts. Accuracy: share of pairs
 * that agree. Pairs missing either label are left out and counted in `nDroppedMissing`.
 *
 * Reference: Pedregosa, F., et al. (2011). Scikit-learn: Machine learning in Python. *JMLR*, 12,
 * 2825–2830 (version 1.2.1 semantics); Sokolova, M., & Lapalme, G. (2009). A systematic analysis of
 * performance measures for classification tasks. *Information Processing & Management*, 45(4).
 *
 * @param gold the reference labels (`null`/`undefined` = missing).
 * @param pred the predicted labels, aligned with `gold`.
 * @param options the label order.
 * @throws {AgreementInputError} if the lists differ in length, are empty, hold a label outside the
 * declared ones, or no pair has both labels.
 * @example
 * const r = classificationReport(["a", "a", "b", "c"], ["a", "b", "b", "b"]);
 * r.accuracy;        // => 0.5
 * r.perClass.b;      // => { precision: 0.3333333333333333, recall: 1, f1: 0.5, support: 1, predicted: 3 }
 * r.perClass.c;      // => { precision: null, recall: 0, f1: 0, support: 1, predicted: 0 }
 * r.macro.f1;        // => 0.38888888888888884
 * r.undefinedRatios; // => ["precision of c"]
 * @category Agreement
 */
export function classificationReport(
  gold: ReadonlyArray<Rating>,
  pred: ReadonlyArray<Rating>,
  options: ClassificationOptions = {},
): ClassificationReport {
  const e = encodePairs("classificationReport", gold, pred, options.labels);
  const { confusion, used, tp, support, predicted } = tallies(e);
  if (used === 0)
    throw new AgreementInputError(
      "classificationReport: no pair has both a gold and a predicted label",
    );
  const m = classificationMetrics(tp, support, predicted);
  // Null prototype: a label named `__proto__` or `constructor` is a key like any other.
  const perClass: Record<string, ClassScores> = Object.create(null);
  const undefinedRatios: string[] = [];
  m.perClass.forEach((c, k) => {
    const label = String(e.categories[k]);
    for (const name of ["precision", "recall", "f1"] as const)
      if (c[name].value === null) undefinedRatios.push(`${name} of ${label}`);
    perClass[label] = {
      precision: c.precision.value,
      recall: c.recall.value,
      f1: c.f1.value,
      support: support[k] as number,
      predicted: predicted[k] as number,
    };
  });
  return {
    accuracy: known(m.accuracy),
    macro: scores(m.macro),
    micro: scores(m.micro),
    weighted: scores(m.weighted),
    perClass,
    confusion,
    nUsed: used,
    nDroppedMissing: e.n - used,
    undefinedRatios,
  };
}

/** An average or accuracy: defined whenever a pair is used, as it is here. */
function known(s: Stat): number {
  if (s.value === null) throw new Error(`classificationReport: ${s.reason}`);
  return s.value;
}

const scores = (a: ClassMetrics): PrfScores => ({
  precision: known(a.precision),
  recall: known(a.recall),
  f1: known(a.f1),
});
