/** Property tests (fast-check, seeded): symmetry, perfect agreement, invariance, complete-data alpha. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Coefficient } from "../../src/agreement/types.js";
import {
  type AlphaLevel,
  cohenKappa,
  cronbachAlpha,
  fleissKappa,
  gwetAc1,
  icc,
  krippendorffAlpha,
  percentAgreement,
  type Rating,
  type RatingMatrix,
} from "../../src/index.js";

const SEED = 20261126;
const LEVELS: AlphaLevel[] = ["nominal", "ordinal", "interval", "ratio"];

/** Both undefined, or both finite and within 1e-12. */
function same(a: Coefficient, b: Coefficient): void {
  if (a.value === null || b.value === null) {
    expect(a.value).toBeNull();
    expect(b.value).toBeNull();
    expect(typeof a.reason).toBe("string");
    return;
  }
  expect(Math.abs(a.value - b.value)).toBeLessThan(1e-12);
}

/** Every coefficient is a finite number, or null with a reason: never NaN or Infinity. */
function honest(c: Coefficient): void {
  if (c.value === null) expect(c.reason).toMatch(/\w/);
  else expect(Number.isFinite(c.value)).toBe(true);
}

const cell = (values: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: values - 1 }) as fc.Arbitrary<Rating> },
    { weight: 1, arbitrary: fc.constant(null) },
  );
const matrixArb = (values = 4) =>
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 })).chain(([n, r]) =>
    fc.array(fc.array(cell(values), { minLength: r, maxLength: r }), {
      minLength: n,
      maxLength: n,
    }),
  );

/** A permutation of 0..n-1 drawn from a seed. */
const permutationArb = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([, i]) => i),
  );

function allStats(m: RatingMatrix): Coefficient[] {
  const out: Coefficient[] = [
    percentAgreement(m),
    fleissKappa(m),
    gwetAc1(m, { categories: [0, 1, 2, 3] }),
  ];
  for (const level of LEVELS) out.push(krippendorffAlpha(m, { level }));
  const r = icc(m);
  out.push(r.ICC1, r.ICC2, r.ICC3, r.ICC1k, r.ICC2k, r.ICC3k, cronbachAlpha(m));
  return out;
}

/**
 * Krippendorff's (2011) δ² for each level, written out independently of the library; the ordinal δ²
 * takes the margins `freq` (value → how often it was paired): (Σ_{g=c..k} n_g − (n_c + n_k)/2)².
 */
function referenceDeltas(
  freq: ReadonlyMap<number, number>,
): Record<AlphaLevel, (c: number, k: number) => number> {
  const values = [...freq.keys()].sort((a, b) => a - b);
  const ordinal = (c: number, k: number) => {
    const [lo, hi] = c < k ? [c, k] : [k, c];
    let sum = 0;
    for (const g of values) if (g >= lo && g <= hi) sum += freq.get(g) ?? 0;
    return (sum - ((freq.get(c) ?? 0) + (freq.get(k) ?? 0)) / 2) ** 2;
  };
  return {
    nominal: (c, k) => (c === k ? 0 : 1),
    ordinal: (c, k) => (c === k ? 0 : ordinal(c, k)),
    interval: (c, k) => (c - k) ** 2,
    ratio: (c, k) => (c + k === 0 ? 0 : ((c - k) / (c + k)) ** 2),
  };
}

describe("properties", () => {
  it("Cohen's kappa is symmetric in the raters, for every weighting", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell(4), cell(4)), { minLength: 1, maxLength: 40 }),
        (pairs) => {
          const a = pairs.map((p) => p[0]);
          const b = pairs.map((p) => p[1]);
          for (const weights of ["unweighted", "linear", "quadratic"] as const) {
            const opts = { weights, categories: [0, 1, 2, 3] };
            same(cohenKappa(a, b, opts), cohenKappa(b, a, opts));
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("perfect agreement gives 1 wherever the statistic is defined", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 20 }),
        fc.integer({ min: 2, max: 6 }),
        (truth, r) => {
          const m = truth.map((v) => new Array<number>(r).fill(v));
          const a = truth;
          for (const c of [
            percentAgreement(m),
            fleissKappa(m),
            gwetAc1(m),
            ...LEVELS.map((level) => krippendorffAlpha(m, { level })),
            cohenKappa(a, a),
            cohenKappa(a, a, { weights: "quadratic", categories: [1, 2, 3, 4, 5] }),
            icc(m).ICC1,
            icc(m).ICC2,
            icc(m).ICC3,
            icc(m).ICC1k,
            icc(m).ICC2k,
            icc(m).ICC3k,
            cronbachAlpha(m),
          ]) {
            honest(c);
            if (c.value !== null) expect(c.value).toBeCloseTo(1, 12);
          }
          // with at least two distinct values, the chance-corrected ones are all defined
          if (new Set(truth).size > 1) {
            expect(fleissKappa(m).value).toBeCloseTo(1, 12);
            expect(krippendorffAlpha(m).value).toBeCloseTo(1, 12);
            expect(cohenKappa(a, a).value).toBeCloseTo(1, 12);
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("permuting items or raters changes nothing", () => {
    fc.assert(
      fc.property(
        matrixArb().chain((m) =>
          fc.tuple(fc.constant(m), permutationArb(m.length), permutationArb(m[0]?.length ?? 0)),
        ),
        ([m, pi, pr]) => {
          const byItems = pi.map((i) => m[i] as Rating[]);
          const byRaters = m.map((row) => pr.map((j) => row[j]));
          const base = allStats(m);
          const s1 = allStats(byItems);
          const s2 = allStats(byRaters);
          base.forEach((c, k) => {
            honest(c);
            same(c, s1[k] as Coefficient);
            same(c, s2[k] as Coefficient);
          });
          if ((m[0]?.length ?? 0) === 2) {
            const col = (mm: Rating[][], j: number) => mm.map((r) => r[j]);
            same(cohenKappa(col(m, 0), col(m, 1)), cohenKappa(col(byItems, 0), col(byItems, 1)));
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("alpha without missing data equals the complete-data formula (Krippendorff 2011)", () => {
    // Without missing values: D_o = Σ_u Σ_{i≠j} δ(x_ui, x_uj) / (N m (m − 1)) and
    // D_e = Σ_{a≠b} δ(v_a, v_b) / (n (n − 1)) over all n = N m pooled values, α = 1 − D_o / D_e.
    const complete = fc
      .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 2, max: 5 }))
      .chain(([n, r]) =>
        fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: r, maxLength: r }), {
          minLength: n,
          maxLength: n,
        }),
      );
    fc.assert(
      fc.property(complete, (m) => {
        const pooled = m.flat();
        const n = pooled.length;
        const N = m.length;
        const r = m[0]?.length ?? 0;
        const freq = new Map<number, number>();
        for (const v of pooled) freq.set(v, (freq.get(v) ?? 0) + 1);
        const deltas = referenceDeltas(freq);
        for (const level of LEVELS) {
          const d = deltas[level];
          let dO = 0;
          for (const row of m)
            for (let i = 0; i < r; i++)
              for (let j = 0; j < r; j++) if (i !== j) dO += d(row[i] as number, row[j] as number);
          dO /= N * r * (r - 1);
          let dE = 0;
          for (let a = 0; a < n; a++)
            for (let b = 0; b < n; b++)
              if (a !== b) dE += d(pooled[a] as number, pooled[b] as number);
          dE /= n * (n - 1);
          const got = krippendorffAlpha(m, { level });
          if (dE === 0) expect(got.value).toBeNull();
          else expect(got.value).toBeCloseTo(1 - dO / dE, 10);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("alpha with missing data equals the coincidence-matrix definition computed pair by pair", () => {
    // Krippendorff (2011): o_ck = Σ_u Σ_{i≠j} [x_ui = c][x_uj = k] / (m_u − 1) over units with
    // m_u ≥ 2; n_c = Σ_k o_ck; α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, with the ordinal δ²
    // from the margins n_c. Built here by enumerating rater pairs, independently of the library.
    fc.assert(
      fc.property(matrixArb(6), (m) => {
        const o = new Map<string, number>();
        for (const row of m) {
          const vals = row.filter((x): x is number => typeof x === "number");
          if (vals.length < 2) continue;
          for (let i = 0; i < vals.length; i++)
            for (let j = 0; j < vals.length; j++)
              if (i !== j) {
                const key = `${vals[i]},${vals[j]}`;
                o.set(key, (o.get(key) ?? 0) + 1 / (vals.length - 1));
              }
        }
        const nc = new Map<number, number>();
        for (const [key, w] of o) {
          const c = Number(key.split(",")[0]);
          nc.set(c, (nc.get(c) ?? 0) + w);
        }
        const values = [...nc.keys()].sort((a, b) => a - b);
        const n = [...nc.values()].reduce((a, b) => a + b, 0);
        const deltas = referenceDeltas(nc);
        for (const level of LEVELS) {
          const d = deltas[level];
          let num = 0;
          for (const [key, w] of o) {
            const [c, k] = key.split(",").map(Number) as [number, number];
            num += w * d(c, k);
          }
          let den = 0;
          for (const c of values)
            for (const k of values) den += (nc.get(c) ?? 0) * (nc.get(k) ?? 0) * d(c, k);
          const got = krippendorffAlpha(m, { level });
          if (n === 0 || den <= 1e-12) expect(got.value).toBeNull();
          else expect(got.value).toBeCloseTo(1 - ((n - 1) * num) / den, 9);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("never returns NaN or Infinity, on any matrix", () => {
    fc.assert(
      fc.property(matrixArb(3), (m) => {
        for (const c of allStats(m)) honest(c);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
