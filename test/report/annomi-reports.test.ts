/**
 * Reports of real sessions, as a supervisor opens them: one AnnoMI session, five, and all 106 of the
 * development file (the 100-session report), each written by `rapportkit report` with its default
 * options and opened in headless Chromium (Debian's package, see _browser.ts). Each must pass the
 * checks the demo report passes (every chart drawn with its marks, axis titles and tick values,
 * legends that tell every code of a role apart, nothing covered by a fixed element, no error, no
 * request); in the 106-session report every session must be findable by name and open from the
 * overview's links. Screenshots go to test/.artifacts/ on every run and to
 * docs/report-1-session.png, docs/report-5-sessions.png and docs/report-100-sessions.png when those
 * are missing or with UPDATE_SCREENSHOT=1.
 *
 * Skipped, with the reason, when the AnnoMI file is not on this machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import {
  checkAxes,
  checkCharts,
  checkCovered,
  checkLegends,
  inspect,
  launch,
  saveScreenshot,
  visit,
} from "./_browser.js";

const ANNOMI = fileURLToPath(
  new URL("../../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url),
);
const missing = existsSync(ANNOMI) ? undefined : `${ANNOMI} is not on this machine`;
const SKIP = `AnnoMI development file missing (${missing}): no reports of real sessions to check`;

/** One session: transcript 0 (54 utterances, high-quality MI). */
const ONE = ["0"];
/** Five: the first three high-quality transcripts by id and the first two low-quality ones. */
const FIVE = ["0", "2", "4", "9", "10"];

let dir: string;
let browser: Browser;
const files = { one: "", five: "", all: "" };
/** Utterances per transcript id, and the ids in the file. */
const utterances = new Map<string, number>();

async function report(input: string, out: string, title: string): Promise<void> {
  const err: string[] = [];
  const code = await main(["report", input, "--out", out, "--title", title], {
    out: () => true,
    err: (t) => err.push(t),
    cwd: dir,
    isTTY: false,
  });
  // (stderr holds file names and counts, never utterance text)
  if (code !== 0) throw new Error(`report exited ${code}: ${err.join("")}`);
}

beforeAll(async () => {
  if (missing) {
    console.warn(`annomi-reports.test.ts: skipped: ${SKIP}`);
    return;
  }
  dir = mkdtempSync(join(tmpdir(), "rk-report-annomi-"));
  const rows = parse(readFileSync(ANNOMI, "utf8")) as string[][];
  const head = rows[0] as string[];
  const t = head.indexOf("transcript_id");
  const u = head.indexOf("utterance_id");
  const seen = new Map<string, Set<string>>();
  for (const r of rows.slice(1)) {
    const set = seen.get(r[t] as string) ?? new Set<string>();
    set.add(r[u] as string);
    seen.set(r[t] as string, set);
  }
  for (const [id, set] of seen) utterances.set(id, set.size);
  const cell = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  const subset = (ids: readonly string[], name: string) => {
    const keep = new Set(ids);
    const lines = [head, ...rows.slice(1).filter((r) => keep.has(r[t] as string))];
    writeFileSync(join(dir, name), `${lines.map((r) => r.map(cell).join(",")).join("\n")}\n`);
    return join(dir, name);
  };
  files.one = join(dir, "one.html");
  files.five = join(dir, "five.html");
  files.all = join(dir, "all.html");
  await report(subset(ONE, "one.csv"), files.one, "AnnoMI transcript 0");
  await report(subset(FIVE, "five.csv"), files.five, `AnnoMI transcripts ${FIVE.join(", ")}`);
  await report(ANNOMI, files.all, "AnnoMI development file (AnnoMI-full.dev.csv)");
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const total = (ids: readonly string[]) => ids.reduce((k, id) => k + (utterances.get(id) ?? 0), 0);

/** The page's height down to the bottom of `selector`'s first match, plus `extra` pixels. */
async function bottomOf(page: Page, selector: string, extra: number): Promise<number> {
  return page.evaluate(
    ([sel, more]) => {
      const first = document.querySelector(sel as string);
      const y = first ? first.getBoundingClientRect().bottom + window.scrollY : 1500;
      return Math.ceil(y + (more as number));
    },
    [selector, extra] as const,
  );
}

/** The checks every report passes, with the charts and mark counts it must show. */
async function checkAll(page: Page, expected: Parameters<typeof checkCharts>[1]): Promise<void> {
  expect(checkCharts(await inspect(page), expected)).toEqual([]);
  expect(await checkAxes(page)).toEqual([]);
  expect(await checkLegends(page)).toEqual([]);
  expect(await checkCovered(page)).toEqual([]);
}

describe("reports of AnnoMI sessions in headless Chromium", () => {
  it("one session: every chart, its transcript with each speaker once", async (ctx) => {
    ctx.skip(missing !== undefined, SKIP);
    const { page, errors, requests } = await visit(browser, files.one);
    await checkAll(page, {
      timeline: { min: total(ONE), exact: true },
      codes: { min: 2 },
      talk: { min: 2, exact: true },
      miti: { min: 1 },
      profile: { min: 4, exact: true },
      flags: { min: 0 },
    });
    const speakers = await page.$$eval("table.transcript tbody td:nth-child(2)", (tds) =>
      tds.map((td) => td.textContent ?? ""),
    );
    expect(speakers).toHaveLength(total(ONE));
    expect(new Set(speakers)).toEqual(new Set(["Therapist", "Client"]));
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(files.one).href]);
    // Every chart, and the start of the transcript.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({
      width: 1200,
      height: await bottomOf(page, "table.transcript tbody tr:nth-child(8)", 2),
    });
    await saveScreenshot(page, "report-1-session.png");
    await page.close();
  });

  it("five sessions: the overview across them, then each session in full", async (ctx) => {
    ctx.skip(missing !== undefined, SKIP);
    const { page, errors, requests } = await visit(browser, files.five);
    await checkAll(page, {
      overview: { min: 5 * 9 },
      timeline: { min: total(FIVE), exact: true },
      codes: { min: 5 * 2 },
      talk: { min: 5 * 2 },
      miti: { min: 5 },
      profile: { min: 5 * 4, exact: true },
      flags: { min: 0 },
    });
    // no time order: no trend lines; each session in the page's nav, in the table and in full
    expect(await page.locator('[data-chart="trends"]').count()).toBe(0);
    expect(await page.$$eval("nav a", (as) => as.map((a) => a.textContent))).toEqual(FIVE);
    expect(
      await page.$$eval("table.sessions tbody a", (as) => as.map((a) => a.textContent)),
    ).toEqual(FIVE);
    expect(await page.locator("table.transcript").count()).toBe(5);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(files.five).href]);
    // The overview, down to the table of the five sessions and the first session's heading.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({
      width: 1200,
      height: await bottomOf(page, "section.session h2", 20),
    });
    await saveScreenshot(page, "report-5-sessions.png");
    await page.close();
  });

  it("106 sessions: small, each session findable by name and opened from the overview", async (ctx) => {
    ctx.skip(missing !== undefined, SKIP);
    const ids = [...utterances.keys()].sort((a, b) => Number(a) - Number(b));
    expect(ids.length).toBeGreaterThanOrEqual(100);
    const { page, errors, requests } = await visit(browser, files.all);
    // Findable: every session by name in the table (a link to it), in the list of sessions and,
    // when it has an overall index, among the ranked rows.
    const table = await page.$$eval("table.sessions tbody a", (as) =>
      as.map((a) => [a.textContent ?? "", a.getAttribute("href") ?? ""]),
    );
    expect(table.map(([id]) => id)).toEqual(ids);
    const heads = await page.$$eval("details.session-box h3", (hs) =>
      hs.map((h) => (h.textContent ?? "").replace(/^Session /, "")),
    );
    expect(heads).toEqual(ids);
    for (const [, href] of table)
      expect(await page.locator(`details.session-box${href}`).count(), href).toBe(1);
    const ranked = await page.$$eval("#across-ranked a.mark title", (ts) =>
      ts.map((t) => (t.textContent ?? "").split(":")[0]),
    );
    expect(new Set(ranked).size).toBe(ranked.length);
    expect(ranked.length).toBeGreaterThanOrEqual(100);
    for (const id of ranked) expect(ids).toContain(id);
    // A link in the overview opens its session (the page's script opens the collapsed session).
    const lowest = (await page.getAttribute("#across-ranked a.mark", "href")) as string;
    await page.click(`#across-ranked a.mark[href="${lowest}"] circle`);
    await expect.poll(() => page.locator(`details${lowest}`).getAttribute("open")).toBe("");

    // Transcripts are left out: no transcript table, and the page says so.
    expect(await page.locator("table.transcript").count()).toBe(0);
    expect(await page.textContent("header")).toContain("--transcripts");

    // Every session opened: each shows its timeline and codes, with axes and keys.
    await page.evaluate(() => {
      for (const d of Array.from(document.querySelectorAll("details.session-box")))
        (d as HTMLDetailsElement).open = true;
    });
    await checkAll(page, {
      overview: { min: ids.length * 9 },
      timeline: { min: ids.length * 2 },
      codes: { min: ids.length * 2 },
      flags: { min: 0 },
    });
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(files.all).href]);

    // The screenshot: the overview (every session named in the ranked chart), the list of
    // sessions with the first one open, as a supervisor opening it sees it.
    await page.evaluate(() => {
      const boxes = Array.from(document.querySelectorAll("details.session-box"));
      boxes.forEach((d, i) => {
        (d as HTMLDetailsElement).open = i === 0;
      });
      window.scrollTo(0, 0);
    });
    await page.setViewportSize({
      width: 1200,
      height: await bottomOf(page, "details.session-box:nth-of-type(4)", 10),
    });
    await saveScreenshot(page, "report-100-sessions.png");
    await page.close();
  });
});
