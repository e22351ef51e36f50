/**
 * Issue #15, item 10: a label or code named like an Object.prototype member (`__proto__`,
 * `constructor`, `toString`, …) is data like any other: it is kept in `perClass` / `per_class`
 * (API, JSON and table), the printed confusion table keeps its rows aligned, and
 * `codingAgreement().perCode` keeps the code.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classificationReport, codingAgreement, perCodeAgreement } from "../../src/index.js";
import { assertNoPollution, prototypeSnapshot } from "../helpers/arbitraries.js";
import { runCli } from "../helpers/cli.js";

const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype"];

const coding = (utteranceId: string, codeId: string) => ({
  utteranceId,
  codeId,
  source: "x",
  confidence: 1,
});

describe.each(NAMES)("the label %s", (name) => {
  const gold = [name, "a", name, "b"];
  const pred = [name, "a", "a", "b"];

  it("is a key of classificationReport().perClass with its own scores", () => {
    const before = prototypeSnapshot();
    const r = classificationReport(gold, pred);
    expect(Object.keys(r.perClass).sort()).toEqual([name, "a", "b"].sort());
    expect(Object.hasOwn(r.perClass, name)).toBe(true);
    expect(r.perClass[name]).toEqual({
      precision: 1,
      recall: 0.5,
      f1: 2 / 3,
      support: 2,
      predicted: 1,
    });
    // The macro average runs over the same labels perClass lists (a null F1 counts as 0).
    const f1s = Object.values(r.perClass).map((c) => c.f1 ?? 0);
    expect(r.macro.f1).toBeCloseTo(f1s.reduce((s, x) => s + x, 0) / f1s.length, 12);
    assertNoPollution(before);
  });

  it("is a key of perCodeAgreement and codingAgreement().perCode", () => {
    const before = prototypeSnapshot();
    const pairs = gold.map((a, i) => ({ a, b: pred[i] as string }));
    const pc = perCodeAgreement(pairs);
    expect(Object.hasOwn(pc, name)).toBe(true);
    expect(pc[name]).toMatchObject({ support: 2, predicted: 1, recall: 0.5 });
    const r = codingAgreement(
      gold.map((c, i) => coding(`u${i}`, c)),
      pred.map((c, i) => coding(`u${i}`, c)),
    );
    expect(Object.keys(r.perCode).sort()).toEqual([name, "a", "b"].sort());
    expect(r.perCode[name]).toMatchObject({ support: 2, predicted: 1 });
    assertNoPollution(before);
  });

  it("rapportkit agree --pairs keeps it in per_class (JSON) and in the table, rows aligned", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-proto-"));
    writeFileSync(
      join(dir, "p.csv"),
      `gold,pred\n${gold.map((g, i) => `${g},${pred[i]}`).join("\n")}\n`,
    );
    const j = await runCli(["agree", "--pairs", "p.csv", "--json", "--resamples", "0"], {
      cwd: dir,
    });
    expect(j.code).toBe(0);
    const out = JSON.parse(j.out);
    expect(Object.hasOwn(out.per_class, name)).toBe(true);
    expect(out.per_class[name]).toMatchObject({ support: 2, recall: 0.5 });
    expect(Object.keys(out.per_class)).toHaveLength(3);

    const t = await runCli(["agree", "--pairs", "p.csv", "--resamples", "0"], { cwd: dir });
    expect(t.code).toBe(0);
    const lines = t.out.split("\n");
    const labelRow = lines.find((l) => l.trim().startsWith(`${name} `));
    expect(labelRow, "per-class row").toBeDefined();
    // Confusion table: one row per label, each starting with its own label and holding its counts.
    const at = lines.findIndex((l) => l.includes("confusion (rows gold"));
    const rows = lines.slice(at + 2, at + 5).map((l) => l.trim().split(/\s+/));
    const labels = out.confusion.labels as string[];
    expect(rows.map((r) => r[0])).toEqual(labels.map(String));
    rows.forEach((r, i) => {
      expect(r.slice(1).map(Number)).toEqual(out.confusion.matrix[i]);
    });
  });

  it("rapportkit agree a.csv b.csv keeps it in per_code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-proto-"));
    const file = (codes: string[]) => `id,code\n${codes.map((c, i) => `u${i},${c}`).join("\n")}\n`;
    writeFileSync(join(dir, "a.csv"), file(gold));
    writeFileSync(join(dir, "b.csv"), file(pred));
    const j = await runCli(["agree", "a.csv", "b.csv", "--json", "--resamples", "0"], { cwd: dir });
    expect(j.code).toBe(0);
    const out = JSON.parse(j.out);
    expect(Object.hasOwn(out.per_code, name)).toBe(true);
    expect(out.per_code[name]).toMatchObject({ support: 2, predicted: 1 });
    expect(Object.hasOwn(out.overall.per_class, name)).toBe(true);
    const t = await runCli(["agree", "a.csv", "b.csv", "--resamples", "0"], { cwd: dir });
    const perCodeRows = t.out.split("\n").filter((l) => l.trim().startsWith(`${name} `));
    expect(perCodeRows.length).toBeGreaterThanOrEqual(2); // per-code table and per-class table
  });
});
