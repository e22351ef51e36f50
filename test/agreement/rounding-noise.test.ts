/**
 * Issue #15, item 21 (hostile re-check, cases 11c and 11d): no statistic answers with rounding
 * noise when the spread of the ratings is small next to their magnitude. "Constant" means every
 * rating is exactly the same value, for every statistic and level; values that differ, even by one
 * ulp, are different, and the statistic is computed on their differences to full precision.
 */
import { describe, expect, it } from "vitest";
import { cronbachAlpha, type IccForm, icc, krippendorffAlpha } from "../../src/index.js";

const FORMS: IccForm[] = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"];
const LEVELS = ["nominal", "ordinal", "interval", "ratio"] as const;

/** A small deterministic 1–5 rating matrix with real between-item variance. */
const X = [
  [1, 2, 1, 2],
  [3, 3, 4, 2],
  [5, 4, 5, 5],
  [2, 2, 3, 1],
  [4, 5, 4, 3],
  [1, 1, 2, 2],
  [3, 4, 3, 3],
  [5, 5, 4, 4],
];
/** The same shape with only two values, as 0/1. */
const T = [
  [1, 0, 1, 1],
  [0, 0, 1, 0],
  [1, 1, 1, 0],
  [0, 1, 0, 0],
  [1, 1, 0, 1],
  [0, 0, 0, 1],
];

/** ICC, Cronbach's alpha and interval alpha of m: the affine-invariant statistics. */
function invariant(m: number[][]): Record<string, number | null> {
  const r = icc(m);
  return {
    ...Object.fromEntries(FORMS.map((f) => [f, r[f].value])),
    cronbach: cronbachAlpha(m).value,
    interval: krippendorffAlpha(m, { level: "interval" }).value,
  };
}

function expectSame(got: Record<string, number | null>, want: Record<string, number | null>) {
  for (const [name, w] of Object.entries(want)) {
    expect(w, name).not.toBeNull();
    expect(got[name], name).not.toBeNull();
    expect(got[name] as number, name).toBeCloseTo(w as number, 9);
  }
}

describe("11c: two values one ulp apart (0.1 + 0.2 and 0.3) are two values", () => {
  const a = 0.1 + 0.2;
  const b = 0.3;
  const m = T.map((r) => r.map((t) => (t ? a : b)));

  it("interval alpha equals nominal, ordinal and ratio alpha (every δ² is the same constant)", () => {
    const nominal = krippendorffAlpha(m).value as number;
    expect(nominal).not.toBeNull();
    for (const level of LEVELS)
      expect(krippendorffAlpha(m, { level }).value as number, level).toBeCloseTo(nominal, 12);
  });

  it("icc and cronbachAlpha do not call the data constant, and equal their values on 0/1", () => {
    // x = b + (a − b)·t is an affine map of t: every statistic here is invariant to it.
    expectSame(invariant(m), invariant(T));
  });
});

describe("11d: a tiny spread around a large value keeps every digit", () => {
  it("c + ε·X gives the values of X (computed on the same floats' exact differences)", () => {
    const c = 0.8321;
    for (const e of [1e-16, 3e-16, 1e-15, 3e-15, 1e-13, 1e-9]) {
      const m = X.map((r) => r.map((x) => c + x * e));
      // v − c is exact (Sterbenz), so ref holds the very differences the statistics see.
      const ref = m.map((r) => r.map((v) => (v - c) / e));
      expectSame(invariant(m), invariant(ref));
    }
  });

  it("ratings 1e15 + (1…5) and 1e12 + (1…5) give the values of (1…5)", () => {
    for (const c of [1e12, 1e15, 2 ** 52]) {
      const m = X.map((r) => r.map((x) => c + x));
      expectSame(invariant(m), invariant(X));
    }
  });

  it("ICC3k equals Cronbach's alpha however small the spread", () => {
    for (const e of [1e-16, 3e-15, 1e-9]) {
      const m = X.map((r) => r.map((x) => 0.8321 + x * e));
      expect(icc(m).ICC3k.value as number).toBeCloseTo(cronbachAlpha(m).value as number, 9);
    }
  });
});
