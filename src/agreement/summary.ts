import { MAX_BOOTSTRAP_CATEGORIES } from "./_pairs.js";
import { bootstrap } from "./bootstrap.js";
import { cohenKappaMatrix, type KappaWeights } from "./cohen-kappa.js";
import { cronbachAlpha } from "./cronbach-alpha.js";
import { fleissKappa } from "./fleiss-kappa.js";
import { gwetAc1 } from "./gwet-ac1.js";
import { type IccResult, icc } from "./icc.js";
import { type AlphaLevel, krippendorffAlpha } from "./krippendorff-alpha.js";
import { percentAgreement } from "./percent-agreement.js";
import type { Categories, Coefficient, Rating, RatingMatrix } from "./types.js";

/** Options of {@link agreementSummary}. @category Agreement */
export interface AgreementSummaryOptions {
  /** Declared categories, in scale order; every rating must be one of them. */
  readonly categories?: Categories;
  /**
   * The levels of Krippendorff's alpha to compute. Default: all four (`nominal`, `ordinal`,
   * `interval`, `ratio`) for numeric ratings, `nominal` for labels.
   */
  readonly levels?: readonly AlphaLevel[];
  /**
   * Bootstrap resamples of the items for each coefficient's 95 % interval (default 0: no
   * intervals). None beyond {@link MAX_BOOTSTRAP_CATEGORIES} distinct ratings (then `interval`
   * holds a note).
   */
  readonly resamples?: number;
  /** Seed of the resampling (default 1). */
  readonly seed?: number;
  /** Called as resampling goes on: resamples done over all the coefficients, and their total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** How the intervals of an {@link AgreementSummary} were made, or why there are none. @category Agreement */
export type AgreementSummaryInterval =
  | {
      /** The percentile bootstrap (Efron & Tibshirani 1993, ch. 13) over the items. */
      readonly method: "percentile bootstrap";
      readonly unit: "item";
      readonly resamples: number;
      readonly seed: number;
    }
  | {
      /** Why no coefficient has an interval (too many categories). */
      readonly note: string;
    };

/** What {@link agreementSummary} returns. @category Agreement */
export interface AgreementSummary {
  /** Items (rows of the matrix). */
  readonly items: number;
  /** Raters (columns of the matrix). */
  readonly raters: number;
  /** Missing ratings (`null` or `undefined` cells). */
  readonly missing: number;
  /** Whether every rating is a number (then ICC and Cronbach's alpha are computed). */
  readonly numeric: boolean;
  readonly percentAgreement: Coefficient;
  readonly fleissKappa: Coefficient;
  readonly gwetAc1: Coefficient;
  /** Krippendorff's alpha at each level asked for (see {@link AgreementSummaryOptions.levels}), in that order. */
  readonly krippendorffAlpha: Readonly<Partial<Record<AlphaLevel, Coefficient>>>;
  /** Cohen's kappa, unweighted, linear and quadratic weights: only with exactly two raters. */
  readonly cohenKappa?: Readonly<Record<KappaWeights, Coefficient>>;
  /** The six ICCs with their F tests and analytic intervals: only for numeric ratings. */
  readonly icc?: IccResult;
  /** Cronbach's alpha: only for numeric ratings. */
  readonly cronbachAlpha?: Coefficient;
  /** How the intervals were made, or why there are none; absent without resampling. */
  readonly interval?: AgreementSummaryInterval;
}

const ALL_LEVELS: readonly AlphaLevel[] = ["nominal", "ordinal", "interval", "ratio"];
const WEIGHTS: readonly KappaWeights[] = ["unweighted", "linear", "quadratic"];

/** Missing cells, whether every rating is a number, and the distinct ratings of a matrix. */
function describe(m: RatingMatrix): { missing: number; numeric: boolean; distinct: number } {
  let missing = 0;
  let numeric = true;
  const distinct = new Set<Rating>();
  for (const row of m)
    for (const v of row) {
      if (v === null || v === undefined) missing++;
      else {
        if (typeof v !== "number") numeric = false;
        distinct.add(v);
      }
    }
  return { missing, numeric, distinct: distinct.size };
}

/**
 * The agreement battery for a rating matrix (items × raters), every coefficient of this library
 * that applies to it: percent agreement, Fleiss' kappa, Gwet's AC1, Krippendorff's alpha (nominal;
 * ordinal, interval and ratio too for numeric ratings), Cohen's kappa in its three weightings
 * (exactly two raters), the six ICCs and Cronbach's alpha (numeric ratings); with `resamples`, a
 * 95 % percentile bootstrap interval over the items for each (the ICCs keep their analytic
 * intervals). Each value is that of the coefficient's own function on the same matrix and
 * options; see them for definitions and references. This is what `rapportkit agree --matrix`
 * prints.
 * @param ratings items × raters; `null`/`undefined` is a missing rating.
 * @param options declared categories, alpha levels, resampling.
 * @returns the coefficients, each `{ value, reason?, ci95? }`, and what the matrix holds.
 * @throws {AgreementInputError} as the coefficients do (e.g. a rating outside `categories`, an
 * interval level on labels).
 * @category Agreement
 * @example
 * ```ts
 * const s = agreementSummary([["a", "a"], ["b", "b"], ["a", "b"]]);
 * s.percentAgreement.value; // => 0.6666666666666666
 * s.cohenKappa?.unweighted.value; // => 0.4
 * ```
 */
export function agreementSummary(
  ratings: RatingMatrix,
  options: AgreementSummaryOptions = {},
): AgreementSummary {
  const { missing, numeric, distinct } = describe(ratings);
  const raters = ratings[0]?.length ?? 0;
  const opts = options.categories ? { categories: options.categories } : {};
  const levels = options.levels ?? (numeric ? ALL_LEVELS : ["nominal" as const]);
  const twoRaters = raters === 2;
  const asked = Math.max(0, options.resamples ?? 0);
  const seed = options.seed ?? 1;
  // Every resample costs O(items × raters + categories): intervals only up to the documented
  // number of categories (the point values are linear in the data and always given).
  const nCategories = Math.max(distinct, options.categories?.length ?? 0);
  const tooMany = asked > 0 && nCategories > MAX_BOOTSTRAP_CATEGORIES;
  const resamples = tooMany ? 0 : asked;
  const total = (3 + levels.length + (twoRaters ? 3 : 0) + (numeric ? 1 : 0)) * resamples;
  let offset = 0;
  const withCi = (fn: (m: RatingMatrix) => Coefficient): Coefficient => {
    if (resamples <= 0) return fn(ratings);
    const base = offset;
    const r = bootstrap(fn, ratings, {
      resamples,
      seed,
      onProgress: (done) => options.onProgress?.(base + done, total),
    });
    offset += resamples;
    return r;
  };
  const pa = withCi((x) => percentAgreement(x, opts));
  const fk = withCi((x) => fleissKappa(x, opts));
  const ac1 = withCi((x) => gwetAc1(x, opts));
  const alpha: Partial<Record<AlphaLevel, Coefficient>> = {};
  for (const level of levels)
    alpha[level] = withCi((x) => krippendorffAlpha(x, { ...opts, level }));
  let cohen: Record<KappaWeights, Coefficient> | undefined;
  if (twoRaters) {
    cohen = {} as Record<KappaWeights, Coefficient>;
    for (const weights of WEIGHTS)
      cohen[weights] = withCi((x) => cohenKappaMatrix(x, { ...opts, weights }));
  }
  const iccs = numeric ? icc(ratings) : undefined;
  const cronbach = numeric ? withCi((x) => cronbachAlpha(x)) : undefined;
  const interval: AgreementSummaryInterval | undefined = tooMany
    ? {
        note: `no bootstrap interval: ${nCategories.toLocaleString("en-US")} categories, more than ${MAX_BOOTSTRAP_CATEGORIES.toLocaleString("en-US")}`,
      }
    : resamples > 0
      ? { method: "percentile bootstrap", unit: "item", resamples, seed }
      : undefined;
  return {
    items: ratings.length,
    raters,
    missing,
    numeric,
    percentAgreement: pa,
    fleissKappa: fk,
    gwetAc1: ac1,
    krippendorffAlpha: alpha,
    ...(cohen ? { cohenKappa: cohen } : {}),
    ...(iccs ? { icc: iccs } : {}),
    ...(cronbach ? { cronbachAlpha: cronbach } : {}),
    ...(interval ? { interval } : {}),
  };
}
