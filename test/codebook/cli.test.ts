import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCodebook, rapportCodebook } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";

const run = (argv: string[], cwd?: string) => runCli(argv, { cwd });

describe("rapportkit codebook", () => {
  it("list shows id, version and number of codes", async () => {
    const r = await run(["codebook", "list"]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/^id\s+version\s+codes\s+label$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ["rapport", "1.0.0", "26"],
      ["annomi", "1.0.0", "15"],
      ["miti-4.2.1", "4.2.1", "10"],
    ]);
  });

  it("show prints a table of codes: id, role, parent, valence, label", async () => {
    const r = await run(["codebook", "show", "rapport"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Rapport behaviours \(rapport 1\.0\.0\): 26 codes/);
    expect(r.out).toMatch(/\nid\s+role\s+parent\s+valence\s+label\n/);
    expect(r.out).toMatch(
      /\nreflection\.simple\s+therapist\s+reflection\s+builds\s+Simple reflection\n/,
    );
    expect(r.out).toMatch(/\njudgement\s+therapist\s+-\s+harms\s+Judgement\n/);
    expect(r.out).toMatch(/\nchange_talk\s+client\s+-\s+builds\s+Change talk\n/);
    const miti = await run(["codebook", "show", "miti-4.2.1"]);
    expect(miti.out).toMatch(/\nPartnership\s+1-5\s+Partnership\n/);
  });

  it("export prints the codebook JSON, which validates", async () => {
    const r = await run(["codebook", "export", "rapport"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(parseCodebook(json)).toEqual(rapportCodebook);
  });

  it("export --json-schema prints the JSON Schema with the code-id enum", async () => {
    const r = await run(["codebook", "export", "annomi", "--json-schema"]);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out);
    expect(schema.properties.codeId.enum).toContain("therapist_input.options");
    expect(schema.properties.codeId.enum).toHaveLength(15);
  });

  it("an unknown id exits 1 with one line", async () => {
    const r = await run(["codebook", "show", "nope"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/unknown codebook 'nope'/);
    expect((await run(["codebook", "export", "nope"])).code).toBe(1);
  });

  it("reads and validates a codebook JSON file, naming the bad location", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-cb-"));
    const good = JSON.parse(JSON.stringify(rapportCodebook));
    good.id = "mine";
    writeFileSync(join(dir, "good.json"), JSON.stringify(good));
    const ok = await run(["codebook", "show", "good.json"], dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/\(mine 1\.0\.0\)/);
    good.codes[3].id = good.codes[0].id;
    writeFileSync(join(dir, "dup.json"), JSON.stringify(good));
    const dup = await run(["codebook", "export", "dup.json"], dir);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/^rapportkit: dup\.json \(codes\[3\]\.id\): duplicate code id/);
    writeFileSync(join(dir, "proto.json"), '{"id":"x","__proto__":{"a":1}}');
    const proto = await run(["codebook", "show", "proto.json"], dir);
    expect(proto.code).toBe(1);
    expect(proto.err).toMatch(/proto\.json \(__proto__\): the key '__proto__' is not allowed/);
    writeFileSync(join(dir, "bad.json"), "{ nope");
    expect((await run(["codebook", "show", "bad.json"], dir)).code).toBe(1);
    expect((await run(["codebook", "show", "missing.json"], dir)).code).toBe(1);
  });

  it("usage mistakes exit 2", async () => {
    expect((await run(["codebook"])).code).toBe(2);
    expect((await run(["codebook", "export"])).code).toBe(2);
    expect((await run(["codebook", "frob"])).code).toBe(2);
    expect((await run(["codebook", "list", "--bogus"])).code).toBe(2);
    expect((await run(["codebook", "show", "--help"])).code).toBe(0);
  });
});
