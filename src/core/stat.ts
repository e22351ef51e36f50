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
