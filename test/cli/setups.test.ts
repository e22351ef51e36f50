/**
 * Issue 14: setups that are wrong but used to run fail with one line that says how to fix them.
 */
import "../helpers/no-color.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, hasStackTrace, runCli } from "../helpers/cli.js";

let dir: string;
const p = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-cli-setups-"));
  writeFileSync(p("no-speaker.csv"), "id,utterance_text,text\n1,x,What brings you in?\n2,y,Ok.\n");
  writeFileSync(p("names.csv"), "who,text\nRobin,What brings you in?\nAlex,My doctor sent me.\n");
  writeFileSync(p("ok.csv"), "speaker,text\nTherapist,What brings you in?\nClient,Ok.\n");
  writeFileSync(
    p("mixed.csv"),
    "speaker,text\nNarrator,Scene one.\nTherapist,What brings you in?\nClient,Ok.\n",
  );
  writeFileSync(p("headless.csv"), "Therapist,Well how are you feeling about that today\n");
  writeFileSync(p("no-speaker.txt"), "What brings you in?\nMy doctor sent me.\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oneLine(r: CliRun, exit: number): string {
  const lines = r.err.split("\n").filter((l) => l !== "");
  expect(r.code, r.err).toBe(exit);
  expect(lines, r.err).toHaveLength(1);
  expect(hasStackTrace(r.err)).toBe(false);
  return lines[0] as string;
}

describe("a file whose roles all resolve to other is an error", () => {
  for (const cmd of ["code", "score", "convert"]) {
    it(`${cmd}: a CSV without a speaker column names the options and the columns`, async () => {
      const args = cmd === "convert" ? ["--to", "jsonl"] : [];
      const line = oneLine(await runCli([cmd, p("no-speaker.csv"), ...args]), 1);
      expect(line).toMatch(/^rapportkit: .*no-speaker\.csv/);
      expect(line).toContain('"other"');
      for (const o of ["--speaker ", "--speaker-column", "--speaker-map"])
        expect(line).toContain(o);
      expect(line).toContain("columns: id, utterance_text, text");
      expect(line).not.toContain("What brings");
    });
  }
  it("a CSV whose speaker names are all unknown names the options, not the names", async () => {
    const line = oneLine(await runCli(["code", p("names.csv"), "--speaker-column", "who"]), 1);
    for (const o of ["--speaker ", "--speaker-column", "--speaker-map"]) expect(line).toContain(o);
    expect(line).toContain("columns: who, text");
    expect(line).not.toMatch(/Robin|Alex/);
  });
  it("a plain-text file names --speaker and --speaker-map", async () => {
    const line = oneLine(await runCli(["code", p("no-speaker.txt")]), 1);
    expect(line).toContain("--speaker ");
    expect(line).toContain("--speaker-map");
  });
  it("--speaker therapist, a speaker map, or some known roles make it run", async () => {
    expect((await runCli(["code", p("no-speaker.csv"), "--speaker", "therapist"])).code).toBe(0);
    const mapped = await runCli([
      "code",
      p("names.csv"),
      "--speaker-column",
      "who",
      "--speaker-map",
      "Robin=therapist,Alex=client",
    ]);
    expect(mapped.code, mapped.err).toBe(0);
    expect((await runCli(["code", p("ok.csv")])).code).toBe(0);
    const mixed = await runCli(["code", p("mixed.csv")]);
    expect(mixed.code, mixed.err).toBe(0);
    expect(mixed.out.split("\n").filter((l) => l !== "")).toHaveLength(4);
  });
});

describe("a missing column lists the columns and suggests the closest", () => {
  it("--speaker-column with a typo says did you mean", async () => {
    const line = oneLine(await runCli(["code", p("names.csv"), "--speaker-column", "whoo"]), 1);
    expect(line).toContain('did you mean "who"');
    expect(line).toContain("columns: who, text");
  });
  it("a missing text column suggests the closest", async () => {
    const line = oneLine(await runCli(["code", p("names.csv"), "--text-column", "txt"]), 1);
    expect(line).toContain('did you mean "text"');
  });
  it("a first line that is not a header is not quoted", async () => {
    const line = oneLine(await runCli(["code", p("headless.csv"), "--text-column", "txt"]), 1);
    expect(line).not.toContain("feeling");
  });
});

describe("an unknown option suggests the closest", () => {
  it("--speaker-colum → --speaker-column", async () => {
    const line = oneLine(await runCli(["code", p("ok.csv"), "--speaker-colum", "who"]), 2);
    expect(line).toContain("did you mean --speaker-column");
  });
  it("an unknown command suggests the closest", async () => {
    const line = oneLine(await runCli(["scroe", p("ok.csv")]), 2);
    expect(line).toContain("did you mean score");
  });
});
