/**
 * The scale checks of bench/scale.mjs at 20,000 utterances, in-process: coding the whole file equals
 * coding it in 4 chunks split at session boundaries; a malformed row in the middle is reported with
 * its line; with --on-error skip it is skipped and counted and every other row is coded; --workers 2 (ignored)
 * gives the same output as one worker.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { generateCsv } from "../../scripts/gen-big-csv.mjs";
import { hasStackTrace, runCli } from "../helpers/cli.js";

const ROWS = 20_000;
const CSV_ARGS = ["--session-column", "session", "--speaker-column", "speaker"];

let dir: string;
let good: string;
let bad: string;
let malformedLine: number;
let whole: string;

function generate(opts: { rows: number; malformedAt?: number }): {
  text: string;
  malformedLine?: number;
} {
  const gen = (generateCsv as (o: object) => Generator<string, { malformedLine?: number }>)({
    ...opts,
    sessionSize: 200,
    seed: 7,
  });
  let text = "";
  let r = gen.next();
  while (!r.done) {
    text += r.value;
    r = gen.next();
  }
  return r.value.malformedLine === undefined
    ? { text }
    : { text, malformedLine: r.value.malformedLine };
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

async function codeFile(
  file: string,
  extra: string[] = [],
): Promise<{ code: number; out: string; err: string }> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.csv`);
  const r = await runCli(["code", file, ...CSV_ARGS, ...extra, "--out", out]);
  let text = "";
  try {
    text = readFileSync(out, "utf8");
  } catch {}
  return { code: r.code, out: text, err: r.err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rk-scale-test-"));
  good = join(dir, "good.csv");
  bad = join(dir, "bad.csv");
  writeFileSync(good, generate({ rows: ROWS }).text);
  const b = generate({ rows: ROWS, malformedAt: ROWS / 2 + 1 });
  writeFileSync(bad, b.text);
  malformedLine = b.malformedLine as number;
  const r = await codeFile(good);
  expect(r.code).toBe(0);
  whole = r.out;
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe(`rapportkit code at ${ROWS.toLocaleString("en")} utterances`, () => {
  it("writes one row per input utterance, in input order", () => {
    const rows = parse(whole, { columns: true }) as {
      id: string;
      session: string;
      index: string;
    }[];
    const input = parse(readFileSync(good, "utf8"), { columns: true }) as { session: string }[];
    expect(rows.length).toBe(ROWS);
    expect(rows.map((r) => r.session)).toEqual(input.map((r) => r.session));
    // ids are <session>:<index>, indices count up within each session
    const seen = new Map<string, number>();
    for (const r of rows) {
      const k = seen.get(r.session) ?? 0;
      expect(r.index).toBe(String(k));
      expect(r.id).toBe(`${r.session}:${k}`);
      seen.set(r.session, k + 1);
    }
  });

  it("equals coding the file in 4 chunks split at session boundaries", async () => {
    const records = parse(readFileSync(good, "utf8")) as string[][];
    const [header, ...data] = records as [string[], ...string[][]];
    const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const parts: string[][][] = [];
    let cur: string[][] = [];
    for (const rec of data) {
      const prev = cur[cur.length - 1];
      if (cur.length >= ROWS / 4 && prev && prev[0] !== rec[0]) {
        parts.push(cur);
        cur = [];
      }
      cur.push(rec);
    }
    parts.push(cur);
    expect(parts.length).toBe(4);
    let joined = "";
    for (const [i, p] of parts.entries()) {
      const f = join(dir, `part-${i}.csv`);
      writeFileSync(f, [header, ...p].map((r) => `${r.map(field).join(",")}\n`).join(""));
      const r = await codeFile(f);
      expect(r.code).toBe(0);
      joined += i === 0 ? r.out : r.out.slice(r.out.indexOf("\n") + 1);
    }
    expect(sha(joined)).toBe(sha(whole));
  }, 60_000);

  it("stops at a malformed row in the middle, naming its line, in one line without a stack", async () => {
    const r = await codeFile(bad);
    expect(r.code).toBe(1);
    const lines = r.err.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`bad.csv:${malformedLine}:`);
    expect(hasStackTrace(r.err)).toBe(false);
  });

  it("with --on-error skip, skips and counts the row and codes every other row", async () => {
    const r = await codeFile(bad, ["--on-error", "skip"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`bad.csv:${malformedLine}:`);
    expect(r.err).toContain(`coded ${ROWS} utterances; skipped 1 malformed row`);
    // The extra row was the only difference: the output equals the clean file's.
    expect(sha(r.out)).toBe(sha(whole));
  });

  it("gives identical output with --workers 2 (ignored now: one thread)", async () => {
    const r = await codeFile(good, ["--workers", "2"]);
    expect(r.code).toBe(0);
    expect(sha(r.out)).toBe(sha(whole));
  }, 60_000);
});
