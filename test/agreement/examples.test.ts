/**
 * Every `@example` in src/agreement, run as written, with the output its JSDoc claims (exactly).
 * simple-statistics shipped examples that had drifted from the code; these tests keep ours honest.
 */
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/agreement/bootstrap.js";
import {
  fCdf,
  fQuantile,
  fSurvival,
  logGamma,
  regularizedBeta,
} from "../../src/agreement/distributions.js";
import {
  alignCodings,
  bootstrap,
  classificationReport,
  codingAgreement,
  cohenKappa,
  cohenKappaMatrix,
  coincidenceMatrix,
  confusionMatrix,
  cronbachAlpha,
  fleissKappa,
  gwetAc1,
  icc,
  krippendorffAlpha,
  labelAgreement,
  perCodeAgreement,
  percentAgreement,
  randolphKappa,
} from "../../src/index.js";
import { KRIPPENDORFF_2011_C, SHROUT_FLEISS_TABLE2 } from "./_load.js";

const four = [
  ["a", "a", "a"],
  ["a", "b", "b"],
  ["b", "b", "b"],
  ["a", "a", "b"],
];

describe("JSDoc examples", () => {
  it("percentAgreement", () => {
    expect(
      percentAgreement([
        ["a", "a", "a"],
        ["a", "b", null],
        ["b", "b", "a"],
      ]),
    ).toEqual({ value: 0.4444444444444444, nItems: 3 });
  });
  it("fleissKappa, gwetAc1, randolphKappa", () => {
    expect(fleissKappa(four)).toEqual({
      value: 0.33333333333333337,
      pa: 0.6666666666666666,
      pe: 0.49999999999999994,
    });
    expect(gwetAc1(four)).toEqual({ value: 0.33333333333333326, pa: 0.6666666666666666, pe: 0.5 });
    expect(randolphKappa(four)).toEqual({ value: 0.33333333333333326 });
  });
  it("cohenKappa and cohenKappaMatrix", () => {
    expect(cohenKappa(["a", "a", "b", "b"], ["a", "b", "b", "b"])).toEqual({ value: 0.5 });
    expect(
      cohenKappa([1, 2, 3, 3], [1, 3, 3, 2], { weights: "quadratic", categories: [1, 2, 3] }),
    ).toEqual({ value: 0.6363636363636364 });
    expect(
      cohenKappaMatrix([
        ["a", "a"],
        ["a", "b"],
        ["b", "b"],
        ["b", "b"],
      ]),
    ).toEqual({ value: 0.5 });
  });
  it("krippendorffAlpha and coincidenceMatrix", () => {
    const data = KRIPPENDORFF_2011_C;
    expect(krippendorffAlpha(data).value).toBe(0.743421052631579);
    expect(krippendorffAlpha(data, { level: "interval" }).value).toBe(0.8491071428571428);
    expect(
      coincidenceMatrix([
        ["a", "a"],
        ["a", "b"],
      ]).matrix,
    ).toEqual([
      [2, 1],
      [1, 0],
    ]);
  });
  it("icc and cronbachAlpha", () => {
    const sf = SHROUT_FLEISS_TABLE2;
    const r = icc(sf);
    expect(r.ICC1.value).toBe(0.1657417684054754);
    expect(r.ICC3k.value).toBe(0.9093155423770695);
    expect(r.ICC2.ci95).toEqual([0.018786513374711978, 0.7610843696489529]);
    expect(cronbachAlpha(sf)).toEqual({ value: 0.9093155423770695, nUsed: 6, nDropped: 0 });
  });
  it("distributions", () => {
    expect(logGamma(5)).toBe(3.178053830347944);
    expect(regularizedBeta(0.5, 2, 2)).toBe(0.5000000000000002);
    expect(regularizedBeta(0.3, 1, 3)).toBe(0.6569999999999998);
    expect(fCdf(1, 2, 2)).toBe(0.4999999999999991);
    expect(fSurvival(1, 2, 2)).toBe(0.4999999999999991);
    expect(fQuantile(0.5, 2, 2)).toBe(1.000000000000003);
  });
  it("classification", () => {
    expect(confusionMatrix(["a", "a", "b"], ["a", "b", "b"])).toEqual({
      labels: ["a", "b"],
      matrix: [
        [1, 1],
        [0, 1],
      ],
      cells: [
        [0, 0, 1],
        [0, 1, 1],
        [1, 1, 1],
      ],
    });
    const r = classificationReport(["a", "a", "b", "c"], ["a", "b", "b", "b"]);
    expect(r.accuracy).toBe(0.5);
    expect(r.perClass.b).toEqual({
      precision: 0.3333333333333333,
      recall: 1,
      f1: 0.5,
      support: 1,
      predicted: 3,
    });
    expect(r.macro.f1).toBe(0.38888888888888884);
    expect(r.undefinedRatios).toEqual(["precision of c"]);
  });
  it("labelAgreement", () => {
    const r = labelAgreement([1, 2, 3, 3], [1, 3, 3, 2], { labels: [1, 2, 3] });
    expect(r.classification.accuracy).toBe(0.5);
    expect(r.cohenKappa.quadratic.value).toBe(0.6363636363636364);
  });
  it("bootstrap and mulberry32", () => {
    expect(mulberry32(42)()).toBe(0.6011037519201636);
    const data = [
      ["a", "a"],
      ["a", "b"],
      ["b", "b"],
      ["a", "a"],
      ["b", "b"],
      ["b", "a"],
    ];
    expect(bootstrap((m) => fleissKappa(m), data, { resamples: 200, seed: 7 })).toEqual({
      value: 0.33333333333333326,
      ci95: [-0.5000000000000001, 1],
      resamples: 200,
      resamplesDefined: 199,
    });
  });
  it("alignment and per-code", () => {
    const c = (utteranceId: string, codeId: string, source: string) => ({
      utteranceId,
      codeId,
      source,
      confidence: 1,
    });
    expect(
      alignCodings(
        [c("u1", "Q", "ann"), c("u2", "R", "ann")],
        [c("u2", "Q", "model"), c("u3", "R", "model")],
      ),
    ).toEqual({
      pairs: [{ utteranceId: "u2", a: "R", b: "Q" }],
      onlyA: ["u1"],
      onlyB: ["u3"],
    });
    expect(
      perCodeAgreement([
        { a: "Q", b: "Q" },
        { a: "Q", b: "R" },
        { a: "R", b: "R" },
        { a: "GI", b: "GI" },
      ]).Q,
    ).toEqual({
      kappa: { value: 0.5 },
      precision: 1,
      recall: 0.5,
      f1: 0.6666666666666666,
      support: 2,
      predicted: 1,
    });
    const d = (utteranceId: string, codeId: string) => ({
      utteranceId,
      codeId,
      source: "x",
      confidence: 1,
    });
    const r = codingAgreement(
      [d("u1", "Q"), d("u2", "R"), d("u3", "Q")],
      [d("u1", "Q"), d("u2", "Q"), d("u4", "R")],
    );
    expect(r.nUsed).toBe(2);
    expect(r.onlyA).toEqual(["u3"]);
    expect(r.overall.cohenKappa.value).toBe(0);
  });
});
