import { AgreementInputError } from "../core/errors.js";
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

/** One label's scores in a {@link ClassificationReport}. @category Agreement */
export interface ClassScores extends PrfScores {
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
  /** The 0/0 ratios that were reported as 0, e.g. `"precision of x"` (scikit-learn's zero_division=0). */
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
 * precision_k = tp_k / p_k, recall_k = tp_k / s_k, F1_k = 2 P R / (P + R). A 0/0 ratio is reported
 * as 0 (scikit-learn's `zero_division=0`) and listed in `undefinedRatios`; F1 is computed after that
 * substitution and is 0 when P + R = 0. Macro: unweighted mean over all labels (F1 is the mean of
 * the per-class F1, not the F1 of macro P and R). Weighted: mean weighted by support. Micro: from
 * the summed counts. Accuracy: share of pairs that agree. Pairs missing either label are left out
 * and counted in `nDroppedMissing`.
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
  const { confusion, used, tp: tps, support: supports, predicted: preds } = tallies(e);
  if (used === 0)
    throw new AgreementInputError(
      "classificationReport: no pair has both a gold and a predicted label",
    );
  const L = e.categories.length;
  // Null prototype: a label named `__proto__` or `constructor` is a key like any other.
  const perClass: Record<string, ClassScores> = Object.create(null);
  const undefinedRatios: string[] = [];
  let tpAll = 0;
  let macroP = 0;
  let macroR = 0;
  let macroF = 0;
  let wP = 0;
  let wR = 0;
  let wF = 0;
  for (let k = 0; k < L; k++) {
    const label = String(e.categories[k]);
    const tp = tps[k] as number;
    const support = supports[k] as number;
    const predicted = preds[k] as number;
    let precision = 0;
    let recall = 0;
    if (predicted > 0) precision = tp / predicted;
    else undefinedRatios.push(`precision of ${label}`);
    if (support > 0) recall = tp / support;
    else undefinedRatios.push(`recall of ${label}`);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support, predicted };
    tpAll += tp;
    macroP += precision;
    macroR += recall;
    macroF += f1;
    wP += precision * support;
    wR += recall * support;
    wF += f1 * support;
  }
  const micro = tpAll / used;
  return {
    accuracy: tpAll / used,
    macro: { precision: macroP / L, recall: macroR / L, f1: macroF / L },
    micro: { precision: micro, recall: micro, f1: micro },
    weighted: { precision: wP / used, recall: wR / used, f1: wF / used },
    perClass,
    confusion,
    nUsed: used,
    nDroppedMissing: e.n - used,
    undefinedRatios,
  };
}
