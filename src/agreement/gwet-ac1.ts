import { chanceParts } from "./_chance.js";
import { encodeMatrix } from "./_matrix.js";
import type { Categories, Coefficient, RatingMatrix } from "./types.js";

/** Options of {@link gwetAc1}. @category Agreement */
export interface GwetAc1Options {
  /**
   * Declared categories; every rating must be one of them. Unlike kappa, AC1 depends on the number
   * of categories q, so declaring unused categories changes it (as in irrCAC's `categ.labels`).
   */
  readonly categories?: Categories;
}

/** The result of {@link gwetAc1}: AC1 with its observed and chance agreement. @category Agreement */
export interface GwetAc1Result extends Coefficient {
  /** Observed agreement p_a, when defined. */
  readonly pa?: number;
  /** Chance agreement p_e = Σ_k π_k (1 − π_k) / (q − 1), when defined. */
  readonly pe?: number;
}

/**
 * Gwet's first-order agreement coefficient AC1, for any number of raters, nominal categories and
 * missing ratings.
 *
 *     AC1 = (p_a − p_e) / (1 − p_e),     p_e = (1 / (q − 1)) Σ_k π_k (1 − π_k)
 *
 * with p_a and π_k as in {@link fleissKappa} and q the number of categories (declared, or else
 * observed). AC1 stays stable when one category is very common, where kappa drops (the "kappa
 * paradoxes"). Computed as R irrCAC's `gwet.ac1.raw` with unit weights.
 *
 * Undefined (value `null`) when no item has two or more ratings, or when there is only one
 * category (q = 1).
 *
 * References: Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence
 * of high agreement. *British Journal of Mathematical and Statistical Psychology*, 61(1), 29–48.
 * Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), Advanced Analytics.
 *
 * @param ratings items × raters; `null`/`undefined` is a missing rating.
 * @param options declared categories (optional).
 * @returns `{ value, pa, pe }`, value in [−1, 1]; or `{ value: null, reason }`.
 * @throws {AgreementInputError} if the matrix is empty, ragged, or has a rating outside the declared categories.
 * @example
 * gwetAc1([["a", "a", "a"], ["a", "b", "b"], ["b", "b", "b"], ["a", "a", "b"]]);
 * // => { value: 0.33333333333333326, pa: 0.6666666666666666, pe: 0.5 }   (two categories: AC1 = κ_free)
 * @category Agreement
 */
export function gwetAc1(ratings: RatingMatrix, options: GwetAc1Options = {}): GwetAc1Result {
  const e = encodeMatrix("gwetAc1", ratings, options.categories, false);
  const { pa, pi, n2, q } = chanceParts(e);
  if (n2 === 0) return { value: null, reason: "no item has two or more ratings" };
  if (q < 2) return { value: null, reason: "only one category: AC1 needs at least two" };
  let s = 0;
  for (const p of pi) s += p * (1 - p);
  const pe = s / (q - 1);
  return { value: (pa - pe) / (1 - pe), pa, pe };
}
