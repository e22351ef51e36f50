/**
 * Nothing lost, nothing silent, part 2 (issue 15 items 4, 5, 6, 16–20): spreadsheet formula cells,
 * the utterance size bound, backpressure on stdout, terminal escapes, partial outputs, the worker
 * count, empty inputs and silent changes of content. Inputs are synthetic.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CodedRow,
  codedCsvLine,
  readCsv,
  writeCodedCsv,
  writeCsv,
} from "../../src/io/index.js";
import { hasStackTrace, runCli } from "../helpers/cli.js";
import { ROOT } from "../helpers/dist.js";

const tmp = () => mkdtempSync(join(tmpdir(), "rk-nothing-silent-"));

const oneLine = (err: string) => {
  expect(err.trimEnd().split("\n")).toHaveLength(1);
  expect(hasStackTrace(err)).toBe(false);
  expect(err).not.toContain("internal error");
};

/** Runs the CLI from the sources in a child process (for what only a real process shows). */
function spawnCli(
  argv: readonly string[],
  opts: { cwd?: string; shell?: string; stdin?: string; env?: Record<string, string> } = {},
): { code: number | null; signal: string | null; out: string; err: string } {
  const cli = join(ROOT, "src", "cli", "index.ts");
  const cmd = `node --import tsx ${JSON.stringify(cli)} ${argv.map((a) => JSON.stringify(a)).join(" ")}`;
  const r = spawnSync("bash", ["-c", opts.shell ? opts.shell.replaceAll("$CMD", cmd) : cmd], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    input: opts.stdin ?? "",
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    maxBuffer: 1 << 28,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/** Cells a spreadsheet would run as formulas (OWASP, "CSV Injection"). */
const FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")'];

const uttOf = (text: string, speaker = "T") => ({
  id: "s:0",
  session: "s",
  index: 0,
  speaker,
  role: "therapist" as const,
  text,
});

describe("item 4: --csv-safe neutralises formula cells (OWASP CSV injection)", () => {
  it("writeCsv and writeCodedCsv: each formula-leading cell gets a ' and is quoted", () => {
    for (const f of FORMULAS) {
      const csv = writeCsv([{ id: "s", utterances: [uttOf(f, f)] }], { csvSafe: true });
      const row = csv.split("\n").slice(1).join("\n");
      const quoted = `"'${f.replaceAll('"', '""')}"`;
      expect(row).toContain(`,${quoted},`);
      expect(row.endsWith(`${quoted}\n`)).toBe(true);
      // Read back: the text keeps the ' (the trade-off: no exact round trip).
      expect(readCsv(csv).transcripts[0]?.utterances[0]?.text).toBe(`'${f}`);
      const r: CodedRow = {
        id: f,
        session: "s",
        index: 0,
        speaker: "therapist",
        code: f,
        confidence: 1,
        text: f,
      };
      const coded = writeCodedCsv([r], { csvSafe: true });
      expect(coded.split("\n")[1]).toBe(`${quoted},"s","0","therapist",${quoted},"1",${quoted}`);
      expect(codedCsvLine(r, { csvSafe: true })).toBe(`${coded.split("\n")[1]}\n`);
    }
  });

  it("without the option nothing changes (exact round trip)", () => {
    const csv = writeCsv([{ id: "s", utterances: [uttOf("=1+2")] }]);
    expect(readCsv(csv).transcripts[0]?.utterances[0]?.text).toBe("=1+2");
    expect(csv).not.toContain("'");
  });

  it("code --csv-safe and convert --csv-safe write no cell a spreadsheet would run", async () => {
    const dir = tmp();
    const f = join(dir, "f.csv");
    writeFileSync(
      f,
      `speaker,text\n${FORMULAS.map((x) => `T,"${x.replaceAll('"', '""')}"`).join("\n")}\n`,
    );
    for (const argv of [
      ["code", f, "--classifier", "rules", "--csv-safe"],
      ["convert", f, "--to", "csv", "--csv-safe"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, r.err).toBe(0);
      const back = readCsv(r.out).transcripts[0]?.utterances ?? [];
      expect(back.map((u) => u.text)).toEqual(FORMULAS.map((x) => `'${x}`));
      // Every cell either is quoted or starts with a harmless character.
      for (const line of r.out.trimEnd().split("\n").slice(1))
        expect(line.startsWith('"')).toBe(true);
      const plain = await runCli(argv.filter((a) => a !== "--csv-safe"));
      expect(readCsv(plain.out).transcripts[0]?.utterances.map((u) => u.text)).toEqual(FORMULAS);
    }
  });
});
