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
