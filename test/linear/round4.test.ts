import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { round4 } from "../../src/classify/linear/classifier.js";

// The evidence weights of the linear classifier are rounded with round4, a fast path for
// Number(x.toPrecision(4)); they must be the same number for every double.
describe("round4 equals Number(x.toPrecision(4))", () => {
  it("on random doubles of every magnitude", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(Object.is(round4(x), Number(x.toPrecision(4)))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it("on the magnitudes evidence weights have, and near ties and powers of ten", () => {
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) xs.push(Math.random() * 3);
    for (let e = -16; e <= 16; e++) {
      for (const m of [1, 9.9995, 9.9994999, 1.2345, 1.00005, 5.0005, 9.999, 1.0005]) {
        const x = m * 10 ** e;
        xs.push(x, x * (1 + 2 ** -52), x * (1 - 2 ** -52), x * (1 + 1e-12), x * (1 - 1e-12));
      }
    }
    for (const x of xs) expect([x, round4(x)]).toEqual([x, Number(x.toPrecision(4))]);
  });
});
