import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const ROOT = join(import.meta.dirname, "..", "..");
let dir: string;

async function cli(argv: string[], cwd = dir) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    cwd,
    isTTY: false,
  });
  return { code, out: out.join(""), err: err.join("") };
}

const CODED = [
  "id,session,index,speaker,code,confidence,text",
  's1:0,s1,0,therapist,question.open,0.9,"What brings you <script>alert(1)</script> here?"',
  "s1:1,s1,1,client,change_talk,0.8,I want to cut down.",
  "s1:2,s1,2,therapist,advice.unsolicited,0.85,You should just stop.",
  "s2:0,s2,0,therapist,reflection.simple,0.7,You want to cut down.",
  "s2:1,s2,1,client,neutral,0.6,Yes.",
].join("\n");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-report-cli-"));
  writeFileSync(join(dir, "coded.csv"), `${CODED}\n`);
  writeFileSync(join(dir, "totals.csv"), "session,instrument,total\ns1,srs,38\ns2,srs,33\n");
});

describe("rapportkit report", () => {
  it("writes one report for the sessions of a coded file, with trends of questionnaire totals", async () => {
    const r = await cli([
      "report",
      "coded.csv",
      "--out",
      "r/report.html",
      "--totals",
      "totals.csv",
      "--ordered",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("report of 2 sessions (5 utterances) written to r/report.html");
    const html = readFileSync(join(dir, "r/report.html"), "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const chart of ["timeline", "codes", "talk", "miti", "profile", "flags"])
      expect(html).toContain(`data-chart="${chart}" data-session="1"`);
    expect(html).toContain('data-chart="trends"');
    expect(html).toContain("srs, s2: 33 (rupture)"); // SRS at or below 36
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.split("<script").length - 1).toBe(1);
    // the coded file's codes are the ones shown
    expect(html).toContain("<td>advice.unsolicited</td>");
    // without --ordered the sessions have no time order: no trend lines, the totals' spread
    const unordered = await cli([
      "report",
      "coded.csv",
      "--out",
      "u.html",
      "--totals",
      "totals.csv",
    ]);
    expect(unordered.code, unordered.err).toBe(0);
    const u = readFileSync(join(dir, "u.html"), "utf8");
    expect(u).not.toContain('data-chart="trends"');
    expect(u).toContain(">srs total</text>");
  });

  it("reads the same input options as code (here a CSV with other column names)", async () => {
    writeFileSync(
      join(dir, "raw.csv"),
      "who,words,conv\nTherapist,How are you?,a\nClient,Tired.,a\n",
    );
    const r = await cli([
      "report",
      "raw.csv",
      "--speaker-column",
      "who",
      "--text-column",
      "words",
      "--session-column",
      "conv",
      "--out",
      "raw.html",
    ]);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(join(dir, "raw.html"), "utf8");
    expect(html).toContain("Session a");
    expect(html).toContain("How are you?");
    // raw input is coded first, with the default classifier
    expect(r.err).toMatch(/coded 2 utterances with \S+/);
    expect(html).toContain("2 utterances, 2 coded.");
  });

  it("says what is wrong with bad options or input, with exit codes 2 and 1", async () => {
    const bad = await cli(["report", "coded.csv", "--codebook", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--codebook must be one of");
    const missing = await cli(["report", "nope.csv"]);
    expect(missing.code).toBe(1);
    writeFileSync(join(dir, "bad-totals.csv"), "session,instrument,total\ns1,srs,lots\n");
    const totals = await cli([
      "report",
      "coded.csv",
      "--out",
      "x.html",
      "--totals",
      "bad-totals.csv",
    ]);
    expect(totals.code).toBe(1);
    expect(totals.err).toBe("rapportkit: bad-totals.csv:2: total must be a number\n");
    writeFileSync(join(dir, "no-col.csv"), "session,total\ns1,3\n");
    const col = await cli(["report", "coded.csv", "--out", "x.html", "--totals", "no-col.csv"]);
    expect(col.err).toContain('no-col.csv:1: missing column "instrument"');
    const unknown = await cli(["report", "coded.csv", "--bogus"]);
    expect(unknown.code).toBe(2);
  });
});

describe("rapportkit demo", () => {
  it("codes the bundled demo session, prints a table of codes and writes the report", async () => {
    const out = join(dir, "demo", "demo-report.html");
    const r = await cli(["demo", "--out", out], ROOT);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("Demo session: 46 utterances from examples/demo-session.txt");
    expect(r.out).toMatch(/#\s+speaker\s+code\s+conf\s+text/);
    expect(r.out).toContain(`Report written to ${out}`);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("rapportkit demo session");
  });
});
