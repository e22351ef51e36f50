/**
 * The one value type for a statistic that may be undefined, shared by every layer that returns
 * one (scores, classifier evaluation): a finite number, or `null` with the reason. Statistics never
 * return NaN or Infinity.
 * @module
 */

/**
 * A statistic that may be undefined: `{ value: number }` or `{ value: null, reason }`.
 * @example
 * const s: Stat = total === 0 ? { value: null, reason: "no utterances" } : { value: hits / total };
 * const shown = s.value === null ? `undefined (${s.reason})` : s.value.toFixed(2);
 * @category Core
 */
export type Stat = { readonly value: number; readonly reason?: undefined } | UndefinedStat;

/**
 * An undefined statistic and why.
 * @category Core
 */
export interface UndefinedStat {
  readonly value: null;
  readonly reason: string;
}

/** A defined statistic. @internal */
export function defined(value: number): Stat {
  return { value };
}

/** An undefined statistic. @internal */
export function undefinedStat(reason: string): UndefinedStat {
  return { value: null, reason };
}

/**
 * `num / den` as a {@link Stat}, `scale` times the ratio (100 for a percentage); undefined, with
 * `reason`, when `den` is 0 or the result is not finite. The one ratio of the library: scores,
 * classifier evaluation and the classification metrics all use it.
 * @internal
 */
export function ratio(num: number, den: number, reason: string, scale = 1): Stat {
  if (den === 0 || !Number.isFinite(num) || !Number.isFinite(den)) return undefinedStat(reason);
  const v = (num / den) * scale;
  return Number.isFinite(v) ? { value: v } : undefinedStat(reason);
}
