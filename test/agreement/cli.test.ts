/** The `agree` command, run in-process through `main` with buffered IO. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { FIXTURES, readJson } from "./_load.js";

const FIX = fileURLToPath(FIXTURES);

const run = (argv: string[], cwd = FIX) => runCli(argv, { cwd });

const TOL = 1e-9;
const close = (a: unknown, b: number) =>
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(TOL);

describe("agree --matrix", () => {
  it("prints the oracle values with the documented JSON keys (labels, 10 raters)", async () => {
    const r = await run([
      "agree",
      "--matrix",
      "annomi_mtb_10annotators.csv",
      "--json",
      "--resamples",
      "50",
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const j = JSON.parse(r.out);
    const res = readJson("annomi_mtb_10annotators.expected.json").runs.default.oracle.results;
    expect(Object.keys(j)).toEqual([
      "percent_agreement",
      "fleiss_kappa",
      "gwet_ac1",
      "krippendorff_alpha",
      "interval",
    ]);
    expect(j.interval).toEqual({
      method: "percentile bootstrap",
      unit: "item",
      resamples: 50,
      seed: 1,
    });
    close(j.fleiss_kappa.value, res.fleiss_kappa.value);
    close(j.krippendorff_alpha.nominal.value, res.krippendorff_alpha.value.nominal);
    expect(Object.keys(j.krippendorff_alpha)).toEqual(["nominal"]);
    close(j.percent_agreement.value, res.percent_agreement.value);
    close(j.gwet_ac1.value, res.gwet_ac1.value);
    for (const k of ["fleiss_kappa", "gwet_ac1", "percent_agreement"]) {
      expect(j[k].ci95).toHaveLength(2);
      expect(j[k].ci95[0]).toBeLessThanOrEqual(j[k].value);
      expect(j[k].ci95[1]).toBeGreaterThanOrEqual(j[k].value);
    }
  });

  it("numeric ratings add the alpha levels, the six ICCs and Cronbach's alpha", async () => {
    const r = await run([
      "agree",
      "--matrix",
      "shrout_fleiss_1979.csv",
      "--json",
      "--resamples",
      "0",
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.krippendorff_alpha)).toEqual(["nominal", "ordinal", "interval", "ratio"]);
    expect(Object.keys(j.icc)).toEqual(["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]);
    expect(j.icc.ICC2.value).toBeCloseTo(0.29, 2);
    expect(j.icc.ICC3k.ci95[0]).toBeCloseTo(0.676, 3);
    expect(j.icc.ICC1).toMatchObject({ df1: 5, df2: 18 });
    expect(j.cronbach_alpha.value).toBeCloseTo(j.icc.ICC3k.value, 12);
    expect(j.cohen_kappa).toBeUndefined();
  });

  it("handles missing cells (Krippendorff 2011) and --level", async () => {
    const r = await run([
      "agree",
      "--matrix",
      "krippendorff_2011.csv",
      "--json",
      "--resamples",
      "0",
      "--level",
      "interval",
    ]);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.krippendorff_alpha)).toEqual(["interval"]);
    expect(j.krippendorff_alpha.interval.value).toBeCloseTo(0.849, 3);
    // ICC leaves out the 4 units with a missing rating: 8 complete units, df1 = 7
    expect(j.icc.ICC1.df1).toBe(7);
    expect(Object.keys(j)).toEqual([
      "percent_agreement",
      "fleiss_kappa",
      "gwet_ac1",
      "krippendorff_alpha",
      "icc",
      "cronbach_alpha",
    ]);
  });

  it("two raters add Cohen's kappa in three weightings; --categories sets the scale", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agree-"));
    writeFileSync(
      join(dir, "two.csv"),
      "item,r1,r2\nx1,low,low\nx2,low,high\nx3,high,high\nx4,,high\nx5,mid,high\n",
    );
    const r = await run(
      [
        "agree",
        "--matrix",
        "two.csv",
        "--json",
        "--categories",
        "low,mid,high",
        "--resamples",
        "0",
      ],
      dir,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.cohen_kappa)).toEqual(["unweighted", "linear", "quadratic"]);
    expect(Object.keys(j.krippendorff_alpha)).toEqual(["nominal"]);
    const ord = await run(
      [
        "agree",
        "--matrix",
        "two.csv",
        "--json",
        "--categories",
        "low,mid,high",
        "--level",
        "ordinal",
        "--resamples",
        "0",
      ],
      dir,
    );
    expect(Object.keys(JSON.parse(ord.out).krippendorff_alpha)).toEqual(["ordinal"]);
    // by hand: p_o = 2/4, p_e = (2·1 + 1·0 + 1·3)/16 = 5/16, κ = (1/2 − 5/16)/(11/16) = 3/11
    expect(j.cohen_kappa.unweighted.value).toBeCloseTo(3 / 11, 12);
  });

  it("prints readable tables without --json", async () => {
    const r = await run(["agree", "--matrix", "shrout_fleiss_1979.csv", "--resamples", "20"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/6 items × 4 raters/);
    expect(r.out).toMatch(/ICC2k\s+0\.6201/);
    expect(r.out).toMatch(/Fleiss' kappa/);
  });

  it("is deterministic for a seed", async () => {
    const a = await run([
      "agree",
      "--matrix",
      "annomi_mtb_sparse.csv",
      "--json",
      "--resamples",
      "100",
      "--seed",
      "9",
    ]);
    const b = await run([
      "agree",
      "--matrix",
      "annomi_mtb_sparse.csv",
      "--json",
      "--resamples",
      "100",
      "--seed",
      "9",
    ]);
    expect(a.out).toBe(b.out);
  });
});

describe("agree --pairs", () => {
  it("prints scikit-learn's metrics and Cohen's kappa with the documented keys", async () => {
    const r = await run([
      "agree",
      "--pairs",
      "annomi_mtb_a0_vs_a1.csv",
      "--json",
      "--resamples",
      "50",
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const res = readJson("annomi_mtb_a0_vs_a1.expected.json").runs.default.oracle.results;
    expect(Object.keys(j).sort()).toEqual(
      [
        "accuracy",
        "cohen_kappa",
        "confusion",
        "interval",
        "macro",
        "micro",
        "n_dropped_missing",
        "n_used",
        "per_class",
        "weighted",
      ].sort(),
    );
    expect(j.interval).toMatchObject({ method: "percentile bootstrap", unit: "utterance" });
    close(j.accuracy, res.classification.accuracy);
    for (const avg of ["macro", "micro", "weighted"])
      for (const k of ["precision", "recall", "f1"]) close(j[avg][k], res.classification[avg][k]);
    for (const [label, want] of Object.entries(res.classification.per_class) as [
      string,
      Record<string, number>,
    ][]) {
      expect(Object.keys(j.per_class[label])).toEqual(["precision", "recall", "f1", "support"]);
      for (const k of ["precision", "recall", "f1"])
        close(j.per_class[label][k], want[k] as number);
      expect(j.per_class[label].support).toBe(want.support);
    }
    expect(j.confusion).toEqual({
      labels: res.classification.confusion_matrix.order,
      matrix: res.classification.confusion_matrix.matrix,
    });
    for (const w of ["unweighted", "linear", "quadratic"])
      close(j.cohen_kappa[w].value, res.cohen_kappa.sklearn[w]);
    expect([j.n_used, j.n_dropped_missing]).toEqual([216, 0]);
  });

  it("leaves out and counts rows missing a label", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agree-"));
    writeFileSync(join(dir, "p.csv"), "gold,pred\na,a\nb,\n,a\nb,b\na,b\n");
    const j = JSON.parse(
      (await run(["agree", "--pairs", "p.csv", "--json", "--resamples", "0"], dir)).out,
    );
    expect([j.n_used, j.n_dropped_missing]).toEqual([3, 2]);
    expect(j.accuracy).toBeCloseTo(2 / 3, 12);
  });
});

describe("agree <a.csv> <b.csv>", () => {
  it("aligns two coded files by id and reports per code and overall", async () => {
    const r = await run([
      "agree",
      "coded_human.csv",
      "coded_model.csv",
      "--json",
      "--resamples",
      "0",
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.n_used).toBe(6);
    expect(j.only_a).toEqual(["s1:7"]);
    expect(j.only_b).toEqual(["s1:1"]);
    expect(j.overall.accuracy).toBeCloseTo(4 / 6, 12);
    expect(j.overall.percent_agreement.value).toBeCloseTo(4 / 6, 12);
    expect(Object.keys(j.per_code)).toEqual(["other", "question", "reflection", "therapist_input"]);
    expect(j.per_code.therapist_input.cohen_kappa.value).toBe(1);
    expect(j.per_code.reflection).toMatchObject({ support: 2, predicted: 3, recall: 1 });
    expect(r.out).not.toMatch(/placeholder/);
  });
  it("prints a per-code table without --json", async () => {
    const r = await run(["agree", "coded_human.csv", "coded_model.csv", "--resamples", "10"]);
    expect(r.out).toMatch(/per code/);
    expect(r.out).toMatch(/6 utterances coded in both, 1 only in the first, 1 only in the second/);
  });
});

describe("agree: errors are one located line, exit 1 (input) or 2 (usage)", () => {
  const dir = mkdtempSync(join(tmpdir(), "agree-"));
  writeFileSync(join(dir, "badquote.csv"), 'item,r1,r2\nx1,a,b\nx2,"secret words"x,b\n');
  writeFileSync(join(dir, "ragged.csv"), "item,r1,r2\nx1,a,b\nx2,a\n");
  writeFileSync(join(dir, "cats.csv"), "item,r1,r2\nx1,a,b\nx2,a,z\n");
  writeFileSync(
    join(dir, "dup.csv"),
    "id,session,index,speaker,code,confidence,text\nu1,s,0,T,Q,1,private words\nu1,s,1,T,R,1,private words\n",
  );
  writeFileSync(
    join(dir, "dupfree.csv"),
    "id,session,index,speaker,code,confidence,text\nu1,s,0,T,Q,1,private words\nu2,s,1,T,R,1,private words\n",
  );
  writeFileSync(join(dir, "nocode.csv"), "id,session,text\nu1,s,private words\n");
  const cases: [string, string[], number, RegExp][] = [
    [
      "missing file",
      ["agree", "--matrix", "nope.csv"],
      1,
      /^rapportkit: nope\.csv: no such file\n$/,
    ],
    [
      "malformed CSV",
      ["agree", "--matrix", "badquote.csv"],
      1,
      /^rapportkit: badquote\.csv:3: malformed CSV \(CSV_INVALID_CLOSING_QUOTE\)\n$/,
    ],
    [
      "ragged CSV",
      ["agree", "--matrix", "ragged.csv"],
      1,
      /^rapportkit: ragged\.csv:3: malformed CSV \(CSV_RECORD_INCONSISTENT_FIELDS_LENGTH\)\n$/,
    ],
    [
      "rating outside --categories",
      ["agree", "--matrix", "cats.csv", "--categories", "a,b"],
      1,
      /^rapportkit: cats\.csv:3:3: rating in column 'r2' is not one of --categories\n$/,
    ],
    [
      "duplicate id",
      ["agree", "dup.csv", "dup.csv"],
      1,
      /^rapportkit: dup\.csv:3:1: 'id' "u1" repeats line 2/,
    ],
    [
      "missing code column",
      ["agree", "nocode.csv", "dup.csv"],
      1,
      /^rapportkit: nocode\.csv:1: missing column 'code'/,
    ],
    [
      "code outside --categories",
      ["agree", "dupfree.csv", "dupfree.csv", "--categories", "Q"],
      1,
      /^rapportkit: dupfree\.csv:3:5: code is not one of --categories\n$/,
    ],
    ["no mode", ["agree"], 2, /give exactly one of/],
    ["two modes", ["agree", "--matrix", "a.csv", "--pairs", "b.csv"], 2, /give exactly one of/],
    ["--by text", ["agree", "dup.csv", "dup.csv", "--by", "text"], 2, /never used as a key/],
    ["bad --level", ["agree", "--matrix", "cats.csv", "--level", "fancy"], 2, /--level must be/],
    [
      "interval on labels",
      ["agree", "--matrix", "cats.csv", "--level", "interval"],
      1,
      /needs numeric ratings/,
    ],
    [
      "bad --resamples",
      ["agree", "--matrix", "cats.csv", "--resamples", "many"],
      2,
      /--resamples must be/,
    ],
  ];
  it.each(cases)("%s", async (_name, argv, code, message) => {
    const r = await run(argv, dir);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).not.toMatch(/secret|private/);
    expect(r.out).toBe("");
  });
});
