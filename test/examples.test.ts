/**
 * Runs every example in examples/ as a user would (`npx tsx examples/<name>.ts`), so they cannot rot:
 * each must exit 0 and print the lines that show it did its job.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function runExample(
  name: string,
  args: readonly string[] = [],
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(ROOT, "node_modules/.bin/tsx"), [join("examples", name), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("examples", () => {
  it("live-replay.ts replays the demo WebVTT with its timings through the live coder", () => {
    // The demo's cues span 5 min 41 s; at ×200 the replay must take about 1.7 s, not less.
    const r = runExample("live-replay.ts", ["--speed", "200"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((l) => /^\[\d\d:\d\d\] (therapist|client) /.test(l))).toHaveLength(46);
    // The invalidating remark at 04:30 raises the judgement nudge, right after its line.
    const at = lines.findIndex((l) => l.startsWith("[04:30] therapist invalidation"));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^\s+nudge judgement: /);
    const m = r.stdout.match(/replayed 46 utterances in ([\d.]+) s \(speed ×200\); (\d+) nudges/);
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(1.6);
    expect(r.stderr).toBe("");
  });

  it("live-replay.ts rejects a bad speed without a stack trace", () => {
    const r = runExample("live-replay.ts", ["--speed", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("--speed: expected a number > 0 (1 = real time)");
  });

  it("app-developer.ts codes a session, cascading unsure utterances to the (fake) LLM", () => {
    const r = runExample("app-developer.ts");
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    // one line per utterance (7), then the cascade count, then the report
    expect(lines.filter((l) => /^(therapist|client)\s/.test(l))).toHaveLength(7);
    const m = r.stdout.match(/sent (\d+) of 7 utterances to the LLM in (\d+) call/);
    expect(m).not.toBeNull();
    const sent = Number(m?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(7);
    // exactly the escalated utterances carry the LLM's source
    expect(lines.filter((l) => l.endsWith("llm@rapport-1.0.0"))).toHaveLength(sent);
    expect(r.stdout).toMatch(/report: \d+ characters of self-contained HTML/);
  });

  it("researcher.ts measures agreement, scores sessions and writes tidy CSV", () => {
    const r = runExample("researcher.ts");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("utterances coded by both: 12");
    expect(r.stdout).toMatch(/Cohen's kappa: (-?[01]\.\d{3}|undefined)/);
    expect(r.stdout).toContain("utterances.csv: 12 rows");
    expect(r.stdout).toContain("scores.csv: 18 rows"); // 2 sessions x 9 measures
    expect(r.stdout).toContain("session,measure,value,reason");
  });

  it("codebook-author.ts extends a codebook, trains a model and scores a questionnaire", () => {
    const r = runExample("codebook-author.ts");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/codebook rapport-clinic@1\.0\.0: \d+ codes, 0 conflicts/);
    expect(r.stdout).toContain('rules: "humour"');
    expect(r.stdout).toContain("linear: t1 -> question.open");
    expect(r.stdout).toContain("linear: t2 -> question.closed");
    expect(r.stdout).toContain("check-in total 12 (prorated: true)");
  });
});
