import { describe, expect, it } from "vitest";
import { ScoreInputError } from "../../src/core/errors.js";
import {
  defineInstrument,
  haqII,
  scoreInstrument,
  srs,
  trend,
  waiSr,
  withCutoffs,
} from "../../src/score/index.js";
import { issuesOf } from "./_build.js";

describe("WAI-SR (Hatcher & Gillaspy 2006: task 1,2,10,12; bond 3,5,7,9; goal 4,6,8,11; 1–5)", () => {
  const answers = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4];
  it("sums subscales and total: task 5+4+1+4, bond 3+1+4+2, goal 2+5+3+5", () => {
    const s = scoreInstrument(waiSr, answers);
    expect(s.subscales.task?.sum).toBe(14);
    expect(s.subscales.bond?.sum).toBe(10);
    expect(s.subscales.goal?.sum).toBe(15);
    expect(s.total).toMatchObject({ sum: 39, mean: 3.25, answered: 12, prorated: false });
    expect(s.flags).toEqual([]);
  });
  it("prorates one missing item per subscale: bond (3+1+2)×4/3 = 8, total 35×12/11", () => {
    const a: (number | null)[] = [...answers];
    a[6] = null; // item 7
    const s = scoreInstrument(waiSr, a);
    expect(s.subscales.bond).toMatchObject({ sum: 8, answered: 3, missing: [7], prorated: true });
    expect(s.total.sum).toBeCloseTo((35 * 12) / 11, 12);
  });
  it("two missing in one subscale is an error naming the item", () => {
    const a: (number | null)[] = [...answers];
    a[2] = null;
    a[4] = null;
    const issues = issuesOf(() => scoreInstrument(waiSr, a));
    expect(issues[0]).toMatchObject({ code: "missing_answer", path: ["answers", "item3"] });
    expect(issues[0]?.message).toMatch(/bond: 2 item\(s\) missing \(3, 5\); at most 1/);
  });
  it("accepts answers keyed by item number", () => {
    const rec = Object.fromEntries(answers.map((v, i) => [String(i + 1), v]));
    expect(scoreInstrument(waiSr, rec).total.sum).toBe(39);
    expect(issuesOf(() => scoreInstrument(waiSr, { ...rec, "13": 3 }))[0]?.path).toEqual([
      "answers",
      "13",
    ]);
  });
});

describe("SRS (Duncan et al. 2003: 4 items 0–10, total 0–40, concern ≤ 36)", () => {
  it("flags a total at or below 36", () => {
    expect(scoreInstrument(srs, [9, 9, 8.5, 9]).flags).toEqual([
      expect.objectContaining({ cutoff: "concern", scale: "total", value: 35.5, threshold: 36 }),
    ]);
    expect(scoreInstrument(srs, [9, 9, 9, 9]).flags).toHaveLength(1); // exactly 36: concern
    expect(scoreInstrument(srs, [10, 9, 9, 9]).flags).toHaveLength(0); // 37
  });
  it("the cut-off is configurable", () => {
    const s35 = withCutoffs(srs, [
      { id: "concern", scale: "total", when: "atOrBelow", value: 35, label: "≤ 35" },
    ]);
    expect(scoreInstrument(s35, [9, 9, 9, 9]).flags).toHaveLength(0);
  });
  it("out of range, not a number, or missing: errors with the item path, never NaN", () => {
    expect(issuesOf(() => scoreInstrument(srs, [9, 11, 9, 9]))[0]).toMatchObject({
      code: "out_of_range",
      path: ["answers", "item2"],
      message: "item 2: expected a number from 0 to 10",
    });
    expect(issuesOf(() => scoreInstrument(srs, [9, Number.NaN, 9, 9]))[0]?.path).toEqual([
      "answers",
      "item2",
    ]);
    expect(issuesOf(() => scoreInstrument(srs, [9, 9, 9]))[0]).toMatchObject({
      code: "missing_answer",
    });
    expect(() => scoreInstrument(srs, [9, 9, 9, 9, 9])).toThrow(ScoreInputError);
  });
});

describe("HAq-II (Luborsky et al. 1996: 19 items 1–6, reverse 4, 8, 11, 16, 19)", () => {
  it("reverse-keys as 7 − answer: all 6s → 14×6 + 5×1 = 89", () => {
    const s = scoreInstrument(haqII, Array(19).fill(6));
    expect(s.total.sum).toBe(89);
    expect(s.total.mean).toBeCloseTo(89 / 19, 12);
  });
  it("positive items 5, negative items 2 → every item scores 5: total 95, mean 5", () => {
    const a = Array.from({ length: 19 }, (_, i) => ([4, 8, 11, 16, 19].includes(i + 1) ? 2 : 5));
    expect(scoreInstrument(haqII, a).total).toMatchObject({ sum: 95, mean: 5 });
  });
  it("prorates at most 2 missing", () => {
    // every item scores 5 after reverse-keying; 2 missing → 17 × 5 × 19 / 17 = 95
    const a: (number | null)[] = Array.from({ length: 19 }, (_, i) =>
      [4, 8, 11, 16, 19].includes(i + 1) ? 2 : 5,
    );
    a[0] = null;
    a[1] = null;
    expect(scoreInstrument(haqII, a).total.sum).toBe(95);
    a[2] = null;
    expect(() => scoreInstrument(haqII, a)).toThrow(/at most 2 may be prorated/);
  });
});

describe("defineInstrument", () => {
  it("validates item numbers, scales and ranges with paths", () => {
    const issues = issuesOf(() =>
      defineInstrument({
        id: "x",
        items: 3,
        range: { min: 1, max: 5 },
        subscales: { a: [1, 2, 4] },
        reverse: [0],
        cutoffs: [{ id: "c", scale: "b", when: "below", value: 2, label: "low" }],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      ["subscales", "a", 2],
      ["reverse", 0],
      ["cutoffs", 0, "scale"],
    ]);
    expect(
      issuesOf(() => defineInstrument({ id: "x", items: 3, range: { min: 5, max: 1 } }))[0]?.path,
    ).toEqual(["range", "max"]);
    expect(
      issuesOf(() => defineInstrument({ id: "", items: 0, range: { min: 1, max: 5 } })).length,
    ).toBe(2);
  });
  it("gives z-scores against norms and flags subscale cut-offs", () => {
    const inst = defineInstrument({
      id: "mini",
      items: 4,
      range: { min: 0, max: 4 },
      subscales: { a: [1, 2], b: [3, 4] },
      reverse: [4],
      norms: { total: { mean: 8, sd: 2 } },
      cutoffs: [{ id: "low-b", scale: "b", when: "below", value: 3, label: "low b" }],
    });
    const s = scoreInstrument(inst, [4, 4, 1, 3]); // item 4 reversed: 0 + 4 − 3 = 1
    expect(s.subscales.b?.sum).toBe(2);
    expect(s.total.sum).toBe(10);
    expect(s.total.z).toBe(1);
    expect(s.flags.map((f) => f.cutoff)).toEqual(["low-b"]);
  });
});

describe("trend (Jacobson & Truax 1991 RCI; ruptures and repair)", () => {
  it("RCI = change / (√2 · SD · √(1 − r)): SD 10, r .75 → S_diff 7.0711; +15 → 2.1213 improved", () => {
    const t = trend([20, 35, 10, 28], { sd: 10, reliability: 0.75 });
    expect(t.sDiff.value).toBeCloseTo(7.0710678118654755, 12);
    expect(t.points.map((p) => p.change)).toEqual([0, 15, -10, 8]);
    expect(t.points[1]?.rci.value).toBeCloseTo(2.1213203435596424, 12);
    expect(t.points.map((p) => p.reliableChange)).toEqual(["none", "improved", "none", "none"]);
    expect(trend([20, 0], { sd: 10, reliability: 0.75 }).points[1]?.reliableChange).toBe(
      "deteriorated",
    );
  });
  it("without reliability and SD the RCI is undefined (with the reason)", () => {
    const t = trend([30, 32]);
    expect(t.points[1]?.rci).toEqual({
      value: null,
      reason: "the RCI needs the scale's reliability and SD",
    });
    expect(t.points[1]?.reliableChange).toBeNull();
    expect(trend([1, 2], { sd: 1, reliability: 1 }).sDiff.value).toBeNull();
  });
  it("ruptures below the cut-off and drops larger than the threshold, with repair", () => {
    const t = trend([38, 34, 35, 39, 30, 31], { cutoff: 36, dropThreshold: 3 });
    expect(t.ruptures).toEqual([
      { kind: "below_cutoff", at: 1, value: 34, repairedAt: 3 },
      { kind: "drop", at: 1, value: 34, from: 38, drop: 4, repairedAt: 3 },
      { kind: "below_cutoff", at: 4, value: 30, repairedAt: null },
      { kind: "drop", at: 4, value: 30, from: 39, drop: 9, repairedAt: null },
    ]);
  });
  it("a drop equal to the threshold is not a rupture; labels are kept; baseline is configurable", () => {
    const t = trend(
      [
        { label: "w1", value: 38 },
        { label: "w2", value: 35 },
      ],
      { dropThreshold: 3, baseline: 1 },
    );
    expect(t.ruptures).toEqual([]);
    expect(t.points[0]).toMatchObject({ label: "w1", change: 3 });
  });
  it("rejects bad input with paths", () => {
    expect(issuesOf(() => trend([1, Number.POSITIVE_INFINITY]))[0]?.path).toEqual(["series", 1]);
    expect(issuesOf(() => trend([]))[0]?.code).toBe("insufficient_data");
    expect(issuesOf(() => trend([1], { reliability: 2 }))[0]?.path).toEqual(["reliability"]);
  });
});
