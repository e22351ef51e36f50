/**
 * Issue 14: `--out` writes the format its extension names (csv, tsv, json, jsonl, html) or refuses
 * it in one line, before any work and without leaving a file — for every command that has `--out`.
 */
import "../helpers/no-color.js";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, hasStackTrace, runCli } from "../helpers/cli.js";

let dir: string;
const p = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-cli-out-"));
  writeFileSync(
    p("t.csv"),
    "session,speaker,text,code\ns1,Therapist,What brings you in today?,question.open\ns1,Client,My doctor sent me.,neutral\ns1,Therapist,You came because your doctor asked.,reflection.simple\n",
  );
  writeFileSync(
    p("coded.csv"),
    "id,session,index,speaker,code,confidence,text\ns:0,s,0,therapist,question.open,1,a\ns:1,s,1,client,neutral,1,b\ns:2,s,2,therapist,reflection.simple,1,c\n",
  );
  writeFileSync(
    p("coded2.csv"),
    "id,session,index,speaker,code,confidence,text\ns:0,s,0,therapist,question.open,1,a\ns:1,s,1,client,neutral,1,b\ns:2,s,2,therapist,reflection.complex,1,c\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refused(r: CliRun, file: string, can: string): void {
  const lines = r.err.split("\n").filter((l) => l !== "");
  expect(r.code, r.err).toBe(2);
  expect(lines, r.err).toHaveLength(1);
  expect(hasStackTrace(r.err)).toBe(false);
  expect(lines[0]).toBe(
    `rapportkit: --out ${file}: cannot write .${file.split(".").pop()}; name a file ending in ${can} (the extension sets the format)`,
  );
  expect(existsSync(file)).toBe(false);
  expect(r.out).toBe("");
}

describe("an --out extension a command cannot write is refused in one line", () => {
  const cases: [string, () => string[], string, string][] = [
    ["code", () => ["code", p("t.csv"), "--classifier", "rules"], "x.json", "csv or jsonl"],
    ["code (.tsv)", () => ["code", p("t.csv"), "--classifier", "rules"], "x.tsv", "csv or jsonl"],
    ["convert", () => ["convert", p("t.csv"), "--to", "csv"], "x.json", "csv or jsonl"],
    ["score", () => ["score", p("coded.csv")], "x.xlsx", "csv, tsv, json or jsonl"],
    [
      "agree",
      () => ["agree", p("coded.csv"), p("coded2.csv")],
      "x.xlsx",
      "csv, tsv, json or jsonl",
    ],
    [
      "eval",
      () => ["eval", p("t.csv"), "--classifier", "rules"],
      "x.txt",
      "csv, tsv, json or jsonl",
    ],
    ["report", () => ["report", p("coded.csv")], "x.csv", "html or htm"],
    ["demo", () => ["demo"], "x.pdf", "html or htm"],
    [
      "train",
      () => ["train", p("t.csv"), "--codebook", "rapport", "--session-column", "session"],
      "m.csv",
      "json",
    ],
  ];
  for (const [name, argv, file, can] of cases)
    it(name, async () => {
      const out = p(file);
      refused(await runCli([...argv(), "--out", out]), out, can);
    });
});

describe("the extension names the format", () => {
  it("code --out x.jsonl writes JSONL; an --out-format that contradicts it is refused", async () => {
    const r = await runCli(["code", p("t.csv"), "--classifier", "rules", "--out", p("c.jsonl")]);
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(p("c.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(["s1:0", "s1:1", "s1:2"]);
    const bad = await runCli([
      "code",
      p("t.csv"),
      "--classifier",
      "rules",
      "--out",
      p("c2.csv"),
      "--out-format",
      "jsonl",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^rapportkit: --out .*c2\.csv names csv but --out-format is jsonl/);
  });

  it("convert --out x.jsonl needs no --to; a --to that contradicts it is refused", async () => {
    const r = await runCli(["convert", p("t.csv"), "--out", p("t.jsonl")]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(p("t.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    const bad = await runCli(["convert", p("t.csv"), "--to", "jsonl", "--out", p("t2.csv")]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/names csv but --to is jsonl/);
    const none = await runCli(["convert", p("t.csv")]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--to is required \(csv, jsonl or annomi\) unless --out ends in/);
  });

  it("agree --out writes the --json object (.json, .jsonl) or a table of its numbers (.csv, .tsv)", async () => {
    const argv = ["agree", p("coded.csv"), p("coded2.csv"), "--resamples", "0"];
    const j = await runCli([...argv, "--json"]);
    expect(j.code, j.err).toBe(0);
    for (const ext of ["json", "jsonl", "csv", "tsv"]) {
      const r = await runCli([...argv, "--out", p(`a.${ext}`)]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toBe("");
    }
    expect(JSON.parse(readFileSync(p("a.json"), "utf8"))).toEqual(JSON.parse(j.out));
    expect(JSON.parse(readFileSync(p("a.jsonl"), "utf8"))).toEqual(JSON.parse(j.out));
    const rows = parse(readFileSync(p("a.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "statistic",
      "label",
      "value",
      "ci95_low",
      "ci95_high",
      "note",
    ]);
    const kappa = rows.find((r) => r.statistic === "overall.cohen_kappa");
    expect(Number(kappa?.value)).toBeCloseTo(JSON.parse(j.out).overall.cohen_kappa.value, 12);
    const perCode = rows.find(
      (r) => r.statistic === "per_code.precision" && r.label === "reflection.simple",
    );
    expect(perCode).toBeDefined();
    const tsv = parse(readFileSync(p("a.tsv"), "utf8"), { columns: true, delimiter: "\t" });
    expect(tsv).toEqual(rows);
  });

  it("eval --out x.csv writes its numbers as a table", async () => {
    const r = await runCli(["eval", p("t.csv"), "--classifier", "rules", "--out", p("e.csv")]);
    expect(r.code, r.err).toBe(0);
    const rows = parse(readFileSync(p("e.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.some((x) => x.statistic === "accuracy")).toBe(true);
    expect(rows.some((x) => x.statistic === "perCode.f1" && x.label === "question.open")).toBe(
      true,
    );
  });
});
