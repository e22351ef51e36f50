import type { Coding, Utterance } from "../core/schemas.js";
import {
  bandKey,
  figure,
  MITI_DEFAULTS,
  type Role,
  read,
  roleLabel,
  swatch,
  tableOf,
  talkShares,
} from "./_html.js";
import { escapeHtml as esc, fmt } from "./escape.js";
import { renderOverview, sessionOrder } from "./overview.js";
import {
  type CodeStyle,
  codePalette,
  fillOf,
  OKABE_ITO,
  type PaletteCode,
  patternDefs,
} from "./palette.js";
import {
  type BandRow,
  type Bar,
  bandChartSvg,
  barChartSvg,
  profileSvg,
  type StackRow,
  stackedBarSvg,
  type TimelineGroup,
  type TimelineMark,
  timelineGroupedSvg,
  timelineSvg,
} from "./svg.js";
import {
  REPORT_CHARTS,
  type ReportChart,
  type ReportOptions,
  type ReportSession,
  type ReportValue,
} from "./types.js";

/**
 * The one inline script of the report: when a mark gets focus or the pointer, its text is shown in
 * the status box (so keyboard users see what hover shows): its `aria-label`, else its `<title>`.
 * And when a link (or the address) leads into a collapsed session, that session is opened. It only
 * sets `textContent` and `open`.
 */
const SCRIPT =
  '(function(){function show(e){var m=e.target&&e.target.closest?e.target.closest(".mark"):null;var f=m&&m.closest("figure");var t=f&&f.querySelector(".tip");if(t){var l=m.querySelector("title");t.textContent=m.getAttribute("aria-label")||(l?l.textContent:"");}}document.addEventListener("focusin",show);document.addEventListener("mouseover",show);function reveal(){var h=decodeURIComponent(location.hash.slice(1));var e=h?document.getElementById(h):null;var d=e&&e.closest?e.closest("details"):null;if(d&&!d.open){d.open=true;e.scrollIntoView();}}window.addEventListener("hashchange",reveal);document.addEventListener("click",function(e){if(e.target&&e.target.closest&&e.target.closest("a"))setTimeout(reveal,0);});reveal();})();';
/** sha256 of {@link SCRIPT}, base64, for the Content-Security-Policy (checked by a test). @internal */
export const REPORT_SCRIPT_SHA256 = "sWox/qfheOKygwU7HJSrHmDd0tkO+uR9uESptiwsNuo=";
/** @internal */
export const REPORT_SCRIPT = SCRIPT;

/**
 * No network at all: nothing may be fetched (`default-src 'none'`), only the inline style and the
 * one inline script (by hash) run, and forms and base URLs are off.
 */
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${REPORT_SCRIPT_SHA256}'; img-src data:; base-uri 'none'; form-action 'none'`;

/** From how many sessions on each session's detail is collapsed under its heading. */
const COLLAPSE_FROM = 5;

const CSS = `
:root{color-scheme:light;--fg:#1a1a1a;--muted:#555;--line:#ccc}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff;margin:0;padding:0 1rem 2rem}
header,main{max-width:1000px;margin:0 auto}
h1{font-size:1.6rem;margin:1rem 0 .25rem}h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--fg)}h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
.note{color:var(--muted);margin:.25rem 0}
figure.chart{margin:.75rem 0 1rem;padding:.5rem;border:1px solid var(--line);border-radius:4px}
figcaption{font-weight:600;margin-bottom:.25rem}
.chart-svg{display:block;width:100%;height:auto;max-width:100%}
.chart-svg .mark{cursor:pointer}
.chart-svg .mark:focus{outline:none}
.chart-svg .mark:focus rect,.chart-svg .mark:focus-visible rect,.chart-svg circle.mark:focus{stroke:#000;stroke-width:3}
.chart-svg a.mark:hover rect{stroke:#000;stroke-width:2}
details.data{margin-top:.5rem}summary{cursor:pointer;color:#0b4f8a}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid var(--line);padding:.2rem .45rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr:target{outline:3px solid #0072B2;background:#eef6fb}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.25rem 0;font-size:.85rem}
.legend-role{display:block}.key{margin:.1rem 0 .3rem}h4.panel{font-size:.95rem;margin:.5rem 0 0}.legend-head{font-weight:600}.legend-item{display:inline-block;margin-right:.8rem;white-space:nowrap}
.sw{vertical-align:-.15em;margin-right:.25em}.defs{position:absolute}
.tip{margin:.25rem 0;padding:.3rem .6rem;background:#f3f3f3;border-left:4px solid #0072B2;font-size:.9rem;min-height:1.9rem}
a{color:#0b4f8a}a:focus-visible,summary:focus-visible{outline:3px solid #E69F00;outline-offset:2px}
nav ul{display:flex;flex-wrap:wrap;gap:.2rem .9rem;list-style:none;padding:0;margin:.5rem 0}
.flags li{margin:.25rem 0}
.skip{position:absolute;left:-9999px}.skip:focus{position:static;display:inline-block;margin:.25rem 0}
.empty{color:var(--muted);font-style:italic}
details.session-box{border-top:1px solid var(--line);padding:.2rem 0}details.session-box>summary{padding:.3rem 0}.session-h{display:inline;font-size:1.05rem;margin:0}
table.sessions td:first-child{white-space:nowrap}
.chart-svg path.mark:focus{stroke:#000;stroke-width:3}
table.scores caption{text-align:left;font-weight:600;padding:.2rem 0}table.scores td .note{font-size:.8rem}
ol.session-list{columns:14rem;column-gap:1.5rem;padding-left:2.2rem}ol.session-list li{break-inside:avoid;margin:.1rem 0}
`;

/** What the whole report shares: every code's style and name, in codebook order. */
interface Ctx {
  readonly styles: Map<string, CodeStyle>;
  readonly codes: Map<string, PaletteCode>;
}

/**
 * The codes of the report, in order: the codebook's, then any other code the codings use (with the
 * role of the utterances it was given to); and their styles.
 */
function reportContext(sessions: readonly ReportSession[], options: ReportOptions): Ctx {
  const codes = new Map<string, PaletteCode>();
  for (const c of options.codebook?.codes ?? []) codes.set(c.id, c);
  const extra = new Map<string, PaletteCode>();
  for (const s of sessions) {
    const roles = new Map(s.transcript.utterances.map((u) => [u.id, u.role]));
    for (const c of s.codings ?? [])
      if (!codes.has(c.codeId) && !extra.has(c.codeId))
        extra.set(c.codeId, { id: c.codeId, role: roles.get(c.utteranceId) });
  }
  for (const id of [...extra.keys()].sort()) codes.set(id, extra.get(id) as PaletteCode);
  return { styles: codePalette([...codes.values()]), codes };
}

const UNCODED: CodeStyle = { color: "#FFFFFF", pattern: "solid", harms: false, family: "Uncoded" };

function styleOf(ctx: Ctx, id: string | undefined): CodeStyle {
  return id === undefined ? UNCODED : (ctx.styles.get(id) ?? UNCODED);
}

/** Who spoke, said once: the role ("Therapist"), or the name and the role ("Sam (client)"). */
function speakerOf(u: Utterance): string {
  const name = u.speaker.trim();
  return name === "" || name.toLowerCase() === u.role ? roleLabel(u.role) : `${name} (${u.role})`;
}

/** A code's display name: its codebook label, else its id. */
function nameOf(ctx: Ctx, id: string): string {
  return ctx.codes.get(id)?.label ?? id;
}

/**
 * The colour key of a set of codes, one line per role, in codebook order (a parent before its
 * children, which share its hue).
 */
function codeLegend(ctx: Ctx, ids: ReadonlySet<string>): string {
  const byRole = new Map<string, string[]>();
  for (const [id, c] of ctx.codes) {
    if (!ids.has(id)) continue;
    const role = c.role ?? "other";
    byRole.set(role, [...(byRole.get(role) ?? []), id]);
  }
  const rows: string[] = [];
  for (const role of ["therapist", "client", "other"]) {
    const list = byRole.get(role);
    if (!list) continue;
    rows.push(
      `<li class="legend-role"><span class="legend-head">${roleLabel(role as Role)} codes:</span> ${list
        .map((id) => {
          const st = styleOf(ctx, id);
          return `<span class="legend-item" data-code="${esc(id)}" data-for="${role}" title="${esc(id)}">${swatch(st)}${esc(nameOf(ctx, id))}${st.harms ? " (harms rapport)" : ""}</span>`;
        })
        .join(" ")}</li>`,
    );
  }
  return `<ul class="legend" aria-label="Colour key">${rows.join("")}</ul>`;
}

/** A resolved coding per utterance (the chosen one when there are several). */
function chooseCodings(
  utterances: readonly Utterance[],
  codings: readonly Coding[] | undefined,
  source: string | undefined,
): Map<string, Coding> {
  const ids = new Set(utterances.map((u) => u.id));
  const out = new Map<string, Coding>();
  for (const c of codings ?? []) {
    if (!ids.has(c.utteranceId)) continue;
    if (source !== undefined && c.source !== source) continue;
    const prev = out.get(c.utteranceId);
    if (!prev || c.confidence > prev.confidence) out.set(c.utteranceId, c);
  }
  return out;
}

/**
 * Renders one self-contained HTML page for one or several coded sessions: a timeline per session
 * (each utterance a mark coloured by code, therapist above and client below, its text and
 * confidence on hover and on keyboard focus), the code distribution, talk-time shares, the MITI
 * summary against its competency bands, the goal/task/bond profile and the flags linked to their
 * utterances; for several sessions, an overview across them first (each score's spread, the
 * sessions ranked, a table of every session, and trend lines with ruptures when they are in time
 * order). From six sessions on, each session's detail is collapsed under its heading; with
 * `transcripts: false` it is also shortened (timeline and codes, a row of scores and the flags) so
 * that the 106 sessions of AnnoMI's development file make 1.75 MB. For one page per session, see
 * {@link renderReportPages}.
 *
 * The page makes no network request (a Content-Security-Policy forbids it), loads no external
 * script, style or font, and works without its one tiny inline script. Each chart is an SVG with a
 * title and description and a data-table fallback; the palette is Okabe–Ito. All utterance text is
 * HTML-escaped. Browser-safe: no `node:` imports, so apps can render reports client-side.
 *
 * The page contains the transcripts' text (unless `transcripts: false`): treat the file as the
 * health data it is.
 * @category Report
 * @example
 * const html = renderReport([{ transcript, codings }], { title: "Session 3" });
 * // write it to a file (rapportkit/node) or open it in a new tab:
 * // URL.createObjectURL(new Blob([html], { type: "text/html" }))
 */
export function renderReport(
  sessions: readonly ReportSession[],
  options: ReportOptions = {},
): string {
  const charts = new Set(options.charts ?? REPORT_CHARTS);
  const title = options.title ?? "rapportkit session report";
  const transcripts = options.transcripts !== false;
  const ctx = reportContext(sessions, options);
  const body: string[] = [];
  const order = sessionOrder(sessions, options);
  const many = sessions.length > COLLAPSE_FROM;
  const detail: Detail = { charts, options, ctx, transcripts };
  if (sessions.length > 1 && (charts.has("trends") || charts.has("overview")))
    body.push(renderOverview(sessions, options, charts, order, (i) => `#s-${i}`));
  if (many)
    body.push(
      `<h2 id="sessions-h">Each session</h2><p class="note">${sessions.length} sessions, ${order.basis ? esc(order.basis) : "by id"}; select one to open it.${transcripts ? "" : " Each shows its timeline, its codes by role, its scores and its flags."}</p>`,
    );
  for (const i of order.order) {
    const s = sessions[i] as ReportSession;
    body.push(
      many && !transcripts ? renderSessionBrief(s, i, detail) : renderSession(s, i, detail, many),
    );
  }
  if (sessions.length === 0) body.push('<p class="empty">No sessions to report.</p>');
  const nav =
    sessions.length > 1 && !many
      ? `<nav aria-label="Sessions"><ul><li>Sessions:</li>${order.order
          .map((i) => `<li><a href="#s-${i}">${esc(sessions[i]?.transcript.id ?? "")}</a></li>`)
          .join("")}</ul></nav>`
      : "";
  return page(
    title,
    ctx,
    (options.subtitle ? `<p class="note">${esc(options.subtitle)}</p>` : "") +
      `<p class="note">${sessions.length} session${sessions.length === 1 ? "" : "s"}. ${privacyNote(transcripts)}</p>${nav}`,
    body.join("\n"),
  );
}

/** What the header says about the file's contents. */
function privacyNote(transcripts: boolean): string {
  return transcripts
    ? "This file contains transcript text: keep it as private as the transcripts themselves. It makes no network requests."
    : "No utterance text: the codes and scores only (session ids and speaker names remain). It makes no network requests.";
}

/** The page around a report's body: head, styles, the pattern fills, header and the script. */
function page(title: string, ctx: Ctx, header: string, main: string): string {
  return (
    "<!doctype html>\n" +
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    `<meta name="referrer" content="no-referrer"><meta name="generator" content="rapportkit">` +
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>` +
    `<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>${patternDefs(ctx.styles.values())}</defs></svg>` +
    `<header><h1>${esc(title)}</h1>${header}</header>` +
    `<main>${main}</main>` +
    `<script>${SCRIPT}</script></body></html>\n`
  );
}

/** One page of a report written as several files (see {@link renderReportPages}). @category Report */
export interface ReportPage {
  /** The page's path relative to the report's folder: `index.html` or `sessions/<file>.html`. */
  readonly file: string;
  /** The session it shows (its transcript id); absent for the index. */
  readonly session?: string;
  readonly html: string;
}

/** A session id as the report shows it: an id of only white space would be a blank link. */
function idLabel(id: string): string {
  return id.trim() === ""
    ? `(blank id of ${id.length} character${id.length === 1 ? "" : "s"})`
    : id;
}

/**
 * A session's file name in a report of several pages: its position in the report's order
 * (zero-padded, so that names sort in that order and never collide) and its id made safe for any
 * file system: letters and digits only (accents dropped, lower case), runs of anything else one
 * `-`, at most 40 characters. No separators, dots or reserved names survive, so a session id can
 * never name a path outside the folder.
 * @internal
 */
export function sessionFileName(id: string, position: number, count: number): string {
  const width = Math.max(3, String(count).length);
  const slug = id
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `${String(position + 1).padStart(width, "0")}${slug ? `-${slug}` : ""}.html`;
}

/**
 * Renders a report as several pages: `index.html` with the overview across the sessions (the
 * same as {@link renderReport}'s) and a list of every session, and one page per session in
 * `sessions/` with everything {@link renderReport} shows for one session (its transcript
 * included unless `transcripts: false`), linked to the index and to the sessions before and
 * after it. Codes have the same colours on every page. For many sessions this keeps every file
 * small: the index of 106 AnnoMI sessions is about 0.26 MB, each session page about 60 kB with
 * its transcript.
 *
 * File names are made from the session's position and id (see the `file` of each page): safe
 * for any file system, never a path outside the folder, whatever the ids contain. Browser-safe:
 * it returns strings; writing them is up to you (the CLI's `report --split` does).
 * @category Report
 * @example
 * const pages = renderReportPages(sessions, { codebook: rapportCodebook });
 * // for (const p of pages) await writeFile(join(dir, p.file), p.html) (after mkdir of dir/sessions)
 * pages[0].file; // => "index.html"
 */
export function renderReportPages(
  sessions: readonly ReportSession[],
  options: ReportOptions = {},
): ReportPage[] {
  const charts = new Set(options.charts ?? REPORT_CHARTS);
  const title = options.title ?? "rapportkit session report";
  const transcripts = options.transcripts !== false;
  const ctx = reportContext(sessions, options);
  const order = sessionOrder(sessions, options);
  const pos = new Map(order.order.map((i, k) => [i, k]));
  const files = sessions.map(
    (s, i) => `sessions/${sessionFileName(s.transcript.id, pos.get(i) ?? i, sessions.length)}`,
  );
  const detail: Detail = { charts, options, ctx, transcripts };
  const body: string[] = [];
  if (sessions.length > 1 && (charts.has("trends") || charts.has("overview")))
    body.push(renderOverview(sessions, options, charts, order, (i) => files[i] as string));
  body.push(
    `<section aria-labelledby="list-h"><h2 id="list-h">Each session</h2><p class="note">One page per session, ${order.basis ? esc(order.basis) : "by id"}: its timeline, codes, talk time, MITI scores, profile, flags${transcripts ? " and transcript" : ""}.</p>` +
      (sessions.length === 0
        ? '<p class="empty">No sessions to report.</p>'
        : `<ol class="session-list">${order.order
            .map((i) => {
              const s = sessions[i] as ReportSession;
              const k = s.flags?.length ?? 0;
              return `<li><a href="${esc(files[i] as string)}">${esc(idLabel(s.transcript.id))}</a> <span class="note">${s.transcript.utterances.length} utt.${k ? `, ${k} flag${k === 1 ? "" : "s"}` : ""}</span></li>`;
            })
            .join("")}</ol>`) +
      "</section>",
  );
  const index: ReportPage = {
    file: "index.html",
    html: page(
      title,
      ctx,
      (options.subtitle ? `<p class="note">${esc(options.subtitle)}</p>` : "") +
        `<p class="note">${sessions.length} session${sessions.length === 1 ? "" : "s"}, one page each. ${privacyNote(transcripts)}</p>`,
      body.join("\n"),
    ),
  };
  const pages = order.order.map((i, k): ReportPage => {
    const s = sessions[i] as ReportSession;
    const link = (j: number | undefined, rel: string, text: string) =>
      j === undefined
        ? ""
        : `<li><a rel="${rel}" href="${esc((files[j] as string).slice("sessions/".length))}">${text}: ${esc(sessions[j]?.transcript.id ?? "")}</a></li>`;
    const nav =
      `<nav aria-label="Sessions"><ul><li><a href="../index.html">All ${sessions.length} sessions</a></li>` +
      link(order.order[k - 1], "prev", "Previous") +
      link(order.order[k + 1], "next", "Next") +
      "</ul></nav>";
    return {
      file: files[i] as string,
      session: s.transcript.id,
      html: page(
        `${title}: session ${s.transcript.id}`,
        ctx,
        (options.subtitle ? `<p class="note">${esc(options.subtitle)}</p>` : "") +
          `<p class="note">Session ${k + 1} of ${sessions.length}. ${privacyNote(transcripts)}</p>${nav}`,
        renderSession(s, i, detail),
      ),
    };
  });
  return [index, ...pages];
}

/** What every session's part of a report shares. */
interface Detail {
  readonly charts: ReadonlySet<ReportChart>;
  readonly options: ReportOptions;
  readonly ctx: Ctx;
  /** Whether the transcript table (with the utterances' text) is shown. */
  readonly transcripts: boolean;
}

/** A session's heading: open, or (from six sessions on) a collapsed `<details>`. */
function sessionHead(s: ReportSession, si: number, collapsed: boolean, coded: number): string {
  const utts = s.transcript.utterances;
  const k = s.flags?.length ?? 0;
  return (
    (collapsed
      ? `<details class="session-box" id="s-${si}"><summary><h3 class="session-h" id="s-${si}-h">Session ${esc(idLabel(s.transcript.id))}</h3> <span class="note">${utts.length} utterances${k ? `, ${k} flag${k === 1 ? "" : "s"}` : ""}</span></summary><section class="session" aria-labelledby="s-${si}-h">`
      : `<section id="s-${si}" class="session" aria-labelledby="s-${si}-h"><h2 id="s-${si}-h">Session ${esc(idLabel(s.transcript.id))}</h2>`) +
    `<p class="note">${utts.length} utterances, ${coded} coded.</p>` +
    (s.notes ?? []).map((n) => `<p class="note">${esc(n)}</p>`).join("")
  );
}

/** The key under a timeline: bar height, the flag marker and the outline of harmful codes. */
function timelineKey(
  ctx: Ctx,
  present: ReadonlySet<string>,
  confs: readonly number[],
  flags: boolean,
): string {
  const allOne = confs.length > 0 && confs.every((v) => v === 1);
  const harms = [...present].some((id) => styleOf(ctx, id).harms);
  const key = [
    `<span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true"><rect x="1" y="7" width="5" height="6" fill="#999"/><rect x="8" y="1" width="5" height="12" fill="#999"/></svg>Bar height: the code's confidence, 0–1 on the axis${allOne ? " (here all 1, as for human codes)" : ""}</span>`,
    flags
      ? '<span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true"><path d="M7 3l5 9H2z" fill="#000"/></svg>Flagged utterance (see Flags)</span>'
      : "",
    harms
      ? `<span class="legend-item">${swatch({ ...UNCODED, color: "#FFFFFF", harms: true })}Black outline: harms rapport</span>`
      : "",
  ].join(" ");
  return `${codeLegend(ctx, present)}<p class="legend key">${key}</p>`;
}

/** "#3, #8, #12" for utterance positions (0-based in, 1-based out), the first `max` of them. */
function positions(list: readonly number[], max = 40): string {
  const shown = list.slice(0, max).map((i) => `#${i + 1}`);
  return `${shown.join(", ")}${list.length > max ? `, and ${list.length - max} more` : ""}`;
}

/**
 * A session in brief, for a report of many sessions without transcripts: the timeline with one
 * mark per code (there is no transcript row to link each utterance to), each role's codes as one
 * stacked bar, the session's scores in one table row (each MITI score with its band) and its
 * flags. Its charts and the scores' spread across the sessions are in the overview; all of them
 * for one session are on its page of {@link renderReportPages}.
 */
function renderSessionBrief(s: ReportSession, si: number, d: Detail): string {
  const { charts, options, ctx } = d;
  const utts = s.transcript.utterances;
  const chosen = chooseCodings(utts, s.codings, options.source);
  const posOf = new Map(utts.map((u, i) => [u.id, i]));
  const flagged = new Set<number>();
  for (const f of s.flags ?? [])
    for (const id of f.utteranceIds) {
      const p = posOf.get(id);
      if (p !== undefined) flagged.add(p);
    }
  const parts: string[] = [sessionHead(s, si, true, chosen.size)];
  const present = new Set<string>();
  for (const c of chosen.values()) present.add(c.codeId);

  if (charts.has("timeline") || charts.has("codes"))
    parts.push(
      `<div class="legend-scope">${timelineKey(
        ctx,
        present,
        [...chosen.values()].map((c) => c.confidence),
        charts.has("timeline") && flagged.size > 0,
      )}`,
    );

  // Timeline: one mark per code and role
  if (charts.has("timeline")) {
    const groups = new Map<string, TimelineGroup & { marks: TimelineGroup["marks"][number][] }>();
    utts.forEach((u, i) => {
      const c = chosen.get(u.id);
      const key = `${u.role}|${c?.codeId ?? ""}`;
      let g = groups.get(key);
      if (!g) {
        const st = styleOf(ctx, c?.codeId);
        g = {
          color: fillOf(st),
          harms: st.harms,
          label: "",
          marks: [],
        };
        groups.set(key, g);
      }
      g.marks.push({ index: i, role: u.role, ...(c ? { confidence: c.confidence } : {}) });
    });
    const ordered = [...groups.entries()].map(([key, g]) => {
      const [role, id] = key.split("|") as [Role, string];
      const name = id ? `${nameOf(ctx, id)} (${id})` : "uncoded";
      const k = g.marks.length;
      return {
        ...g,
        label: `${roleLabel(role)}, ${name}: ${k} utterance${k === 1 ? "" : "s"}, ${positions(g.marks.map((m) => m.index))}`,
      };
    });
    const svg = timelineGroupedSvg({
      id: `s${si}-timeline`,
      title: `Timeline of session ${s.transcript.id}`,
      desc: `${utts.length} utterances in order, coloured by code: therapist above the line, client below. Taller marks have higher confidence; a triangle marks a flagged utterance. Each code's marks are one mark, whose text lists its utterances.`,
      total: utts.length,
      groups: ordered,
      ...(flagged.size > 0
        ? {
            flagged: {
              indices: [...flagged].sort((a, b) => a - b),
              label: `Flagged utterances: ${positions([...flagged].sort((a, b) => a - b))}`,
            },
          }
        : {}),
    });
    parts.push(
      figure(
        "timeline",
        si,
        "Session timeline",
        svg,
        "<p>A code's bars are one mark: its text (on hover or keyboard focus) lists the code's utterances by number. The codes chart's table below gives each code's count and share.</p>",
        "",
        '<p class="tip" role="status" aria-live="polite">Point at or tab to a code\'s bars to read which utterances have it.</p>',
      ),
    );
  }

  // Codes: each role's codes as one stacked bar of shares of that role's utterances
  if (charts.has("codes")) {
    const roleCount: Record<Role, number> = { therapist: 0, client: 0, other: 0 };
    const counts = new Map<string, number>();
    for (const u of utts) {
      roleCount[u.role]++;
      const c = chosen.get(u.id);
      if (c) counts.set(`${u.role}|${c.codeId}`, (counts.get(`${u.role}|${c.codeId}`) ?? 0) + 1);
    }
    const rows: StackRow[] = [];
    const table: string[][] = [];
    for (const role of ["therapist", "client", "other"] as const) {
      const total = roleCount[role];
      const ids = [...ctx.codes.keys()].filter((id) => counts.has(`${role}|${id}`));
      if (ids.length === 0) continue;
      rows.push({
        label: roleLabel(role),
        note: `${total} utterance${total === 1 ? "" : "s"}`,
        segments: ids.map((id) => {
          const st = styleOf(ctx, id);
          const k = counts.get(`${role}|${id}`) ?? 0;
          const pct = (100 * k) / Math.max(1, total);
          table.push([roleLabel(role), nameOf(ctx, id), String(k), `${fmt(pct, 1)}%`]);
          return {
            label: nameOf(ctx, id),
            value: pct,
            color: fillOf(st),
            harms: st.harms,
            text: `${roleLabel(role)}, ${nameOf(ctx, id)}: ${fmt(pct, 0)}% (${k} of ${total})`,
          };
        }),
      });
    }
    parts.push(
      figure(
        "codes",
        si,
        "Codes by role (share of that role's utterances)",
        rows.length > 0
          ? stackedBarSvg({
              id: `s${si}-codes`,
              title: `Codes by role, session ${s.transcript.id}`,
              desc: "Each role's codes as one bar: each code's share of that role's utterances, in the colours of the key above.",
              rows,
              axisTitle: "% of that role's utterances",
            })
          : '<p class="empty">No codings.</p>',
        tableOf(["Role", "Code", "Utterances", "Share of role"], table, [2, 3]),
      ),
    );
  }
  if (charts.has("timeline") || charts.has("codes")) parts.push("</div>");

  // Scores: one row, each MITI score with its band
  const v = (x: ReportValue | undefined) => read(x)?.value ?? null;
  const th = { ...MITI_DEFAULTS, ...(s.miti?.thresholds ?? {}) };
  const band = (x: number | null, t: { fair: number; good: number }) =>
    x === null ? "" : x >= t.good ? " good" : x >= t.fair ? " fair" : " below fair";
  const cell = (x: number | null, digits: number, suffix = "", b = "") =>
    `<td class="num">${x === null ? "–" : `${fmt(x, digits)}${suffix}${b ? `<br><span class="note">${b.trim()}</span>` : ""}`}</td>`;
  const talk =
    s.talkShare?.therapist ?? (utts.length > 0 ? talkShares(utts).share.therapist : null);
  const scores: [string, string][] = [];
  if (charts.has("talk"))
    scores.push(["Therapist talk", cell(talk === null ? null : 100 * talk, 0, "%")]);
  if (charts.has("miti") && s.miti) {
    const rq = v(s.miti.rq);
    const cr = v(s.miti.pctCR);
    scores.push(
      ["R:Q", cell(rq, 2, "", band(rq, th.rq))],
      ["% CR", cell(cr, 0, "%", band(cr, th.pctCR))],
      ["MI-adh.", cell(v(s.miti.mia), 0)],
      ["MI-non-adh.", cell(v(s.miti.mina), 0)],
    );
  }
  if (charts.has("profile") && s.profile)
    for (const k of ["goal", "task", "bond", "overall"] as const)
      if (s.profile[k] !== undefined)
        scores.push([`${k[0]?.toUpperCase()}${k.slice(1)}`, cell(v(s.profile[k]), 0)]);
  if (scores.length > 0)
    parts.push(
      `<table class="scores"><caption>Scores (MITI bands: Moyers et al. 2015; goal, task, bond and overall 0–100)</caption><thead><tr>${scores.map(([h]) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody><tr>${scores.map(([, c]) => c).join("")}</tr></tbody></table>`,
    );

  // Flags, by utterance number (no transcript to link to)
  if (charts.has("flags")) {
    const flags = s.flags ?? [];
    parts.push(
      `<section class="flags" data-chart="flags" data-session="${si}" aria-labelledby="s-${si}-flags"><h4 class="panel" id="s-${si}-flags">Flags</h4>` +
        (flags.length > 0
          ? `<ul>${flags
              .map((f) => {
                const at = f.utteranceIds
                  .map((id) => posOf.get(id))
                  .filter((p): p is number => p !== undefined);
                return `<li><strong>${esc(f.kind)}</strong>: ${esc(f.message)}${at.length ? ` — utterances ${positions(at)}` : ""}</li>`;
              })
              .join("")}</ul>`
          : '<p class="empty">No flags raised.</p>') +
        "</section>",
    );
  }
  parts.push("</section></details>");
  return parts.join("\n");
}

function renderSession(s: ReportSession, si: number, d: Detail, collapsed = false): string {
  const { charts, options, ctx, transcripts } = d;
  const utts = s.transcript.utterances;
  const chosen = chooseCodings(utts, s.codings, options.source);
  const anchor = (i: number) => `u-${si}-${i}`;
  const posOf = new Map(utts.map((u, i) => [u.id, i]));
  const flagged = new Set<string>();
  for (const f of s.flags ?? []) for (const id of f.utteranceIds) flagged.add(id);
  const parts: string[] = [sessionHead(s, si, collapsed, chosen.size)];

  // Timeline
  if (charts.has("timeline")) {
    const present = new Set<string>();
    const marks: TimelineMark[] = utts.map((u, i) => {
      const c = chosen.get(u.id);
      const st = styleOf(ctx, c?.codeId);
      const name = c ? `${nameOf(ctx, c.codeId)} (${c.codeId})` : "uncoded";
      if (c) present.add(c.codeId);
      const conf = c ? `, confidence ${fmt(c.confidence)}` : "";
      const label = `#${i + 1} ${speakerOf(u)}: ${name}${conf}${flagged.has(u.id) ? ", flagged" : ""}`;
      const mark: TimelineMark = {
        role: u.role,
        color: fillOf(st),
        harms: st.harms,
        label,
        ...(transcripts ? { href: `#${anchor(i)}` } : {}),
        flagged: flagged.has(u.id),
        ...(c ? { confidence: c.confidence } : {}),
      };
      return mark;
    });
    const legendHtml = timelineKey(
      ctx,
      present,
      [...chosen.values()].map((c) => c.confidence),
      flagged.size > 0,
    );
    const svg = timelineSvg({
      id: `s${si}-timeline`,
      title: `Timeline of session ${s.transcript.id}`,
      desc: `${utts.length} utterances in order, one mark each, coloured by code: therapist above the line, client below. Taller marks have higher confidence; a triangle marks a flagged utterance.${transcripts ? " Each mark links to its row in the transcript table below." : ""}`,
      marks,
    });
    const skip = `<a class="skip" href="#s-${si}-after-timeline">Skip the ${utts.length} timeline marks</a>`;
    parts.push(
      `${figure(
        "timeline",
        si,
        "Session timeline",
        svg,
        transcripts
          ? `<p>The <a href="#s-${si}-transcript">transcript table</a> lists every utterance with its code and confidence.</p>`
          : "<p>Each mark's text gives its utterance's number, speaker, code and confidence (the transcripts are left out of this report).</p>",
        `${legendHtml}${skip}`,
        `<p class="tip" role="status" aria-live="polite">Point at or tab to a bar to read its code and confidence here${transcripts ? "; select it to go to its row in the transcript" : ""}.</p>`,
      )}<span id="s-${si}-after-timeline" tabindex="-1"></span>`,
    );
  }

  // Codes, per role: each code's share of that role's utterances
  if (charts.has("codes")) {
    // counts per role and code (a code given to utterances of two roles shows in both panels)
    const counts = new Map<string, number>();
    const roleCount: Record<Role, number> = { therapist: 0, client: 0, other: 0 };
    for (const u of utts) {
      roleCount[u.role]++;
      const c = chosen.get(u.id);
      if (c) counts.set(`${u.role}|${c.codeId}`, (counts.get(`${u.role}|${c.codeId}`) ?? 0) + 1);
    }
    const order = [...ctx.codes.keys()];
    const svgs: string[] = [];
    const rows: string[][] = [];
    for (const role of ["therapist", "client", "other"] as const) {
      const ids = order.filter((id) => counts.has(`${role}|${id}`));
      if (ids.length === 0) continue;
      const total = roleCount[role];
      const coded = ids.reduce((k, id) => k + (counts.get(`${role}|${id}`) ?? 0), 0);
      const who = `${role === "other" ? "other speakers'" : role} utterances`;
      const bars: Bar[] = ids.map((id) => {
        const st = styleOf(ctx, id);
        const k = counts.get(`${role}|${id}`) ?? 0;
        const pct = (100 * k) / Math.max(1, total);
        rows.push([roleLabel(role), nameOf(ctx, id), id, String(k), `${fmt(pct, 1)}%`]);
        return {
          label: nameOf(ctx, id),
          value: pct,
          color: fillOf(st),
          harms: st.harms,
          valueLabel: `${fmt(pct, 0)}% (${k})`,
        };
      });
      svgs.push(
        `<h4 class="panel">${roleLabel(role)}: ${total} ${who}${coded < total ? `, ${total - coded} not coded` : ""}</h4>` +
          barChartSvg({
            id: `s${si}-codes-${role}`,
            title: `${roleLabel(role)} codes, session ${s.transcript.id}`,
            desc: `Each code's share of the session's ${total} ${who}.`,
            bars,
            axis: { title: `% of ${who}`, format: (v) => `${fmt(v)}%` },
          }),
      );
    }
    parts.push(
      figure(
        "codes",
        si,
        "Codes by role (share of that role's utterances)",
        svgs.length > 0 ? svgs.join("") : '<p class="empty">No codings.</p>',
        tableOf(["Role", "Code", "Id", "Utterances", "Share of role"], rows, [3, 4]),
      ),
    );
  }

  // Talk time
  if (charts.has("talk")) {
    const computed = talkShares(utts);
    const share = s.talkShare
      ? {
          therapist: s.talkShare.therapist ?? 0,
          client: s.talkShare.client ?? 0,
          other: s.talkShare.other ?? 0,
        }
      : computed.share;
    const basis = s.talkShare ? (s.talkBasis ?? "words") : computed.basis;
    const roles = (["therapist", "client", "other"] as const).filter(
      (r) => r !== "other" || share.other > 0,
    );
    const colors = { therapist: OKABE_ITO.blue, client: OKABE_ITO.orange, other: "#999999" };
    const bars: Bar[] = roles.map((r) => ({
      label: roleLabel(r),
      value: 100 * share[r],
      color: colors[r],
      valueLabel: `${fmt(100 * share[r], 0)}%`,
    }));
    const svg = barChartSvg({
      id: `s${si}-talk`,
      title: `Talk-time shares, session ${s.transcript.id}`,
      desc: `Share of the session's talk per speaker role, measured in ${basis === "time" ? "seconds" : "words"}.`,
      bars,
      max: 100,
      axis: {
        title: `% of the session's ${basis === "time" ? "speaking time" : "words"}`,
        format: (v) => `${fmt(v)}%`,
      },
    });
    parts.push(
      figure(
        "talk",
        si,
        `Talk-time shares (by ${basis === "time" ? "time" : "words"})`,
        svg,
        tableOf(
          ["Role", "Share"],
          bars.map((b) => [b.label, `${fmt(b.value, 1)}%`]),
          [1],
        ),
      ),
    );
  }

  // MITI
  if (charts.has("miti") && s.miti) {
    const m = s.miti;
    const th = { ...MITI_DEFAULTS, ...(m.thresholds ?? {}) };
    const rows: BandRow[] = [];
    const add = (
      label: string,
      v: ReportValue | undefined,
      t: { fair: number; good: number } | undefined,
      maxOf: (x: number) => number,
      suffix = "",
    ) => {
      const r = read(v);
      if (!r) return;
      const max = maxOf(r.value ?? 0);
      rows.push({
        label,
        value: r.value,
        ...(r.reason !== undefined ? { reason: r.reason } : {}),
        ...(t ? { fair: t.fair, good: t.good } : {}),
        max,
        ...(r.value !== null ? { valueLabel: `${fmt(r.value)}${suffix}` } : {}),
      });
    };
    add("Reflection:question ratio", m.rq, th.rq, (x) => Math.max(3, Math.ceil(x * 1.1)));
    add("% complex reflections", m.pctCR, th.pctCR, () => 100, "%");
    add("Technical global", m.technical, th.technical, () => 5);
    add("Relational global", m.relational, th.relational, () => 5);
    add("MI-adherent (count)", m.mia, undefined, (x) => Math.max(10, Math.ceil(x * 1.2)));
    add("MI-non-adherent (count)", m.mina, undefined, (x) => Math.max(10, Math.ceil(x * 1.2)));
    const svg = bandChartSvg({
      id: `s${si}-miti`,
      title: `MITI 4.2.1 summary scores, session ${s.transcript.id}`,
      desc: "Each score against the manual's competency bands: below fair, fair (basic competence) and good (proficiency). MI-adherent and non-adherent totals have no published thresholds.",
      rows,
    });
    parts.push(
      figure(
        "miti",
        si,
        "MITI summary against competency bands",
        svg,
        tableOf(
          ["Score", "Value", "Fair from", "Good from"],
          rows.map((r) => [
            r.label,
            r.value === null
              ? `undefined (${r.reason ?? "no value"})`
              : (r.valueLabel ?? fmt(r.value)),
            r.fair === undefined ? "–" : fmt(r.fair),
            r.good === undefined ? "–" : fmt(r.good),
          ]),
          [1, 2, 3],
        ),
        bandKey(
          '<svg class="sw" width="14" height="14" aria-hidden="true"><path d="M7 0l6 7l-6 7l-6 -7z" fill="#000"/></svg>this session\'s value',
        ) +
          '<p class="note">Thresholds: Moyers, Manuel &amp; Ernst, MITI 4.2.1 (2015) — expert opinion, not norms. MI-adherent and MI-non-adherent are counts with no published threshold.</p>',
      ),
    );
  }

  // Profile
  if (charts.has("profile") && s.profile) {
    const p = s.profile;
    const vals = {
      goal: read(p.goal)?.value ?? null,
      task: read(p.task)?.value ?? null,
      bond: read(p.bond)?.value ?? null,
      ...(p.overall !== undefined ? { overall: read(p.overall)?.value ?? null } : {}),
    };
    const svg = profileSvg({
      id: `s${si}-profile`,
      title: `Rapport profile, session ${s.transcript.id}`,
      desc: "Goal, task and bond (Bordin's working alliance), each 0–100, and the overall index: a behavioural estimate from the codes, not a validated instrument.",
      profile: vals,
    });
    parts.push(
      figure(
        "profile",
        si,
        "Goal / task / bond profile",
        svg,
        tableOf(
          ["Dimension", "Score (0–100)"],
          Object.entries(vals).map(([k, v]) => [k, v === null ? "not computed" : fmt(v, 1)]),
          [1],
        ),
      ),
    );
  }

  // Flags
  if (charts.has("flags")) {
    const flags = s.flags ?? [];
    const items = flags
      .map((f) => {
        const links = f.utteranceIds
          .map((id) => {
            const pos = posOf.get(id);
            return pos === undefined
              ? `<span>${esc(id)}</span>`
              : transcripts
                ? `<a class="flag-link" href="#${anchor(pos)}">#${pos + 1}</a>`
                : `#${pos + 1}`;
          })
          .join(", ");
        return `<li><strong>${esc(f.kind)}</strong>: ${esc(f.message)}${links ? ` — utterances ${links}` : ""}</li>`;
      })
      .join("");
    parts.push(
      `<section class="flags" data-chart="flags" data-session="${si}" aria-labelledby="s-${si}-flags"><h3 id="s-${si}-flags">Flags</h3>` +
        (flags.length > 0 ? `<ul>${items}</ul>` : '<p class="empty">No flags raised.</p>') +
        "</section>",
    );
  }

  // Transcript table (the timeline's data table and the anchors flags link to)
  if (!transcripts) {
    parts.push(`</section>${collapsed ? "</details>" : ""}`);
    return parts.join("\n");
  }
  parts.push(
    `<h3 id="s-${si}-transcript">Transcript with codes</h3><table class="transcript"><thead><tr><th scope="col">#</th><th scope="col">Speaker</th><th scope="col">Code</th><th scope="col">Confidence</th><th scope="col">Text</th></tr></thead><tbody>` +
      utts
        .map((u, i) => {
          const c = chosen.get(u.id);
          return `<tr id="${anchor(i)}"${flagged.has(u.id) ? ' class="flagged"' : ""}><td class="num">${i + 1}</td><td>${esc(speakerOf(u))}</td><td>${c ? esc(c.codeId) : "—"}${flagged.has(u.id) ? " ⚑" : ""}</td><td class="num">${c ? fmt(c.confidence) : "—"}</td><td>${esc(u.text)}</td></tr>`;
        })
        .join("") +
      `</tbody></table></section>${collapsed ? "</details>" : ""}`,
  );
  return parts.join("\n");
}
