/**
 * `rapportkit code --segment sentences`: each multi-sentence helper turn is coded sentence by
 * sentence (coding manual §1), every input row is accounted for, and a wrong value is a usage error.
 */
import "../helpers/no-color.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli } from "../helpers/cli.js";

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-cli-segment-"));
  file = join(dir, "answers.csv");
  writeFileSync(
    file,
    'id,post,answer\np1,"I cannot sleep.","I\'m so sorry you\'re going through this.\n\nYou should stop drinking coffee after lunch. Hope this helps x"\np2,"Any tips?","Mm-hmm."\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("code --segment sentences", () => {
  it("gives one row per sentence of a long answer, in order, and one per short answer", async () => {
    const r = await runCli([
      "code",
      file,
      "--speaker",
      "therapist",
      "--text-column",
      "answer",
      "--id-column",
      "id",
      "--context-column",
      "post",
      "--segment",
      "sentences",
    ]);
    expect(r.code, r.err).toBe(0);
    const rows = parse(r.out, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x.id, x.index, x.text])).toEqual([
      ["p1#1", "0", "I'm so sorry you're going through this."],
      ["p1#2", "1", "You should stop drinking coffee after lunch."],
      ["p1#3", "2", "Hope this helps x"],
      ["p2", "3", "Mm-hmm."],
    ]);
    // The behaviours the whole answer mixes are found one by one.
    expect(rows.map((x) => x.code)).toEqual([
      "validation",
      "advice.unsolicited",
      "other",
      "facilitation",
    ]);
  });

  it("without --segment, codes each answer as one row", async () => {
    const r = await runCli(["code", file, "--speaker", "therapist", "--text-column", "answer"]);
    expect(r.code, r.err).toBe(0);
    expect(parse(r.out, { columns: true })).toHaveLength(2);
  });

  it("refuses another value in one line, with no output", async () => {
    const r = await runCli(["code", file, "--speaker", "therapist", "--segment", "words"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(hasStackTrace(r.err)).toBe(false);
    expect(r.err.trim()).toBe('rapportkit: --segment must be sentences (got "words")');
  });
});
