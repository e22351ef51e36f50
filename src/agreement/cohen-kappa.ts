import { AgreementInputError } from "../core/errors.js";
import { checkMatrix, encodeMatrix } from "./_matrix.js";
import { kappaOfTally, PairTally } from "./_pairs.js";
import type { Categories, Coefficient, Rating, RatingMatrix } from "./types.js";

/** Weights of {@link cohenKappa}: none, linear or quadratic in the category positions. @category Agreement */
export type KappaWeights = "unweighted" | "linear" | "quadratic";

/** Options of {@link cohenKappa}. @category Agreement */
export interface CohenKappaOptions {
  /** Default `"unweighted"`. */
  readonly weights?: KappaWeights;
  /**
   * The ordered category list. Weighted kappa uses the POSITION of each category in it (not the
   * numeric value), so declaring levels nobody used changes weighted kappa when they fall between
   * used ones (e.g. ratings 1, 2, 4 sit at positions 0, 1, 2 undeclared, but 0, 1, 3 with 1..4
   * declared). R psych's `cohen.kappa` and scikit-learn's `cohen_kappa_score(labels=…)` behave the
   * same way. Levels added only at the ends rescale every weight equally, which cancels. Declare the
   * full scale for ordinal ratings. Without it: the observed values, numbers ascending, strings in
   * code-unit order (for strings, weighted kappa is then meaningless). Unweighted kappa does not
   * depend on unused levels.
   */
  readonly categories?: Categories;
}

/**
 * Cohen's kappa between two raters, unweighted or with linear or quadratic agreement weights
 * (weighted kappa). Items missing either rating are left out.
 *
 * With p_ij the proportion of items rated i by the first rater and j by the second, p_i. and p_.j
 * the margins, L categories, and agreement weights w_ij (1 on the diagonal; unweighted: 0 elsewhere;
 * linear: 1 − |i − j|/(L − 1); quadratic: 1 − (i − j)²/(L − 1)²):
 *
 *     p_o = Σ_ij w_ij p_ij,    p_e = Σ_ij w_ij p_i. p_.j,    κ = (p_o − p_e) / (1 − p_e)
 *
 * computed in the equivalent disagreement form 1 − Σ (1 − w) p_ij / Σ (1 − w) p_i. p_.j, as
 * scikit-learn does. Agrees with scikit-learn's `cohen_kappa_score` and R psych's `cohen.kappa`.
 * Computed from per-category margins (the expected disagreement of linear and quadratic weights
 * in closed form), so time and memory are linear in items and categories, never L × L.
 * Kappa is symmetric in the two raters.
 *
 * Undefined (value `null`): no item rated by both; expected agreement p_e = 1 (both raters used a
 * single, identical category); weighted kappa with fewer than two categories.
 *
 * References: Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
 * Psychological Measurement*, 20(1), 37–46. Cohen, J. (1968). Weighted kappa. *Psychological
 * Bulletin*, 70(4), 213–220. Fleiss, J. L., & Cohen, J. (1973), *Educational and Psychological
 * Measurement*, 33, 613–619 (quadratic weights).
 *
 * @param a the first rater's ratings, one per item (`null`/`undefined` = missing).
 * @param b the second rater's ratings, aligned with `a`.
 * @param options weights and the ordered category list.
 * @returns `{ value }` in [−1, 1], or `{ value: null, reason }`.
 * @throws {AgreementInputError} if the lists differ in length or a rating is outside the declared categories.
 * @example
 * cohenKappa(["a", "a", "b", "b"], ["a", "b", "b", "b"]);
 * // => { value: 0.5 }
 * cohenKappa([1, 2, 3, 3], [1, 3, 3, 2], { weights: "quadratic", categories: [1, 2, 3] });
 * // => { value: 0.6363636363636364 }
 * @category Agreement
 */
export function cohenKappa(
  a: ReadonlyArray<Rating>,
  b: ReadonlyArray<Rating>,
  options: CohenKappaOptions = {},
): Coefficient {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
    throw new AgreementInputError(
      `cohenKappa: needs two rating lists of the same length (got ${Array.isArray(a) ? a.length : typeof a} and ${
        Array.isArray(b) ? b.length : typeof b
      })`,
    );
  const weights = options.weights ?? "unweighted";
  if (weights !== "unweighted" && weights !== "linear" && weights !== "quadratic")
    throw new AgreementInputError(
      "cohenKappa: weights must be 'unweighted', 'linear' or 'quadratic'",
    );
  if (a.length === 0) return { value: null, reason: "no item rated by both raters" };
  const rows = a.map((x, i) => [x, b[i]]);
  return kappaOfMatrix("cohenKappa", rows, weights, options.categories);
}

/**
 * {@link cohenKappa} on an items × 2 rating matrix (the two raters as columns), e.g. inside
 * {@link bootstrap}: `bootstrap((m) => cohenKappaMatrix(m), rows)`.
 *
 * @param ratings items × 2 raters; `null`/`undefined` is a missing rating.
 * @param options weights and the ordered category list, as for {@link cohenKappa}.
 * @throws {AgreementInputError} if the matrix does not have exactly two columns, or a rating is
 * outside the declared categories.
 * @example
 * cohenKappaMatrix([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]]);
 * // => { value: 0.5 }
 * @category Agreement
 */
export function cohenKappaMatrix(
  ratings: RatingMatrix,
  options: CohenKappaOptions = {},
): Coefficient {
  const { r } = checkMatrix("cohenKappaMatrix", ratings);
  if (r !== 2)
    throw new AgreementInputError(`cohenKappaMatrix: needs exactly two raters (columns), got ${r}`);
  const weights = options.weights ?? "unweighted";
  if (weights !== "unweighted" && weights !== "linear" && weights !== "quadratic")
    throw new AgreementInputError(
      "cohenKappaMatrix: weights must be 'unweighted', 'linear' or 'quadratic'",
    );
  return kappaOfMatrix("cohenKappaMatrix", ratings, weights, options.categories);
}

function kappaOfMatrix(
  fn: string,
  rows: RatingMatrix,
  weights: KappaWeights,
  categories: Categories | undefined,
): Coefficient {
  const e = encodeMatrix(fn, rows, categories);
  const L = e.categories.length;
  // Sparse: per-category margins and the items' own disagreements, never an L × L table, so time
  // and memory are linear in items + categories (200,000 distinct labels take a fraction of a
  // second).
  const a = new Int32Array(e.n);
  const b = new Int32Array(e.n);
  const tally = new PairTally(L);
  let m = 0;
  for (let i = 0; i < e.n; i++) {
    const x = e.codes[2 * i] as number;
    const y = e.codes[2 * i + 1] as number;
    if (x < 0 || y < 0) continue;
    a[m] = x;
    b[m] = y;
    m++;
    tally.add(x, y);
  }
  const pos = new Int32Array(L);
  for (let k = 0; k < L; k++) pos[k] = k;
  return kappaOfTally(tally, weights, pos, L, a, b, null, m);
}
