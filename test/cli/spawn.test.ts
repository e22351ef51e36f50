/**
 * End to end: the real bin (`node dist/cli.js`) sets the exit code and writes one line on stderr
 * for a mistake, and codes a file (and standard input) on success.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distCli } from "../helpers/dist.js";

let cli: string;
let dir: string;

function rk(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    encoding: "utf8",
    input,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  cli = distCli();
  dir = mkdtempSync(join(tmpdir(), "rk-spawn-"));
  writeFileSync(
    join(dir, "s.csv"),
    "speaker,text\nTherapist,What brings you in?\nClient,My doctor.\n",
  );
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(cli), { recursive: true, force: true });
});

describe("node dist/cli.js", () => {
  it("a missing file: exit 1, one line, no stack", () => {
    const r = rk(["code", "nope.csv"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^rapportkit: \S*nope\.csv: no such file\n$/);
    expect(r.out).toBe("");
  });

  it("an unknown option: exit 2, one line", () => {
    const r = rk(["code", "s.csv", "--wrokers", "2"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "rapportkit: unknown option '--wrokers'; did you mean --workers? (see --help)\n",
    );
  });

  it("no command: usage on stdout, exit 2", () => {
    const r = rk([]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("USAGE");
  });

  it("codes a file and standard input the same way", () => {
    const a = rk(["code", "s.csv"]);
    expect(a.code, a.err).toBe(0);
    expect(a.err).toBe("");
    const lines = a.out.trim().split("\n");
    expect(lines[0]).toBe("id,session,index,speaker,code,confidence,text");
    expect(lines).toHaveLength(3);
    const b = rk(
      ["code", "-", "--format", "csv"],
      "speaker,text\nTherapist,What brings you in?\nClient,My doctor.\n",
    );
    expect(b.code, b.err).toBe(0);
    // Same codes; the session is named after the input (s vs stdin).
    expect(b.out.replaceAll("stdin", "s")).toBe(a.out);
  });
});
