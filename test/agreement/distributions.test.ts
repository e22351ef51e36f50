/**
 * The incomplete beta and F distribution against closed forms and exact identities, plus a few
 * printed table values (R: qf(0.95, 5, 15) = 2.901295, qf(0.975, 5, 18) = 3.382, qt(0.975, 10) =
 * 2.228139, so qf(0.95, 1, 10) = qt(0.975, 10)²).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fCdf,
  fQuantile,
  fSurvival,
  logGamma,
  regularizedBeta,
} from "../../src/agreement/distributions.js";

function binomialUpperTail(n: number, k: number, p: number): number {
  // P(X ≥ k) for X ~ Binomial(n, p), summed exactly term by term.
  let s = 0;
  let c = 1; // C(n, 0)
  for (let j = 0; j <= n; j++) {
    if (j >= k) s += c * p ** j * (1 - p) ** (n - j);
    c = (c * (n - j)) / (j + 1);
  }
  return s;
}

describe("logGamma", () => {
  it("matches ln((n−1)!) and ln Γ(1/2) = ln √π", () => {
    let f = 1;
    for (let n = 1; n <= 30; n++) {
      expect(logGamma(n)).toBeCloseTo(Math.log(f), 10);
      f *= n;
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });
});

describe("regularizedBeta", () => {
  it("closed forms: I_x(a,1) = x^a, I_x(1,b) = 1−(1−x)^b, I_½(a,a) = ½", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (x, a) => {
          expect(regularizedBeta(x, a, 1)).toBeCloseTo(x ** a, 12);
          expect(regularizedBeta(x, 1, a)).toBeCloseTo(1 - (1 - x) ** a, 12);
          expect(regularizedBeta(0.5, a, a)).toBeCloseTo(0.5, 12);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
  it("equals the binomial upper tail: I_p(k, n−k+1) = P(Bin(n,p) ≥ k)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (n, k0, p) => {
          const k = Math.min(k0, n);
          expect(
            Math.abs(regularizedBeta(p, k, n - k + 1) - binomialUpperTail(n, k, p)),
          ).toBeLessThan(1e-12);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
  it("is 0 at 0 and 1 at 1", () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });
});

describe("F distribution", () => {
  it("F(2, d2) has CDF 1 − (1 + 2f/d2)^(−d2/2)", () => {
    for (const d2 of [1, 3, 10, 57.5])
      for (const f of [0.1, 0.5, 1, 2, 7, 30])
        expect(fCdf(f, 2, d2)).toBeCloseTo(1 - (1 + (2 * f) / d2) ** (-d2 / 2), 12);
  });
  it("CDF + survival = 1, and the quantile inverts the CDF", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        (p, d1, d2) => {
          const f = fQuantile(p, d1, d2);
          expect(fCdf(f, d1, d2)).toBeCloseTo(p, 10);
          expect(fCdf(f, d1, d2) + fSurvival(f, d1, d2)).toBeCloseTo(1, 12);
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });
  it("matches printed table values", () => {
    expect(fQuantile(0.95, 1, 10)).toBeCloseTo(2.228138851986 ** 2, 8);
    expect(fQuantile(0.95, 5, 15)).toBeCloseTo(2.901295, 5);
    expect(fQuantile(0.975, 5, 18)).toBeCloseTo(3.382, 3);
    expect(fQuantile(0.5, 2, 2)).toBeCloseTo(1, 12);
  });
});
