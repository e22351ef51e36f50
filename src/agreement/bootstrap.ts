import { mulberry32 } from "../_internal/random.js";
import { AgreementInputError } from "../core/errors.js";
import { checkMatrix, createRowCache, RESAMPLE, type ResampleOf } from "./_matrix.js";
import type { Coefficient, Rating, RatingMatrix } from "./types.js";

/** Re-exported for the tests and callers that seed their own resampling. @internal */
export { mulberry32 };

/** Options of {@link bootstrap}. @category Agreement */
export interface BootstrapOptions {
  /** Number of resamples; default 1000. */
  readonly resamples?: number;
  /** Seed of the generator (`mulberry32`); default 1. Same seed, same interval. */
  readonly seed?: number;
  /** Called with (resamples done, resamples) about a hundred times during the run (progress bars). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The result of {@link bootstrap}: the statistic on the data, its interval, and what was used. @category Agreement */
export interface BootstrapCoefficient extends Coefficient {
  /** Resamples drawn. */
  readonly resamples: number;
  /** Resamples on which the statistic was defined (the interval comes from these). */
  readonly resamplesDefined: number;
}

/**
 * Type-7 quantile (R's default) of sorted values. @internal
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/**
 * A seeded percentile-bootstrap 95% confidence interval for any agreement statistic, resampling
 * ITEMS (rows) with replacement and keeping the raters. The point value is the statistic on the
 * data as given; the interval is the 2.5th and 97.5th percentiles (type 7) of the statistic over
 * the resamples on which it is defined. Deterministic for a given seed.
 *
 * Resamples on which the statistic is undefined (e.g. every resampled item in one category) are
 * skipped and counted (`resamples − resamplesDefined`); if fewer than two are defined, no interval
 * is given. When the statistic is undefined on the data, so is the result, with no interval.
 *
 * Each resample encodes its rows through a cache and computes the statistic once: time
 * O(resamples × (items × raters + categories)). For two raters coding utterances in sessions,
 * {@link codingAgreement} resamples whole sessions instead (a cluster bootstrap), faster.
 *
 * Reference: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 13
 * (percentile intervals). Hayes & Krippendorff (2007) bootstrap alpha over units in the same spirit.
 *
 * @param statistic a function of a rating matrix returning `{ value, reason? }`: any of this
 *   layer's coefficients, or a `Stat` of your own.
 * @param ratings items × raters.
 * @param options resamples (default 1000) and seed (default 1).
 * @throws {AgreementInputError} for a bad matrix or a non-positive number of resamples.
 * @example
 * const data = [["a", "a"], ["a", "b"], ["b", "b"], ["a", "a"], ["b", "b"], ["b", "a"]];
 * bootstrap((m) => fleissKappa(m), data, { resamples: 200, seed: 7 });
 * // => { value: 0.33333333333333326, resamples: 200, resamplesDefined: 199, ci95: [-0.5000000000000001, 1] }
 * // (one resample drew a single category, where kappa is undefined; the interval depends on the seed)
 * @category Agreement
 */
export function bootstrap(
  statistic: (ratings: RatingMatrix) => Coefficient,
  ratings: RatingMatrix,
  options: BootstrapOptions = {},
): BootstrapCoefficient {
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new AgreementInputError([
      {
        code: "invalid_input",
        path: ["resamples"],
        message: "bootstrap: resamples must be a positive integer",
      },
    ]);
  const { n } = checkMatrix("bootstrap", ratings);
  const point = statistic(ratings);
  if (point.value === null)
    return { value: null, reason: point.reason ?? "undefined", resamples, resamplesDefined: 0 };
  const rand = mulberry32(options.seed ?? 1);
  const values = new Float64Array(resamples);
  let defined = 0;
  // Resamples reuse the original row arrays, so rows are encoded once: each resample carries this
  // run's row cache to the statistic's encoding (see ResampleOf).
  const cache = createRowCache();
  const onProgress = options.onProgress;
  const step = Math.max(1, Math.floor(resamples / 100));
  for (let b = 0; b < resamples; b++) {
    if (onProgress && b > 0 && b % step === 0) onProgress(b, resamples);
    const sample: ReadonlyArray<Rating>[] = new Array(n);
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * n);
      index[i] = k;
      sample[i] = ratings[k] as ReadonlyArray<Rating>;
    }
    const provenance: ResampleOf = { source: ratings, index, cache };
    Object.defineProperty(sample, RESAMPLE, { value: provenance });
    const v = statistic(sample).value;
    if (v !== null && Number.isFinite(v)) values[defined++] = v;
  }
  onProgress?.(resamples, resamples);
  const base = { value: point.value, resamples, resamplesDefined: defined };
  if (defined < 2) return base;
  const sorted = values.subarray(0, defined).sort();
  return { ...base, ci95: [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)] };
}
