/**
 * `agreementSummary`: the battery `agree --matrix` prints, each value equal to its coefficient's
 * own function on the same matrix (and, with resampling, to `bootstrap` of it).
 */
import { describe, expect, it } from "vitest";
import {
  agreementSummary,
  bootstrap,
  cohenKappaMatrix,
  cronbachAlpha,
  fleissKappa,
  gwetAc1,
  icc,
  krippendorffAlpha,
  MAX_BOOTSTRAP_CATEGORIES,
  percentAgreement,
  type RatingMatrix,
} from "../../src/agreement/index.js";

const labels: RatingMatrix = [
  ["a", "a"],
  ["b", "b"],
  ["a", "b"],
];
const numbers: RatingMatrix = [
  [1, 2, 2],
  [3, 3, null],
  [4, 5, 4],
  [2, 2, 1],
  [5, 4, 5],
];

describe("agreementSummary", () => {
  it("the doc example", () => {
    const s = agreementSummary(labels);
    expect(s.percentAgreement.value).toBe(0.6666666666666666);
    expect(s.cohenKappa?.unweighted.value).toBe(0.4);
  });

  it("labels, two raters: the nominal coefficients and Cohen's three kappas; no ICC", () => {
    const s = agreementSummary(labels);
    expect(s).toMatchObject({ items: 3, raters: 2, missing: 0, numeric: false });
    expect(s.percentAgreement).toEqual(percentAgreement(labels));
    expect(s.fleissKappa).toEqual(fleissKappa(labels));
    expect(s.gwetAc1).toEqual(gwetAc1(labels));
    expect(s.krippendorffAlpha).toEqual({ nominal: krippendorffAlpha(labels) });
    expect(s.cohenKappa).toEqual({
      unweighted: cohenKappaMatrix(labels, { weights: "unweighted" }),
      linear: cohenKappaMatrix(labels, { weights: "linear" }),
      quadratic: cohenKappaMatrix(labels, { weights: "quadratic" }),
    });
    expect(s.icc).toBeUndefined();
    expect(s.cronbachAlpha).toBeUndefined();
    expect(s.interval).toBeUndefined();
  });

  it("numbers, three raters: alpha at every level, the ICCs and Cronbach's alpha; no Cohen", () => {
    const s = agreementSummary(numbers);
    expect(s).toMatchObject({ items: 5, raters: 3, missing: 1, numeric: true });
    expect(Object.keys(s.krippendorffAlpha)).toEqual(["nominal", "ordinal", "interval", "ratio"]);
    expect(s.krippendorffAlpha.interval).toEqual(krippendorffAlpha(numbers, { level: "interval" }));
    expect(s.icc).toEqual(icc(numbers));
    expect(s.cronbachAlpha).toEqual(cronbachAlpha(numbers));
    expect(s.cohenKappa).toBeUndefined();
    expect(
      Object.keys(agreementSummary(numbers, { levels: ["ordinal"] }).krippendorffAlpha),
    ).toEqual(["ordinal"]);
  });

  it("with resamples: each interval is bootstrap's, with one progress total over all", () => {
    const seen: [number, number][] = [];
    const s = agreementSummary(numbers, {
      resamples: 40,
      seed: 7,
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(s.fleissKappa).toEqual(
      bootstrap((x) => fleissKappa(x), numbers, { resamples: 40, seed: 7 }),
    );
    expect(s.interval).toEqual({
      method: "percentile bootstrap",
      unit: "item",
      resamples: 40,
      seed: 7,
    });
    const total = (3 + 4 + 1) * 40;
    expect(seen.every(([, t]) => t === total)).toBe(true);
    expect(seen.at(-1)?.[0]).toBe(total);
  });

  it("no intervals beyond MAX_BOOTSTRAP_CATEGORIES distinct ratings, with a note", () => {
    const n = MAX_BOOTSTRAP_CATEGORIES + 1;
    const many: RatingMatrix = Array.from({ length: n }, (_, i) => [`l${i}`, `l${i}`]);
    const s = agreementSummary(many, { resamples: 10 });
    expect(s.percentAgreement.ci95).toBeUndefined();
    expect(s.interval).toEqual({
      note: `no bootstrap interval: ${n.toLocaleString("en-US")} categories, more than ${MAX_BOOTSTRAP_CATEGORIES.toLocaleString("en-US")}`,
    });
  });
});
