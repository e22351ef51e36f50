/**
 * Shared types of the agreement statistics.
 * @module
 */

/**
 * One rating: a category label (string), a numeric score, or missing (`null` / `undefined`).
 * Strings and numbers are compared as values: `"1"` and `1` are different categories.
 * @category Agreement
 */
export type Rating = string | number | null | undefined;

/**
 * A rating matrix: one row per item (unit, utterance, subject), one column per rater (coder,
 * judge, annotator). Every row has the same length; a missing rating is `null` or `undefined`.
 * @category Agreement
 */
export type RatingMatrix = ReadonlyArray<ReadonlyArray<Rating>>;

/**
 * The result of every agreement coefficient. `value` is a finite number, or `null` when the
 * coefficient is undefined for these data, with `reason` saying why (never `NaN`, never a
 * misleading 0). `ci95` is a 95% confidence interval when one was computed (analytic for ICC,
 * otherwise a seeded percentile bootstrap, see {@link bootstrap}).
 * @category Agreement
 */
export interface Coefficient {
  readonly value: number | null;
  readonly reason?: string;
  readonly ci95?: readonly [number, number];
}

/**
 * A declared, ordered list of categories. When given, every rating must be one of them; the
 * position of a category in the list is what weighted statistics (weighted kappa, ordinal alpha)
 * use, and unused declared categories count (see each statistic's notes).
 * @category Agreement
 */
export type Categories = ReadonlyArray<string | number>;
