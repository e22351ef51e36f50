import { chanceParts } from "./_chance.js";
import { encodeMatrix, itemCounts } from "./_matrix.js";
import type { Categories, Coefficient, RatingMatrix } from "./types.js";

/** Options of {@link percentAgreement}. @category Agreement */
export interface PercentAgreementOptions {
  /** Declared categories; every rating must be one of them. Does not change the value. */
  readonly categories?: Categories;
  /**
   * `"pairwise"` (default): the mean share of agreeing rater pairs per item. `"unanimous"`: the
   * share of items on which every rating agrees (the same for two raters).
   */
  readonly method?: "pairwise" | "unanimous";
}

/** The result of {@link percentAgreement}. @category Agreement */
export interface PercentAgreementResult extends Coefficient {
  /** Items with at least two ratings (the ones averaged over). */
  readonly nItems: number;
}

/**
 * Percent agreement: the mean, over the items that received at least two ratings, of the share of
 * agreeing pairs of raters.
 *
 * For item i with r_i ≥ 2 ratings, n_ik of them in category k:
 *
 *     P_i = Σ_k n_ik (n_ik − 1) / (r_i (r_i − 1)),     p_a = (1 / n₂) Σ_{i: r_i ≥ 2} P_i
 *
 * This is Fleiss' P̄ (Fleiss 1971) and the `pa` of Gwet's irrCAC; with two raters it is the share
 * of items on which both agree (scikit-learn's accuracy).
 *
 * With `method: "unanimous"`, the share of those items on which all ratings agree instead.
 *
 * Undefined (value `null`) when no item has two or more ratings.
 *
 * References: Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
 * *Psychological Bulletin*, 76(5), 378–382. Gwet, K. L. (2014). *Handbook of Inter-Rater
 * Reliability* (4th ed.), Advanced Analytics, ch. 2.
 *
 * @param ratings items × raters; `null`/`undefined` is a missing rating.
 * @param options declared categories (optional).
 * @returns `{ value }` in [0, 1], or `{ value: null, reason }`.
 * @throws {AgreementInputError} if the matrix is empty, ragged, or has a rating outside the declared categories.
 * @example
 * percentAgreement([["a", "a", "a"], ["a", "b", null], ["b", "b", "a"]]);
 * // => { value: 0.4444444444444444, nItems: 3 }   ((1 + 0 + 1/3) / 3)
 * @category Agreement
 */
export function percentAgreement(
  ratings: RatingMatrix,
  options: PercentAgreementOptions = {},
): PercentAgreementResult {
  const e = encodeMatrix("percentAgreement", ratings, options.categories, false);
  const parts = chanceParts(e);
  if (parts.n2 === 0) return { value: null, reason: "no item has two or more ratings", nItems: 0 };
  if (options.method === "unanimous") {
    const { m, start } = itemCounts(e);
    let all = 0;
    for (let i = 0; i < e.n; i++)
      if ((m[i] as number) >= 2 && (start[i + 1] as number) - (start[i] as number) === 1) all++;
    return { value: all / parts.n2, nItems: parts.n2 };
  }
  return { value: parts.pa, nItems: parts.n2 };
}
