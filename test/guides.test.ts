/**
 * The guides' runnable snippets (fenced as ```ts live) are run as a user would (`tsx`), against the
 * sources, so that they cannot drift from the API they show.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function liveSnippets(guide: string): string[] {
  const text = readFileSync(join(ROOT, "docs/guides", guide), "utf8");
  return [...text.matchAll(/```ts live\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

function run(code: string, name: string): { code: number | null; stdout: string; stderr: string } {
  const dir = join(ROOT, "test", ".artifacts", "guides");
  rmSync(join(dir, name), { force: true });
  mkdirSync(dir, { recursive: true });
  const body = code
    .replaceAll(
      'from "rapportkit/model"',
      `from ${JSON.stringify(join(ROOT, "src/model/index.ts"))}`,
    )
    .replaceAll('from "rapportkit"', `from ${JSON.stringify(join(ROOT, "src/index.ts"))}`);
  const file = join(dir, name);
  writeFileSync(file, body);
  const r = spawnSync(join(ROOT, "node_modules/.bin/tsx"), [file], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("app developers guide", () => {
  it("the live coding snippet runs and raises the nudges the guide names", () => {
    const snippet = liveSnippets("app-developers.md").find((x) => x.includes("nudge"));
    expect(snippet).toBeDefined();
    const r = run(snippet as string, "app-developers-live.ts");
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    // one line per pushed utterance (9), each with its code
    expect(lines.filter((l) => /^(therapist|client) [a-z_.]+ /.test(l))).toHaveLength(9);
    const nudges = lines.filter((l) => l.startsWith("  nudge "));
    expect(nudges.map((l) => l.split(":")[0]?.trim())).toEqual([
      "nudge questions-in-a-row",
      "nudge talk-share",
      "nudge unsolicited-advice",
    ]);
    expect(r.stdout).toMatch(/flags advice\.unsolicited/);
  });

  it("the sentence-by-sentence snippet codes each sentence and says which turn it came from", () => {
    const snippet = liveSnippets("app-developers.md").find((x) => x.includes("segmentTurns"));
    expect(snippet).toBeDefined();
    const r = run(snippet as string, "app-developers-segment.ts");
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    expect(rows.map(([id, of]) => [id, of])).toEqual([
      ["session:0", "session:0"],
      ["session:1#1", "session:1"],
      ["session:1#2", "session:1"],
      ["session:1#3", "session:1"],
    ]);
    for (const [, , code] of rows) expect(code).toMatch(/^[a-z_]+(\.[a-z_]+)?$/);
  });
});
