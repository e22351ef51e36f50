/**
 * Issue 14: `score --out scores.csv` writes one row per session with flat snake_case columns, every
 * number a column, and the researchers guide's R and pandas snippets name columns that exist.
 */
import "../helpers/no-color.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

let dir: string;
const p = (name: string) => join(dir, name);
const ROOT = new URL("../..", import.meta.url).pathname;

const CODED = [
  "id,session,index,speaker,code,confidence,text",
  "s1:0,s1,0,therapist,question.open,0.9,What brings you in?",
  "s1:1,s1,1,client,change_talk,0.8,I want to cut down.",
  "s1:2,s1,2,therapist,reflection.complex,0.7,You are ready for a change.",
  "s1:3,s1,3,client,neutral,0.6,Maybe.",
  "s2:0,s2,0,therapist,question.closed,0.9,Do you drink?",
  "s2:1,s2,1,client,sustain_talk,0.9,It is fine.",
  "s2:2,s2,2,therapist,advice,0.9,You should stop.",
].join("\n");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-score-out-"));
  writeFileSync(p("coded.csv"), `${CODED}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scoresCsv(ext = "csv"): Promise<{ header: string[]; rows: string[][] }> {
  const out = p(`scores.${ext}`);
  const r = await runCli(["score", p("coded.csv"), "--out", out]);
  expect(r.code, r.err).toBe(0);
  expect(r.out).toBe("");
  const recs = parse(readFileSync(out, "utf8"), {
    delimiter: ext === "tsv" ? "\t" : ",",
  }) as string[][];
  return { header: recs[0] as string[], rows: recs.slice(1) };
}

describe("score --out scores.csv", () => {
  it("writes one row per session with flat snake_case columns", async () => {
    const { header, rows } = await scoresCsv();
    expect(rows.map((r) => r[0])).toEqual(["s1", "s2"]);
    expect(header[0]).toBe("session");
    for (const h of header) expect(h).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(new Set(header).size).toBe(header.length);
    for (const r of rows) expect(r).toHaveLength(header.length);
  });

  it("has every number of score --json as a column, with the same value", async () => {
    const { header, rows } = await scoresCsv();
    const j = await runCli(["score", p("coded.csv"), "--json"]);
    const scored = JSON.parse(j.out) as Record<string, unknown>[];
    const row = Object.fromEntries(header.map((h, i) => [h, rows[0]?.[i]]));
    const s = scored[0] as {
      rapport: Record<string, number>;
      miti: Record<string, unknown> & { counts: Record<string, number> };
      misc: Record<string, number | null>;
      summary: { utterances: Record<string, number> };
    };
    expect(Number(row.rapport_overall)).toBeCloseTo(s.rapport.overall as number, 4);
    expect(Number(row.miti_rq_ratio)).toBeCloseTo(s.miti.rq_ratio as number, 4);
    expect(Number(row.miti_count_cr)).toBe(s.miti.counts.CR);
    expect(Number(row.misc_pct_open_questions)).toBeCloseTo(s.misc.pct_open_questions as number, 4);
    expect(Number(row.n_therapist)).toBe(s.summary.utterances.therapist);
    expect(Number(row.code_question_open_count)).toBe(1);
    // A code that s1 lacks is a 0 count, not an empty cell.
    expect(Number(row.code_advice_count)).toBe(0);
    // Every number of the nested JSON (bar the per-code lists, which become code_* columns) is
    // somewhere in the row.
    const numbers: number[] = [];
    const walk = (v: unknown, key: string) => {
      if (key === "contributions" || key === "codes") return;
      if (typeof v === "number") numbers.push(v);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, k);
    };
    walk(s, "");
    const cells = Object.values(row).map(Number);
    for (const n of numbers)
      expect(
        cells.some((c) => Math.abs(c - n) < 1e-4),
        `${n} is in no column`,
      ).toBe(true);
  });

  it("--out scores.tsv writes the same table with tabs", async () => {
    const csv = await scoresCsv();
    const tsv = await scoresCsv("tsv");
    expect(tsv).toEqual(csv);
  });

  it("--out scores.json writes what --json prints", async () => {
    const r = await runCli(["score", p("coded.csv"), "--out", p("scores.json")]);
    expect(r.code, r.err).toBe(0);
    const j = await runCli(["score", p("coded.csv"), "--json"]);
    expect(readFileSync(p("scores.json"), "utf8")).toBe(j.out);
  });

  it("--out with another extension is refused in one line", async () => {
    const r = await runCli(["score", p("coded.csv"), "--out", p("scores.xlsx")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rapportkit: --out .*scores\.xlsx.*csv, tsv, json or jsonl.*\n$/);
  });
});

describe("the researchers guide's snippets read the columns score --out writes", () => {
  const guide = readFileSync(join(ROOT, "docs/guides/researchers.md"), "utf8");

  /** Column names a snippet uses: `$name` (R), `["name"]` / `[["name"]]` and `.name` after df. */
  function columnsUsed(code: string): string[] {
    const names = new Set<string>();
    for (const m of code.matchAll(/\$([a-z][a-z0-9_]*)/g)) names.add(m[1] as string);
    for (const m of code.matchAll(/\[\[?\s*["']([a-z][a-z0-9_]*)["']/g)) names.add(m[1] as string);
    for (const m of code.matchAll(/["']([a-z][a-z0-9_]*)["']\s*[\],]/g)) names.add(m[1] as string);
    return [...names];
  }

  function blocks(lang: string): string[] {
    return [...guide.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))]
      .map((m) => m[1] as string)
      .filter((b) => b.includes("scores.csv"));
  }

  it("has an R and a pandas snippet reading scores.csv", () => {
    expect(blocks("r").length).toBeGreaterThan(0);
    expect(blocks("python").length).toBeGreaterThan(0);
    expect(guide).toMatch(/rapportkit score .*--out scores\.csv/);
  });

  it("every column the snippets name is in the CSV header", async () => {
    const { header } = await scoresCsv();
    const used = [...blocks("r"), ...blocks("python")].flatMap(columnsUsed);
    expect(used.length).toBeGreaterThan(2);
    for (const c of used) expect(header, c).toContain(c);
  });

  it("every column in the guide's column table is in the CSV header", async () => {
    const { header } = await scoresCsv();
    const table = [...guide.matchAll(/^\| `([a-z][a-z0-9_<>]*)` \|/gm)].map((m) => m[1] as string);
    expect(table.length).toBeGreaterThan(20);
    for (const c of table) {
      const re = new RegExp(`^${c.replace(/<[a-z_]+>/g, "[a-z0-9_]+")}$`);
      expect(
        header.some((h) => re.test(h)),
        c,
      ).toBe(true);
    }
    // …and every column of the header is documented.
    for (const h of header)
      expect(
        table.some((c) => new RegExp(`^${c.replace(/<[a-z_]+>/g, "[a-z0-9_]+")}$`).test(h)),
        h,
      ).toBe(true);
  });

  it("each documented JSON path holds the column's value in score --json", async () => {
    const { header, rows } = await scoresCsv();
    const j = await runCli(["score", p("coded.csv"), "--json"]);
    const scored = JSON.parse(j.out) as unknown[];
    const table = [...guide.matchAll(/^\| `([a-z][a-z0-9_]*)` \| `([A-Za-z0-9_.]+)` \|/gm)];
    expect(table.length).toBeGreaterThan(40);
    for (const [i, session] of scored.entries())
      for (const [, column, path] of table) {
        let v: unknown = session;
        for (const k of (path as string).split(".")) v = (v as Record<string, unknown>)[k];
        const cell = rows[i]?.[header.indexOf(column as string)];
        if (typeof v === "number") expect(Number(cell), column).toBeCloseTo(v, 4);
        else if (v === null) expect(cell, column).toBe("");
        else if (typeof v === "boolean") expect(cell, column).toBe(v ? "TRUE" : "FALSE");
        else expect(cell, column).toBe(v);
      }
  });
});

/** Whether a command runs (exit 0): `Rscript --version`, `python3 -c "import pandas"`. */
function available(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
  return r.status === 0;
}
// R comes from Debian's r-base-core, installed by scripts/ensure-r.sh as the Chromium tests install
// Debian's chromium; the R test is skipped, saying why, only where apt cannot install it.
function ensureR(): string | undefined {
  if (available("Rscript", ["--version"])) return undefined;
  const r = spawnSync("bash", [join(ROOT, "scripts/ensure-r.sh")], {
    encoding: "utf8",
    timeout: 600_000,
  });
  if (r.status === 0 && available("Rscript", ["--version"])) return undefined;
  return (r.stderr || r.stdout || "ensure-r.sh failed").trim().split("\n").at(-1);
}
const R_MISSING = ensureR();
const HAS_R = R_MISSING === undefined;
const HAS_PANDAS = available("python3", ["-c", "import pandas"]);

describe("the researchers guide's snippets run on the scores.csv that score --out writes", () => {
  const guide = readFileSync(join(ROOT, "docs/guides/researchers.md"), "utf8");
  const snippet = (lang: string) =>
    [...guide.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))]
      .map((m) => m[1] as string)
      .find((b) => b.includes("scores.csv")) as string;

  async function scoresIn(): Promise<string> {
    const cwd = mkdtempSync(join(dir, "guide-"));
    const r = await runCli(["score", p("coded.csv"), "--out", "scores.csv"], { cwd });
    expect(r.code, r.err).toBe(0);
    return cwd;
  }

  // R is installed by the test set-up (Debian's r-base-core); pandas runs where it is installed.
  // Each is skipped, saying why, where it is not available.
  it.skipIf(!HAS_R)(
    `R: read.csv("scores.csv") and the columns it names${HAS_R ? "" : ` (skipped: Rscript is not installable here: ${R_MISSING}; see scripts/ensure-r.sh)`}`,
    async () => {
      const cwd = await scoresIn();
      const r = spawnSync("Rscript", ["-e", `${snippet("r")}\ncat("rows", nrow(scores), "\\n")`], {
        cwd,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("rows 2");
    },
  );

  it.skipIf(!HAS_PANDAS)(
    `pandas: pd.read_csv("scores.csv") and the columns it names${HAS_PANDAS ? "" : " (skipped: python3 has no pandas)"}`,
    async () => {
      const cwd = await scoresIn();
      const code = `${snippet("python")}\nprint("rows", len(scores))\nprint(scores[["session", "rapport_overall"]].to_csv(index=False))`;
      const r = spawnSync("python3", ["-c", code], { cwd, encoding: "utf8", timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("rows 2");
      expect(r.stdout).toMatch(/^s1,\d/m);
    },
  );
});
