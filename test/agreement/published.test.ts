/**
 * Golden tests against published worked examples. Each block cites its source; values are checked
 * to the number of decimals the source prints.
 */
import { describe, expect, it } from "vitest";
import {
  coincidenceMatrix,
  cronbachAlpha,
  fleissKappa,
  ICC_FORMS,
  icc,
  krippendorffAlpha,
  percentAgreement,
} from "../../src/index.js";
import { KRIPPENDORFF_2011_C, ratingMatrix, SHROUT_FLEISS_TABLE2 } from "./_load.js";

/** |actual − expected| ≤ half a unit in the last printed decimal. */
const printed = (actual: number | null | undefined, expected: number, decimals: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    0.5 * 10 ** -decimals + 1e-12,
  );
};

describe("Krippendorff (2011), Computing Krippendorff's alpha-reliability, section C", () => {
  // "Nominal data, any number of observers, missing values": 4 observers (columns) × 12 units
  // (rows). The same matrix is `nmm` in R irr's kripp.alpha examples, which print the same values.
  const data = KRIPPENDORFF_2011_C;
  it.each([
    ["nominal", 0.743],
    ["ordinal", 0.815],
    ["interval", 0.849],
    ["ratio", 0.797],
  ] as const)("alpha %s = %s", (level, expected) => {
    printed(krippendorffAlpha(data, { level }).value, expected, 3);
  });

  it("coincidence matrix: n = 40 pairable values, margins 9, 13, 10, 5, 3, and alpha from it", () => {
    const { categories, matrix } = coincidenceMatrix(data);
    expect(categories).toEqual([1, 2, 3, 4, 5]);
    const nc = matrix.map((row) => row.reduce((s, x) => s + x, 0));
    const n = nc.reduce((s, x) => s + x, 0);
    // 40 pairable values: unit 12 has a single value and is not pairable (paper: n.. = 40)
    expect(n).toBeCloseTo(40, 12);
    expect(nc.map((x) => Math.round(x * 1e9) / 1e9)).toEqual([9, 13, 10, 5, 3]);
    for (let c = 0; c < 5; c++)
      for (let k = 0; k < 5; k++) expect(matrix[c]?.[k]).toBeCloseTo(matrix[k]?.[c] as number, 12);
    const disagree = n - matrix.reduce((s, row, c) => s + (row[c] as number), 0);
    const expectedDis = n * n - nc.reduce((s, x) => s + x * x, 0);
    const alpha = 1 - ((n - 1) * disagree) / expectedDis;
    expect(krippendorffAlpha(data).value).toBeCloseTo(alpha, 12);
  });
});

describe("Fleiss (1971), Table 1: 30 patients × 6 psychiatrists, 5 diagnoses", () => {
  // The data as distributed in R irr (`diagnoses`); kappam.fleiss prints Kappa = 0.430 and the
  // per-category kappas 0.245, 0.245, 0.520, 0.471, 0.566 (Fleiss 1971 reports κ = .430).
  const m = ratingMatrix("fleiss1971_diagnoses.csv");
  it("kappa = 0.430", () => {
    printed(fleissKappa(m).value, 0.43, 3);
  });
  it.each([
    ["Depression", 0.245],
    ["Personality Disorder", 0.245],
    ["Schizophrenia", 0.52],
    ["Neurosis", 0.471],
    ["Other", 0.566],
  ])("category %s against the rest: kappa = %s", (category, expected) => {
    const binary = m.map((row) => row.map((x) => (x === category ? 1 : 0)));
    printed(fleissKappa(binary).value, expected, 3);
  });
});

describe("Fleiss' kappa worked example (Wikipedia 'Fleiss' kappa'; statsmodels test_inter_rater table1)", () => {
  // 10 subjects × 14 raters, 5 categories, given as counts: P̄ = 0.378, P̄e = 0.213, κ = 0.210.
  const counts = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  const m = counts.map((row) => row.flatMap((c, k) => new Array<number>(c).fill(k + 1)));
  it("P̄ = 0.378, P̄e = 0.213, κ = 0.210", () => {
    const f = fleissKappa(m);
    printed(f.value, 0.21, 3);
    printed(f.pa, 0.378, 3);
    printed(f.pe, 0.213, 3);
    printed(percentAgreement(m).value, 0.378, 3);
  });
});

describe("Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges", () => {
  const sf = SHROUT_FLEISS_TABLE2;
  const r = icc(sf);
  it("the six ICCs as published for these data (.17, .29, .71, .44, .62, .91)", () => {
    printed(r.ICC1.value, 0.17, 2);
    printed(r.ICC2.value, 0.29, 2);
    printed(r.ICC3.value, 0.71, 2);
    printed(r.ICC1k.value, 0.44, 2);
    printed(r.ICC2k.value, 0.62, 2);
    printed(r.ICC3k.value, 0.91, 2);
  });
  it("values, F and p as R DescTools::ICC prints them (3 decimals, F 2, p 6)", () => {
    const want = {
      ICC1: [0.166, 1.79, 5, 18, 0.164769],
      ICC2: [0.29, 11.03, 5, 15, 0.000135],
      ICC3: [0.715, 11.03, 5, 15, 0.000135],
      ICC1k: [0.443, 1.79, 5, 18, 0.164769],
      ICC2k: [0.62, 11.03, 5, 15, 0.000135],
      ICC3k: [0.909, 11.03, 5, 15, 0.000135],
    } as const;
    for (const [form, [v, F, df1, df2, p]] of Object.entries(want)) {
      const c = r[form as keyof typeof want];
      printed(c.value, v, 3);
      printed(c.F, F, 2);
      expect([c.df1, c.df2]).toEqual([df1, df2]);
      printed(c.p, p, 6);
    }
  });
  it("95% confidence bounds as R psych::ICC prints them", () => {
    // psych ICC(ratings): lower -0.133 0.019 0.342 -0.884 0.071 0.676; upper .72 .76 .95 .91 .93 .99
    const lower = {
      ICC1: -0.133,
      ICC2: 0.019,
      ICC3: 0.342,
      ICC1k: -0.884,
      ICC2k: 0.071,
      ICC3k: 0.676,
    };
    const upper = { ICC1: 0.72, ICC2: 0.76, ICC3: 0.95, ICC1k: 0.91, ICC2k: 0.93, ICC3k: 0.99 };
    for (const form of Object.keys(lower) as (keyof typeof lower)[]) {
      printed(r[form].ci95?.[0], lower[form], 3);
      printed(r[form].ci95?.[1], upper[form], 2);
    }
  });
  it("Cronbach's alpha equals ICC3k = ICC(C,k) (McGraw & Wong 1996)", () => {
    expect(cronbachAlpha(sf).value).toBeCloseTo(r.ICC3k.value as number, 12);
  });
  it("names every form after Shrout & Fleiss and McGraw & Wong", () => {
    expect(ICC_FORMS.ICC2.mcGrawWong).toBe("ICC(A,1)");
    expect(ICC_FORMS.ICC3k.shroutFleiss).toBe("ICC(3,k)");
  });
});

describe("McGraw & Wong (1996), Table 6 data: 10 targets × 2 raters", () => {
  // Values as R DescTools::ICC prints them (est, F, p, lwr.ci, upr.ci).
  const mw = [
    [103, 119],
    [82, 65],
    [116, 106],
    [102, 102],
    [99, 105],
    [98, 100],
    [104, 107],
    [62, 85],
    [97, 101],
    [107, 110],
  ];
  const r = icc(mw);
  it.each([
    ["ICC1", 0.722, 6.18, 0.00437, 0.241, 0.922],
    ["ICC2", 0.72, 6.0, 0.00677, 0.228, 0.922],
    ["ICC3", 0.714, 6.0, 0.00677, 0.197, 0.92],
    ["ICC1k", 0.838, 6.18, 0.00437, 0.389, 0.959],
    ["ICC2k", 0.837, 6.0, 0.00677, 0.371, 0.959],
    ["ICC3k", 0.833, 6.0, 0.00677, 0.329, 0.959],
  ] as const)("%s = %s", (form, v, F, p, lo, hi) => {
    const c = r[form];
    printed(c.value, v, 3);
    printed(c.F, F, 2);
    printed(c.p, p, 5);
    printed(c.ci95?.[0], lo, 3);
    printed(c.ci95?.[1], hi, 3);
  });
});
