import type { EncodedMatrix } from "./_matrix.js";

/**
 * The pieces shared by percent agreement, Fleiss' kappa and Gwet's AC1 (Gwet 2014, ch. 2 and 5):
 * `pa`, the mean over items with at least two ratings of the share of agreeing rater pairs, and
 * `pi[k]`, the mean over items with at least one rating of the share of that item's ratings in
 * category k.
 * @internal
 */
export interface ChanceParts {
  readonly pa: number;
  readonly pi: Float64Array;
  /** Items with at least two ratings. */
  readonly n2: number;
  /** Items with at least one rating. */
  readonly n1: number;
  /** Number of categories (declared or observed). */
  readonly q: number;
}

/** Computes {@link ChanceParts} in one pass over the codes (no per-item allocation). @internal */
export function chanceParts(e: EncodedMatrix): ChanceParts {
  const { n, r, codes } = e;
  const q = e.categories.length;
  const pi = new Float64Array(q);
  const scratch = new Int32Array(q);
  const touched = new Int32Array(r);
  let paSum = 0;
  let n2 = 0;
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const base = i * r;
    let mi = 0;
    let t = 0;
    for (let j = 0; j < r; j++) {
      const c = codes[base + j] as number;
      if (c < 0) continue;
      mi++;
      if (scratch[c] === 0) touched[t++] = c;
      scratch[c] = (scratch[c] as number) + 1;
    }
    if (mi === 0) continue;
    n1++;
    let agree = 0;
    for (let x = 0; x < t; x++) {
      const k = touched[x] as number;
      const cnt = scratch[k] as number;
      agree += cnt * (cnt - 1);
      pi[k] = (pi[k] as number) + cnt / mi;
      scratch[k] = 0;
    }
    if (mi >= 2) {
      n2++;
      paSum += agree / (mi * (mi - 1));
    }
  }
  if (n1 > 0) for (let k = 0; k < q; k++) pi[k] = (pi[k] as number) / n1;
  return { pa: n2 > 0 ? paSum / n2 : 0, pi, n2, n1, q };
}
