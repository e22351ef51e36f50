import type { EncodedMatrix } from "./_matrix.js";
import { itemCounts } from "./_matrix.js";

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

/** Computes {@link ChanceParts} in one pass over the item counts. @internal */
export function chanceParts(e: EncodedMatrix): ChanceParts {
  const ic = itemCounts(e);
  const { q, m, start, cat, count } = ic;
  const pi = new Float64Array(q);
  let paSum = 0;
  let n2 = 0;
  let n1 = 0;
  for (let i = 0; i < e.n; i++) {
    const mi = m[i] as number;
    if (mi === 0) continue;
    n1++;
    const s = start[i] as number;
    const t = start[i + 1] as number;
    let agree = 0;
    for (let x = s; x < t; x++) {
      const c = count[x] as number;
      agree += c * (c - 1);
      const k = cat[x] as number;
      pi[k] = (pi[k] as number) + c / mi;
    }
    if (mi >= 2) {
      n2++;
      paSum += agree / (mi * (mi - 1));
    }
  }
  if (n1 > 0) for (let k = 0; k < q; k++) pi[k] = (pi[k] as number) / n1;
  return { pa: n2 > 0 ? paSum / n2 : 0, pi, n2, n1, q };
}
