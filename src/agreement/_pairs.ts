import { mulberry32 } from "../_internal/random.js";
import type { Coefficient } from "./types.js";

/**
 * Agreement between two raters over complete pairs, from sufficient statistics: one pass over the
 * items fills per-category tallies (row and column margins, the diagonal), and every statistic
 * that depends on the data only through them (percent agreement, Cohen's kappa in every weighting,
 * nominal Krippendorff's alpha, Gwet's AC1, one-vs-rest kappa per code) is read off in time linear
 * in the number of categories. A bootstrap resample is one more pass: O(n + L) per resample,
 * never O(L²) and never a matrix per resample.
 * @internal
 */

/** The statistics {@link pairStatistics} can compute. @internal */
export type PairStat = "percent" | "kappa" | "kappaLinear" | "kappaQuadratic" | "alpha" | "ac1";

/**
 * Bootstrap intervals are computed for at most this many categories (distinct labels): each
 * resample costs O(n + L), and a per-code interval keeps one value per resample and code.
 * Beyond it the point values are given without intervals, with a reason.
 * @category Agreement
 */
export const MAX_BOOTSTRAP_CATEGORIES = 10_000;

/** Per-code intervals are kept for at most this many codes (one value per resample and code). */
const MAX_PER_CODE_INTERVALS = 1_000;

/** Per-category tallies of a sample of pairs. @internal */
export class PairTally {
  n = 0;
  agree = 0;
  readonly row: Float64Array;
  readonly col: Float64Array;
  readonly diag: Float64Array;
  constructor(readonly L: number) {
    this.row = new Float64Array(L);
    this.col = new Float64Array(L);
    this.diag = new Float64Array(L);
  }
  clear(): void {
    this.n = 0;
    this.agree = 0;
    this.row.fill(0);
    this.col.fill(0);
    this.diag.fill(0);
  }
  add(x: number, y: number): void {
    this.n++;
    this.row[x] = (this.row[x] as number) + 1;
    this.col[y] = (this.col[y] as number) + 1;
    if (x === y) {
      this.agree++;
      this.diag[x] = (this.diag[x] as number) + 1;
    }
  }
  /** Categories either rater used. */
  present(): number {
    let q = 0;
    for (let k = 0; k < this.L; k++) if ((this.row[k] as number) + (this.col[k] as number) > 0) q++;
    return q;
  }
}

const NONE_BOTH = "no item rated by both raters";
const ONE_SAME = "expected agreement is 1 (both raters used one and the same category)";

/**
 * Cohen's kappa from a tally. Weighted kappa places each category at `pos[k]` on a scale of `Lw`
 * positions; `items` lists the sample's pairs (`a[items[i]]`, `b[items[i]]`) for the weighted
 * observed disagreement. Same definitions as {@link cohenKappa} (Cohen 1960, 1968).
 * @internal
 */
export function kappaOfTally(
  t: PairTally,
  weights: "unweighted" | "linear" | "quadratic",
  pos: Int32Array,
  Lw: number,
  a: Int32Array,
  b: Int32Array,
  items: Int32Array | null,
  m: number,
): Coefficient {
  const n = t.n;
  if (n === 0) return { value: null, reason: NONE_BOTH };
  const L = t.L;
  if (weights === "unweighted") {
    // Integers: exact, so "no disagreement expected" is decided exactly.
    let same = 0;
    for (let k = 0; k < L; k++) same += (t.row[k] as number) * (t.col[k] as number);
    const expected = n * n - same;
    if (!(expected > 0)) return { value: null, reason: ONE_SAME };
    return { value: 1 - ((n - t.agree) * n) / expected };
  }
  if (Lw < 2) return { value: null, reason: "weighted kappa needs at least two categories" };
  let observed = 0;
  for (let i = 0; i < m; i++) {
    const k = items === null ? i : (items[i] as number);
    const d = (pos[a[k] as number] as number) - (pos[b[k] as number] as number);
    observed += weights === "linear" ? Math.abs(d) : d * d;
  }
  let expected = 0;
  if (weights === "linear") {
    // Σ_ij r_i c_j |p_i − p_j| with prefix sums over the scale (positions increase with k): exact
    // integer arithmetic.
    let rBelow = 0;
    let rpBelow = 0;
    let cBelow = 0;
    let cpBelow = 0;
    for (let k = 0; k < L; k++) {
      const r = t.row[k] as number;
      const c = t.col[k] as number;
      if (r === 0 && c === 0) continue;
      const p = pos[k] as number;
      expected += c * (p * rBelow - rpBelow) + r * (p * cBelow - cpBelow);
      rBelow += r;
      rpBelow += r * p;
      cBelow += c;
      cpBelow += c * p;
    }
  } else {
    // Σ_ij r_i c_j (p_i − p_j)² = n Σ r (p − μ_r)² + n Σ c (p − μ_c)² + n² (μ_r − μ_c)².
    let sr = 0;
    let sc = 0;
    for (let k = 0; k < L; k++) {
      sr += (t.row[k] as number) * (pos[k] as number);
      sc += (t.col[k] as number) * (pos[k] as number);
    }
    const mr = sr / n;
    const mc = sc / n;
    let vr = 0;
    let vc = 0;
    for (let k = 0; k < L; k++) {
      const p = pos[k] as number;
      vr += (t.row[k] as number) * (p - mr) ** 2;
      vc += (t.col[k] as number) * (p - mc) ** 2;
    }
    expected = n * vr + n * vc + n * n * (mr - mc) ** 2;
  }
  if (!(expected > 0)) return { value: null, reason: ONE_SAME };
  // Both sums carry the same 1/(L − 1) (or its square) and 1/n scale: κ = 1 − n·O / E.
  return { value: 1 - (n * observed) / expected };
}

/** Nominal Krippendorff's alpha of two raters' complete pairs (Krippendorff 2011). @internal */
export function alphaOfTally(t: PairTally): Coefficient {
  if (t.n === 0)
    return { value: null, reason: "no unit has two or more ratings (nothing is pairable)" };
  const n2 = 2 * t.n;
  let sq = 0;
  let used = 0;
  for (let k = 0; k < t.L; k++) {
    const nc = (t.row[k] as number) + (t.col[k] as number);
    if (nc > 0) used++;
    sq += nc * nc;
  }
  if (used < 2)
    return {
      value: null,
      reason: "expected disagreement is 0 (every pairable rating has the same value)",
    };
  const expected = n2 * n2 - sq;
  const observed = 2 * (t.n - t.agree);
  return { value: 1 - ((n2 - 1) * observed) / expected };
}

/** Gwet's AC1 of two raters' complete pairs, over `q` categories (Gwet 2008). @internal */
export function ac1OfTally(t: PairTally, q: number): Coefficient {
  if (t.n === 0) return { value: null, reason: "no item has two or more ratings" };
  if (q < 2) return { value: null, reason: "only one category: AC1 needs at least two" };
  const pa = t.agree / t.n;
  let s = 0;
  for (let k = 0; k < t.L; k++) {
    const p = ((t.row[k] as number) + (t.col[k] as number)) / (2 * t.n);
    s += p * (1 - p);
  }
  const pe = s / (q - 1);
  return { value: (pa - pe) / (1 - pe) };
}

/**
 * The kappa of the binary ratings "code k / any other code" (one-vs-rest), from the tally in
 * O(1): tp = diag_k, r = row_k, c = col_k. @internal
 */
export function oneVsRestKappa(t: PairTally, k: number): Coefficient {
  const n = t.n;
  if (n === 0) return { value: null, reason: NONE_BOTH };
  const tp = t.diag[k] as number;
  const r1 = t.row[k] as number;
  const c1 = t.col[k] as number;
  const expected = (r1 * (n - c1) + (n - r1) * c1) / n;
  if (!(expected > 0)) return { value: null, reason: ONE_SAME };
  return { value: 1 - (r1 - tp + (c1 - tp)) / expected };
}

/** How intervals were made, named in every output that has them. @category Agreement */
export interface IntervalMethod {
  /** Always the percentile bootstrap (Efron & Tibshirani 1993, ch. 13). */
  readonly method: "percentile bootstrap";
  /**
   * What was resampled: whole sessions (a cluster bootstrap: each resample draws as many sessions
   * as there are, with replacement, and takes all of their utterances), or single utterances.
   */
  readonly unit: "session" | "utterance";
  readonly resamples: number;
  readonly seed: number;
  /** Sessions resampled (for `unit: "session"`). */
  readonly clusters?: number;
  /** Why some or all intervals are missing, e.g. too many categories. */
  readonly note?: string;
}

/** Options of {@link pairStatistics}. @internal */
export interface PairStatisticsOptions {
  /** The categories, in scale order (declared, or the observed ones sorted). */
  readonly L: number;
  /** Whether the categories were declared (then AC1's q and the weighted scale use all L). */
  readonly declared: boolean;
  readonly stats: readonly PairStat[];
  /** Category indices to give one-vs-rest kappa for. */
  readonly perCode?: Int32Array;
  readonly resamples: number;
  readonly seed: number;
  /** Cluster (session) index of each item, 0..S−1: resample clusters instead of items. */
  readonly clusters?: Int32Array;
  /** Called with (done, total) as resamples complete. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The result of {@link pairStatistics}. @internal */
export interface PairStatistics {
  readonly overall: Readonly<Record<PairStat, Coefficient>>;
  readonly perCode: readonly Coefficient[];
  readonly interval?: IntervalMethod;
}

type Quantiles = { values: Float64Array; defined: number };

function quantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const x = sorted[lo] as number;
  const y = sorted[hi] as number;
  return x + (h - lo) * (y - x);
}

function withInterval(c: Coefficient, q: Quantiles | undefined): Coefficient {
  if (c.value === null || q === undefined || q.defined < 2) return c;
  const s = q.values.subarray(0, q.defined).sort();
  return { ...c, ci95: [quantile(s, 0.025), quantile(s, 0.975)] };
}

/**
 * Every requested statistic of two raters' complete pairs (`a[i]`, `b[i]` category indices), with
 * percentile-bootstrap intervals over items, or over clusters (sessions) when `clusters` is given.
 *
 * The item bootstrap draws exactly as {@link bootstrap} does (n draws of `floor(rand() · n)` per
 * resample, mulberry32), so for the same seed it gives the same intervals. The cluster bootstrap
 * draws S sessions with replacement per resample and takes all their items (Davison & Hinkley
 * 1997, §3.8; Field & Welsh 2007): utterances of one session are not independent, and resampling
 * them as if they were understates the width of the interval.
 *
 * References: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 13.
 * Davison, A. C., & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*, Cambridge
 * University Press, §3.8 (multi-stage sampling). Field, C. A., & Welsh, A. H. (2007).
 * Bootstrapping clustered data. *Journal of the Royal Statistical Society B*, 69(3), 369–390.
 * @internal
 */
export function pairStatistics(
  a: Int32Array,
  b: Int32Array,
  opts: PairStatisticsOptions,
): PairStatistics {
  const { L, declared, stats } = opts;
  const n = a.length;
  const perCode = opts.perCode ?? new Int32Array(0);
  const tally = new PairTally(L);
  const identity = new Int32Array(L);
  for (let k = 0; k < L; k++) identity[k] = k;
  const pos = new Int32Array(L);

  /** The statistics of the tally, with `items[0..m)` the sample (null: all items in order). */
  const compute = (items: Int32Array | null, m: number, full: boolean) => {
    // The weighted scale: declared categories keep their places; otherwise the categories present
    // in this (re)sample, in order (as encoding a resample does).
    let Lw = L;
    let scale = identity;
    if (!declared && !full) {
      Lw = 0;
      for (let k = 0; k < L; k++)
        if ((tally.row[k] as number) + (tally.col[k] as number) > 0) pos[k] = Lw++;
      scale = pos;
    }
    const out = {} as Record<PairStat, Coefficient>;
    for (const s of stats) {
      if (s === "percent")
        out[s] =
          tally.n > 0
            ? { value: tally.agree / tally.n }
            : { value: null, reason: "no item has two or more ratings" };
      else if (s === "kappa") out[s] = kappaOfTally(tally, "unweighted", scale, Lw, a, b, items, m);
      else if (s === "kappaLinear")
        out[s] = kappaOfTally(tally, "linear", scale, Lw, a, b, items, m);
      else if (s === "kappaQuadratic")
        out[s] = kappaOfTally(tally, "quadratic", scale, Lw, a, b, items, m);
      else if (s === "alpha") out[s] = alphaOfTally(tally);
      else out[s] = ac1OfTally(tally, declared || full ? L : tally.present());
    }
    return out;
  };

  for (let i = 0; i < n; i++) tally.add(a[i] as number, b[i] as number);
  const overall = compute(null, n, true);
  const codes = Array.from(perCode, (k) => oneVsRestKappa(tally, k));
  const resamples = opts.resamples;
  if (resamples <= 0 || n === 0) return { overall, perCode: codes };

  const clusters = opts.clusters;
  const base = {
    method: "percentile bootstrap" as const,
    unit: clusters ? ("session" as const) : ("utterance" as const),
    resamples,
    seed: opts.seed,
  };
  // Sessions: items grouped by cluster (counting sort), start[c]..start[c + 1] in `order`.
  let S = 0;
  let start = new Int32Array(0);
  let order = new Int32Array(0);
  if (clusters) {
    for (let i = 0; i < n; i++) S = Math.max(S, (clusters[i] as number) + 1);
    start = new Int32Array(S + 1);
    for (let i = 0; i < n; i++) {
      const c = (clusters[i] as number) + 1;
      start[c] = (start[c] as number) + 1;
    }
    for (let c = 0; c < S; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
    order = new Int32Array(n);
    const fill = start.slice(0, S);
    for (let i = 0; i < n; i++) {
      const c = clusters[i] as number;
      order[fill[c] as number] = i;
      fill[c] = (fill[c] as number) + 1;
    }
  }
  const interval: IntervalMethod = clusters ? { ...base, clusters: S } : base;
  if (L > MAX_BOOTSTRAP_CATEGORIES)
    return {
      overall,
      perCode: codes,
      interval: {
        ...interval,
        note: `no bootstrap interval: ${L.toLocaleString("en-US")} categories, more than ${MAX_BOOTSTRAP_CATEGORIES.toLocaleString("en-US")}`,
      },
    };
  if (clusters && S < 2)
    return {
      overall,
      perCode: codes,
      interval: {
        ...interval,
        note: "no bootstrap interval: a cluster bootstrap needs two or more sessions",
      },
    };

  const q: Partial<Record<PairStat, Quantiles>> = {};
  for (const s of stats)
    if (overall[s].value !== null) q[s] = { values: new Float64Array(resamples), defined: 0 };
  const withCodeCi = perCode.length <= MAX_PER_CODE_INTERVALS;
  const qc: (Quantiles | undefined)[] = Array.from(perCode, (_, i) =>
    withCodeCi && codes[i]?.value !== null
      ? { values: new Float64Array(resamples), defined: 0 }
      : undefined,
  );
  const rand = mulberry32(opts.seed);
  let items = new Int32Array(n);
  const step = Math.max(1, Math.floor(resamples / 100));
  for (let r = 0; r < resamples; r++) {
    tally.clear();
    let m = 0;
    if (clusters) {
      for (let s = 0; s < S; s++) {
        const c = Math.floor(rand() * S);
        const from = start[c] as number;
        const to = start[c + 1] as number;
        if (m + (to - from) > items.length) {
          const grown = new Int32Array(Math.max(items.length * 2, m + (to - from)));
          grown.set(items.subarray(0, m));
          items = grown;
        }
        for (let t = from; t < to; t++) {
          const i = order[t] as number;
          items[m++] = i;
          tally.add(a[i] as number, b[i] as number);
        }
      }
    } else {
      for (let t = 0; t < n; t++) {
        const i = Math.floor(rand() * n);
        items[m++] = i;
        tally.add(a[i] as number, b[i] as number);
      }
    }
    const v = compute(items, m, false);
    for (const s of stats) {
      const x = v[s].value;
      const acc = q[s];
      if (acc && x !== null && Number.isFinite(x)) acc.values[acc.defined++] = x;
    }
    for (let i = 0; i < perCode.length; i++) {
      const acc = qc[i];
      if (!acc) continue;
      const x = oneVsRestKappa(tally, perCode[i] as number).value;
      if (x !== null && Number.isFinite(x)) acc.values[acc.defined++] = x;
    }
    if (opts.onProgress && ((r + 1) % step === 0 || r + 1 === resamples))
      opts.onProgress(r + 1, resamples);
  }
  const out = {} as Record<PairStat, Coefficient>;
  for (const s of stats) out[s] = withInterval(overall[s], q[s]);
  return {
    overall: out,
    perCode: codes.map((c, i) => withInterval(c, qc[i])),
    interval: withCodeCi
      ? interval
      : {
          ...interval,
          note: `no per-code intervals: ${perCode.length.toLocaleString("en-US")} codes, more than ${MAX_PER_CODE_INTERVALS.toLocaleString("en-US")}`,
        },
  };
}
