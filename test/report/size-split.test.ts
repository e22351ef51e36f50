/**
 * A report that stays small (issue 14): many sessions in one file without their transcripts (at
 * most 2 MB for the 106 sessions of AnnoMI's development file, asserted on the real file when it
 * is here), or `--split`: an index page and one page per session, every link resolving, and file
 * names that stay inside the folder whatever the session ids are.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { readAnnomi } from "../../src/io/index.js";
import { type ReportSession, renderReport, renderReportPages } from "../../src/report/index.js";
import { sessionFileName } from "../../src/report/render.js";

const ANNOMI = fileURLToPath(
  new URL("../../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url),
);
const missing = existsSync(ANNOMI) ? undefined : `${ANNOMI} is not on this machine`;
const SKIP = `AnnoMI development file missing (${missing}): the 2 MB budget is not checked here`;
const MB2 = 2 * 1024 * 1024;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-report-split-"));
  if (missing) console.warn(`size-split.test.ts: the AnnoMI checks are skipped: ${SKIP}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]) {
  const err: string[] = [];
  const code = await main(argv, {
    out: () => true,
    err: (t) => err.push(t),
    cwd: dir,
    isTTY: false,
  });
  return { code, err: err.join("") };
}

/** Every file under `root`, relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(root, f)).isFile())
    .sort();
}

/**
 * Every link of the pages in `root`: each relative `href` must name a file in the folder and, with
 * a `#fragment`, an element of that file with that id. Returns the broken links (empty when all
 * resolve) and how many were checked.
 */
function brokenLinks(root: string): { broken: string[]; checked: number } {
  const broken: string[] = [];
  let checked = 0;
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let set = ids.get(file);
    if (!set) {
      set = new Set(
        [...readFileSync(file, "utf8").matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] as string),
      );
      ids.set(file, set);
    }
    return set;
  };
  for (const f of filesUnder(root).filter((x) => x.endsWith(".html"))) {
    const file = join(root, f);
    for (const m of readFileSync(file, "utf8").matchAll(/\shref="([^"]*)"/g)) {
      const href = (m[1] as string).replaceAll("&amp;", "&");
      checked++;
      const [path, frag] = href.split("#") as [string, string | undefined];
      const target = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      if (relative(root, target).startsWith("..") || !existsSync(target))
        broken.push(`${f}: ${href} (no such file)`);
      else if (frag !== undefined && frag !== "" && !idsOf(target).has(decodeURIComponent(frag)))
        broken.push(`${f}: ${href} (no such id)`);
    }
  }
  return { broken, checked };
}

/** A coded CSV with one two-utterance session per id (ids quoted as CSV needs). */
function codedCsv(ids: readonly string[]): string {
  const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
  const rows = ["session,index,speaker,code,confidence,text"];
  for (const id of ids)
    rows.push(
      `${q(id)},0,therapist,question.open,0.9,How are things?`,
      `${q(id)},1,client,change_talk,0.8,Better.`,
    );
  return `${rows.join("\n")}\n`;
}

describe("many sessions in one file", () => {
  it("106 AnnoMI sessions: transcripts left out by default, saying so, and the file ≤ 2 MB", async (ctx) => {
    ctx.skip(missing !== undefined, SKIP);
    const r = await cli(["report", ANNOMI, "--out", "all.html"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("106 sessions: transcripts left out to keep the file small");
    expect(r.err).toContain("(7438 utterances, transcripts left out) written to all.html");
    const html = readFileSync(join(dir, "all.html"), "utf8");
    const bytes = Buffer.byteLength(html);
    // 6.9 MB before (issue 14: 7.2 MB), 1.7 MB now
    console.log(`size-split.test.ts: 106 AnnoMI sessions without transcripts: ${bytes} bytes`);
    expect(bytes).toBeLessThanOrEqual(MB2);
    expect(html).toContain("The transcripts are left out of this file to keep it small");
    expect(html).not.toContain('class="transcript"');
    // No utterance's text is in the file (the longer ones, which cannot occur by chance).
    const { transcripts } = readAnnomi(readFileSync(ANNOMI, "utf8"), {
      file: "AnnoMI-full.dev.csv",
    });
    const long = transcripts
      .flatMap((t) => t.utterances.map((u) => u.text))
      .filter((t) => t.length > 60);
    expect(long.length).toBeGreaterThan(1000);
    expect(long.filter((t) => html.includes(t)).length).toBe(0);
    // every session is in the page, collapsed, in brief
    expect(html.split('<details class="session-box"').length - 1).toBe(106);

    // Asked for, the transcripts are in (the size they cost is why they are left out).
    const full = await cli(["report", ANNOMI, "--transcripts", "--out", "full.html"]);
    expect(full.code, full.err).toBe(0);
    expect(full.err).not.toContain("left out");
    const fullBytes = statSync(join(dir, "full.html")).size;
    console.log(`size-split.test.ts: the same with --transcripts: ${fullBytes} bytes`);
    expect(fullBytes).toBeGreaterThan(3 * bytes);
  });

  it("keeps a few sessions' transcripts unless told not to; --no-transcripts leaves every text out", async () => {
    writeFileSync(join(dir, "few.csv"), codedCsv(["a", "b", "c"]));
    const few = await cli(["report", "few.csv", "--out", "few.html"]);
    expect(few.code, few.err).toBe(0);
    expect(readFileSync(join(dir, "few.html"), "utf8")).toContain("How are things?");
    const none = await cli(["report", "few.csv", "--no-transcripts", "--out", "none.html"]);
    expect(none.code, none.err).toBe(0);
    expect(none.err).toContain("transcripts left out) written to none.html");
    const html = readFileSync(join(dir, "none.html"), "utf8");
    expect(html).not.toContain("How are things?");
    expect(html).not.toContain("Better.");
    expect(html).toContain("No utterance text: the codes and scores only");
    // the timeline's marks no longer link to transcript rows that are not there
    expect(html).not.toMatch(/href="#u-/);
    // a single session keeps its full report
    const one = renderReport([
      { transcript: { id: "x", utterances: [] }, codings: [] } satisfies ReportSession,
    ]);
    expect(one).toContain("This file contains transcript text");
  });
});

describe("report --split", () => {
  it("writes index.html and one page per session; every link resolves", async () => {
    writeFileSync(
      join(dir, "eight.csv"),
      codedCsv(["s1", "s2", "s3", "s10", "s4", "s5", "s6", "s7"]),
    );
    const r = await cli(["report", "eight.csv", "--split", "--out", "eight"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("written to eight/index.html and 8 session pages in eight/sessions");
    const root = join(dir, "eight");
    expect(filesUnder(root)).toEqual([
      "index.html",
      "sessions/001-s1.html",
      "sessions/002-s2.html",
      "sessions/003-s3.html",
      "sessions/004-s4.html",
      "sessions/005-s5.html",
      "sessions/006-s6.html",
      "sessions/007-s7.html",
      "sessions/008-s10.html",
    ]);
    const { broken, checked } = brokenLinks(root);
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(8 * 10);
    const index = readFileSync(join(root, "index.html"), "utf8");
    for (let k = 1; k <= 8; k++)
      expect(index).toMatch(new RegExp(`href="sessions/00${k}-s\\d+\\.html"`));
    // each page: its session in full (with its transcript), linked to the index and its neighbours
    const page = readFileSync(join(root, "sessions/002-s2.html"), "utf8");
    expect(page).toContain('href="../index.html"');
    expect(page).toContain('rel="prev" href="001-s1.html"');
    expect(page).toContain('rel="next" href="003-s3.html"');
    expect(page).toContain("How are things?");
    for (const chart of ["timeline", "codes", "talk", "miti", "profile", "flags"])
      expect(page).toContain(`data-chart="${chart}"`);
    // and on AnnoMI: 106 pages, every link resolving
    if (!missing) {
      const a = await cli(["report", ANNOMI, "--split", "--out", "annomi"]);
      expect(a.code, a.err).toBe(0);
      expect(filesUnder(join(dir, "annomi"))).toHaveLength(107);
      expect(brokenLinks(join(dir, "annomi")).broken).toEqual([]);
      const indexBytes = statSync(join(dir, "annomi/index.html")).size;
      console.log(`size-split.test.ts: --split index of 106 AnnoMI sessions: ${indexBytes} bytes`);
      expect(indexBytes).toBeLessThanOrEqual(MB2 / 4);
    }
  });

  it("keeps hostile session ids inside the folder", async () => {
    const hostile = [
      "../../escape",
      "..",
      ".",
      "/etc/passwd",
      "C:\\Windows\\system32",
      "..\\..\\up",
      "a/b/c",
      "CON",
      "nul.txt",
      ".hidden",
      "<script>alert(1)</script>",
      "Ünïcödé séssion",
      "x".repeat(300),
      "A",
      "a",
      "%2e%2e%2fx",
      "   ",
      "tab\there",
    ];
    writeFileSync(join(dir, "hostile.csv"), codedCsv(hostile));
    const r = await cli(["report", "hostile.csv", "--split", "--out", "out/h"]);
    expect(r.code, r.err).toBe(0);
    // Nothing outside out/h; inside it, the index and one safely named page per session.
    expect(filesUnder(join(dir, "out"))).toEqual(
      filesUnder(join(dir, "out/h")).map((f) => `h/${f}`),
    );
    const files = filesUnder(join(dir, "out/h"));
    const pages = files.filter((f) => f !== "index.html");
    expect(files).toContain("index.html");
    expect(pages).toHaveLength(hostile.length);
    for (const p of pages) expect(p).toMatch(/^sessions\/\d{3}(-[a-z0-9]+(-[a-z0-9]+)*)?\.html$/);
    expect(existsSync(join(dir, "escape"))).toBe(false);
    expect(brokenLinks(join(dir, "out/h")).broken).toEqual([]);
    // the ids are shown as text, escaped
    const index = readFileSync(join(dir, "out/h/index.html"), "utf8");
    expect(index).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(index).not.toContain("<script>alert(1)");
  });

  it("names pages safely for any id: digits first, then [a-z0-9-], unique by position", () => {
    expect(sessionFileName("../../etc/passwd", 0, 3)).toBe("001-etc-passwd.html");
    expect(sessionFileName("Séance 12", 11, 120)).toBe("012-seance-12.html");
    expect(sessionFileName("...", 4, 5)).toBe("005.html");
    expect(sessionFileName("x".repeat(100), 0, 1)).toBe(`001-${"x".repeat(40)}.html`);
    expect(sessionFileName("a", 9, 12345)).toBe("00010-a.html");
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 30 }),
        (ids) => {
          const names = ids.map((id, i) => sessionFileName(id, i, ids.length));
          expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(ids.length);
          for (const n of names) expect(n).toMatch(/^\d{3,}(-[a-z0-9]+(-[a-z0-9]+)*)?\.html$/);
        },
      ),
      { seed: 14 },
    );
  });

  it("renders the same pages from the library, codes in the same colours on every page", () => {
    const s = (id: string, code: string): ReportSession => ({
      transcript: {
        id,
        utterances: [
          { id: `${id}:0`, session: id, index: 0, speaker: "T", role: "therapist", text: "Hm." },
        ],
      },
      codings: [{ utteranceId: `${id}:0`, codeId: code, confidence: 1, source: "t" }],
    });
    const pages = renderReportPages([s("b", "zeta"), s("a", "alpha")]);
    expect(pages.map((p) => [p.file, p.session])).toEqual([
      ["index.html", undefined],
      ["sessions/001-a.html", "a"],
      ["sessions/002-b.html", "b"],
    ]);
    // "zeta" is keyed the same on the page of b as it would be next to "alpha" in one file
    const fillOf = (html: string, code: string) =>
      html.match(new RegExp(`data-code="${code}"[^>]*>.*?fill="([^"]+)"`))?.[1];
    const one = renderReport([s("b", "zeta"), s("a", "alpha")]);
    expect(fillOf(pages[2]?.html ?? "", "zeta")).toBe(fillOf(one, "zeta"));
    expect(fillOf(pages[1]?.html ?? "", "alpha")).toBe(fillOf(one, "alpha"));
  });

  it("into a folder of an earlier report: its stale session pages are removed, other files kept", async () => {
    writeFileSync(join(dir, "five.csv"), codedCsv(["a", "b", "c", "d", "e"]));
    writeFileSync(join(dir, "two.csv"), codedCsv(["x", "  "]));
    expect((await cli(["report", "five.csv", "--split", "--out", "again"])).code).toBe(0);
    writeFileSync(join(dir, "again", "sessions", "notes.txt"), "mine");
    const r = await cli(["report", "two.csv", "--split", "--out", "again"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      "2 session pages in again/sessions (5 pages of an earlier report removed)",
    );
    expect(filesUnder(join(dir, "again"))).toEqual([
      "index.html",
      "sessions/001.html",
      "sessions/002-x.html",
      "sessions/notes.txt",
    ]);
    expect(brokenLinks(join(dir, "again")).broken).toEqual([]);
    // A session id of only spaces is a visible link, not a blank one.
    const index = readFileSync(join(dir, "again", "index.html"), "utf8");
    expect(index).toContain('<a href="sessions/001.html">(blank id of 2 characters)</a>');
  });

  it("refuses an .html file or standard output as the folder", async () => {
    const r = await cli(["report", "few.csv", "--split", "--out", "r.html"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "rapportkit: --split writes a folder: --out names it (e.g. --out r), not an .html file\n",
    );
    const s = await cli(["report", "few.csv", "--split", "--out", "-"]);
    expect(s.code).toBe(2);
    expect(s.err).toContain("not standard output");
  });
});
