import { completeNumericRows } from "./_matrix.js";
import { allEqual, noiseFloor, shiftedMean, shiftToUnit } from "./_numeric.js";
import { fQuantile, fSurvival } from "./distributions.js";
import type { Coefficient, RatingMatrix } from "./types.js";

/** The six intraclass correlations of Shrout & Fleiss (1979), by their R psych names. @category Agreement */
export type IccForm = "ICC1" | "ICC2" | "ICC3" | "ICC1k" | "ICC2k" | "ICC3k";

/**
 * What each ICC form means, with the names used by Shrout & Fleiss (1979), McGraw & Wong (1996)
 * and R psych's `ICC` row labels.
 * @category Agreement
 */
export const ICC_FORMS: Readonly<
  Record<IccForm, { shroutFleiss: string; mcGrawWong: string; psych: string; model: string }>
> = {
  ICC1: {
    shroutFleiss: "ICC(1,1)",
    mcGrawWong: "ICC(1)",
    psych: "Single_raters_absolute",
    model: "one-way random effects, absolute agreement, single rater",
  },
  ICC2: {
    shroutFleiss: "ICC(2,1)",
    mcGrawWong: "ICC(A,1)",
    psych: "Single_random_raters",
    model: "two-way random effects, absolute agreement, single rater",
  },
  ICC3: {
    shroutFleiss: "ICC(3,1)",
    mcGrawWong: "ICC(C,1)",
    psych: "Single_fixed_raters",
    model: "two-way mixed effects, consistency, single rater",
  },
  ICC1k: {
    shroutFleiss: "ICC(1,k)",
    mcGrawWong: "ICC(k)",
    psych: "Average_raters_absolute",
    model: "one-way random effects, absolute agreement, mean of k raters",
  },
  ICC2k: {
    shroutFleiss: "ICC(2,k)",
    mcGrawWong: "ICC(A,k)",
    psych: "Average_random_raters",
    model: "two-way random effects, absolute agreement, mean of k raters",
  },
  ICC3k: {
    shroutFleiss: "ICC(3,k)",
    mcGrawWong: "ICC(C,k)",
    psych: "Average_fixed_raters",
    model: "two-way mixed effects, consistency, mean of k raters",
  },
};

/** One ICC with its F-test (H0: ICC = 0) and its 95% confidence interval. @category Agreement */
export interface IccCoefficient extends Coefficient {
  /** The F statistic (`null` when a mean square in it is 0). */
  readonly F: number | null;
  readonly df1: number;
  readonly df2: number;
  /** Upper-tail p-value of F (`null` when F is). */
  readonly p: number | null;
  /**
   * Why `ci95` is absent although `value` is a number: a bound is not finite, or the interval
   * would be impossible (lower > upper; for ICC2k, an ICC2 bound at or beyond the pole
   * −1/(k − 1) of the step to the mean of k raters).
   */
  readonly ciReason?: string;
}

/** The result of {@link icc}: the six forms, the ANOVA behind them, and what was used. @category Agreement */
export interface IccResult extends Readonly<Record<IccForm, IccCoefficient>> {
  /** Items used (those with every rating present). */
  readonly nItems: number;
  /** Raters (columns). */
  readonly nRaters: number;
  /** Items left out because a rating was missing (as R psych does). */
  readonly nDropped: number;
  /** Mean squares: between items (MSB), within items (MSW), between raters (MSJ), residual (MSE). */
  readonly anova: {
    readonly MSB: number;
    readonly MSW: number;
    readonly MSJ: number;
    readonly MSE: number;
  };
}

/**
 * The intraclass correlations of Shrout & Fleiss (1979) in all six forms, with F-tests and 95%
 * confidence intervals, computed from the classical two-way ANOVA exactly as R psych's `ICC` prints
 * them (its `results` table). Items with any missing rating are left out (psych's default
 * `missing = TRUE`) and counted in `nDropped`.
 *
 * With n items, k raters, and the mean squares MSB (items), MSW (within items), MSJ (raters) and
 * MSE (residual):
 *
 *     ICC1  = (MSB − MSW) / (MSB + (k−1) MSW)                    F = MSB/MSW, df (n−1, n(k−1))
 *     ICC2  = (MSB − MSE) / (MSB + (k−1) MSE + k (MSJ − MSE)/n)  F = MSB/MSE, df (n−1, (n−1)(k−1))
 *     ICC3  = (MSB − MSE) / (MSB + (k−1) MSE)                    F = MSB/MSE
 *     ICC1k = (MSB − MSW) / MSB
 *     ICC2k = (MSB − MSE) / (MSB + (MSJ − MSE)/n)
 *     ICC3k = (MSB − MSE) / MSB                                  (= Cronbach's alpha)
 *
 * Names: ICC1 = McGraw & Wong's ICC(1) (one-way random, absolute agreement); ICC2 = ICC(A,1)
 * (two-way random, absolute agreement); ICC3 = ICC(C,1) (two-way mixed, consistency); the k forms
 * are the reliability of the mean of the k raters: ICC(k), ICC(A,k), ICC(C,k). See {@link ICC_FORMS}.
 *
 * Confidence intervals (Shrout & Fleiss 1979; McGraw & Wong 1996): for ICC1 and ICC3,
 * F_L = F / F_{.975}(df1, df2), F_U = F · F_{.975}(df2, df1), bounds (F_L − 1)/(F_L + k − 1) and
 * (F_U − 1)/(F_U + k − 1), and 1 − 1/F_L, 1 − 1/F_U for the k forms; for ICC2, Satterthwaite's
 * approximate degrees of freedom v as in psych. F quantiles are found by bisection on the F
 * distribution's CDF (the regularized incomplete beta), to full double precision.
 *
 * Undefined (value `null`): fewer than two complete items or two raters; a zero denominator (no
 * variance at all). An F whose denominator mean square is 0 (perfect agreement) is `null`, and so
 * are its p-value and interval; the ICC itself is then 1.
 *
 * "No variance" is decided exactly, as by {@link cronbachAlpha} and {@link krippendorffAlpha}:
 * every rating is the same number (values that differ, even in the last bit, are different). The
 * sums of squares are computed on the ratings shifted by a data value (the first rating) and scaled
 * by powers of two to unit spread, then from deviations about their means (Chan, Golub & LeVeque
 * 1983), so ratings 1e15 + (1…5), or 0.83 + ε·(1…5) a few ulps apart, give the ICC of 1…5.
 * A sum of squares no larger than the rounding floor of that spread, N · (16 ε)² for N ratings at
 * unit spread (ε = 2⁻⁵²), is 0: ten items rated [0.1, 0.2, 0.3] have no variance between items.
 *
 * Intervals are never impossible: when a bound is not finite, or the bounds come out in reverse
 * order, `ci95` is absent and `ciReason` says why. This happens for ICC2k when an ICC2 bound is at
 * or below −1/(k − 1), the pole of the Spearman–Brown step to the mean of k raters (near the pole
 * of the Satterthwaite interval; R psych prints such intervals with lower > upper).
 *
 * Deviation from psych: psych's default `lmer = TRUE` takes variance components from a REML fit,
 * which equals these ANOVA estimates whenever MSJ ≥ MSE; when MSJ < MSE (raters differ less than
 * the residual), REML truncates the rater variance at 0 and psych's ICC2/ICC3 differ. These are the
 * classical estimates of Shrout & Fleiss and McGraw & Wong (psych with `lmer = FALSE`, DescTools).
 *
 * References: Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing
 * rater reliability. *Psychological Bulletin*, 86(2), 420–428. McGraw, K. O., & Wong, S. P. (1996).
 * Forming inferences about some intraclass correlation coefficients. *Psychological Methods*, 1(1),
 * 30–46. Revelle, W. psych: `ICC` (R package).
 *
 * @param ratings items (targets) × raters (judges), numeric; `null`/`undefined` is missing.
 * @returns the six forms ({@link IccResult}).
 * @throws {AgreementInputError} for an empty or ragged matrix or a non-numeric rating.
 * @example
 * // Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges
 * const r = icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]);
 * r.ICC1.value;  // => 0.1657417684054754
 * r.ICC3k.value; // => 0.9093155423770695
 * r.ICC2.ci95;   // => [0.018786513374711978, 0.7610843696489529]   (psych: 0.019, 0.76)
 * @category Agreement
 */
export function icc(ratings: RatingMatrix): IccResult {
  const { rows: raw, nAll, k } = completeNumericRows("icc", ratings, "ratings");
  const n = raw.length;
  const nDropped = nAll - n;
  const base = { nItems: n, nRaters: k, nDropped };
  const dfB = n - 1;
  const dfW = n * (k - 1);
  const dfE = (n - 1) * (k - 1);
  const none = (reason: string): IccResult => {
    const c = (df1: number, df2: number): IccCoefficient => ({
      value: null,
      reason,
      F: null,
      df1,
      df2,
      p: null,
    });
    return {
      ...base,
      anova: { MSB: 0, MSW: 0, MSJ: 0, MSE: 0 },
      ICC1: c(dfB, dfW),
      ICC2: c(dfB, dfE),
      ICC3: c(dfB, dfE),
      ICC1k: c(dfB, dfW),
      ICC2k: c(dfB, dfE),
      ICC3k: c(dfB, dfE),
    };
  };
  if (k < 2) return none("the ICC needs at least two raters");
  if (n < 2)
    return none(
      nDropped > 0
        ? `the ICC needs at least two items with every rating present (${nDropped} left out for a missing rating)`
        : "the ICC needs at least two items",
    );

  // "No variance" is exact: every rating the same number. Otherwise the sums of squares are
  // computed on the ratings moved to a data value and brought to unit scale (exact; every ICC is
  // shift- and scale-free), so a small spread on a large value keeps its digits, and a sum of
  // squares is 0 when it is no larger than the rounding floor of that spread.
  if (allEqual(raw)) return none("no variance: every rating is the same");
  const { rows, f1, f2 } = shiftToUnit(raw);
  const { ssb, ssw, ssj, sse } = anovaSums(rows, noiseFloor(n * k, 1));
  const MSB = ssb / dfB;
  const MSW = ssw / dfW;
  const MSJ = ssj / (k - 1);
  const MSE = sse / dfE;
  // In the data's units (the scale undone one factor at a time, so no intermediate overflows).
  const undo = (ms: number) => ms / f2 / f2 / f1 / f1;
  const anova = { MSB: undo(MSB), MSW: undo(MSW), MSJ: undo(MSJ), MSE: undo(MSE) };

  const q = (df1: number, df2: number) => fQuantile(0.975, df1, df2);
  // A denominator within a few roundings of the mean squares it is made of is 0, not a pole.
  const msScale = MSB + MSW + MSJ + MSE;
  const ratio = (num: number, den: number): number | null => {
    if (Math.abs(den) <= 64 * Number.EPSILON * msScale) return null;
    const v = num / den;
    return Number.isFinite(v) ? v : null;
  };
  const pOf = (F: number | null, d1: number, d2: number) =>
    F === null ? null : fSurvival(F, d1, d2);
  /** An interval, or the reason there is none. */
  type Ci = readonly [number, number] | string | undefined;
  const interval = (lo: number, hi: number): Ci => {
    if (!Number.isFinite(lo) || !Number.isFinite(hi))
      return "the interval is undefined: a bound is not finite";
    if (lo > hi) return "the interval is undefined: its bounds come out in reverse order";
    return [lo, hi];
  };
  const make = (
    value: number | null,
    zeroReason: string,
    F: number | null,
    df1: number,
    df2: number,
    ci: Ci,
  ): IccCoefficient => {
    const p = pOf(F, df1, df2);
    if (value === null) return { value: null, reason: zeroReason, F, df1, df2, p };
    if (typeof ci === "string") return { value, ciReason: ci, F, df1, df2, p };
    return ci ? { value, ci95: ci, F, df1, df2, p } : { value, F, df1, df2, p };
  };
  const zero = "undefined: the denominator is 0 (no variance between items)";

  // ICC1 / ICC1k: one-way model.
  const F1 = ratio(MSB, MSW);
  let ci1: Ci;
  let ci1k: Ci;
  if (F1 !== null) {
    const FL = F1 / q(dfB, dfW);
    const FU = F1 * q(dfW, dfB);
    ci1 = interval((FL - 1) / (FL + k - 1), (FU - 1) / (FU + k - 1));
    ci1k = interval(1 - 1 / FL, 1 - 1 / FU);
  }
  // ICC3 / ICC3k: two-way mixed, consistency.
  const F3 = ratio(MSB, MSE);
  let ci3: Ci;
  let ci3k: Ci;
  if (F3 !== null) {
    const FL = F3 / q(dfB, dfE);
    const FU = F3 * q(dfE, dfB);
    ci3 = interval((FL - 1) / (FL + k - 1), (FU - 1) / (FU + k - 1));
    ci3k = interval(1 - 1 / FL, 1 - 1 / FU);
  }
  const icc2 = ratio(MSB - MSE, MSB + (k - 1) * MSE + (k * (MSJ - MSE)) / n);
  // ICC2 / ICC2k: two-way random, absolute agreement; Satterthwaite df as in psych.
  let ci2: Ci;
  let ci2k: Ci;
  if (icc2 !== null && MSE > 0) {
    const Fj = MSJ / MSE;
    const a = n * (1 + (k - 1) * icc2) - k * icc2;
    const vn = (k - 1) * (n - 1) * (k * icc2 * Fj + a) ** 2;
    const vd = (n - 1) * k * k * icc2 * icc2 * Fj * Fj + a * a;
    const v = vn / vd;
    if (Number.isFinite(v) && v > 0) {
      const FU = q(dfB, v);
      const FL = q(v, dfB);
      const c = k * MSJ + (k * n - k - n) * MSE;
      const L = (n * (MSB - FU * MSE)) / (FU * c + n * MSB);
      const U = (n * (FL * MSB - MSE)) / (c + n * FL * MSB);
      ci2 = interval(L, U);
      // The mean of k raters: Spearman–Brown, k x / (1 + (k − 1) x), whose pole is at
      // x = −1/(k − 1). A bound at or beyond it (near the pole of the Satterthwaite interval) maps
      // to an unbounded set, which R psych prints as lower > upper: no interval, with the reason.
      if (typeof ci2 !== "object") ci2k = ci2;
      else if (1 + L * (k - 1) <= 0 || 1 + U * (k - 1) <= 0)
        ci2k = `the interval is undefined: the ICC2 bound ${Math.min(L, U).toFixed(4)} is at or below −1/(k − 1), the pole of the step to the mean of ${k} raters`;
      else ci2k = interval((L * k) / (1 + L * (k - 1)), (U * k) / (1 + U * (k - 1)));
    }
  }
  return {
    ...base,
    anova,
    ICC1: make(ratio(MSB - MSW, MSB + (k - 1) * MSW), zero, F1, dfB, dfW, ci1),
    ICC2: make(icc2, zero, F3, dfB, dfE, ci2),
    ICC3: make(ratio(MSB - MSE, MSB + (k - 1) * MSE), zero, F3, dfB, dfE, ci3),
    ICC1k: make(ratio(MSB - MSW, MSB), zero, F1, dfB, dfW, ci1k),
    ICC2k: make(ratio(MSB - MSE, MSB + (MSJ - MSE) / n), zero, F3, dfB, dfE, ci2k),
    ICC3k: make(ratio(MSB - MSE, MSB), zero, F3, dfB, dfE, ci3k),
  };
}

/**
 * The two-way ANOVA sums of squares of an n × k matrix (Shrout & Fleiss 1979): between items (SSB),
 * within items (SSW), between raters (SSJ) and residual (SSE), each computed directly from its own
 * deviations about means (the two-pass algorithm of Chan, Golub & LeVeque 1983; means taken about a
 * data value with compensated sums, so a constant row or column has deviations of exactly 0). A sum
 * no larger than `floor` is 0. The grand mean is the mean of the row means (equal in exact
 * arithmetic, every row having k ratings), so rows with equal means give an SSB of exactly 0.
 */
function anovaSums(
  rows: readonly (readonly number[])[],
  floor: number,
): { ssb: number; ssw: number; ssj: number; sse: number } {
  const n = rows.length;
  const k = (rows[0] ?? []).length;
  const rowMean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as readonly number[];
    rowMean[i] = shiftedMean(k, (j) => row[j] as number);
  }
  const colMean = new Float64Array(k);
  for (let j = 0; j < k; j++)
    colMean[j] = shiftedMean(n, (i) => (rows[i] as readonly number[])[j] as number);
  const grand = shiftedMean(n, (i) => rowMean[i] as number);
  let ssw = 0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i] as readonly number[];
    const ri = rowMean[i] as number;
    for (let j = 0; j < k; j++) {
      const x = row[j] as number;
      ssw += (x - ri) ** 2;
      sse += (x - ri - (colMean[j] as number) + grand) ** 2;
    }
  }
  let ssb = 0;
  for (let i = 0; i < n; i++) ssb += ((rowMean[i] as number) - grand) ** 2;
  let ssj = 0;
  for (let j = 0; j < k; j++) ssj += ((colMean[j] as number) - grand) ** 2;
  const snap = (x: number) => (x <= floor ? 0 : x);
  return { ssb: snap(k * ssb), ssw: snap(ssw), ssj: snap(n * ssj), sse: snap(sse) };
}
