/**
 * Precision, recall and F1 per class, and their macro, micro and weighted averages, from per-class
 * counts: the one implementation behind `evaluate` (classify), `classificationReport` and
 * `perCodeAgreement` / `codingAgreement` (agreement). Private: not exported from `src/index.ts`.
 * @module
 * @internal
 */

import { ratio, type Stat } from "./stat.js";

/** Precision, recall and F1 of one class, each a {@link Stat}. @internal */
export interface ClassMetrics {
  readonly precision: Stat;
  readonly recall: Stat;
  readonly f1: Stat;
}

/** The result of {@link classificationMetrics}. @internal */
export interface ClassificationMetrics {
  /** One entry per class, in the order of the counts. */
  readonly perClass: readonly ClassMetrics[];
  /** Σ tp / n: the share of items whose prediction is their gold class. */
  readonly accuracy: Stat;
  /** Unweighted means over every class (macro F1 is the mean of the per-class F1). */
  readonly macro: ClassMetrics;
  /** From the summed counts: Σ tp / Σ predicted, Σ tp / Σ support, and their F1. */
  readonly micro: ClassMetrics;
  /** Means weighted by support. */
  readonly weighted: ClassMetrics;
}

/**
 * Precision tp / predicted, recall tp / support, and F1 = 2tp / (support + predicted), which is
 * 2tp / (2tp + fp + fn) and equals 2PR / (P + R) wherever P and R are defined. A ratio whose
 * denominator is 0 is `{ value: null, reason }`: precision when the class was never predicted,
 * recall when it is not in the gold standard, F1 when neither (a class never predicted but in the
 * gold standard has F1 0, and the other way round). `noun` names the class in the reasons ("code",
 * "label").
 * @internal
 */
export function classMetrics(
  tp: number,
  support: number,
  predicted: number,
  noun = "label",
): ClassMetrics {
  return {
    precision: ratio(tp, predicted, `the ${noun} was never predicted`),
    recall: ratio(tp, support, `the ${noun} is not in the gold standard`),
    f1: ratio(
      2 * tp,
      support + predicted,
      `the ${noun} is neither in the gold standard nor predicted`,
    ),
  };
}

/**
 * Per-class metrics ({@link classMetrics}) and their averages, from the per-class counts: `tp[k]`
 * items of gold class k predicted as k, `support[k]` items of gold class k, `predicted[k]` items
 * predicted as k. The classes are all the entries, used or not (the labels of scikit-learn's
 * `precision_recall_fscore_support(…, labels=…)`).
 *
 * In the macro and weighted means an undefined per-class value counts as 0, as in scikit-learn with
 * `zero_division=0` (Pedregosa et al., *JMLR* 12, 2011), so the averages match it; they are
 * undefined only when no item is counted (Σ support = 0), as are accuracy and the micro scores.
 * @internal
 */
export function classificationMetrics(
  tp: ArrayLike<number>,
  support: ArrayLike<number>,
  predicted: ArrayLike<number>,
  noun = "label",
): ClassificationMetrics {
  const L = tp.length;
  const perClass: ClassMetrics[] = [];
  let tpAll = 0;
  let n = 0;
  let nPredicted = 0;
  let macroP = 0;
  let macroR = 0;
  let macroF = 0;
  let wP = 0;
  let wR = 0;
  let wF = 0;
  for (let k = 0; k < L; k++) {
    const t = tp[k] as number;
    const s = support[k] as number;
    const m = classMetrics(t, s, predicted[k] as number, noun);
    perClass.push(m);
    const p = m.precision.value ?? 0;
    const r = m.recall.value ?? 0;
    const f = m.f1.value ?? 0;
    tpAll += t;
    n += s;
    nPredicted += predicted[k] as number;
    macroP += p;
    macroR += r;
    macroF += f;
    wP += p * s;
    wR += r * s;
    wF += f * s;
  }
  const none = `no item has both a gold ${noun} and a prediction`;
  const mean = (sum: number, den: number) => ratio(sum, n === 0 ? 0 : den, none);
  return {
    perClass,
    accuracy: ratio(tpAll, n, none),
    macro: { precision: mean(macroP, L), recall: mean(macroR, L), f1: mean(macroF, L) },
    micro: {
      precision: mean(tpAll, nPredicted),
      recall: mean(tpAll, n),
      f1: mean(2 * tpAll, n + nPredicted),
    },
    weighted: { precision: mean(wP, n), recall: mean(wR, n), f1: mean(wF, n) },
  };
}
