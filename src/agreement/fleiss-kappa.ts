import { chanceParts } from "./_chance.js";
import { encodeMatrix } from "./_matrix.js";
import type { Categories, Coefficient, RatingMatrix } from "./types.js";

/** Options of {@link fleissKappa}. @category Agreement */
export interface FleissKappaOptions {
  /** Declared categories; every rating must be one of them. Unused ones do not change kappa. */
  readonly categories?: Categories;
}

/** The result of {@link fleissKappa}: kappa with its observed and chance agreement. @category Agreement */
export interface FleissKappaResult extends Coefficient {
  /** Observed agreement p_a (= {@link percentAgreement}), when defined. */
  readonly pa?: number;
  /** Chance agreement p_e = Σ_k π_k², when defined. */
  readonly pe?: number;
}

/**
 * Fleiss' kappa for any number of raters and nominal categories, with Gwet's generalisation to
 * items that received different numbers of ratings (missing ratings).
 *
 *     κ = (p_a − p_e) / (1 − p_e),     p_e = Σ_k π_k²
 *
 * where p_a is {@link percentAgreement} (the mean share of agreeing rater pairs over items with at
 * least two ratings) and π_k = (1/n₁) Σ_i n_ik / r_i is the mean share of category k over the n₁
 * items with at least one rating. With the same number of ratings on every item this is exactly
 * Fleiss (1971) (statsmodels' `fleiss_kappa`); with missing ratings it is Gwet's (2014)
 * generalisation, as computed by R irrCAC's `fleiss.kappa.raw`.
 *
 * Undefined (value `null`) when no item has two or more ratings, or when p_e = 1 (every rating is
 * in one category: chance alone explains the agreement).
 *
 * References: Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
 * *Psychological Bulletin*, 76(5), 378–382. Gwet, K. L. (2014). *Handbook of Inter-Rater
 * Reliability* (4th ed.), Advanced Analytics (Fleiss' kappa with missing ratings).
 *
 * @param ratings items × raters; `null`/`undefined` is a missing rating.
 * @param options declared categories (optional).
 * @returns `{ value, pa, pe }`, value in [−1, 1]; or `{ value: null, reason }`.
 * @throws {AgreementInputError} if the matrix is empty, ragged, or has a rating outside the declared categories.
 * @example
 * fleissKappa([["a", "a", "a"], ["a", "b", "b"], ["b", "b", "b"], ["a", "a", "b"]]);
 * // => { value: 0.33333333333333337, pa: 0.6666666666666666, pe: 0.49999999999999994 }   (κ = 1/3)
 * @category Agreement
 */
export function fleissKappa(
  ratings: RatingMatrix,
  options: FleissKappaOptions = {},
): FleissKappaResult {
  const e = encodeMatrix("fleissKappa", ratings, options.categories, false);
  const { pa, pi, n2 } = chanceParts(e);
  if (n2 === 0) return { value: null, reason: "no item has two or more ratings" };
  let pe = 0;
  for (const p of pi) pe += p * p;
  if (1 - pe <= 1e-15)
    return {
      value: null,
      reason: "expected agreement is 1 (all ratings are in one category)",
      pa,
      pe,
    };
  return { value: (pa - pe) / (1 - pe), pa, pe };
}
