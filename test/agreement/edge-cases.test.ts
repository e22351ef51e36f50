/** Undefined cases, input errors, bootstrap, alignment and per-code agreement. */
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/agreement/bootstrap.js";
import type { Coefficient } from "../../src/agreement/types.js";
import {
  AgreementInputError,
  alignCodings,
  bootstrap,
  type Coding,
  classificationReport,
  codingAgreement,
  cohenKappa,
  cohenKappaMatrix,
  cronbachAlpha,
  fleissKappa,
  gwetAc1,
  icc,
  krippendorffAlpha,
  perCodeAgreement,
  percentAgreement,
  type Rating,
  type RatingMatrix,
} from "../../src/index.js";
import { ratingMatrix, SHROUT_FLEISS_TABLE2 } from "./_load.js";

function thrown(fn: () => unknown): AgreementInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AgreementInputError);
    return e as AgreementInputError;
  }
  throw new Error("expected an AgreementInputError");
}

describe("undefined cases give null with a reason, never NaN or a misleading 0", () => {
  const oneCategory = [
    ["a", "a"],
    ["a", "a"],
    ["a", null],
  ];
  it("a single category", () => {
    expect(fleissKappa(oneCategory)).toMatchObject({
      value: null,
      reason: expect.stringMatching(/expected agreement is 1/),
    });
    expect(krippendorffAlpha(oneCategory)).toMatchObject({
      value: null,
      reason: expect.stringMatching(/expected disagreement is 0/),
    });
    expect(gwetAc1(oneCategory)).toMatchObject({
      value: null,
      reason: expect.stringMatching(/one category/),
    });
    expect(cohenKappa(["a", "a"], ["a", "a"])).toMatchObject({
      value: null,
      reason: expect.stringMatching(/expected agreement is 1/),
    });
    expect(percentAgreement(oneCategory).value).toBe(1);
  });
  it("AC1 is defined when a second category is declared (q counts declared categories)", () => {
    expect(gwetAc1(oneCategory, { categories: ["a", "b"] }).value).toBe(1);
  });
  it("nothing pairable", () => {
    const m = [
      ["a", null],
      [null, "b"],
    ];
    for (const c of [percentAgreement(m), fleissKappa(m), gwetAc1(m), krippendorffAlpha(m)])
      expect(c).toMatchObject({
        value: null,
        reason: expect.stringMatching(/two or more ratings/),
      });
    expect(cohenKappa(["a", null], [null, "b"])).toMatchObject({
      value: null,
      reason: expect.stringMatching(/rated by both/),
    });
  });
  it("no variance for the ICC and Cronbach's alpha", () => {
    const flat = [
      [3, 3],
      [3, 3],
      [3, 3],
    ];
    const r = icc(flat);
    for (const f of ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"] as const) {
      expect(r[f].value).toBeNull();
      expect(r[f].reason).toMatch(/no variance/);
    }
    expect(cronbachAlpha(flat)).toMatchObject({
      value: null,
      reason: expect.stringMatching(/no variance/),
    });
  });
  it("ICC leaves out items with a missing rating and counts them (as R psych)", () => {
    const sf = SHROUT_FLEISS_TABLE2;
    const withMissing = [...sf, [1, null, 3, 4]];
    const r = icc(withMissing);
    expect(r.nDropped).toBe(1);
    expect(r.nItems).toBe(6);
    expect(r.ICC2.value).toBeCloseTo(icc(sf).ICC2.value as number, 14);
    expect(
      icc([
        [1, 2],
        [null, 3],
      ]).ICC1,
    ).toMatchObject({ value: null, reason: expect.stringMatching(/1 left out/) });
  });
  it("a perfect ICC has value 1 and a null F (no division by zero)", () => {
    const r = icc([
      [1, 1],
      [2, 2],
      [5, 5],
    ]);
    expect(r.ICC1.value).toBe(1);
    expect(r.ICC1.F).toBeNull();
    expect(r.ICC1.p).toBeNull();
  });
  it("ratio alpha on negative values is undefined, with a reason", () => {
    expect(
      krippendorffAlpha(
        [
          [-1, 2],
          [3, 3],
        ],
        { level: "ratio" },
      ),
    ).toMatchObject({ value: null, reason: expect.stringMatching(/non-negative/) });
  });
  it("ratio alpha on more than 20,000 distinct values is undefined rather than slow", () => {
    const m = Array.from({ length: 20_001 }, (_, i) => [i + 1, i + 1.5]);
    const r = krippendorffAlpha(m, { level: "ratio" });
    expect(r.value).toBeNull();
    expect(r.reason).toMatch(/distinct values/);
    expect(krippendorffAlpha(m, { level: "interval" }).value).toBeCloseTo(1, 6);
  });
  it("a 0/0 precision is null and listed; the averages count it as 0 (sklearn's zero_division=0)", () => {
    const r = classificationReport(["a", "b", "c"], ["a", "b", "b"]);
    expect(r.perClass.c).toEqual({ precision: null, recall: 0, f1: 0, support: 1, predicted: 0 });
    expect(r.undefinedRatios).toEqual(["precision of c"]);
    expect(r.macro.precision).toBeCloseTo((1 + 0.5 + 0) / 3, 15);
  });
  it("a declared label used by neither side has null precision, recall and F1, all listed", () => {
    const r = classificationReport(["a", "b"], ["a", "b"], { labels: ["a", "b", "z"] });
    expect(r.perClass.z).toEqual({
      precision: null,
      recall: null,
      f1: null,
      support: 0,
      predicted: 0,
    });
    expect(r.undefinedRatios).toEqual(["precision of z", "recall of z", "f1 of z"]);
    expect(r.macro.f1).toBeCloseTo(2 / 3, 15);
    const pc = perCodeAgreement([{ a: "a", b: "a" }], { labels: ["a", "z"] });
    expect(pc.z).toMatchObject({ precision: null, recall: null, f1: null });
  });
});

describe("declared categories", () => {
  it("unused levels between used ones change weighted kappa (as in psych and scikit-learn), not unweighted kappa or alpha", () => {
    const a = [1, 2, 4, 2, 1, 4, 1];
    const b = [1, 4, 4, 2, 2, 1, 1];
    // observed levels 1, 2, 4 sit at positions 0, 1, 2; declaring 1..4 moves 4 to position 3
    const observed = cohenKappa(a, b, { weights: "linear" });
    const declared = cohenKappa(a, b, { weights: "linear", categories: [1, 2, 3, 4] });
    expect(observed.value).toBeCloseTo(0.36363636363636365, 14); // = 4/11, worked by hand
    expect(declared.value).toBeCloseTo(0.34375, 14); // = 11/32, worked by hand
    // levels added only at the ends rescale every weight equally, which cancels
    expect(
      cohenKappa(a, b, { weights: "quadratic", categories: [1, 2, 3, 4, 5, 6] }).value,
    ).toBeCloseTo(
      cohenKappa(a, b, { weights: "quadratic", categories: [1, 2, 3, 4] }).value as number,
      14,
    );
    expect(cohenKappa(a, b, { categories: [1, 2, 3, 4, 5] }).value).toBeCloseTo(
      cohenKappa(a, b).value as number,
      14,
    );
    const m = a.map((x, i) => [x, b[i]]);
    expect(
      krippendorffAlpha(m, { level: "ordinal", categories: [0, 1, 2, 3, 4, 5] }).value,
    ).toBeCloseTo(krippendorffAlpha(m, { level: "ordinal" }).value as number, 14);
  });
  it("the declared order is the ordinal scale for string ratings", () => {
    const m = [
      ["low", "mid"],
      ["mid", "mid"],
      ["high", "high"],
      ["low", "low"],
    ];
    const ordered = krippendorffAlpha(m, { level: "ordinal", categories: ["low", "mid", "high"] });
    expect(ordered.value).toBeGreaterThan(0);
    thrown(() => krippendorffAlpha(m, { level: "ordinal" }));
    thrown(() => krippendorffAlpha(m, { level: "interval" }));
  });
});

describe("input errors name where and what", () => {
  it("ragged rows", () => {
    const e = thrown(() => fleissKappa([["a", "b"], ["a"]]));
    expect(e.issues[0]?.path).toEqual([1]);
    expect(e.message).toMatch(/every item must have 2 ratings/);
  });
  it("a rating outside the declared categories", () => {
    const e = thrown(() =>
      fleissKappa(
        [
          ["a", "b"],
          ["a", "z"],
        ],
        { categories: ["a", "b"] },
      ),
    );
    expect(e.issues[0]?.path).toEqual([1, 1]);
    expect(e.message).toMatch(/not one of the declared categories/);
  });
  it("NaN, objects and empty matrices", () => {
    expect(thrown(() => krippendorffAlpha([[1, Number.NaN]])).issues[0]?.path).toEqual([0, 1]);
    thrown(() => fleissKappa([[{} as unknown as string, "a"]]));
    thrown(() => percentAgreement([]));
    thrown(() => cohenKappa(["a"], ["a", "b"]));
    thrown(() => icc([[1, "x"]]));
  });
});

describe("bootstrap", () => {
  const m = ratingMatrix("annomi_mtb_sparse.csv");
  it("is deterministic for a seed, and the interval brackets the estimate", () => {
    const a = bootstrap((x) => fleissKappa(x), m, { resamples: 300, seed: 11 });
    const b = bootstrap((x) => fleissKappa(x), m, { resamples: 300, seed: 11 });
    const c = bootstrap((x) => fleissKappa(x), m, { resamples: 300, seed: 12 });
    expect(a).toEqual(b);
    expect(c.ci95).not.toEqual(a.ci95);
    expect(a.value).toBe(fleissKappa(m).value);
    const [lo, hi] = a.ci95 ?? [Number.NaN, Number.NaN];
    expect(lo).toBeLessThan(a.value as number);
    expect(hi).toBeGreaterThan(a.value as number);
    expect(hi - lo).toBeLessThan(0.2);
    expect(a.resamplesDefined).toBe(300);
  });
  it("equals a plain resampling loop (the row cache changes no value)", () => {
    const numeric = m.map((row) => row.map((x) => (x === null ? null : x.length % 5)));
    const stats: [string, RatingMatrix, (x: RatingMatrix) => Coefficient][] = [
      ["fleiss", m, (x) => fleissKappa(x)],
      [
        "ac1 declared",
        m,
        (x) =>
          gwetAc1(x, { categories: ["other", "question", "reflection", "therapist_input", "x"] }),
      ],
      ["alpha nominal", m, (x) => krippendorffAlpha(x)],
      ["alpha ordinal", numeric, (x) => krippendorffAlpha(x, { level: "ordinal" })],
      ["alpha ratio", numeric, (x) => krippendorffAlpha(x, { level: "ratio" })],
      ["percent", m, (x) => percentAgreement(x)],
      [
        "cohen quadratic",
        m.map((row) => [row[0] ?? null, row[3] ?? null]),
        (x) => cohenKappaMatrix(x, { weights: "quadratic" }),
      ],
    ];
    for (const [name, data, fn] of stats) {
      const rand = mulberry32(21);
      const values: number[] = [];
      for (let b = 0; b < 40; b++) {
        const sample = data.map(() => data[Math.floor(rand() * data.length)] as Rating[]);
        const v = fn(sample).value;
        if (v !== null) values.push(v);
      }
      values.sort((x, y) => x - y);
      const q = (p: number) => {
        const h = (values.length - 1) * p;
        const lo = Math.floor(h);
        return (
          (values[lo] as number) +
          (h - lo) *
            ((values[Math.min(lo + 1, values.length - 1)] as number) - (values[lo] as number))
        );
      };
      const got = bootstrap(fn, data, { resamples: 40, seed: 21 });
      expect(got.ci95, name).toEqual([q(0.025), q(0.975)]);
    }
  });
  it("checks declared categories on cached rows too", () => {
    thrown(() =>
      bootstrap((x) => fleissKappa(x, { categories: ["question"] }), m, { resamples: 2 }),
    );
  });
  it("an undefined statistic gets no interval", () => {
    const r = bootstrap(
      (x) => fleissKappa(x),
      [
        ["a", "a"],
        ["a", "a"],
      ],
      { resamples: 10 },
    );
    expect(r.value).toBeNull();
    expect(r.ci95).toBeUndefined();
  });
  it("rejects a bad number of resamples", () => {
    thrown(() => bootstrap((x) => fleissKappa(x), m, { resamples: 0 }));
  });
  it("mulberry32 is reproducible and uniform-looking", () => {
    const r1 = mulberry32(5);
    const r2 = mulberry32(5);
    const xs = Array.from({ length: 10_000 }, () => r1());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => r2()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

const coding = (utteranceId: string, codeId: string, source = "x"): Coding => ({
  utteranceId,
  codeId,
  source,
  confidence: 1,
});

describe("alignment and per-code agreement", () => {
  it("alignCodings reports every utterance exactly once", () => {
    const a = [coding("u1", "Q"), coding("u2", "R"), coding("u3", "Q")];
    const b = [coding("u2", "Q"), coding("u4", "R"), coding("u1", "Q")];
    expect(alignCodings(a, b)).toEqual({
      pairs: [
        { utteranceId: "u1", a: "Q", b: "Q" },
        { utteranceId: "u2", a: "R", b: "Q" },
      ],
      onlyA: ["u3"],
      onlyB: ["u4"],
    });
  });
  it("an utterance coded twice on one side is an error with its path", () => {
    const e = thrown(() => alignCodings([coding("u1", "Q"), coding("u1", "R")], []));
    expect(e.issues[0]?.path).toEqual(["a", 1, "utteranceId"]);
  });
  it("per-code kappa equals Cohen's kappa of the one-vs-rest columns, and P/R/F1 the classification report's", () => {
    const { rows } = { rows: ratingMatrix("annomi_mtb_10annotators.csv") };
    const pairs = rows.map((r) => ({ a: r[0] as string, b: r[1] as string }));
    const per = perCodeAgreement(pairs);
    const report = classificationReport(
      pairs.map((p) => p.a),
      pairs.map((p) => p.b),
    );
    for (const code of Object.keys(report.perClass)) {
      const bin = (x: string) => (x === code ? 1 : 0);
      const expected = cohenKappa(
        pairs.map((p) => bin(p.a)),
        pairs.map((p) => bin(p.b)),
      );
      expect(per[code]?.kappa.value).toBeCloseTo(expected.value as number, 14);
      for (const k of ["precision", "recall", "f1", "support", "predicted"] as const)
        expect(per[code]?.[k]).toBeCloseTo(report.perClass[code]?.[k] as number, 14);
    }
  });
  it("mapLabel rolls codes up a hierarchy before comparing", () => {
    const parent: Record<string, string> = { OQ: "Q", CQ: "Q", SR: "R", CR: "R" };
    const a = [coding("1", "OQ"), coding("2", "CQ"), coding("3", "SR"), coding("4", "CR")];
    const b = [coding("1", "CQ"), coding("2", "OQ"), coding("3", "CR"), coding("4", "SR")];
    const leaf = codingAgreement(a, b);
    const rolled = codingAgreement(a, b, { mapLabel: (c) => parent[c] ?? c });
    expect(leaf.overall.percentAgreement.value).toBe(0);
    expect(rolled.overall.percentAgreement.value).toBe(1);
    expect(rolled.overall.cohenKappa.value).toBe(1);
    expect(Object.keys(rolled.perCode)).toEqual(["Q", "R"]);
    expect(rolled.perCode.Q?.kappa.value).toBe(1);
  });
  it("human vs classifier: overall stats, only-one-side lists and seeded intervals", () => {
    const human = ["Q", "R", "GI", "Q", "R", "GI", "Q", "R"].map((c, i) =>
      coding(`u${i}`, c, "ann"),
    );
    const model = ["Q", "R", "Q", "Q", "GI", "GI", "Q", "R", "R"].map((c, i) =>
      coding(`u${i}`, c, "model"),
    );
    const r = codingAgreement(human, model, { resamples: 200, seed: 3 });
    expect(r.nUsed).toBe(8);
    expect(r.onlyA).toEqual([]);
    expect(r.onlyB).toEqual(["u8"]);
    expect(r.overall.classification?.accuracy).toBe(6 / 8);
    expect(r.overall.percentAgreement.value).toBe(6 / 8);
    expect(r.overall.cohenKappa.ci95).toHaveLength(2);
    expect(r.perCode.Q?.kappa.ci95).toHaveLength(2);
    expect(codingAgreement(human, model, { resamples: 200, seed: 3 })).toEqual(r);
  });
});
