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
  type TimelineMark,
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
 * the status box (so keyboard users see what hover shows). It only sets `textContent`.
 */
const SCRIPT =
  '(function(){function show(e){var m=e.target&&e.target.closest?e.target.closest(".mark"):null;var f=m&&m.closest("figure");var t=f&&f.querySelector(".tip");if(t){t.textContent=m.getAttribute("aria-label")||"";}}document.addEventListener("focusin",show);document.addEventListener("mouseover",show);})();';
/** sha256 of {@link SCRIPT}, base64, for the Content-Security-Policy (checked by a test). @internal */
export const REPORT_SCRIPT_SHA256 = "6+jZhXSDKtB4oXmN1VMPRryrq36Bpf2Whc7OMuAuHxo=";
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
 * utterances; for several sessions, trend lines of the profile and of questionnaire totals with
 * ruptures marked.
 *
 * The page makes no network request (a Content-Security-Policy forbids it), loads no external
 * script, style or font, and works without its one tiny inline script. Each chart is an SVG with a
 * title and description and a data-table fallback; the palette is Okabe–Ito. All utterance text is
 * HTML-escaped. Browser-safe: no `node:` imports, so apps can render reports client-side.
 *
 * The page contains the transcripts' text: treat the file as the health data it is.
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
  const ctx = reportContext(sessions, options);
  const body: string[] = [];
  const order = sessionOrder(sessions, options);
  const many = sessions.length > COLLAPSE_FROM;
  if (sessions.length > 1 && (charts.has("trends") || charts.has("overview")))
    body.push(renderOverview(sessions, options, charts, order, (i) => `#s-${i}`));
  if (many)
    body.push(
      `<h2 id="sessions-h">Each session</h2><p class="note">${sessions.length} sessions, ${order.basis ? esc(order.basis) : "by id"}; select one to open it.</p>`,
    );
  for (const i of order.order)
    body.push(renderSession(sessions[i] as ReportSession, i, charts, options, ctx, many));
  if (sessions.length === 0) body.push('<p class="empty">No sessions to report.</p>');
  return (
    "<!doctype html>\n" +
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    `<meta name="referrer" content="no-referrer"><meta name="generator" content="rapportkit">` +
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>` +
    `<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>${patternDefs(ctx.styles.values())}</defs></svg>` +
    `<header><h1>${esc(title)}</h1>` +
    (options.subtitle ? `<p class="note">${esc(options.subtitle)}</p>` : "") +
    `<p class="note">${sessions.length} session${sessions.length === 1 ? "" : "s"}. This file contains transcript text: keep it as private as the transcripts themselves. It makes no network requests.</p>` +
    (sessions.length > 1 && !many
      ? `<nav aria-label="Sessions"><ul><li>Sessions:</li>${order.order
          .map((i) => `<li><a href="#s-${i}">${esc(sessions[i]?.transcript.id ?? "")}</a></li>`)
          .join("")}</ul></nav>`
      : "") +
    "</header>" +
    `<main>${body.join("\n")}</main>` +
    `<script>${SCRIPT}</script></body></html>\n`
  );
}

function renderSession(
  s: ReportSession,
  si: number,
  charts: ReadonlySet<ReportChart>,
  options: ReportOptions,
  ctx: Ctx,
  collapsed = false,
): string {
  const utts = s.transcript.utterances;
  const chosen = chooseCodings(utts, s.codings, options.source);
  const anchor = (i: number) => `u-${si}-${i}`;
  const posOf = new Map(utts.map((u, i) => [u.id, i]));
  const flagged = new Set<string>();
  for (const f of s.flags ?? []) for (const id of f.utteranceIds) flagged.add(id);
  const parts: string[] = [];
  parts.push(
    (collapsed
      ? `<details class="session-box" id="s-${si}"><summary><h3 class="session-h" id="s-${si}-h">Session ${esc(s.transcript.id)}</h3> <span class="note">${utts.length} utterances${s.flags?.length ? `, ${s.flags.length} flag${s.flags.length === 1 ? "" : "s"}` : ""}</span></summary><section class="session" aria-labelledby="s-${si}-h">`
      : `<section id="s-${si}" class="session" aria-labelledby="s-${si}-h"><h2 id="s-${si}-h">Session ${esc(s.transcript.id)}</h2>`) +
      `<p class="note">${utts.length} utterances, ${chosen.size} coded.</p>` +
      (s.notes ?? []).map((n) => `<p class="note">${esc(n)}</p>`).join(""),
  );

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
        href: `#${anchor(i)}`,
        flagged: flagged.has(u.id),
        ...(c ? { confidence: c.confidence } : {}),
      };
      return mark;
    });
    const confs = [...chosen.values()].map((c) => c.confidence);
    const allOne = confs.length > 0 && confs.every((v) => v === 1);
    const harms = [...present].some((id) => styleOf(ctx, id).harms);
    const key = [
      `<span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true"><rect x="1" y="7" width="5" height="6" fill="#999"/><rect x="8" y="1" width="5" height="12" fill="#999"/></svg>Bar height: the code's confidence, 0–1 on the axis${allOne ? " (here all 1, as for human codes)" : ""}</span>`,
      flagged.size > 0
        ? '<span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true"><path d="M7 3l5 9H2z" fill="#000"/></svg>Flagged utterance (see Flags)</span>'
        : "",
      harms
        ? `<span class="legend-item">${swatch({ ...UNCODED, color: "#FFFFFF", harms: true })}Black outline: harms rapport</span>`
        : "",
    ].join(" ");
    const legendHtml = `${codeLegend(ctx, present)}<p class="legend key">${key}</p>`;
    const svg = timelineSvg({
      id: `s${si}-timeline`,
      title: `Timeline of session ${s.transcript.id}`,
      desc: `${utts.length} utterances in order, one mark each, coloured by code: therapist above the line, client below. Taller marks have higher confidence; a triangle marks a flagged utterance. Each mark links to its row in the transcript table below.`,
      marks,
    });
    const skip = `<a class="skip" href="#s-${si}-after-timeline">Skip the ${utts.length} timeline marks</a>`;
    parts.push(
      `${figure(
        "timeline",
        si,
        "Session timeline",
        svg,
        `<p>The <a href="#s-${si}-transcript">transcript table</a> lists every utterance with its code and confidence.</p>`,
        `${legendHtml}${skip}`,
        '<p class="tip" role="status" aria-live="polite">Point at or tab to a bar to read its code and confidence here; select it to go to its row in the transcript.</p>',
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
              : `<a class="flag-link" href="#${anchor(pos)}">#${pos + 1}</a>`;
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
