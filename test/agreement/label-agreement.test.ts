/**
 * labelAgreement: the classification report and the three Cohen's kappas of two aligned label
 * lists, as `rapportkit agree --pairs` prints them. Checked against scikit-learn 1.2.1 and R psych
 * (the shared oracle vector annomi_mtb_a0_vs_a1), against rapportkit's own cohenKappa and
 * classificationReport, and its intervals against bootstrap(cohenKappaMatrix) with the same seed.
 */
import { describe, expect, it } from "vitest";
import {
  AgreementInputError,
  bootstrap,
  classificationReport,
  cohenKappa,
  cohenKappaMatrix,
  labelAgreement,
} from "../../src/index.js";
import { readCsv, readJson } from "./_load.js";

const TOL = 1e-9;

describe("labelAgreement", () => {
  it("gives scikit-learn's and R psych's kappas on the AnnoMI oracle vector", () => {
    const { rows } = readCsv("annomi_mtb_a0_vs_a1.csv");
    const res = readJson("annomi_mtb_a0_vs_a1.expected.json").runs.default.oracle.results;
    const gold = rows.map((r) => r[0] as string);
    const pred = rows.map((r) => r[1] as string);
    const r = labelAgreement(gold, pred);
    for (const w of ["unweighted", "linear", "quadratic"] as const) {
      expect(Math.abs((r.cohenKappa[w].value as number) - res.cohen_kappa.sklearn[w])).toBeLessThan(
        TOL,
      );
      expect(Math.abs((r.cohenKappa[w].value as number) - res.cohen_kappa.psych[w])).toBeLessThan(
        1e-9,
      );
    }
    expect(
      Math.abs((r.classification.accuracy as number) - res.classification.accuracy),
    ).toBeLessThan(TOL);
    expect(r.classification.nUsed).toBe(216);
    expect(r.interval).toBeUndefined();
  });

  it("is classificationReport and cohenKappa over the same label order, missing pairs left out", () => {
    const gold = [1, 2, 3, 3, null, 2, 1, 3, 2, undefined];
    const pred = [1, 3, 3, 2, 2, 2, null, 3, 1, 1];
    const labels = [1, 2, 3, 4];
    const r = labelAgreement(gold, pred, { labels });
    const keep = gold.map((g, i) => g != null && pred[i] != null);
    const g = gold.filter((_, i) => keep[i]);
    const p = pred.filter((_, i) => keep[i]);
    expect(g).toHaveLength(7);
    expect(r.classification).toEqual(classificationReport(gold, pred, { labels }));
    expect(r.classification.nUsed).toBe(7);
    for (const w of ["unweighted", "linear", "quadratic"] as const)
      expect(r.cohenKappa[w].value).toBeCloseTo(
        cohenKappa(g, p, { weights: w, categories: labels }).value as number,
        12,
      );
  });

  it("draws its intervals as bootstrap(cohenKappaMatrix) does, for every weight", () => {
    const gold = ["a", "b", "c", "a", "b", "c", "a", "a", "b", "c", "c", "b", "a", "c", "b"];
    const pred = ["a", "b", "b", "a", "c", "c", "a", "b", "b", "c", "a", "b", "a", "c", "c"];
    const labels = ["a", "b", "c"];
    const r = labelAgreement(gold, pred, { labels, resamples: 300, seed: 7 });
    expect(r.interval).toMatchObject({ resamples: 300, seed: 7, unit: "utterance" });
    const rows = gold.map((x, i) => [x, pred[i] as string]);
    for (const w of ["unweighted", "linear", "quadratic"] as const) {
      const b = bootstrap((m) => cohenKappaMatrix(m, { weights: w, categories: labels }), rows, {
        resamples: 300,
        seed: 7,
      });
      const ci = r.cohenKappa[w].ci95 as readonly [number, number];
      const want = b.ci95 as readonly [number, number];
      expect(ci[0]).toBeCloseTo(want[0], 12);
      expect(ci[1]).toBeCloseTo(want[1], 12);
    }
  });

  it("reports progress and refuses a label outside the declared ones", () => {
    const seen: number[] = [];
    labelAgreement(["a", "b", "a"], ["a", "a", "b"], {
      resamples: 20,
      onProgress: (done) => seen.push(done),
    });
    expect(seen.at(-1)).toBe(20);
    expect(() => labelAgreement(["a", "b"], ["a", "z"], { labels: ["a", "b"] })).toThrow(
      AgreementInputError,
    );
    expect(() => labelAgreement(["a"], ["a", "b"])).toThrow(AgreementInputError);
  });
});
