/**
 * The value type every score in this layer returns when it can be undefined: a number, or `null`
 * with the reason. Scores never return NaN or Infinity.
 * @module
 */

import type { Stat, UndefinedStat } from "../core/stat.js";

/** The core {@link Stat} and {@link UndefinedStat}; the score barrel exports `Stat` as `ScoreStat`. */
export type { Stat, UndefinedStat };

/** A defined statistic. @internal */
export function defined(value: number): Stat {
  return { value };
}

/** An undefined statistic. @internal */
export function undefinedStat(reason: string): UndefinedStat {
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
