/**
 * The browser example (examples/live-browser/) in a real browser: Debian's chromium, headless,
 * driven by playwright-core as the report's browser test does. The page is bundled with the
 * project's own build script, opened from the disk, and driven by its labels and roles only
 * (so every control it uses has an accessible name) and by the keyboard. It must:
 *
 * - replay the demo session with its timings and show, for each utterance, the same code the
 *   library gives in Node, with its evidence; the running profile of the Node snapshot; and the
 *   nudges the live coder raises on the demo in Node (which must include `judgement`);
 * - code typed turns the same way (the app developers guide's turns: `questions-in-a-row`,
 *   `talk-share` and `unsolicited-advice` must fire);
 * - log nothing (utterance text included), raise no error and make no network request.
 *
 * Saves a screenshot to test/.artifacts/ on every run, and to docs/live-browser.png when that is
 * missing or with UPDATE_SCREENSHOT=1 (so test runs leave the tree clean).
 * Skipped, with the reason, only when Chromium cannot be installed (scripts/ensure-chromium.sh).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveCoder, type LiveUtterance, type Nudge, readVtt } from "../../src/index.js";
import { defaultClassifier } from "../../src/model/index.js";

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
const OUT = join(ROOT, "test/.artifacts/live-browser");
const PAGE = pathToFileURL(join(OUT, "index.html")).href;
const SPEED = 100;

/** Why Chromium is not available (the installer's last words), or undefined when it is. */
function chromiumMissing(): string | undefined {
  try {
    execFileSync("bash", [join(ROOT, "scripts/ensure-chromium.sh")], { stdio: "pipe" });
    return undefined;
  } catch (e) {
    const err = String((e as { stderr?: Buffer }).stderr ?? "").trim();
    return err.split("\n").at(-1) || String(e);
  }
}
const missing = chromiumMissing();
const SKIP = `Chromium is not installable here (${missing}); see scripts/ensure-chromium.sh`;

/** The demo session's cues, as the page reads them. */
const demo = readVtt(readFileSync(join(ROOT, "examples/demo-session.vtt"), "utf8"), {
  file: "demo-session.vtt",
  session: "demo",
}).transcripts[0]?.utterances;
if (!demo || demo.length === 0) throw new Error("examples/demo-session.vtt: no cues");

/** The app developers guide's live coding turns, typed into the page. */
const typed: readonly LiveUtterance[] = [
  { role: "therapist", text: "What brings you in today?" },
  { role: "client", text: "My doctor says I drink too much." },
  { role: "therapist", text: "How much do you drink in a week?" },
  { role: "client", text: "Maybe twenty beers." },
  { role: "therapist", text: "Do you drink alone?" },
  { role: "client", text: "Mostly, yes." },
  { role: "therapist", text: "You should just stop buying beer. Pour it all out tonight." },
  { role: "client", text: "It's not that easy." },
  { role: "therapist", text: "You need to try harder and join a group." },
];

/** What the library gives in Node for the same pushes: codes, nudges and the final profile. */
function inNode(session: string, pushes: readonly LiveUtterance[]) {
  const live = createLiveCoder({ classifier: defaultClassifier({ codebook: "rapport" }), session });
  const codes = pushes.map((u) => live.push(u).coding.codeId);
  const s = live.snapshot();
  live.dispose();
  const p = s.profile;
  return {
    codes,
    nudges: s.nudges.map((n: Nudge) => `${n.rule}@${n.utteranceId}`),
    profile: [p?.goal.value, p?.task.value, p?.bond.value, p?.overall.value].map((v) =>
      v === null || v === undefined ? "—" : v.toFixed(1),
    ),
  };
}

interface Visit {
  page: Page;
  /** Every console message, page error and request other than the page's own two files. */
  problems: string[];
}

let browser: Browser;

async function visit(): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  // Nothing may be logged at all: no message can then carry an utterance's text.
  page.on("console", (m) => problems.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== PAGE && r.url() !== new URL("app.js", PAGE).href)
      problems.push(`request: ${r.url()}`);
  });
  await page.goto(PAGE, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready=true]");
  return { page, problems };
}

/** What the page shows: each utterance's code and evidence, the nudges and the profile. */
async function shown(page: Page) {
  return page.evaluate(() => {
    const items = Array.from(document.querySelectorAll<HTMLElement>("#utterances > li"));
    return {
      ids: items.map((li) => li.dataset.utterance ?? ""),
      codes: items.map((li) => li.dataset.code ?? ""),
      withEvidence: items.filter((li) => li.querySelector(".evidence code")).length,
      nudges: Array.from(document.querySelectorAll<HTMLElement>("#nudges > li")).map(
        (li) => `${li.dataset.rule}@${li.dataset.utterance}`,
      ),
      nudgeTexts: Array.from(document.querySelectorAll<HTMLElement>("#nudges > li")).map(
        (li) => li.textContent ?? "",
      ),
      profile: ["goal", "task", "bond", "overall"].map(
        (k) => document.querySelector(`#profile [data-key="${k}"]`)?.textContent ?? "",
      ),
    };
  });
}

beforeAll(async () => {
  if (missing) return;
  execFileSync(process.execPath, [join(ROOT, "scripts/build-live-browser.mjs"), "--outdir", OUT], {
    stdio: "pipe",
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
});

describe("the live coding example in headless Chromium", () => {
  it("replays the demo with its timings: codes with evidence, the profile and the nudges that must fire", async (ctx) => {
    ctx.skip(missing !== undefined, SKIP);
    const expected = inNode(
      "demo",
      demo.map((u) => ({
        id: u.id,
        speaker: u.speaker,
        role: u.role,
        text: u.text,
        ...(u.start !== undefined ? { start: u.start } : {}),
        ...(u.end !== undefined ? { end: u.end } : {}),
      })),
    );
    // The nudges that must fire on the demo, named, so that this check can fail: the
    // invalidating remark at 04:30 raises `judgement` (the guide and the Node example say so).
    const invalidation = demo.find((u) => u.start !== undefined && Math.floor(u.start) === 270);
    expect(invalidation?.role).toBe("therapist");
    expect(expected.nudges).toContain(`judgement@${invalidation?.id}`);

    const { page, problems } = await visit();
    await page.getByLabel("Speed").selectOption(String(SPEED));
    const t0 = Date.now();
    await page.getByRole("button", { name: "Replay the demo" }).click();
    await page.waitForSelector("body[data-replay=done]", { timeout: 60_000 });
    const took = (Date.now() - t0) / 1000;
    // Pushed at their times: the last cue starts at 05:39, so at ×100 the replay lasts ≥ 3.39 s.
    const last = demo.at(-1)?.start ?? 0;
    expect(took).toBeGreaterThanOrEqual(last / SPEED - 0.05);
    expect(await page.getByRole("status").textContent()).toMatch(
      new RegExp(`^Replay done: ${demo.length} utterances in [\\d.]+ s \\(×${SPEED}\\)\\.$`),
    );

    const seen = await shown(page);
    expect(seen.ids).toEqual(demo.map((u) => u.id));
    expect(seen.codes).toEqual(expected.codes);
    expect(seen.withEvidence).toBe(demo.length);
    expect(seen.nudges).toEqual(expected.nudges);
    expect(seen.nudges).toContain(`judgement@${invalidation?.id}`);
    // Said in words, with where it happened (not only a coloured frame).
    expect(seen.nudgeTexts[0]).toMatch(
      /^⚑ Nudge: A judging or invalidating remark.*\(04:30, turn \d+\)$/,
    );
    expect(seen.profile).toEqual(expected.profile);
    // The harmful code is named as such in words.
    const item = page.locator(`#utterances > li[data-utterance="${invalidation?.id}"]`);
    expect(await item.locator(".valence").textContent()).toBe("− harms rapport");
    expect(await item.locator(".nudge").count()).toBe(1);

    // Keyboard: Tab reaches the nudge's link, and Enter takes the focus to its utterance.
    let onLink = false;
    for (let i = 0; i < 30 && !onLink; i++) {
      await page.keyboard.press("Tab");
      onLink = await page.evaluate(() => document.activeElement?.closest("#nudges a") !== null);
    }
    expect(onLink).toBe(true);
    await page.keyboard.press("Enter");
    expect(
      await page.evaluate(() => (document.activeElement as HTMLElement)?.dataset.utterance),
    ).toBe(invalidation?.id);
    expect(problems).toEqual([]);

    // The screenshot: the controls, the invalidating remark with its code, evidence and nudge,
    // the profile and the nudge list.
    await page.evaluate(() => window.scrollTo(0, 0));
    mkdirSync(join(ROOT, "test/.artifacts"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "test/.artifacts/live-browser.png") });
    const docs = join(ROOT, "docs/live-browser.png");
    if (process.env.UPDATE_SCREENSHOT === "1" || !existsSync(docs))
      await page.screenshot({ path: docs });
    await page.close();
  });

  it("codes typed turns, entered with the keyboard, as the library does in Node", async (ctx) => {
    ctx.skip(missing !== undefined, SKIP);
    const expected = inNode("live", typed);
    // The nudges the guide names for these turns.
    const rules = expected.nudges.map((n) => n.split("@")[0]);
    expect(rules).toEqual(
      expect.arrayContaining(["questions-in-a-row", "talk-share", "unsolicited-advice"]),
    );

    const { page, problems } = await visit();
    const input = page.getByLabel("What they say");
    // From the top of the page, Tab reaches the speaker (therapist) and then the text box.
    await page.keyboard.press("Tab");
    expect(
      await page
        .getByRole("radio", { name: "Therapist" })
        .evaluate((e) => e === document.activeElement),
    ).toBe(true);
    await page.keyboard.press("Tab");
    expect(await input.evaluate((e) => e === document.activeElement)).toBe(true);
    for (const turn of typed) {
      // The speaker switches by itself after each turn; the guide's turns alternate.
      expect(
        await page
          .getByRole("radio", { name: turn.role === "therapist" ? "Therapist" : "Client" })
          .isChecked(),
      ).toBe(true);
      await page.keyboard.type(turn.text);
      await page.keyboard.press("Enter");
    }
    const seen = await shown(page);
    expect(seen.codes).toEqual(expected.codes);
    expect(seen.nudges).toEqual(expected.nudges);
    expect(seen.profile).toEqual(expected.profile);
    expect(await page.getByRole("status").textContent()).toMatch(
      /^Therapist turn coded advice\.unsolicited; next: client\. Nudge: /,
    );
    // "New session" drops it all.
    await page.getByRole("button", { name: "New session" }).click();
    expect((await shown(page)).codes).toEqual([]);
    expect(await page.getByText("No nudges yet.").isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
