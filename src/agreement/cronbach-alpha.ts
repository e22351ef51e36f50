import { completeNumericRows } from "./_matrix.js";
import { CompensatedSum, noiseFloor, shiftedMean, shiftToUnit } from "./_numeric.js";
import type { Coefficient, RatingMatrix } from "./types.js";

/** The result of {@link cronbachAlpha}. @category Agreement */
export interface CronbachAlphaResult extends Coefficient {
  /** Rows used (those with every column present). */
  readonly nUsed: number;
  /** Rows left out for a missing value (listwise deletion). */
  readonly nDropped: number;
}

/**
 * Cronbach's alpha, the internal consistency of k columns (raters, or questionnaire items) over n
 * rows (the rated items, or respondents):
 *
 *     α = k / (k − 1) · (1 − Σ_j s_j² / s_T²)
 *
 * where s_j² is the variance of column j and s_T² the variance of the row totals (both with n − 1;
 * the denominator cancels). Rows with a missing value are left out (listwise) and counted. For a
 * rating matrix this equals the consistency ICC of the mean of k raters, ICC3k = ICC(C,k)
 * (McGraw & Wong 1996).
 *
 * Undefined (value `null`): fewer than two columns or two complete rows; no variance in the row
 * totals. "No variance" is decided from the data, not from a ratio of two noisy sums: the values
 * are shifted by a data value and scaled to unit spread (exact, or to one rounding of the spread;
 * Chan, Golub & LeVeque 1983), so a small spread on a large value (1e15 + (1…5)) keeps its digits;
 * means are taken with compensated sums (exact when a column is constant), and the row totals' sum
 * of squares counts as 0 when it is no larger than the rounding of k values at that unit spread,
 * n · (16 ε · k)² with ε = 2⁻⁵². Every value the same number is no variance, as for {@link icc}
 * and {@link krippendorffAlpha}. So six rows [1, 2] (both columns constant) and rows whose totals
 * differ only in the last bit (0.1 + 0.2 against 0.3, columns spread over 0…0.3) are
 * `null`, whatever the number of rows.
 *
 * References: Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
 * *Psychometrika*, 16(3), 297–334. McGraw, K. O., & Wong, S. P. (1996). *Psychological Methods*,
 * 1(1), 30–46.
 *
 * @param ratings rows × columns of numbers; `null`/`undefined` is missing.
 * @returns `{ value, nUsed, nDropped }` or `{ value: null, reason, … }`.
 * @throws {AgreementInputError} for an empty or ragged matrix or a non-numeric value.
 * @example
 * cronbachAlpha([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]);
 * // => { value: 0.9093155423770695, nUsed: 6, nDropped: 0 }   (= ICC3k of Shrout & Fleiss's Table 2)
 * @category Agreement
 */
export function cronbachAlpha(ratings: RatingMatrix): CronbachAlphaResult {
  const { rows: raw, nAll, k } = completeNumericRows("cronbachAlpha", ratings, "values");
  const n = raw.length;
  const counts = { nUsed: n, nDropped: nAll - n };
  if (k < 2)
    return { value: null, reason: "Cronbach's alpha needs at least two columns", ...counts };
  if (n < 2)
    return { value: null, reason: "Cronbach's alpha needs at least two complete rows", ...counts };
  // Shifted by a data value and scaled to unit spread (exact; alpha is shift- and scale-free), so a
  // small spread on a large value keeps its digits. Column means about each column's first value
  // (exact for a constant column), then deviations.
  const { rows } = shiftToUnit(raw);
  const mean = new Float64Array(k);
  for (let j = 0; j < k; j++) mean[j] = shiftedMean(n, (i) => (rows[i] as number[])[j] as number);
  const colSs = new Float64Array(k);
  const totals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as number[];
    const t = new CompensatedSum();
    for (let j = 0; j < k; j++) {
      const dv = (row[j] as number) - (mean[j] as number);
      colSs[j] = (colSs[j] as number) + dv * dv;
      t.add(dv);
    }
    totals[i] = t.value;
  }
  // Row totals' sum of squares about their own mean (two-pass: the deviations' mean is ~0).
  const tMean = shiftedMean(n, (i) => totals[i] as number);
  let totalSs = 0;
  for (let i = 0; i < n; i++) totalSs += ((totals[i] as number) - tMean) ** 2;
  let sumVar = 0;
  for (let j = 0; j < k; j++) sumVar += colSs[j] as number;
  // No variance in the row totals: exactly 0, or no more than the rounding of k values at unit
  // spread (e.g. totals 0.1 + 0.2 and 0.3 of columns spread over 0…0.3). Relative to the data's
  // spread, never to sumVar.
  if (totalSs <= noiseFloor(n, k))
    return { value: null, reason: "no variance in the row totals", ...counts };
  return { value: (k / (k - 1)) * (1 - sumVar / totalSs), ...counts };
}
