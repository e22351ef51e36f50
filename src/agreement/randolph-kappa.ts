import { chanceParts } from "./_chance.js";
import { encodeMatrix } from "./_matrix.js";
import type { Categories, Coefficient, RatingMatrix } from "./types.js";

/** Options of {@link randolphKappa}. @category Agreement */
export interface RandolphKappaOptions {
  /** Declared categories. q, their number, is the chance model: declaring unused ones changes the value. */
  readonly categories?: Categories;
}

/**
 * Randolph's free-marginal multirater kappa (Brennan & Prediger's coefficient for many raters):
 * Fleiss' kappa with chance agreement 1/q, as if raters spread their ratings evenly over the q
 * categories.
 *
 *     κ_free = (p_a − 1/q) / (1 − 1/q)
 *
 * with p_a as in {@link percentAgreement} and q the number of categories (declared, or observed).
 * statsmodels' `fleiss_kappa(method="randolph")`.
 *
 * Undefined (value `null`) when no item has two or more ratings, or q < 2.
 *
 * References: Randolph, J. J. (2005). Free-marginal multirater kappa (multirater κfree): An
 * alternative to Fleiss' fixed-marginal multirater kappa. Joensuu Learning and Instruction
 * Symposium. Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and
 * alternatives. *Educational and Psychological Measurement*, 41(3), 687–699.
 *
 * @param ratings items × raters; `null`/`undefined` is a missing rating.
 * @param options declared categories.
 * @throws {AgreementInputError} for an empty or ragged matrix or a rating outside the declared categories.
 * @example
 * randolphKappa([["a", "a", "a"], ["a", "b", "b"], ["b", "b", "b"], ["a", "a", "b"]]);
 * // => { value: 0.33333333333333326 }
 * @category Agreement
 */
export function randolphKappa(
  ratings: RatingMatrix,
  options: RandolphKappaOptions = {},
): Coefficient {
  const e = encodeMatrix("randolphKappa", ratings, options.categories, false);
  const { pa, n2, q } = chanceParts(e);
  if (n2 === 0) return { value: null, reason: "no item has two or more ratings" };
  if (q < 2) return { value: null, reason: "only one category: the free-marginal kappa needs two" };
  return { value: (pa - 1 / q) / (1 - 1 / q) };
}
