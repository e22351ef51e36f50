/**
 * Careful arithmetic for the numeric statistics (ICC, Cronbach's alpha, interval/ratio alpha):
 * compensated sums, means about a data value, and the rounding floor below which a sum of squares
 * is not variance but noise.
 * @internal
 */

/**
 * A compensated (Kahan–Babuška–Neumaier) running sum: the error of a sum of n terms stays about
 * one rounding of the result instead of growing with n.
 *
 * Reference: Neumaier, A. (1974). Rundungsfehleranalyse einiger Verfahren zur Summation endlicher
 * Summen. *ZAMM*, 54(1), 39–51. Higham, N. J. (2002). *Accuracy and Stability of Numerical
 * Algorithms* (2nd ed.), SIAM, §4.3.
 * @internal
 */
export class CompensatedSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

/**
 * The mean of `n` values read through `at(i)`, taken about the first value (`x₀ + Σ (x − x₀) / n`,
 * with a compensated sum): exactly x₀ when every value equals x₀, and accurate to about one
 * rounding of the data otherwise (Chan, Golub & LeVeque 1983: shifting by a data value).
 *
 * Reference: Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for computing the
 * sample variance: analysis and recommendations. *The American Statistician*, 37(3), 242–247.
 * @internal
 */
export function shiftedMean(n: number, at: (i: number) => number): number {
  const x0 = at(0);
  const s = new CompensatedSum();
  for (let i = 1; i < n; i++) s.add(at(i) - x0);
  return x0 + s.value / n;
}

/**
 * The rounding floor of a sum of squares of `count` deviations, each computed from data whose
 * largest magnitude is `magnitude` with a few roundings each: `count · (16 ε · magnitude)²`. A sum
 * of squares at or below it is indistinguishable from 0 for these data ("no variance"), whatever
 * the data's scale: the test is relative to the data, never to another noisy quantity.
 * @internal
 */
export function noiseFloor(count: number, magnitude: number): number {
  const unit = 16 * Number.EPSILON * magnitude;
  return count * unit * unit;
}

/**
 * The power of two that brings `magnitude` (the largest |value|) into [0.5, 1): the statistics
 * that use it are invariant to the scale of the data, and multiplying by a power of two is exact,
 * so the data keep every digit while squares and sums can neither overflow (values near 1e308)
 * nor underflow to 0 (values near 1e-300). 1 for a magnitude of 0.
 * @internal
 */
export function unitScale(magnitude: number): number {
  if (!(magnitude > 0) || !Number.isFinite(magnitude)) return 1;
  const e = Math.max(-1022, Math.min(1023, Math.ceil(Math.log2(magnitude))));
  let f = 2 ** -e;
  // log2 can be off by one near a power of two: land in [0.5, 1].
  if (magnitude * f > 1) f /= 2;
  else if (magnitude * f < 0.5) f *= 2;
  return f;
}

/**
 * Ratings moved to a data value and brought to unit scale, the data the sums of squares of ICC and
 * Cronbach's alpha are computed from: `y = (x·f₁ − x₀·f₁)·f₂`, with x₀ the first rating, f₁ the
 * power of two that brings the largest |x| into [0.5, 1] and f₂ the one that brings the largest
 * |y| there. Shifting by a data value removes the magnitude the spread sits on, so a spread of a few
 * ulps on top of 0.83 or 1e15 keeps every digit (x − x₀ is exact when x and x₀ are within a factor of
 * two, Sterbenz), and means and sums of squares of y are accurate relative to the spread itself
 * (Chan, Golub & LeVeque 1983: shifting by a data value, then the two-pass algorithm). Powers of two
 * are exact, and squares of y can neither overflow nor underflow. Both statistics are invariant to
 * the shift and the scale; a mean square of y is one of x divided by (f₁·f₂)².
 *
 * Reference: Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for computing the
 * sample variance: analysis and recommendations. *The American Statistician*, 37(3), 242–247.
 * @internal
 */
export function shiftToUnit(rows: readonly (readonly number[])[]): {
  rows: number[][];
  f1: number;
  f2: number;
} {
  let magnitude = 0;
  for (const row of rows) for (const x of row) magnitude = Math.max(magnitude, Math.abs(x));
  const f1 = unitScale(magnitude);
  const x0 = ((rows[0] ?? [])[0] ?? 0) * f1;
  const shifted = rows.map((row) => row.map((x) => x * f1 - x0));
  let spread = 0;
  for (const row of shifted) for (const d of row) spread = Math.max(spread, Math.abs(d));
  const f2 = unitScale(spread);
  return { rows: shifted.map((row) => row.map((d) => d * f2)), f1, f2 };
}

/** Whether every value of the matrix is exactly the same number ("constant" data). @internal */
export function allEqual(rows: readonly (readonly number[])[]): boolean {
  const x0 = (rows[0] ?? [])[0];
  return rows.every((row) => row.every((x) => x === x0));
}
