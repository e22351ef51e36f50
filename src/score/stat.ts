/**
 * The value type every score in this layer returns when it can be undefined: a number, or `null`
 * with the reason. Scores never return NaN or Infinity.
 * @module
 */

/**
 * A statistic that may be undefined: `{ value: number }` or `{ value: null, reason }`.
 * @category Scores
 */
export type Stat = { readonly value: number; readonly reason?: undefined } | Undefined;

/** An undefined statistic and why. @category Scores */
export interface Undefined {
  readonly value: null;
  readonly reason: string;
}

/** A defined statistic. @internal */
export function defined(value: number): Stat {
  return { value };
}

/** An undefined statistic. @internal */
export function undefinedStat(reason: string): Undefined {
  return { value: null, reason };
}

/**
 * `num / den` as a {@link Stat}, `scale` times the ratio (100 for a percentage); undefined when
 * `den` is 0, with `reason`.
 * @internal
 */
export function ratio(num: number, den: number, reason: string, scale = 1): Stat {
  if (den === 0 || !Number.isFinite(num) || !Number.isFinite(den)) return undefinedStat(reason);
  const v = (num / den) * scale;
  return Number.isFinite(v) ? { value: v } : undefinedStat(reason);
}
