/**
 * What the report's browser tests share: Debian's chromium (headless, never a downloaded build),
 * opening a report file, and the checks a reader's eye makes: every chart drawn with its marks,
 * axis titles and tick values, legends that tell codes apart, nothing covered by a fixed element.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import type { ReportChart } from "../../src/report/index.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CHROMIUM = "/usr/bin/chromium";
export const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What the page shows, per chart: how many marks rendered with a non-empty box. */
export type Seen = Record<string, { figures: number; marks: number; drawn: number }>;

export async function inspect(page: Page): Promise<Seen> {
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
export function checkCharts(
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
export async function checkAxes(page: Page): Promise<string[]> {
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
 * outline, and every swatch's fill must be used by a mark of the chart it keys. A key belongs to
 * its figure, or (in a session shown in brief, where one key serves the timeline and the codes
 * chart) to the `.legend-scope` around them. Returns problems.
 */
export async function checkLegends(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const scope of Array.from(document.querySelectorAll("figure.chart, .legend-scope"))) {
      const seen = new Map<string, string>();
      const markFills = new Set(
        Array.from(
          scope.querySelectorAll(
            "svg.chart-svg .mark rect, svg.chart-svg rect.mark, svg.chart-svg path.mark",
          ),
        ).map((r) => r.getAttribute("fill")),
      );
      // the items of this scope's own key (not of a figure inside it, checked on its own)
      const items = Array.from(scope.querySelectorAll(".legend-item[data-code]")).filter(
        (item) => item.closest("figure.chart, .legend-scope") === scope,
      );
      for (const item of items) {
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
export async function checkCovered(page: Page): Promise<string[]> {
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

/** Makes sure Debian's chromium is installed (scripts/ensure-chromium.sh) and starts it. */
export async function launch(): Promise<Browser> {
  execFileSync("bash", [join(ROOT, "scripts/ensure-chromium.sh")], { stdio: "pipe" });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface Visit {
  page: Page;
  errors: string[];
  requests: string[];
}

/** Opens a report file in a new page, recording console errors and warnings and every request. */
export async function visit(browser: Browser, file: string, height = 1500): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1200, height } });
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

/**
 * Saves a screenshot of the page as it is to test/.artifacts/<name> on every run (ignored by git),
 * and to docs/<name> when that is missing or with UPDATE_SCREENSHOT=1, so that running the tests
 * leaves the working tree clean.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(join(ROOT, "test/.artifacts"), { recursive: true });
  const artifact = join(ROOT, "test/.artifacts", name);
  await page.screenshot({ path: artifact });
  const docs = join(ROOT, "docs", name);
  if (process.env.UPDATE_SCREENSHOT === "1" || !existsSync(docs)) copyFileSync(artifact, docs);
}
