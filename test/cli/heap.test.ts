/**
 * `rapportkit code` runs in a worker thread with a capped heap (src/cli/_heap.ts), so that a
 * million rows stay under 300 MB: same output as in the main thread, stdin and closed pipes
 * still work, and a run that reaches the cap ends with one line and no partial --out file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ESM script without types
import { generateCsv } from "../../scripts/gen-big-csv.mjs";
import { DEFAULT_HEAP_MB, heapCapOf, removeStaleTemps } from "../../src/cli/_heap.js";
import { distCli } from "../helpers/dist.js";

const csvOf = (rows: number): string =>
  [...(generateCsv as (o: object) => Iterable<string>)({ rows })].join("");

let cli: string;
let dir: string;
const A = ["--session-column", "session", "--speaker-column", "speaker"];

function rk(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    encoding: "utf8",
    input: opts.input,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  cli = distCli();
  dir = mkdtempSync(join(tmpdir(), "rk-heap-"));
  writeFileSync(join(dir, "t.csv"), csvOf(3000));
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(cli), { recursive: true, force: true });
});

describe("heapCapOf", () => {
  it("caps `code` only, by default at DEFAULT_HEAP_MB", () => {
    expect(heapCapOf(["code", "f.csv"], [], undefined)).toBe(DEFAULT_HEAP_MB);
    expect(heapCapOf(["score", "f.csv"], [], undefined)).toBeUndefined();
    expect(heapCapOf(["train", "f.csv"], [], undefined)).toBeUndefined();
    expect(heapCapOf([], [], undefined)).toBeUndefined();
  });
  it("reads --max-heap-mb in both spellings; 0 or a bad value runs in the main thread", () => {
    expect(heapCapOf(["code", "f.csv", "--max-heap-mb", "512"], [], undefined)).toBe(512);
    expect(heapCapOf(["code", "--max-heap-mb=64", "f.csv"], [], undefined)).toBe(64);
    expect(heapCapOf(["code", "f.csv", "--max-heap-mb", "0"], [], undefined)).toBeUndefined();
    expect(heapCapOf(["code", "f.csv", "--max-heap-mb", "1e3"], [], undefined)).toBeUndefined();
    // After `--` it is a file name, not the option.
    expect(heapCapOf(["code", "--", "--max-heap-mb", "9"], [], undefined)).toBe(DEFAULT_HEAP_MB);
  });
  it("leaves the heap alone when the user set node's own limit", () => {
    expect(heapCapOf(["code", "f.csv"], ["--max-old-space-size=4096"], undefined)).toBeUndefined();
    expect(heapCapOf(["code", "f.csv"], [], "--max-old-space-size=160")).toBeUndefined();
    expect(heapCapOf(["code", "f.csv"], [], "--enable-source-maps")).toBe(DEFAULT_HEAP_MB);
  });
});

describe("removeStaleTemps", () => {
  it("removes only this target's temporary files", () => {
    const d = mkdtempSync(join(tmpdir(), "rk-temps-"));
    const mine = join(d, ".out.csv.0123456789ab.tmp");
    const other = join(d, ".other.csv.0123456789ab.tmp");
    const near = join(d, ".out.csv.notahexname1.tmp");
    for (const p of [mine, other, near]) writeFileSync(p, "x");
    removeStaleTemps(["code", "in.csv", "--out", "out.csv"], d, Date.now());
    expect(readdirSync(d).sort()).toEqual([
      ".other.csv.0123456789ab.tmp",
      ".out.csv.notahexname1.tmp",
    ]);
    rmSync(d, { recursive: true, force: true });
  });
});

describe("node dist/cli.js code, heap-capped", () => {
  it("writes the same bytes as the main thread (--max-heap-mb 0) and as NODE_OPTIONS", () => {
    const capped = rk(["code", "t.csv", ...A]);
    const plain = rk(["code", "t.csv", ...A, "--max-heap-mb", "0"]);
    const own = rk(["code", "t.csv", ...A], { env: { NODE_OPTIONS: "--max-old-space-size=512" } });
    expect(capped.code).toBe(0);
    expect(capped.err).toBe("");
    expect(capped.out.match(/^s\d{6}:\d+,/gm)?.length).toBe(3000);
    expect(capped.out).toBe(plain.out);
    expect(own.out).toBe(plain.out);
  });

  it("reads standard input through the parent thread", () => {
    const file = rk(["code", "t.csv", ...A, "--max-heap-mb", "0"]);
    const piped = rk(["code", "-", "--format", "csv", ...A], {
      input: csvOf(3000),
    });
    expect(piped.code).toBe(0);
    expect(piped.out).toBe(file.out);
  });

  it("a reader that goes away ends the run quietly with 141", () => {
    const r = spawnSync(
      "bash",
      [
        "-c",
        `"${process.execPath}" "${cli}" code t.csv ${A.join(" ")} | head -2; exit \${PIPESTATUS[0]}`,
      ],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(r.stdout.startsWith("id,session,index,speaker,code,confidence,text\n")).toBe(true);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(141);
  });

  it("reaching the cap: exit 1, one line saying how to raise it, no --out file left", () => {
    const r = rk(["code", "t.csv", ...A, "--max-heap-mb", "8", "--out", "o.csv"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      "rapportkit: error: coding needed more than its heap limit of 8 MB (very long utterances, or many long sessions at once); raise it with --max-heap-mb 32, or --max-heap-mb 0 for Node's own limit\n",
    );
    expect(existsSync(join(dir, "o.csv"))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("a bad --max-heap-mb is a usage error", () => {
    const r = rk(["code", "t.csv", ...A, "--max-heap-mb", "lots"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "rapportkit: --max-heap-mb must be a whole number of megabytes (0 for no limit)\n",
    );
  });
});
