/**
 * Opens the demo report in a real browser (Debian's chromium, headless) and checks that every chart
 * rendered with its marks, that the page logged no errors and made no network request, and that a
 * mark's text shows on keyboard focus. Saves a screenshot to test/.artifacts/ (and to
 * docs/report-screenshot.png with UPDATE_SCREENSHOT=1). The checks themselves are in _browser.ts;
 * reports of 1, 5 and 106 AnnoMI sessions are checked in annomi-reports.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { BUILTIN_CODE_STYLES, type ReportSession, renderReport } from "../../src/report/index.js";
import {
  checkAxes,
  checkCharts,
  checkCovered,
  checkLegends,
  inspect,
  launch,
  visit as open,
  ROOT,
  type Visit,
} from "./_browser.js";

let browser: Browser;
let dir: string;
let demoFile: string;
const demoUtterances = readFileSync(join(ROOT, "examples/demo-session.txt"), "utf8")
  .split("\n")
  .filter((l) => /^(Therapist|Client): /.test(l)).length;

function visit(file: string): Promise<Visit> {
  return open(browser, file);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rk-report-"));
  demoFile = join(dir, "demo-report.html");
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["demo", "--out", demoFile], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    cwd: ROOT,
    isTTY: false,
  });
  if (code !== 0) throw new Error(`demo exited ${code}: ${err.join("")}`);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe("the demo report in headless Chromium", () => {
  it("renders every chart with its marks, logs no error and makes no network request", async () => {
    const { page, errors, requests } = await visit(demoFile);
    const seen = await inspect(page);
    const problems = checkCharts(seen, {
      timeline: { min: demoUtterances, exact: true },
      codes: { min: 3 },
      talk: { min: 2, exact: true },
      miti: { min: 1 },
      profile: { min: 4, exact: true },
      flags: { min: 1 },
    });
    expect(problems).toEqual([]);
    expect(await checkAxes(page)).toEqual([]);
    expect(await checkLegends(page)).toEqual([]);
    expect(await checkCovered(page)).toEqual([]);
    // each speaker said once per row: the role, not "therapist (therapist)"
    const speakers = await page.$$eval("table.transcript tbody td:nth-child(2)", (tds) =>
      tds.map((td) => td.textContent ?? ""),
    );
    expect(new Set(speakers)).toEqual(new Set(["Therapist", "Client"]));
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(demoFile).href]);

    // Keyboard: tabbing reaches the timeline marks, and the focused mark's text is shown.
    let focused = "";
    for (let i = 0; i < 20 && !focused.startsWith("#"); i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() =>
        document.activeElement?.classList.contains("mark")
          ? (document.activeElement.getAttribute("aria-label") ?? "")
          : "",
      );
    }
    expect(focused).toMatch(/^#1 Therapist/);
    expect(await page.textContent('[data-chart="timeline"] .tip')).toBe(focused);
    // Tab on to a few more marks so the screenshot shows the focus ring mid-session.
    for (let i = 0; i < 6; i++) await page.keyboard.press("Tab");

    // The screenshot shows every chart of the session, down to the flags, with the focused mark's
    // text in the status bar at the bottom.
    const bottom = await page.evaluate(() => {
      const flags = document.querySelector('[data-chart="flags"]');
      return flags ? flags.getBoundingClientRect().bottom + window.scrollY : 1500;
    });
    await page.setViewportSize({ width: 1200, height: Math.ceil(bottom + 70) });
    await page.evaluate(() => window.scrollTo(0, 0));
    // Every run saves the screenshot under test/.artifacts (ignored by git); the one in docs/ is
    // refreshed only on request (UPDATE_SCREENSHOT=1 npx vitest run test/report/browser.test.ts),
    // so that running the tests leaves the working tree clean.
    mkdirSync(join(ROOT, "test/.artifacts"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "test/.artifacts/report-screenshot.png") });
    if (process.env.UPDATE_SCREENSHOT === "1") {
      await page.screenshot({ path: join(ROOT, "docs/report-screenshot.png") });
    }
    await page.close();
  });

  it("fails the check when a chart is missing or draws no marks", async () => {
    const s: ReportSession = {
      transcript: {
        id: "mini",
        utterances: [
          {
            id: "a",
            session: "mini",
            index: 0,
            speaker: "T",
            role: "therapist",
            text: "How are you?",
          },
          { id: "b", session: "mini", index: 1, speaker: "C", role: "client", text: "Tired." },
        ],
      },
      codings: [
        { utteranceId: "a", codeId: "question.open", confidence: 0.9, source: "t" },
        { utteranceId: "b", codeId: "neutral", confidence: 0.6, source: "t" },
      ],
      profile: { goal: 50, task: 50, bond: 60, overall: 53 },
    };
    const expected = {
      timeline: { min: 2 },
      codes: { min: 2 },
      talk: { min: 2 },
      profile: { min: 4 },
    };
    const full = join(dir, "full.html");
    writeFileSync(full, renderReport([s]));
    expect(checkCharts(await inspect((await visit(full)).page), expected)).toEqual([]);

    const noProfile = join(dir, "no-profile.html");
    writeFileSync(noProfile, renderReport([s], { charts: ["timeline", "codes", "talk", "flags"] }));
    expect(checkCharts(await inspect((await visit(noProfile)).page), expected)).toEqual([
      "missing chart: profile",
    ]);

    // A chart whose marks were lost (here: stripped from the page) is caught too.
    const noMarks = join(dir, "no-marks.html");
    const html = renderReport([s]);
    const start = html.indexOf('data-chart="codes"');
    const end = html.indexOf("</figure>", start);
    writeFileSync(
      noMarks,
      html.slice(0, start) +
        html.slice(start, end).replaceAll('class="mark"', 'class="x"') +
        html.slice(end),
    );
    expect(checkCharts(await inspect((await visit(noMarks)).page), expected)).toEqual([
      "chart codes: 0 marks, expected at least 2",
    ]);
  });

  it("fails the checks when a chart lacks axis labels or two codes of a role share a look", async () => {
    const html = readFileSync(demoFile, "utf8");
    // axis titles and tick values stripped from the code chart
    const noAxes = join(dir, "no-axes.html");
    const start = html.indexOf('data-chart="codes"');
    const end = html.indexOf("</figure>", start);
    writeFileSync(
      noAxes,
      html.slice(0, start) +
        html
          .slice(start, end)
          .replaceAll('class="axis-title"', 'class="x"')
          .replaceAll('class="tick"', 'class="x"') +
        html.slice(end),
    );
    const axes = await checkAxes((await visit(noAxes)).page);
    expect(axes).toContain("s0-codes-therapist: no axis title");
    expect(axes).toContain("s0-codes-client: 0 tick values");
    // Closed questions drawn like open questions, in the legend and in the marks.
    const same = join(dir, "same-colour.html");
    writeFileSync(
      same,
      html.replaceAll(
        `fill="${BUILTIN_CODE_STYLES["question.closed"]?.color}"`,
        `fill="${BUILTIN_CODE_STYLES["question.open"]?.color}"`,
      ),
    );
    expect(await checkLegends((await visit(same)).page)).toContain(
      "question.closed looks like question.open",
    );
    // a fixed footer over the page's bottom, as the report had before
    const footer = join(dir, "footer.html");
    writeFileSync(
      footer,
      html.replace(
        "</main>",
        '</main><div class="foot" style="position:fixed;left:0;right:0;bottom:0;height:40px;background:#111"></div>',
      ),
    );
    expect(await checkCovered((await visit(footer)).page)).toContain("div.foot covers td");
  });

  it("checks sessions shown in brief too: one key for their timeline and codes, both with axes", async () => {
    // Eight sessions without transcripts: each in brief, its key serving its timeline (one mark
    // per code) and its codes chart (stacked bars).
    const codes = ["question.open", "question.closed", "reflection.simple", "change_talk"];
    const sessions: ReportSession[] = Array.from({ length: 8 }, (_, k) => {
      const id = `brief-${k}`;
      const utterances = codes.map((code, i) => ({
        id: `${id}:${i}`,
        session: id,
        index: i,
        speaker: code === "change_talk" ? "C" : "T",
        role: code === "change_talk" ? ("client" as const) : ("therapist" as const),
        text: "x",
      }));
      return {
        transcript: { id, utterances },
        codings: utterances.map((u, i) => ({
          utteranceId: u.id,
          codeId: codes[i] as string,
          confidence: 0.8,
          source: "t",
        })),
      };
    });
    const html = renderReport(sessions, { transcripts: false });
    const file = join(dir, "brief.html");
    writeFileSync(file, html);
    const { page, errors } = await visit(file);
    await page.evaluate(() => {
      for (const d of Array.from(document.querySelectorAll("details.session-box")))
        (d as HTMLDetailsElement).open = true;
    });
    expect(
      checkCharts(await inspect(page), { timeline: { min: 8 * 4 }, codes: { min: 8 * 4 } }),
    ).toEqual([]);
    expect(await checkAxes(page)).toEqual([]);
    expect(await checkLegends(page)).toEqual([]);
    expect(await checkCovered(page)).toEqual([]);
    expect(errors).toEqual([]);
    // Closed questions drawn like open ones: the key of each brief session says so.
    const same = join(dir, "brief-same.html");
    writeFileSync(
      same,
      html.replaceAll(
        `fill="${BUILTIN_CODE_STYLES["question.closed"]?.color}"`,
        `fill="${BUILTIN_CODE_STYLES["question.open"]?.color}"`,
      ),
    );
    const s = await visit(same);
    await s.page.evaluate(() => {
      for (const d of Array.from(document.querySelectorAll("details.session-box")))
        (d as HTMLDetailsElement).open = true;
    });
    // (without a codebook, the codes are keyed in id order: closed before open)
    expect(await checkLegends(s.page)).toEqual(
      Array(8).fill("question.open looks like question.closed"),
    );
    // The stacked codes chart without its axis title and ticks.
    const noAxes = join(dir, "brief-no-axes.html");
    const start = html.indexOf('id="s0-codes"');
    const end = html.indexOf("</svg>", start);
    writeFileSync(
      noAxes,
      html.slice(0, start) +
        html
          .slice(start, end)
          .replaceAll('class="axis-title"', 'class="x"')
          .replaceAll('class="tick"', 'class="x"') +
        html.slice(end),
    );
    const a = await visit(noAxes);
    await a.page.evaluate(() => {
      for (const d of Array.from(document.querySelectorAll("details.session-box")))
        (d as HTMLDetailsElement).open = true;
    });
    expect(await checkAxes(a.page)).toEqual(["s0-codes: no axis title", "s0-codes: 0 tick values"]);
  });

  it("draws trend lines with ruptures for several sessions", async () => {
    const sessions: ReportSession[] = [70, 40, 66].map((overall, i) => ({
      transcript: {
        id: `week-${i + 1}`,
        utterances: [
          { id: "x", session: "w", index: 0, speaker: "T", role: "therapist", text: "Hello" },
        ],
      },
      profile: { goal: 55, task: 60 - i, bond: overall + 4, overall },
      questionnaires: [
        { instrument: "srs", total: [38, 30, 37][i] ?? null, min: 0, max: 40, cutoff: 36 },
      ],
    }));
    const file = join(dir, "trends.html");
    writeFileSync(
      file,
      renderReport(sessions, { ruptures: { overall: [1], srs: [1] }, ordered: true }),
    );
    const { page, errors, requests } = await visit(file);
    // 4 profile lines x 3 sessions + 3 SRS points + 2 rupture markers
    expect(checkCharts(await inspect(page), { trends: { min: 17, exact: true } })).toEqual([]);
    expect(await checkAxes(page)).toEqual([]);
    expect(await page.locator('[data-chart="trends"] .rupture').count()).toBe(2);
    expect(errors).toEqual([]);
    expect(requests).toHaveLength(1);
  });
});
