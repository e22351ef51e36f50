/**
 * Golden tests against the shared oracle vectors (copied from ../shared/oracles/vectors into
 * test/fixtures/agreement). Every number in the *.expected.json files is checked to 1e-9. The
 * reference implementations are named in the JSON: statsmodels 0.13.5 (`fleiss_kappa`, Fleiss and
 * Randolph), fast-krippendorff (commit b1eb616), R psych 2.2.9 `cohen.kappa`, scikit-learn 1.2.1,
 * and the oracle's own Gwet (2014) implementation matching R irrCAC.
 */
import { describe, expect, it } from "vitest";
import {
  classificationReport,
  cohenKappa,
  fleissKappa,
  gwetAc1,
  krippendorffAlpha,
  percentAgreement,
  randolphKappa,
} from "../../src/index.js";
import { ratingMatrix, readCsv, readJson } from "./_load.js";

const TOL = 1e-9;
const close = (actual: number | null | undefined, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(TOL);
};

describe.each(["annomi_mtb_10annotators", "annomi_mtb_sparse"])("oracle %s", (vector) => {
  const exp = readJson(`${vector}.expected.json`);
  const oracle = exp.runs.default.oracle;
  const res = oracle.results;
  const m = ratingMatrix(`${vector}.csv`);

  it("has the documented shape", () => {
    expect(m.length).toBe(oracle.input.n_items);
    expect(m[0]?.length).toBe(oracle.input.n_raters);
    expect(m.flat().filter((x) => x === null).length).toBe(oracle.input.n_missing);
  });

  it("Fleiss' kappa, its pa and pe, and Randolph's kappa", () => {
    const f = fleissKappa(m);
    close(f.value, res.fleiss_kappa.value);
    if (typeof res.fleiss_kappa.statsmodels.kappa === "number")
      close(f.value, res.fleiss_kappa.statsmodels.kappa);
    const ref = res.fleiss_kappa.crosscheck_ref_impl ?? res.fleiss_kappa.ref_impl;
    close(f.value, ref.kappa);
    close(f.pa, ref.pa);
    close(f.pe, ref.pe);
    close(randolphKappa(m).value, ref.randolph);
    if (typeof res.fleiss_kappa.statsmodels.randolph === "number")
      close(randolphKappa(m).value, res.fleiss_kappa.statsmodels.randolph);
  });

  it("Krippendorff's alpha (nominal)", () => {
    const a = krippendorffAlpha(m, { level: "nominal" });
    close(a.value, res.krippendorff_alpha.value.nominal);
    close(a.value, res.krippendorff_alpha.fast_krippendorff.nominal);
    if (res.krippendorff_alpha.crosscheck_ref_impl)
      close(a.value, res.krippendorff_alpha.crosscheck_ref_impl.nominal);
    // unused declared categories do not change alpha (oracle note)
    close(
      krippendorffAlpha(m, { categories: [...oracle.input.categories, "unused"] }).value,
      res.krippendorff_alpha.value.nominal,
    );
  });

  it("percent agreement (pairwise and unanimous) and its item count", () => {
    const p = percentAgreement(m);
    close(p.value, res.percent_agreement.value);
    close(p.value, res.percent_agreement.ref_impl.mean_pairwise);
    expect(p.nItems).toBe(res.percent_agreement.ref_impl.n_units);
    close(
      percentAgreement(m, { method: "unanimous" }).value,
      res.percent_agreement.ref_impl.all_agree,
    );
  });

  it("Gwet's AC1 with its pa and pe", () => {
    const g = gwetAc1(m, { categories: oracle.input.categories });
    close(g.value, res.gwet_ac1.value);
    close(g.value, res.gwet_ac1.ref_impl.ac1);
    close(g.pa, res.gwet_ac1.ref_impl.pa);
    close(g.pe, res.gwet_ac1.ref_impl.pe);
  });
});

describe("oracle annomi_mtb_a0_vs_a1", () => {
  const exp = readJson("annomi_mtb_a0_vs_a1.expected.json");
  const res = exp.runs.default.oracle.results;
  const { rows } = readCsv("annomi_mtb_a0_vs_a1.csv");
  const gold = rows.map((r) => r[0] ?? null);
  const pred = rows.map((r) => r[1] ?? null);
  const m = rows.map((r) => [r[0] ?? null, r[1] ?? null]);
  const cats = exp.runs.default.oracle.input.categories as string[];

  it("Cohen's kappa, unweighted/linear/quadratic, as scikit-learn and R psych", () => {
    for (const w of ["unweighted", "linear", "quadratic"] as const) {
      const k = cohenKappa(gold, pred, { weights: w });
      close(k.value, res.cohen_kappa.sklearn[w]);
      close(k.value, res.cohen_kappa.psych[w]);
      // declaring the same categories in the same order gives the same value
      close(
        cohenKappa(gold, pred, { weights: w, categories: cats }).value,
        res.cohen_kappa.sklearn[w],
      );
    }
    close(cohenKappa(gold, pred).value, res.cohen_kappa.value);
    expect(res.cohen_kappa.n_pairs_used).toBe(gold.length);
  });

  it("classification metrics as scikit-learn 1.2.1", () => {
    const c = res.classification;
    const r = classificationReport(gold, pred);
    expect(r.nUsed).toBe(c.n_used);
    expect(r.nDroppedMissing).toBe(c.n_dropped_missing);
    expect(r.confusion.labels).toEqual(c.confusion_matrix.order);
    expect(r.confusion.matrix).toEqual(c.confusion_matrix.matrix);
    close(r.accuracy, c.accuracy);
    for (const avg of ["macro", "micro", "weighted"] as const)
      for (const k of ["precision", "recall", "f1"] as const) close(r[avg][k], c[avg][k]);
    close(r.macro.f1, c.f1_macro_check);
    close(r.macro.f1, c.value);
    for (const label of c.labels as string[]) {
      const got = r.perClass[label];
      const want = c.per_class[label];
      for (const k of ["precision", "recall", "f1"] as const) close(got?.[k], want[k]);
      expect(got?.support).toBe(want.support);
      expect(got?.predicted).toBe(want.predicted);
    }
    expect(r.undefinedRatios).toEqual(Object.keys(c.undefined_per_class));
  });

  it("percent agreement, Fleiss, Randolph, alpha and AC1 on the two columns", () => {
    close(percentAgreement(m).value, res.percent_agreement.value);
    close(percentAgreement(m).value, res.percent_agreement.sklearn_accuracy);
    close(
      percentAgreement(m, { method: "unanimous" }).value,
      res.percent_agreement.ref_impl.all_agree,
    );
    expect(percentAgreement(m).nItems).toBe(res.percent_agreement.ref_impl.n_units);
    const f = fleissKappa(m);
    close(f.value, res.fleiss_kappa.statsmodels.kappa);
    close(f.pa, res.fleiss_kappa.crosscheck_ref_impl.pa);
    close(f.pe, res.fleiss_kappa.crosscheck_ref_impl.pe);
    close(randolphKappa(m).value, res.fleiss_kappa.statsmodels.randolph);
    close(krippendorffAlpha(m).value, res.krippendorff_alpha.fast_krippendorff.nominal);
    const g = gwetAc1(m);
    close(g.value, res.gwet_ac1.ref_impl.ac1);
    close(g.pa, res.gwet_ac1.ref_impl.pa);
    close(g.pe, res.gwet_ac1.ref_impl.pe);
  });
});
