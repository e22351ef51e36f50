/**
 * Issue #15, items 11 and 21: non-finite input is an input error for every statistic, and
 * degenerate data ("no variance") is decided exactly, or relative to the data's magnitude, the same
 * way by every statistic and every Krippendorff level, never answered with a number made of
 * rounding noise.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AgreementInputError,
  cronbachAlpha,
  type IccForm,
  icc,
  krippendorffAlpha,
  type RatingMatrix,
} from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { SHROUT_FLEISS_TABLE2 } from "./_load.js";

const FORMS: IccForm[] = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"];
const LEVELS = ["nominal", "ordinal", "interval", "ratio"] as const;
const rows = (n: number, row: number[]): number[][] => Array.from({ length: n }, () => [...row]);

function thrown(fn: () => unknown): AgreementInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgreementInputError);
    return e as AgreementInputError;
  }
  throw new Error("expected an AgreementInputError");
}

describe("item 11: icc and cronbachAlpha reject NaN and ±Infinity like the other statistics", () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("%s", (bad) => {
    const m = [
      [1, 2],
      [2, bad],
      [3, 4],
    ];
    for (const fn of [() => icc(m), () => cronbachAlpha(m), () => krippendorffAlpha(m)]) {
      const e = thrown(fn);
      expect(e.issues[0]?.path).toEqual([1, 1]);
      expect(e.message).toMatch(/finite number/);
    }
  });
});

describe("item 21: no variance decided exactly", () => {
  it("cronbachAlpha: constant columns give null with a reason, whatever the number of rows", () => {
    for (const [n, row] of [
      [6, [1, 2]],
      [10, [1, 1]],
      [3, [1, 1]],
      [10, [0.1, 0.2, 0.3]],
      [7, [0.1, 0.7, 1e-9]],
    ] as const) {
      const r = cronbachAlpha(rows(n, [...row]));
      expect(r.value, `${n} × ${row}`).toBeNull();
      expect(r.reason).toMatch(/no variance in the row totals/);
    }
  });

  it("cronbachAlpha: row totals equal up to rounding of the data are no variance either", () => {
    // 0.1 + 0.2 and 0.3 differ in the last bit only: not a variance to divide by.
    const r = cronbachAlpha([
      [0.1, 0.2],
      [0.3, 0],
      [0.2, 0.1],
      [0, 0.3],
    ]);
    expect(r.value).toBeNull();
    expect(r.reason).toMatch(/no variance in the row totals/);
  });

  it("icc of ten rows [0.1, 0.1] (every rating the same) is null in every form", () => {
    for (const n of [2, 3, 10, 37]) {
      const r = icc(rows(n, [0.1, 0.1]));
      for (const f of FORMS) {
        expect(r[f].value, `${n} rows, ${f}`).toBeNull();
        expect(r[f].reason).toMatch(/no variance/);
      }
      expect(r.anova).toEqual({ MSB: 0, MSW: 0, MSJ: 0, MSE: 0 });
    }
  });

  it("icc: equal row means up to rounding are no variance between items", () => {
    const r = icc(rows(10, [0.1, 0.2, 0.3]));
    expect(r.anova.MSB).toBe(0);
    expect(r.anova.MSE).toBe(0);
    expect(r.ICC1k.value).toBeNull();
    expect(r.ICC3k.value).toBeNull();
  });

  it("Krippendorff's alpha: one value everywhere is null at every level, with the same reason", () => {
    for (const [units, raters] of [
      [3, 2],
      [1, 3],
      [2, 3],
      [3, 4],
      [10, 2],
    ] as const) {
      const m = rows(units, new Array(raters).fill(0.1));
      const reasons = LEVELS.map((level) => krippendorffAlpha(m, { level }));
      for (const [i, r] of reasons.entries()) {
        expect(r.value, `${units}×${raters} ${LEVELS[i]}`).toBeNull();
        expect(r.reason).toBe(reasons[0]?.reason);
      }
    }
  });

  it("property: a constant matrix is undefined for icc, cronbachAlpha and alpha at every level", () => {
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constantFrom(0.1, 0.3, 1 / 3, 1e-300, 123456.789),
    );
    fc.assert(
      fc.property(
        value,
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 2, max: 6 }),
        (v, n, k) => {
          const m = rows(n, new Array(k).fill(v));
          expect(cronbachAlpha(m).value).toBeNull();
          const r = icc(m);
          for (const f of FORMS) expect(r[f].value).toBeNull();
          for (const level of LEVELS)
            if (level !== "ratio" || v >= 0)
              expect(krippendorffAlpha(m, { level }).value).toBeNull();
        },
      ),
      { seed: 20_261_126, numRuns: 300 },
    );
  });

  it("property: constant columns (raters who never vary) make cronbachAlpha null, not a number", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 2, max: 50 }),
        (row, n) => {
          expect(cronbachAlpha(rows(n, row)).value).toBeNull();
        },
      ),
      { seed: 20_261_126, numRuns: 300 },
    );
  });

  it("a shift or scale of the data changes neither the values nor what is undefined", () => {
    const sf = SHROUT_FLEISS_TABLE2 as number[][];
    const base = icc(sf);
    const alpha = cronbachAlpha(sf).value as number;
    for (const [a, b] of [
      [1e-8, 0],
      [1e6, 3],
      [0.1, 1e4],
    ] as const) {
      const t = sf.map((r) => r.map((x) => a * x + b));
      const r = icc(t);
      for (const f of FORMS) expect(r[f].value as number).toBeCloseTo(base[f].value as number, 8);
      expect(cronbachAlpha(t).value as number).toBeCloseTo(alpha, 8);
      expect(krippendorffAlpha(t, { level: "interval" }).value as number).toBeCloseTo(
        krippendorffAlpha(sf, { level: "interval" }).value as number,
        8,
      );
    }
  });
});

describe("item 21 (found by the fuzz suite): no overflow or underflow at extreme magnitudes", () => {
  it("data near 1e300 or 1e-300 give the values of the same data at magnitude 1", () => {
    const sf = SHROUT_FLEISS_TABLE2 as number[][];
    const base = icc(sf);
    for (const scale of [1e300, 2 ** 1000, 1e-300, 2 ** -1000]) {
      const t = sf.map((r) => r.map((x) => x * scale));
      const r = icc(t);
      for (const f of FORMS)
        expect(r[f].value as number, `${scale} ${f}`).toBeCloseTo(base[f].value as number, 10);
      expect(cronbachAlpha(t).value as number).toBeCloseTo(cronbachAlpha(sf).value as number, 10);
      for (const level of ["interval", "ratio"] as const)
        expect(krippendorffAlpha(t, { level }).value as number, level).toBeCloseTo(
          krippendorffAlpha(sf, { level }).value as number,
          10,
        );
    }
  });
  it("one rating of 1e308 among zeros: a number or null with a reason, never NaN", () => {
    const m = [
      [0, 1e308],
      [0, 0],
      [-1.7976931348623143e308, 0],
    ];
    for (const c of [
      cronbachAlpha(m),
      krippendorffAlpha(m, { level: "interval" }),
      ...FORMS.map((f) => icc(m)[f]),
    ])
      expect(c.value === null || Number.isFinite(c.value)).toBe(true);
  });
});

describe("item 21: ICC2k intervals are never impossible (lower > upper)", () => {
  // Near the pole of the Satterthwaite interval the Spearman–Brown step flips the bounds.
  const flipped: RatingMatrix = [
    [0, 3, 2],
    [2, 1, 2],
    [1, 1, 2],
    [2, 3, 1],
  ];
  it("the documented case: no interval, with a reason", () => {
    const r = icc(flipped);
    expect(r.ICC2k.value).not.toBeNull();
    expect(r.ICC2k.ci95).toBeUndefined();
    expect(r.ICC2k.ciReason).toMatch(/interval is undefined/);
  });
  it("the CLI prints the reason in place of an interval, and ci_reason in JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-icc-"));
    writeFileSync(
      join(dir, "m.csv"),
      `item,a,b,c\n${(flipped as number[][]).map((r, i) => `${i},${r.join(",")}`).join("\n")}\n`,
    );
    const text = await runCli(["agree", "--matrix", "m.csv", "--resamples", "0"], { cwd: dir });
    expect(text.code).toBe(0);
    const line = text.out.split("\n").find((l) => l.trim().startsWith("ICC2k")) ?? "";
    expect(line).toMatch(/\(the interval is undefined: the ICC2 bound -0\.6094 is at or below/);
    const json = await runCli(["agree", "--matrix", "m.csv", "--resamples", "0", "--json"], {
      cwd: dir,
    });
    const j = JSON.parse(json.out).icc.ICC2k;
    expect(j.ci95).toBeUndefined();
    expect(j.ci_reason).toMatch(/interval is undefined/);
  });
  it("property: every interval given is ordered and brackets nothing impossible", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }).chain((n) =>
          fc.integer({ min: 2, max: 5 }).chain((k) =>
            fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: k, maxLength: k }), {
              minLength: n,
              maxLength: n,
            }),
          ),
        ),
        (m) => {
          const r = icc(m);
          for (const f of FORMS) {
            const ci = r[f].ci95;
            if (ci) expect(ci[0], f).toBeLessThanOrEqual(ci[1]);
            if (r[f].value !== null && !ci && r[f].F !== null && r[f].F !== 0)
              expect(r[f].ciReason, f).toBeTypeOf("string");
          }
        },
      ),
      { seed: 20_261_126, numRuns: 400 },
    );
  });
});
