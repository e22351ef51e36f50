import { AgreementInputError } from "../core/errors.js";
import type { Categories, Rating, RatingMatrix } from "./types.js";

/**
 * A rating matrix with every rating replaced by the index of its category (`-1` = missing).
 * @internal
 */
export interface EncodedMatrix {
  /** Number of items (rows). */
  readonly n: number;
  /** Number of raters (columns). */
  readonly r: number;
  /** Row-major category indices, `codes[i * r + j]`; `-1` for a missing rating. */
  readonly codes: Int32Array;
  /** The categories, in order: declared, or the observed values sorted (numbers first, ascending). */
  readonly categories: ReadonlyArray<string | number>;
  /** Whether every category is a number. */
  readonly numeric: boolean;
  /** Whether the categories were declared by the caller. */
  readonly declared: boolean;
}

/**
 * The most categories (labels) for which a dense categories × categories table is built: the
 * confusion `matrix` of {@link confusionMatrix} and {@link classificationReport} (`null` beyond,
 * the sparse `cells` are always there) and {@link coincidenceMatrix} (an error beyond). A million
 * cells; every statistic itself is computed without such a table.
 * @category Agreement
 */
export const MAX_DENSE_CATEGORIES = 1_000;

/** Sort order for observed categories: numbers ascending, then strings by code unit. @internal */
export function compareCategories(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isMissing(v: Rating): v is null | undefined {
  return v === null || v === undefined;
}

/** Checks one rating and throws a located error for an unusable one. @internal */
export function checkRating(fn: string, v: unknown, path: PropertyKey[]): void {
  if (v === null || v === undefined || typeof v === "string") return;
  if (typeof v === "number" && Number.isFinite(v)) return;
  throw new AgreementInputError([
    {
      code: "invalid_input",
      path,
      message: `${fn}: a rating must be a string, a finite number, null or undefined (got ${
        typeof v === "number" ? String(v) : typeof v
      })`,
    },
  ]);
}

/** Checks the shape of a rating matrix (rows of equal length, at least one item and rater). @internal */
export function checkMatrix(fn: string, matrix: RatingMatrix): { n: number; r: number } {
  if (!Array.isArray(matrix))
    throw new AgreementInputError(`${fn}: ratings must be an array of rows (items × raters)`);
  const n = matrix.length;
  if (n === 0) throw new AgreementInputError(`${fn}: the rating matrix has no items`);
  const first = matrix[0];
  if (!Array.isArray(first))
    throw new AgreementInputError([
      { code: "invalid_input", path: [0], message: `${fn}: each item must be an array of ratings` },
    ]);
  const r = first.length;
  if (r === 0)
    throw new AgreementInputError([
      { code: "invalid_input", path: [0], message: `${fn}: the rating matrix has no raters` },
    ]);
  for (let i = 0; i < n; i++) {
    const row = matrix[i];
    if (!Array.isArray(row) || row.length !== r)
      throw new AgreementInputError([
        {
          code: "invalid_input",
          path: [i],
          message: `${fn}: every item must have ${r} ratings (one per rater, null for missing), got ${
            Array.isArray(row) ? row.length : typeof row
          }`,
        },
      ]);
  }
  return { n, r };
}

/**
 * A cache of encoded rows, made by the bootstrap ({@link createRowCache}) and handed to the
 * statistic with each resample (in its {@link ResampleOf}): resamples reuse the same row arrays, so
 * each row is checked and mapped to value ids once, not once per resample.
 * @internal
 */
export interface RowCache {
  readonly ids: Map<string | number, number>;
  readonly values: (string | number)[];
  readonly rows: WeakMap<object, CachedRow>;
  /** Whole source matrices of resamples, encoded once: value ids row-major, and per-row masks. */
  readonly sources: WeakMap<object, { readonly ids: Int32Array; readonly masks: Int32Array }>;
}

/**
 * Marks a resample built by the bootstrap: `sample[RESAMPLE] = { source, index }` says that row i
 * of the sample is row `index[i]` of `source`, so it can be encoded by copying, without lookups.
 * @internal
 */
export const RESAMPLE: unique symbol = Symbol("rapportkit.agreement.resample");

/** The provenance of a resample, and the row cache its encoding goes through. @internal */
export interface ResampleOf {
  readonly source: RatingMatrix;
  readonly index: Int32Array;
  readonly cache: RowCache;
}

interface CachedRow {
  /** Value ids (`-1` missing). */
  readonly ids: Int32Array;
  /** Bit k set when value id k (< 31) occurs; bit 31 when an id ≥ 31 occurs. */
  readonly mask: number;
}

/** A fresh row cache, for one bootstrap run. @internal */
export function createRowCache(): RowCache {
  return { ids: new Map(), values: [], rows: new WeakMap(), sources: new WeakMap() };
}

/** The value ids of one row through the cache (`-1` missing), checking each rating once. */
function cachedRow(
  fn: string,
  cache: RowCache,
  row: ReadonlyArray<Rating>,
  i: number,
  r: number,
): CachedRow {
  const hit = cache.rows.get(row);
  if (hit !== undefined) return hit;
  const ids = new Int32Array(r);
  let mask = 0;
  for (let j = 0; j < r; j++) {
    const v = row[j];
    if (isMissing(v)) {
      ids[j] = -1;
      continue;
    }
    let k = cache.ids.get(v);
    if (k === undefined) {
      checkRating(fn, v, [i, j]);
      k = cache.values.length;
      cache.values.push(v);
      cache.ids.set(v, k);
    }
    ids[j] = k;
    mask |= k < 31 ? 1 << k : 1 << 31;
  }
  const entry = { ids, mask };
  cache.rows.set(row, entry);
  return entry;
}

function notDeclared(fn: string, v: unknown, i: number, j: number): AgreementInputError {
  return new AgreementInputError([
    {
      code: "invalid_input",
      path: [i, j],
      message: `${fn}: rating ${JSON.stringify(v)} is not one of the declared categories`,
    },
  ]);
}

function declaredIndex(fn: string, categories: Categories): Map<string | number, number> {
  const index = new Map<string | number, number>();
  categories.forEach((c, k) => {
    checkRating(fn, c, ["categories", k]);
    if (index.has(c))
      throw new AgreementInputError([
        { code: "invalid_input", path: ["categories", k], message: `${fn}: duplicate category` },
      ]);
    index.set(c, k);
  });
  return index;
}

/** {@link encodeMatrix} of a resample, through its row cache. */
function encodeCached(
  fn: string,
  info: ResampleOf,
  matrix: RatingMatrix,
  n: number,
  r: number,
  categories: Categories | undefined,
  ordered: boolean,
): EncodedMatrix {
  const cache = info.cache;
  // Where row i's value ids are: srcIds[srcRow[i] * r + j].
  let srcIds: Int32Array;
  let srcRow: Int32Array;
  let mask = 0;
  if (info.index.length === n && (info.source[0]?.length ?? -1) === r) {
    let src = cache.sources.get(info.source);
    if (src === undefined) {
      const sn = info.source.length;
      const ids = new Int32Array(sn * r);
      const masks = new Int32Array(sn);
      for (let i = 0; i < sn; i++) {
        const row = cachedRow(fn, cache, info.source[i] as ReadonlyArray<Rating>, i, r);
        ids.set(row.ids, i * r);
        masks[i] = row.mask;
      }
      src = { ids, masks };
      cache.sources.set(info.source, src);
    }
    srcIds = src.ids;
    srcRow = info.index;
    for (let i = 0; i < n; i++) mask |= src.masks[srcRow[i] as number] as number;
  } else {
    srcIds = new Int32Array(n * r);
    srcRow = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const row = cachedRow(fn, cache, matrix[i] as ReadonlyArray<Rating>, i, r);
      srcIds.set(row.ids, i * r);
      srcRow[i] = i;
      mask |= row.mask;
    }
  }
  const nv = cache.values.length;
  const remap = new Int32Array(nv).fill(-2);
  let cats: (string | number)[];
  if (categories !== undefined) {
    const index = declaredIndex(fn, categories);
    cats = [...categories];
    cache.values.forEach((v, k) => {
      const d = index.get(v);
      if (d !== undefined) remap[k] = d;
    });
  } else {
    const present = new Uint8Array(nv);
    if (mask >= 0 && nv <= 31) {
      for (let k = 0; k < nv; k++) if (mask & (1 << k)) present[k] = 1;
    } else {
      for (let i = 0; i < n; i++) {
        const base = (srcRow[i] as number) * r;
        for (let j = 0; j < r; j++) {
          const id = srcIds[base + j] as number;
          if (id >= 0) present[id] = 1;
        }
      }
    }
    const used: number[] = [];
    for (let k = 0; k < nv; k++) if (present[k]) used.push(k);
    if (ordered)
      used.sort((x, y) =>
        compareCategories(cache.values[x] as string | number, cache.values[y] as string | number),
      );
    cats = used.map((k) => cache.values[k] as string | number);
    used.forEach((k, pos) => {
      remap[k] = pos;
    });
  }
  let identity = true;
  for (let k = 0; k < nv; k++)
    if (remap[k] !== k) {
      identity = false;
      break;
    }
  const codes = new Int32Array(n * r);
  if (identity) {
    // Every value id is its own category index: copy the ids.
    for (let i = 0; i < n; i++) {
      const from = (srcRow[i] as number) * r;
      const base = i * r;
      for (let j = 0; j < r; j++) codes[base + j] = srcIds[from + j] as number;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const from = (srcRow[i] as number) * r;
      const base = i * r;
      for (let j = 0; j < r; j++) {
        const id = srcIds[from + j] as number;
        if (id < 0) {
          codes[base + j] = -1;
          continue;
        }
        const c = remap[id] as number;
        if (c < 0) throw notDeclared(fn, cache.values[id], i, j);
        codes[base + j] = c;
      }
    }
  }
  const numeric = cats.every((c) => typeof c === "number");
  return { n, r, codes, categories: cats, numeric, declared: categories !== undefined };
}

/**
 * Encodes a rating matrix as category indices. With `categories`, every rating must be one of them
 * (a located {@link AgreementInputError} otherwise); without, the categories are the distinct
 * observed values, sorted, or in any order when `ordered` is false (for statistics that only
 * compare categories for equality).
 * @internal
 */
export function encodeMatrix(
  fn: string,
  matrix: RatingMatrix,
  categories?: Categories,
  ordered = true,
): EncodedMatrix {
  const { n, r } = checkMatrix(fn, matrix);
  const resample = (matrix as { [RESAMPLE]?: ResampleOf })[RESAMPLE];
  if (resample !== undefined) return encodeCached(fn, resample, matrix, n, r, categories, ordered);
  const codes = new Int32Array(n * r);
  let index = new Map<string | number, number>();
  let cats: (string | number)[];
  if (categories !== undefined) {
    cats = [...categories];
    index = declaredIndex(fn, categories);
    for (let i = 0; i < n; i++) {
      const row = matrix[i] as ReadonlyArray<Rating>;
      for (let j = 0; j < r; j++) {
        const v = row[j];
        if (isMissing(v)) {
          codes[i * r + j] = -1;
          continue;
        }
        const k = index.get(v);
        if (k === undefined) {
          checkRating(fn, v, [i, j]);
          throw notDeclared(fn, v, i, j);
        }
        codes[i * r + j] = k;
      }
    }
  } else {
    // First pass: provisional indices in order of appearance; then remap to sorted order.
    const seen: (string | number)[] = [];
    for (let i = 0; i < n; i++) {
      const row = matrix[i] as ReadonlyArray<Rating>;
      for (let j = 0; j < r; j++) {
        const v = row[j];
        if (isMissing(v)) {
          codes[i * r + j] = -1;
          continue;
        }
        let k = index.get(v);
        if (k === undefined) {
          checkRating(fn, v, [i, j]);
          k = seen.length;
          seen.push(v);
          index.set(v, k);
        }
        codes[i * r + j] = k;
      }
    }
    if (!ordered) {
      const numeric = seen.every((c) => typeof c === "number");
      return { n, r, codes, categories: seen, numeric, declared: false };
    }
    cats = [...seen].sort(compareCategories);
    const remap = new Int32Array(seen.length);
    const pos = new Map<string | number, number>();
    cats.forEach((c, k) => {
      pos.set(c, k);
    });
    seen.forEach((c, k) => {
      remap[k] = pos.get(c) as number;
    });
    for (let t = 0; t < codes.length; t++) {
      const c = codes[t] as number;
      if (c >= 0) codes[t] = remap[c] as number;
    }
  }
  const numeric = cats.every((c) => typeof c === "number");
  return { n, r, codes, categories: cats, numeric, declared: categories !== undefined };
}

/**
 * The rows of a numeric matrix with every column present (listwise deletion, as R psych does),
 * checking every present value is a finite number. Shared by `icc` and `cronbachAlpha`.
 * @throws {AgreementInputError} for an empty or ragged matrix, NaN or ±Infinity, or a non-numeric value (`what` names
 * it in the message: `"<fn>: <what> must be numbers"`).
 * @internal
 */
export function completeNumericRows(
  fn: string,
  matrix: RatingMatrix,
  what: string,
): { rows: number[][]; nAll: number; k: number } {
  const { n: nAll, r: k } = checkMatrix(fn, matrix);
  const rows: number[][] = [];
  for (let i = 0; i < nAll; i++) {
    const row = matrix[i] as ReadonlyArray<unknown>;
    let complete = true;
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (v === null || v === undefined) complete = false;
      else if (typeof v !== "number" || !Number.isFinite(v)) {
        // NaN and ±Infinity are input errors here as in every other statistic.
        checkRating(fn, v, [i, j]);
        throw new AgreementInputError([
          { code: "invalid_input", path: [i, j], message: `${fn}: ${what} must be numbers` },
        ]);
      }
    }
    if (complete) rows.push(row as number[]);
  }
  return { rows, nAll, k };
}

/**
 * Per-item category counts, as a sparse list per item: `counts[i]` holds pairs
 * `[category, count]` for the categories item `i` received, and `m[i]` the number of ratings.
 * @internal
 */
export interface ItemCounts {
  readonly q: number;
  /** Ratings per item. */
  readonly m: Int32Array;
  /** For item i, entries start at `start[i]` and end before `start[i + 1]`. */
  readonly start: Int32Array;
  readonly cat: Int32Array;
  readonly count: Int32Array;
}

/** Tallies each item's ratings by category in one pass (linear in the number of cells). @internal */
export function itemCounts(e: EncodedMatrix): ItemCounts {
  const { n, r, codes } = e;
  const q = e.categories.length;
  const scratch = new Int32Array(q);
  const m = new Int32Array(n);
  const start = new Int32Array(n + 1);
  const cat = new Int32Array(n * r);
  const count = new Int32Array(n * r);
  let w = 0;
  for (let i = 0; i < n; i++) {
    start[i] = w;
    const base = i * r;
    let mi = 0;
    for (let j = 0; j < r; j++) {
      const c = codes[base + j] as number;
      if (c < 0) continue;
      mi++;
      if (scratch[c] === 0) {
        cat[w] = c;
        w++;
      }
      scratch[c] = (scratch[c] as number) + 1;
    }
    m[i] = mi;
    for (let t = start[i] as number; t < w; t++) {
      const c = cat[t] as number;
      count[t] = scratch[c] as number;
      scratch[c] = 0;
    }
  }
  start[n] = w;
  return { q, m, start, cat, count };
}
