/**
 * What the independent re-check (docs/hostile-recheck.md, scripts/hostile-recheck.mjs) found
 * still wrong, each as a test that failed before its fix: a success summary printed before a
 * failed write to standard output (2b, 2g, 2h), DEL and C1 controls raw in `score --json` (17b),
 * and a header-only CSV coded to nothing with exit 0 and no word (20b).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasStackTrace, runCli, spawnCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rk-recheck-"));

/** The CLI from the sources in a real process, its stdout to /dev/full. */
function toDevFull(argv: readonly string[]): { code: number | null; err: string } {
  return spawnCli(argv, { shell: "$CMD >/dev/full" });
}

describe("a failed write to standard output never follows a success summary", () => {
  writeFileSync(join(dir, "ok.csv"), "speaker,text\nT,How are you?\nC,Fine.\nT,Good.\n");
  writeFileSync(join(dir, "bad.csv"), 'speaker,text\nT,How are you?\nC,"bad "quote\nT,Good.\n');
  const full = "rapportkit: standard output: cannot write (no space left on device)";

  it("convert small.csv > /dev/full: only the error (2b)", () => {
    const r = toDevFull(["convert", join(dir, "ok.csv"), "--to", "csv"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${full}\n`);
  });

  it("convert --on-error skip > /dev/full: the skipped row, then only the error (2h)", () => {
    const r = toDevFull(["convert", join(dir, "bad.csv"), "--to", "csv", "--on-error", "skip"]);
    expect(r.code).toBe(1);
    const lines = r.err.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^rapportkit: warning: \S*bad\.csv:3: .*row skipped$/);
    expect(lines[1]).toBe(full);
    expect(r.err).not.toContain("converted");
  });

  it("code --on-error skip > /dev/full: no 'coded N' summary (2g), heap-capped or not", () => {
    for (const extra of [[], ["--max-heap-mb", "0"]]) {
      const r = toDevFull([
        "code",
        join(dir, "bad.csv"),
        "--classifier",
        "rules",
        "--on-error",
        "skip",
        ...extra,
      ]);
      expect(r.code).toBe(1);
      expect(hasStackTrace(r.err)).toBe(false);
      expect(r.err).not.toContain("coded");
      expect(r.err.trimEnd().split("\n").at(-1)).toBe(full);
    }
  });
});

describe("JSON output escapes what JSON.stringify leaves raw (17b)", () => {
  it("score --json: DEL, C1 and bidi controls in ids as \\u escapes, same value when parsed", async () => {
    const ids = ["a\u007fb", "c\u009b31md", "e\u0085f", "g\u202eh"];
    let s = "id,session,index,speaker,code,confidence,text\n";
    for (const sid of ids)
      s += `"${sid}:0","${sid}",0,therapist,reflection.simple,1,words\n"${sid}:1","${sid}",1,client,change,1,more\n`;
    writeFileSync(join(dir, "coded.csv"), s);
    const r = await runCli(["score", "coded.csv", "--json"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(/[\u007f-\u009f\u202e]/);
    expect(r.out).toContain("c\\u009b31md");
    const parsed = JSON.parse(r.out) as { session: string }[];
    expect(parsed.map((x) => x.session).sort()).toEqual([...ids].sort());
  });
});

describe("a CSV with a header and no rows (20b)", () => {
  it("code: exit 1, one line, no output", async () => {
    writeFileSync(join(dir, "header.csv"), "speaker,text\n");
    const r = await runCli(["code", "header.csv"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe("rapportkit: header.csv: no utterances to code (a header and no rows)\n");
  });
});

describe("score's text output says why a ratio is missing (re-check note)", () => {
  it("n/a with its reason, never the word 'undefined'", async () => {
    writeFileSync(
      join(dir, "few.csv"),
      "id,session,index,speaker,code,confidence,text\ns:0,s,0,therapist,facilitation,1,hm\ns:1,s,1,client,neutral,1,ok\n",
    );
    const r = await runCli(["score", "few.csv"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain("undefined");
    expect(r.out).toContain("R:Q n/a (no questions)  %CR n/a (no reflections)");
    expect(r.out).toContain("%change talk n/a (no change or sustain talk)");
  });
});

describe("AnnoMI input with --on-error skip counts the skipped row (re-check note)", () => {
  it("code and convert say how many rows they skipped, as for CSV", async () => {
    const head =
      "mi_quality,transcript_id,video_title,video_url,topic,utterance_id,interlocutor,timestamp,utterance_text,annotator_id,therapist_input_exists,therapist_input_subtype,reflection_exists,reflection_subtype,question_exists,question_subtype,main_therapist_behaviour,client_talk_type";
    const row = (i: number, who: string, text: string) =>
      `high,1,t,u,x,${i},${who},00:00:0${i},${text},1,False,,False,,False,,${who === "therapist" ? "other" : "n/a"},${who === "client" ? "neutral" : "n/a"}`;
    writeFileSync(
      join(dir, "annomi.csv"),
      [
        head,
        row(0, "therapist", "Hello."),
        row(1, "client", '"bad "quote'),
        row(2, "therapist", "Go on."),
        "",
      ].join("\n"),
    );
    const a = ["--format", "annomi", "--on-error", "skip"];
    const c = await runCli(["code", "annomi.csv", ...a, "--classifier", "rules"], { cwd: dir });
    expect(c.code, c.err).toBe(0);
    expect(c.err).toMatch(/annomi\.csv:3: .*row skipped\n/);
    expect(c.err).toContain(
      "rapportkit: coded 2 utterances; skipped 1 malformed row (listed above)\n",
    );
    const v = await runCli(["convert", "annomi.csv", ...a, "--to", "csv"], { cwd: dir });
    expect(v.code, v.err).toBe(0);
    expect(v.err).toContain("converted 2 utterances in 1 sessions; 1 malformed row skipped");
  });
});
