import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rapportCodebook } from "../../src/codebook/index.js";
import type { Coding, Transcript } from "../../src/core/index.js";
import {
  BUILTIN_CODE_STYLES,
  bandChartSvg,
  escapeHtml,
  lineChartSvg,
  type ReportSession,
  renderReport,
  timelineSvg,
} from "../../src/report/index.js";
import { REPORT_SCRIPT, REPORT_SCRIPT_SHA256 } from "../../src/report/render.js";

function session(id: string, texts: ReadonlyArray<[string, string]>, timed = false): Transcript {
  return {
    id,
    utterances: texts.map(([role, text], i) => ({
      id: `${id}:${i}`,
      session: id,
      index: i,
      speaker: role === "T" ? "Therapist" : "Client",
      role: role === "T" ? "therapist" : "client",
      text,
      ...(timed ? { start: i * 10, end: i * 10 + (role === "T" ? 3 : 7) } : {}),
    })),
  };
}

const code = (utteranceId: string, codeId: string, confidence = 0.8, source = "test"): Coding => ({
  utteranceId,
  codeId,
  confidence,
  source,
});

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

/** The `<figure>` (or flags `<section>`) of one chart, by data-chart and session. */
function chartHtml(html: string, chart: string, sessionIdx: number | "all" = 0): string {
  const start = html.indexOf(`data-chart="${chart}" data-session="${sessionIdx}"`);
  if (start < 0) return "";
  const end = html.indexOf(chart === "flags" ? "</section>" : "</figure>", start);
  return html.slice(start, end);
}

const t = session("s1", [
  ["T", "What brings you here today?"],
  ["C", "I want to drink less."],
  ["T", "You want to cut down."],
  ["C", "Yes, but it's hard."],
  ["T", "You should just stop."],
]);
const codings = [
  code("s1:0", "question.open", 0.9),
  code("s1:1", "change_talk", 0.7),
  code("s1:2", "reflection.simple", 0.6),
  code("s1:3", "sustain_talk", 0.5),
  code("s1:4", "advice.unsolicited", 0.85),
];

describe("renderReport", () => {
  it("escapes utterance text, speaker names, ids and flag messages against HTML injection", () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const tr: Transcript = {
      id: `<b>${evil}`,
      utterances: [
        { id: "u1", session: "s", index: 0, speaker: evil, role: "client", text: evil },
        { id: "u2", session: "s", index: 1, speaker: "T", role: "therapist", text: `"'&${evil}` },
      ],
    };
    const html = renderReport(
      [
        {
          transcript: tr,
          codings: [code("u1", evil), code("u2", "validation")],
          flags: [{ kind: evil, message: evil, utteranceIds: ["u2", evil] }],
        },
      ],
      { title: evil, subtitle: evil },
    );
    // Only the report's own script tag; no injected element survives.
    expect(count(html, "<script")).toBe(1);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&quot;&#39;&amp;&lt;script&gt;");
  });

  it("escapes control characters and quotes in escapeHtml", () => {
    expect(escapeHtml(`a\u0000b"c'<>&`)).toBe("a\ufffdb&quot;c&#39;&lt;&gt;&amp;");
    expect(escapeHtml("tab\tand\nnewline")).toBe("tab\tand\nnewline");
  });

  it("is self-contained: no external resource, a CSP that forbids the network, the script pinned by hash", () => {
    const html = renderReport([{ transcript: t, codings }]);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    // \`url(#…)\` only: a pattern fill defined in the page itself
    expect(html).not.toMatch(/@import|url\((?!#rk-)/i);
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
    expect(html).toContain("default-src 'none'");
    const sha = createHash("sha256").update(REPORT_SCRIPT).digest("base64");
    expect(sha).toBe(REPORT_SCRIPT_SHA256);
    expect(html).toContain(`<script>${REPORT_SCRIPT}</script>`);
    expect(html).toContain(`'sha256-${sha}'`);
  });

  it("draws one focusable, labelled timeline mark per utterance: therapist above, client below", () => {
    const html = renderReport([{ transcript: t, codings }]);
    const tl = chartHtml(html, "timeline");
    expect(count(tl, 'class="mark"')).toBe(5);
    expect(count(tl, 'data-role="therapist"')).toBe(3);
    expect(count(tl, 'data-role="client"')).toBe(2);
    // links (focusable by keyboard) to the transcript rows, with a label and a hover title
    for (let i = 0; i < 5; i++) expect(tl).toContain(`href="#u-0-${i}"`);
    expect(html).toContain('<tr id="u-0-4"');
    expect(tl).toContain(
      'aria-label="#1 Therapist: question.open (question.open), confidence 0.9"',
    );
    // utterance text is only in the transcript table, never in a chart
    expect(tl).not.toContain("What brings you");
    expect(count(tl, "<title")).toBe(6); // chart title + 5 marks
    expect(tl).toContain('<desc id="s0-timeline-desc">');
    // harmful code drawn with a dark outline, in its pattern
    expect(tl).toContain('fill="url(#rk-hatch-978D00)" stroke="#000"');
    expect(html).toContain('<pattern id="rk-hatch-978D00"');
  });

  it("splits codes by role, each a share of that role's utterances, on a labelled axis", () => {
    const html = renderReport([{ transcript: t, codings: codings.slice(0, 4) }], {
      codebook: rapportCodebook,
    });
    const fig = chartHtml(html, "codes");
    // 3 therapist utterances (one uncoded), 2 client utterances
    expect(fig).toContain("Therapist: 3 therapist utterances, 1 not coded");
    expect(fig).toContain("Client: 2 client utterances</h4>");
    expect(fig).toContain(
      '<td>Therapist</td><td>Open question</td><td>question.open</td><td class="num">1</td><td class="num">33.3%</td>',
    );
    expect(fig).toContain(
      '<td>Client</td><td>Change talk</td><td>change_talk</td><td class="num">1</td><td class="num">50%</td>',
    );
    expect(fig).toContain(">% of therapist utterances</text>");
    expect(fig).toContain(">% of client utterances</text>");
    // the client panel's axis runs to 50 %, its bar (Change talk, 50 %) fills it
    expect(fig).toMatch(/<title>Change talk: 50% \(1\)<\/title>/);
  });

  it("names each speaker once in the transcript: the role, or the name and the role", () => {
    const tr: Transcript = {
      id: "n",
      utterances: [
        { id: "a", session: "n", index: 0, speaker: "therapist", role: "therapist", text: "Hi." },
        { id: "b", session: "n", index: 1, speaker: "Sam", role: "client", text: "Hello." },
        { id: "c", session: "n", index: 2, speaker: "", role: "client", text: "Yes." },
      ],
    };
    const html = renderReport([{ transcript: tr }]);
    const rows = html.slice(html.indexOf('<table class="transcript">'));
    expect(rows).toContain('<td class="num">1</td><td>Therapist</td>');
    expect(rows).toContain('<td class="num">2</td><td>Sam (client)</td>');
    expect(rows).toContain('<td class="num">3</td><td>Client</td>');
    expect(html).not.toMatch(/therapist\W+\(?therapist/i);
    // no fixed element: the hover/focus text sits in the timeline's figure
    expect(html).not.toContain("position:fixed");
    expect(chartHtml(html, "timeline")).toContain('class="tip" role="status"');
  });

  it("counts the code distribution and shows a data table", () => {
    const html = renderReport([
      {
        transcript: t,
        codings: [...codings, code("s1:2", "reflection.complex", 0.95, "other"), code("zz", "x")],
      },
    ]);
    const fig = chartHtml(html, "codes");
    // s1:2 has two codings: the more confident wins; a coding of an unknown utterance is ignored
    expect(fig).toContain('<td>reflection.complex</td><td class="num">1</td>');
    expect(fig).not.toContain("reflection.simple");
    expect(count(fig, 'class="mark"')).toBe(5);
    // `source` picks one coder's codings
    const only = renderReport(
      [{ transcript: t, codings: [...codings, code("s1:2", "summary", 0.99, "human")] }],
      {
        source: "test",
      },
    );
    expect(chartHtml(only, "codes")).not.toContain("<td>summary</td>");
  });

  it("computes talk-time shares from times when all utterances have them, else from words", () => {
    const timed = session(
      "s2",
      [
        ["T", "one two"],
        ["C", "three"],
      ],
      true,
    );
    const byTime = chartHtml(renderReport([{ transcript: timed }]), "talk");
    expect(byTime).toContain("by time");
    expect(byTime).toContain('<td>Therapist</td><td class="num">30%</td>');
    const byWords = chartHtml(
      renderReport([
        {
          transcript: session("s3", [
            ["T", "one two three"],
            ["C", "four"],
          ]),
        },
      ]),
      "talk",
    );
    expect(byWords).toContain("by words");
    expect(byWords).toContain('<td>Therapist</td><td class="num">75%</td>');
    expect(byWords).toContain('<td>Client</td><td class="num">25%</td>');
  });

  it("places MITI scores against the manual's bands and says why an undefined one is undefined", () => {
    const html = renderReport([
      {
        transcript: t,
        codings,
        miti: {
          rq: { value: null, reason: "no questions" },
          pctCR: 45,
          mia: 2,
          mina: Number.NaN,
        },
      },
    ]);
    const fig = chartHtml(html, "miti");
    expect(fig).toContain("undefined: no questions");
    expect(fig).toContain("45% (fair)");
    expect(fig).toContain("undefined (not a finite number)");
    expect(fig).not.toMatch(/NaN|Infinity/);
    // %CR: below fair / fair / good bands at the manual's 40 and 50
    expect(fig).toContain("below fair (0–40)");
    expect(fig).toContain("fair (40–50)");
    expect(count(fig, 'class="mark"')).toBe(2); // %CR and MI-adherent have values
  });

  it("draws the profile, links flags to their utterances, and leaves out charts not asked for", () => {
    const s: ReportSession = {
      transcript: t,
      codings,
      profile: {
        goal: 60,
        task: { value: null, reason: "no task codes" },
        bond: 72.4,
        overall: 55,
      },
      flags: [
        {
          kind: "unsolicited_advice",
          message: "advice with no permission asked",
          utteranceIds: ["s1:4"],
        },
      ],
    };
    const html = renderReport([s]);
    const prof = chartHtml(html, "profile");
    expect(prof).toContain("60 / 100");
    expect(prof).toContain("not computed");
    expect(prof).toContain("72 / 100");
    const flags = chartHtml(html, "flags");
    expect(flags).toContain('<a class="flag-link" href="#u-0-4">#5</a>');
    // the flagged mark gets a triangle on the timeline
    expect(chartHtml(html, "timeline")).toContain("advice.unsolicited), confidence 0.85, flagged");
    const without = renderReport([s], { charts: ["timeline", "codes", "talk", "flags"] });
    expect(without).not.toContain('data-chart="profile"');
    expect(without).toContain('data-chart="timeline"');
  });

  it("draws trend lines of the profile and questionnaire totals across sessions, with ruptures", () => {
    const sessions: ReportSession[] = [60, 35, 58].map((overall, i) => ({
      transcript: session(`w${i + 1}`, [
        ["T", "Hello."],
        ["C", "Hi."],
      ]),
      profile: { goal: 50, task: 50, bond: 50 + i, overall },
      questionnaires: [
        { instrument: "srs", total: [38, 31, 37][i] ?? null, min: 0, max: 40, cutoff: 36 },
      ],
    }));
    const html = renderReport(sessions, { ruptures: { overall: [1], srs: [1] }, ordered: true });
    const overview = html.slice(html.indexOf('id="overview"'), html.indexOf('id="s-0"'));
    expect(count(overview, 'data-chart="trends"')).toBe(2);
    const trends = overview
      .split("<figure")
      .filter((f) => f.includes('data-chart="trends"'))
      .join("");
    expect(count(trends, 'class="mark rupture"')).toBe(2);
    expect(trends).toContain("overall, w2: 35 (rupture)");
    expect(trends).toContain("cutoff 36");
    // 4 profile series x 3 points + 3 srs points + 2 rupture markers
    expect(count(trends, 'class="mark"') + count(trends, 'class="mark rupture"')).toBe(17);
    // one session: no overview
    expect(renderReport([sessions[0] as ReportSession])).not.toContain('id="overview"');
    // one panel per profile dimension, each with axis titles
    for (const d of ["goal", "task", "bond", "overall"])
      expect(trends).toMatch(
        new RegExp(`<text class="axis-title"[^>]*rotate.-90[^>]*>${d} .0–100.</text>`),
      );
    expect(trends).toContain(">Session (in the order given)</text>");
    expect(trends).toContain(">rupture</text>");
  });

  it("draws no time series for sessions without an order: strips of each score and sessions ranked", () => {
    const sessions: ReportSession[] = [60, 35, 58, 71, 44].map((overall, i) => ({
      transcript: session(`x${[3, 10, 1, 2, 20][i]}`, [
        ["T", "Hello."],
        ["C", "Hi."],
      ]),
      profile: { goal: 50, task: 50, bond: 50 + i, overall },
      miti: { rq: 0.5 + i / 2, pctCR: 30 + 5 * i, mia: i, mina: 1 },
      questionnaires: [{ instrument: "srs", total: 30 + i, min: 0, max: 40, cutoff: 36 }],
    }));
    const html = renderReport(sessions);
    expect(html).not.toContain('data-chart="trends"');
    expect(html).not.toContain("(rupture)");
    expect(html).toContain("have no time order");
    const overview = html.slice(html.indexOf('id="overview"'), html.indexOf("</section>"));
    // one dot per session and score, each a link to its session with the session's name
    expect(count(overview, 'href="#s-1"')).toBeGreaterThanOrEqual(9);
    expect(overview).toContain("<title>x10: Reflection:question ratio 1</title>");
    expect(overview).toContain("<title>x10: Overall (0–100) 35</title>");
    expect(overview).toContain(">srs total</text>");
    // ranked lowest first, with the session names as labels
    const ranked = overview.slice(overview.indexOf('id="across-ranked"'));
    const order = [...ranked.matchAll(/<title>(x\d+): /g)].map((m) => m[1]);
    expect(order).toEqual(["x10", "x20", "x1", "x3", "x2"]);
    // sessions listed by id in natural order (x1, x2, x3, x10, x20), in the table and the page
    const table = overview.slice(overview.indexOf('<table class="sessions">'));
    expect([...table.matchAll(/<a href="#s-(\d)">/g)].map((m) => m[1])).toEqual([
      "2",
      "3",
      "0",
      "1",
      "4",
    ]);
    expect([...html.matchAll(/id="s-(\d)"/g)].map((m) => m[1])).toEqual(["2", "3", "0", "1", "4"]);
    // dated sessions are in time order: trends, in date order
    const dated = sessions.map((s, i) => ({
      ...s,
      transcript: { ...s.transcript, metadata: { date: `2026-0${5 - i}-01` } },
    }));
    const byDate = renderReport(dated);
    expect(byDate).toContain('data-chart="trends"');
    expect(byDate).toContain(">Session (by date)</text>");
    expect(byDate).toContain("srs, x20: 34");
  });

  it("never writes NaN or Infinity and handles an empty session list", () => {
    const empty = renderReport([]);
    expect(empty).toContain("No sessions to report.");
    const html = renderReport([{ transcript: { id: "e", utterances: [] } }]);
    expect(html).not.toMatch(/NaN|Infinity/);
  });
});

describe("chart functions", () => {
  it("timelineSvg without links makes focusable groups", () => {
    const svg = timelineSvg({
      id: "1 bad id<",
      title: "T",
      desc: "D",
      marks: [{ role: "other", color: "#000", label: "x" }],
    });
    expect(svg).toContain('id="c1_bad_id_"');
    expect(svg).toContain('tabindex="0"');
  });

  it("bandChartSvg rows without thresholds have one band; lineChartSvg leaves gaps for null", () => {
    const b = bandChartSvg({
      id: "b",
      title: "B",
      desc: "D",
      rows: [{ label: "x", value: 3, max: 10 }],
    });
    expect(count(b, 'class="band"')).toBe(1);
    const l = lineChartSvg({
      id: "l",
      title: "L",
      desc: "D",
      xLabels: ["a", "b", "c"],
      yMin: 0,
      yMax: 10,
      xTitle: "x",
      yTitle: "y",
      series: [{ label: "s", color: "#000", values: [1, null, 3] }],
    });
    expect(count(l, 'class="mark"')).toBe(2);
    expect(l).toMatch(/d="M\S+ \S+ M\S+ \S+"/); // two separate moves, no line across the gap
  });

  it("styles each code of the codebook, and other codes with an Okabe–Ito colour, the same in legend and marks", () => {
    const html = renderReport(
      [{ transcript: t, codings: [...codings.slice(0, 4), code("s1:4", "my.code")] }],
      { codebook: rapportCodebook },
    );
    const tl = chartHtml(html, "timeline");
    const open = BUILTIN_CODE_STYLES["question.open"];
    expect(tl).toContain(`fill="${open?.color}"`);
    // the legend's swatch for each code has the fill of that code's marks
    for (const id of [
      "question.open",
      "change_talk",
      "reflection.simple",
      "sustain_talk",
      "my.code",
    ]) {
      const item = tl.match(
        new RegExp(`data-code="${id.replace(".", "\\.")}"[^>]*>(<svg.*?</svg>)`),
      );
      expect(item, id).not.toBeNull();
      const fill = item?.[1]?.match(/fill="([^"]+)"/)?.[1];
      expect(count(tl, `fill="${fill}"`), id).toBeGreaterThanOrEqual(2);
    }
    // an unknown code gets the first Okabe–Ito colour and pattern its role does not use yet
    expect(tl).toMatch(
      /data-code="my\.code" data-for="therapist"[^>]*><svg[^>]*><rect[^>]*fill="url\(#rk-hatch-0072B2\)"/,
    );
  });
});

describe("scores in the report", () => {
  it("scoreForReport fills the MITI summary, profile, flags and talk shares from the score layer", async () => {
    const { scoreForReport } = await import("../../src/report/index.js");
    const coded = {
      transcript: t,
      codebook: { id: "rapport", version: "1.0.0" },
      codings,
    };
    const s = scoreForReport(coded);
    expect(s.miti).toBeDefined();
    expect(s.profile).toBeDefined();
    expect(s.talkBasis).toBe("words");
    expect(s.flags?.map((f) => f.kind)).toContain("advice.unsolicited");
    const html = renderReport([s]);
    for (const chart of ["timeline", "codes", "talk", "miti", "profile", "flags"])
      expect(html).toContain(`data-chart="${chart}" data-session="0"`);
    expect(chartHtml(html, "flags")).toContain('href="#u-0-4"');
  });

  it("finds ruptures with trend when none are given: profile drops and questionnaire cutoffs", () => {
    const sessions: ReportSession[] = [70, 50, 68].map((overall, i) => ({
      transcript: session(`w${i + 1}`, [["T", "Hello."]]),
      profile: { goal: 60, task: 60, bond: 60, overall },
      questionnaires: [
        { instrument: "srs", total: [38, 37, 35][i] ?? null, cutoff: 36, min: 0, max: 40 },
      ],
    }));
    const html = renderReport(sessions, { ordered: true });
    // overall falls 20 > 15 points at session 2; SRS is at or below 36 at session 3
    expect(html).toContain("overall, w2: 50 (rupture)");
    expect(html).toContain("srs, w3: 35 (rupture)");
    expect(count(html, 'class="mark rupture"')).toBe(2);
    expect(renderReport(sessions, { profileDrop: 25, ordered: true })).not.toContain(
      "overall, w2: 50 (rupture)",
    );
  });
});
