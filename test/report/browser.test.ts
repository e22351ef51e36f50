/**
 * Opens the demo report in a real browser (Debian's chromium, headless) and checks that every chart
 * rendered with its marks, that the page logged no errors and made no network request, and that a
 * mark's text shows on keyboard focus. Saves a screenshot to test/.artifacts/ (and to
 * docs/report-screenshot.png with UPDATE_SCREENSHOT=1).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import {
  BUILTIN_CODE_STYLES,
  type ReportChart,
  type ReportSession,
  renderReport,
} from "../../src/report/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What the page shows, per chart: how many marks rendered with a non-empty box. */
type Seen = Record<string, { figures: number; marks: number; drawn: number }>;

async function inspect(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    const out: Record<string, { figures: number; marks: number; drawn: number }> = {};
    for (const el of Array.from(document.querySelectorAll("[data-chart]"))) {
      const chart = el.getAttribute("data-chart") ?? "?";
      const entry = out[chart] ?? { figures: 0, marks: 0, drawn: 0 };
      entry.figures++;
      const marks = Array.from(el.querySelectorAll("svg .mark, a.flag-link"));
      entry.marks += marks.length;
      entry.drawn += marks.filter((m) => {
        const r = m.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
      }).length;
      out[chart] = entry;
    }
    return out;
  });
}

/**
 * Compares what rendered with what must render: each expected chart present, with at least (or
 * exactly, for `exact`) the given number of marks, all drawn. Returns the problems, empty when fine.
 */
function checkCharts(
  seen: Seen,
  expected: Partial<Record<ReportChart, { min: number; exact?: boolean }>>,
): string[] {
  const problems: string[] = [];
  for (const [chart, want] of Object.entries(expected) as [
    ReportChart,
    { min: number; exact?: boolean },
  ][]) {
    const got = seen[chart];
    if (!got || got.figures === 0) {
      problems.push(`missing chart: ${chart}`);
      continue;
    }
    if (want.exact ? got.marks !== want.min : got.marks < want.min)
      problems.push(
        `chart ${chart}: ${got.marks} marks, expected ${want.exact ? "" : "at least "}${want.min}`,
      );
    if (got.drawn !== got.marks)
      problems.push(`chart ${chart}: ${got.marks - got.drawn} marks not drawn`);
  }
  return problems;
}

/**
 * What a reader needs to read each chart: every chart's SVG must show an axis title and at least
 * two tick values, all with a box on screen and non-empty text. Returns the problems, empty when
 * fine.
 */
async function checkAxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const shown = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && (e.textContent ?? "").trim() !== "";
    };
    for (const svg of Array.from(document.querySelectorAll("figure.chart svg.chart-svg"))) {
      const name = svg.id || "?";
      const titles = Array.from(svg.querySelectorAll(".axis-title")).filter(shown);
      const ticks = Array.from(svg.querySelectorAll(".tick")).filter(shown);
      if (titles.length === 0) problems.push(`${name}: no axis title`);
      if (ticks.length < 2) problems.push(`${name}: ${ticks.length} tick values`);
    }
    return problems;
  });
}

/**
 * The legend's swatches: within each role, no two codes may share a fill (colour and pattern) and
 * outline, and every swatch's fill must be used by a mark of the chart it keys. Returns problems.
 */
async function checkLegends(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const fig of Array.from(document.querySelectorAll("figure.chart"))) {
      const seen = new Map<string, string>();
      const markFills = new Set(
        Array.from(fig.querySelectorAll("svg.chart-svg .mark rect, svg.chart-svg rect.mark")).map(
          (r) => r.getAttribute("fill"),
        ),
      );
      for (const item of Array.from(fig.querySelectorAll(".legend-item[data-code]"))) {
        const rect = item.querySelector("svg rect");
        const look = `${item.getAttribute("data-for")}|${rect?.getAttribute("fill")}|${rect?.getAttribute("stroke")}`;
        const code = item.getAttribute("data-code") ?? "?";
        const other = seen.get(look);
        if (other !== undefined) problems.push(`${code} looks like ${other}`);
        seen.set(look, code);
        if (!markFills.has(rect?.getAttribute("fill") ?? null))
          problems.push(`${code}: no mark has the legend's fill`);
      }
    }
    return problems;
  });
}

/**
 * Whether a fixed or sticky element covers content: at the top, middle and bottom of the page,
 * every such element's box is compared with the boxes of the page's text and charts. Returns
 * the problems, empty when fine.
 */
async function checkCovered(page: Page): Promise<string[]> {
  const problems = new Set<string>();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (const y of [0, height / 2, height]) {
    await page.evaluate((to) => window.scrollTo(0, to), y);
    for (const p of await page.evaluate(() => {
      const out: string[] = [];
      const all = Array.from(document.body.querySelectorAll("*"));
      const fixed = all.filter((e) => {
        const pos = getComputedStyle(e).position;
        const r = e.getBoundingClientRect();
        return (pos === "fixed" || pos === "sticky") && r.width > 0 && r.height > 0;
      });
      const content = all.filter(
        (e) =>
          e.matches("p, li, td, th, h1, h2, h3, h4, summary, figcaption, svg.chart-svg") &&
          !fixed.some((f) => f.contains(e)),
      );
      for (const f of fixed) {
        const a = f.getBoundingClientRect();
        for (const c of content) {
          const b = c.getBoundingClientRect();
          if (b.width === 0 || b.height === 0) continue;
          if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
            out.push(`${f.tagName.toLowerCase()}.${f.className} covers ${c.tagName.toLowerCase()}`);
        }
      }
      return out;
    }))
      problems.add(p);
  }
  return [...problems];
}

interface Visit {
  page: Page;
  errors: string[];
  requests: string[];
}

let browser: Browser;
let dir: string;
let demoFile: string;
const demoUtterances = readFileSync(join(ROOT, "examples/demo-session.txt"), "utf8")
  .split("\n")
  .filter((l) => /^(Therapist|Client): /.test(l)).length;

async function visit(file: string): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1500 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, errors, requests };
}

beforeAll(async () => {
  execFileSync("bash", [join(ROOT, "scripts/ensure-chromium.sh")], { stdio: "pipe" });
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
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
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
