/**
 * The across-sessions part of the report: how each score is spread over the sessions (strips,
 * and sessions ranked by the rapport index), a table of every session, and, only when the sessions
 * have an order (dates, an order number, or `ordered: true`), trend lines with ruptures.
 * @internal
 * @module
 */
import { trend } from "../score/trend.js";
import { bandKey, figure, MITI_DEFAULTS, read, tableOf, talkShares } from "./_html.js";
import { escapeHtml as esc, fmt } from "./escape.js";
import { OKABE_ITO } from "./palette.js";
import {
  type LineSeries,
  lineChartSvg,
  RANKED_PART_COLORS,
  rankedDotSvg,
  type StripRow,
  stripChartSvg,
} from "./svg.js";
import type { ReportChart, ReportOptions, ReportSession } from "./types.js";

/** How the sessions are ordered in time, if they are. */
export interface SessionOrder {
  /** Indices into the sessions, in time order (or in id order when unordered). */
  readonly order: readonly number[];
  /** What the order is, for axis titles ("by date"); undefined when the sessions have none. */
  readonly basis: string | undefined;
}

const natural = new Intl.Collator("en", { numeric: true });

/**
 * The sessions' order in time: the order given when `options.ordered` is true; by
 * `metadata.date` when every transcript has a valid one; by `metadata.order` when every
 * transcript has a number there; otherwise none (and the sessions are listed by id).
 */
export function sessionOrder(
  sessions: readonly ReportSession[],
  options: ReportOptions,
): SessionOrder {
  const idx = sessions.map((_, i) => i);
  if (options.ordered === true) return { order: idx, basis: "in the order given" };
  const md = sessions.map((s) => s.transcript.metadata ?? {});
  if (options.ordered !== false && sessions.length > 0) {
    const dates = md.map((m) => (typeof m.date === "string" ? Date.parse(m.date) : Number.NaN));
    if (dates.every(Number.isFinite))
      return {
        order: idx.sort((a, b) => (dates[a] as number) - (dates[b] as number)),
        basis: "by date",
      };
    const nums = md.map((m) => (typeof m.order === "number" ? m.order : Number.NaN));
    if (nums.every(Number.isFinite))
      return {
        order: idx.sort((a, b) => (nums[a] as number) - (nums[b] as number)),
        basis: "by order",
      };
  }
  const ids = sessions.map((s) => s.transcript.id);
  return {
    order: idx.sort((a, b) => natural.compare(ids[a] as string, ids[b] as string)),
    basis: undefined,
  };
}

/** One session's numbers, for the overview. */
interface Numbers {
  readonly id: string;
  readonly href: string;
  readonly utterances: number;
  readonly talk: number | null;
  readonly rq: number | null;
  readonly pctCR: number | null;
  readonly mia: number | null;
  readonly mina: number | null;
  readonly goal: number | null;
  readonly task: number | null;
  readonly bond: number | null;
  readonly overall: number | null;
  readonly flags: number;
}

function numbersOf(s: ReportSession, href: string): Numbers {
  const v = (x: Parameters<typeof read>[0]) => read(x)?.value ?? null;
  const talk = s.talkShare
    ? (s.talkShare.therapist ?? null)
    : s.transcript.utterances.length > 0
      ? talkShares(s.transcript.utterances).share.therapist
      : null;
  return {
    id: s.transcript.id,
    href,
    utterances: s.transcript.utterances.length,
    talk: talk === null ? null : 100 * talk,
    rq: v(s.miti?.rq),
    pctCR: v(s.miti?.pctCR),
    mia: v(s.miti?.mia),
    mina: v(s.miti?.mina),
    goal: v(s.profile?.goal),
    task: v(s.profile?.task),
    bond: v(s.profile?.bond),
    overall: v(s.profile?.overall),
    flags: s.flags?.length ?? 0,
  };
}

/**
 * Where ruptures start in a series with gaps: `trend` over the defined values, indices mapped back.
 */
function findRuptures(
  values: readonly (number | null)[],
  opts: { cutoff?: number; drop?: number },
): number[] {
  const idx: number[] = [];
  const vals: number[] = [];
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) {
      idx.push(i);
      vals.push(v);
    }
  });
  if (vals.length === 0 || (opts.cutoff === undefined && opts.drop === undefined)) return [];
  const r = trend(vals, {
    ...(opts.cutoff !== undefined ? { cutoff: opts.cutoff } : {}),
    ...(opts.drop !== undefined ? { dropThreshold: opts.drop } : {}),
  });
  return [...new Set(r.ruptures.map((x) => idx[x.at] as number))].sort((a, b) => a - b);
}

function trendTable(xLabels: readonly string[], series: readonly LineSeries[]): string {
  return tableOf(
    ["Session", ...series.map((s) => s.label)],
    xLabels.map((x, i) => [
      x,
      ...series.map((s) => {
        const v = s.values[i];
        const r = s.ruptures?.includes(i) ? " (rupture)" : "";
        return v === null || v === undefined ? "–" : `${fmt(v)}${r}`;
      }),
    ]),
    series.map((_, i) => i + 1),
  );
}

const DIMS = [
  ["goal", OKABE_ITO.orange],
  ["task", OKABE_ITO.reddishPurple],
  ["bond", OKABE_ITO.blue],
  ["overall", OKABE_ITO.black],
] as const;

/** Trend lines over ordered sessions: one small panel per profile dimension, one per instrument. */
function renderTrends(
  sessions: readonly ReportSession[],
  order: SessionOrder,
  options: ReportOptions,
): string[] {
  const ordered = order.order.map((i) => sessions[i] as ReportSession);
  const xLabels = ordered.map((s) => s.transcript.id);
  const xTitle = `Session (${order.basis})`;
  // Ruptures given by the caller index the sessions as passed; map them to time order.
  const pos = new Map(order.order.map((i, k) => [i, k]));
  const given = options.ruptures;
  const mapped = (label: string) =>
    (given?.[label] ?? []).map((i) => pos.get(i)).filter((k): k is number => k !== undefined);
  const profileDrop = options.profileDrop ?? 15;
  const out: string[] = [];
  if (ordered.some((s) => s.profile)) {
    const series: LineSeries[] = DIMS.map(([k, color]) => {
      const values = ordered.map((s) => (s.profile ? (read(s.profile[k])?.value ?? null) : null));
      return {
        label: k,
        color,
        values,
        ruptures: given ? mapped(k) : findRuptures(values, { drop: profileDrop }),
      };
    }).filter((s) => s.values.some((v) => v !== null));
    out.push(
      figure(
        "trends",
        "all",
        "Rapport profile over sessions",
        series
          .map((s) =>
            lineChartSvg({
              id: `trend-${s.label}`,
              title: `${s.label} over sessions`,
              desc: `The ${s.label} score (0–100) of ${ordered.length} sessions ${order.basis}; triangles mark ruptures (a fall of more than ${fmt(profileDrop)} points).`,
              xLabels,
              series: [s],
              yMin: 0,
              yMax: 100,
              height: 190,
              xTitle,
              yTitle: `${s.label} (0–100)`,
            }),
          )
          .join(""),
        trendTable(xLabels, series),
        `<p class="note">One panel per dimension. A rupture (▼) is a fall of more than ${fmt(profileDrop)} points from one session to the next: a heuristic for this behavioural estimate, not a validated threshold.</p>`,
      ),
    );
  }
  const instruments = [
    ...new Set(ordered.flatMap((s) => (s.questionnaires ?? []).map((q) => q.instrument))),
  ];
  instruments.forEach((inst, k) => {
    const qs = ordered.map((s) => s.questionnaires?.find((q) => q.instrument === inst));
    const anyQ = qs.find((q) => q !== undefined);
    const values = qs.map((q) => (q ? (read(q.total)?.value ?? null) : null));
    const finite = values.filter((v): v is number => v !== null);
    const cutoff = anyQ?.cutoff;
    const found = given
      ? mapped(inst)
      : findRuptures(values, {
          ...(cutoff !== undefined ? { cutoff } : {}),
          ...(options.questionnaireDrop !== undefined ? { drop: options.questionnaireDrop } : {}),
        });
    const series: LineSeries[] = [
      { label: inst, color: OKABE_ITO.bluishGreen, values, ruptures: found },
    ];
    out.push(
      figure(
        "trends",
        "all",
        `${inst} totals over sessions`,
        lineChartSvg({
          id: `trend-q${k}`,
          title: `${inst} totals over sessions`,
          desc: `The ${inst} total per session${cutoff !== undefined ? `, with its cutoff at ${fmt(cutoff)}` : ""}; triangles mark ruptures.`,
          xLabels,
          series,
          yMin: anyQ?.min ?? Math.min(0, ...finite),
          yMax: anyQ?.max ?? Math.max(1, ...finite),
          xTitle,
          yTitle: `${inst} total`,
          ...(cutoff !== undefined
            ? { cutoff: { value: cutoff, label: `cutoff ${fmt(cutoff)}` } }
            : {}),
        }),
        trendTable(xLabels, series),
      ),
    );
  });
  return out;
}

/**
 * The overview of several sessions. `hrefOf(i)` is where session `i` (index into `sessions`) is
 * shown: its section, or its own file.
 */
export function renderOverview(
  sessions: readonly ReportSession[],
  options: ReportOptions,
  charts: ReadonlySet<ReportChart>,
  order: SessionOrder,
  hrefOf: (i: number) => string,
): string {
  const nums = sessions.map((s, i) => numbersOf(s, hrefOf(i)));
  const listed = order.order.map((i) => nums[i] as Numbers);
  const parts: string[] = [
    `<section id="overview" aria-labelledby="overview-h"><h2 id="overview-h">Across ${sessions.length} sessions</h2>`,
    order.basis
      ? `<p class="note">The sessions are in time order (${esc(order.basis)}): the trend charts follow them in that order.</p>`
      : '<p class="note">These sessions have no time order (no dates, no order number), so nothing is drawn as a change over time: each chart shows how a score is spread across the sessions, one dot per session (point at a dot for its name; select it to go to the session). The table below lists every session.</p>',
  ];
  if (order.basis && charts.has("trends")) parts.push(...renderTrends(sessions, order, options));

  const strip = (
    label: string,
    key: keyof Numbers,
    max: (vals: number[]) => number,
    extra: Partial<StripRow> = {},
  ): StripRow | undefined => {
    const points = listed
      .filter((x) => typeof x[key] === "number" && Number.isFinite(x[key]))
      .map((x) => ({ value: x[key] as number, session: x.id, href: x.href }));
    if (points.length === 0) return undefined;
    return { label, points, max: max(points.map((p) => p.value)), ...extra };
  };
  const upTo = (floor: number) => (v: number[]) => {
    const m = Math.max(floor, ...v);
    const mag = 10 ** Math.floor(Math.log10(m));
    return Math.ceil(m / mag) * mag;
  };
  const defined = <T>(x: T | undefined): x is T => x !== undefined;
  const stripFigure = (
    id: string,
    caption: string,
    desc: string,
    rows: StripRow[],
    extra: string,
  ) => {
    if (rows.length === 0) return;
    parts.push(
      figure(
        "overview",
        "all",
        caption,
        stripChartSvg({ id, title: caption, desc, rows }),
        tableOf(
          ["Score", "Sessions", "Median", "Lowest", "Highest"],
          rows.map((r) => {
            const v = r.points.map((p) => p.value).sort((a, b) => a - b);
            const f = r.format ?? ((x: number) => fmt(x));
            return [
              r.label,
              String(v.length),
              f(v[Math.floor((v.length - 1) / 2)] as number),
              f(v[0] as number),
              f(v.at(-1) as number),
            ];
          }),
          [1, 2, 3, 4],
        ),
        extra,
      ),
    );
  };
  if (charts.has("miti")) {
    const th = MITI_DEFAULTS;
    stripFigure(
      "across-miti",
      "MITI summary scores across sessions",
      "Each session's R:Q, % complex reflections, MI-adherent and MI-non-adherent counts, one dot per session, against the MITI 4.2.1 bands.",
      [
        // R:Q runs to ∞ with few questions; the axis stops at 4 and larger values sit at its end
        strip("Reflection:question ratio", "rq", () => 4, th.rq),
        strip("% complex reflections", "pctCR", () => 100, {
          ...th.pctCR,
          format: (v) => `${fmt(v, 0)}%`,
        }),
        strip("MI-adherent (count)", "mia", upTo(10)),
        strip("MI-non-adherent (count)", "mina", upTo(10)),
      ].filter(defined),
      bandKey(
        '<svg class="sw" width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="4" fill="#0072B2"/></svg>one session <svg class="sw" width="22" height="14" aria-hidden="true"><rect x="1" y="2" width="20" height="10" fill="none" stroke="#333"/><line x1="9" x2="9" y1="1" y2="13" stroke="#000" stroke-width="2.5"/></svg>middle half of the sessions, line at the median',
      ),
    );
  }
  if (charts.has("profile") || charts.has("talk")) {
    const pct = { format: (v: number) => fmt(v, 0) };
    stripFigure(
      "across-profile",
      "Rapport profile and talk time across sessions",
      "Each session's goal, task, bond and overall scores (0–100) and the therapist's share of the talk, one dot per session.",
      [
        ...(charts.has("profile")
          ? DIMS.map(([k]) =>
              strip(`${k[0]?.toUpperCase()}${k.slice(1)} (0–100)`, k, () => 100, pct),
            )
          : []),
        charts.has("talk")
          ? strip("Therapist's share of the talk (%)", "talk", () => 100, {
              format: (v) => `${fmt(v, 0)}%`,
            })
          : undefined,
      ].filter(defined),
      '<p class="legend key"><span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="4" fill="#0072B2"/></svg>one session</span> <span class="legend-item"><svg class="sw" width="22" height="14" aria-hidden="true"><rect x="1" y="2" width="20" height="10" fill="none" stroke="#333"/><line x1="9" x2="9" y1="1" y2="13" stroke="#000" stroke-width="2.5"/></svg>middle half of the sessions, line at the median</span></p>',
    );
  }
  if (!order.basis && charts.has("trends")) {
    const instruments = [
      ...new Set(sessions.flatMap((s) => (s.questionnaires ?? []).map((q) => q.instrument))),
    ];
    const rows = instruments.map((inst) => {
      const points = order.order.flatMap((i) => {
        const q = sessions[i]?.questionnaires?.find((x) => x.instrument === inst);
        const v = q ? (read(q.total)?.value ?? null) : null;
        return v === null ? [] : [{ value: v, session: (nums[i] as Numbers).id, href: hrefOf(i) }];
      });
      const q = sessions.flatMap((s) => s.questionnaires ?? []).find((x) => x.instrument === inst);
      return {
        label: `${inst} total`,
        points,
        max: q?.max ?? upTo(1)(points.map((p) => p.value)),
        ...(q?.cutoff !== undefined ? { cutoff: q.cutoff } : {}),
      } satisfies StripRow;
    });
    stripFigure(
      "across-questionnaires",
      "Questionnaire totals across sessions",
      "Each session's questionnaire total, one dot per session, with the instrument's cutoff (dashed) where it has one.",
      rows.filter((r) => r.points.length > 0),
      '<p class="note">The dashed line is the instrument\'s concern cutoff. Without a time order no rupture is marked: pass dates or <code>ordered</code> for trend lines.</p>',
    );
  }
  if (charts.has("profile") && listed.some((x) => x.overall !== null)) {
    const rows = listed
      .filter((x) => x.overall !== null)
      .map((x) => ({
        session: x.id,
        href: x.href,
        value: x.overall as number,
        parts: [
          { label: "goal", value: x.goal },
          { label: "task", value: x.task },
          { label: "bond", value: x.bond },
        ],
      }));
    const glyph = (k: number) =>
      [
        `<rect x="4" y="4" width="6" height="6" fill="${RANKED_PART_COLORS[0]}"/>`,
        `<path d="M7 3l4 7h-8z" fill="${RANKED_PART_COLORS[1]}"/>`,
        `<path d="M7 3l4 4l-4 4l-4 -4z" fill="${RANKED_PART_COLORS[2]}"/>`,
      ][k];
    parts.push(
      figure(
        "overview",
        "all",
        "Sessions ranked by the overall rapport index (lowest first)",
        rankedDotSvg({
          id: "across-ranked",
          title: "Sessions ranked by the overall rapport index",
          desc: `${rows.length} sessions, lowest overall index first, each with its goal, task and bond scores.`,
          rows,
          max: 100,
          axisTitle: "Score (0–100)",
        }),
        tableOf(
          ["Session", "Overall", "Goal", "Task", "Bond"],
          [...rows]
            .sort((a, b) => a.value - b.value)
            .map((r) => [
              r.session,
              fmt(r.value, 0),
              ...r.parts.map((p) => (p.value === null ? "–" : fmt(p.value, 0))),
            ]),
          [1, 2, 3, 4],
        ),
        `<p class="legend key"><span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="4.5" fill="#000"/></svg>overall index</span> ${["goal", "task", "bond"].map((d, k) => `<span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true">${glyph(k)}</svg>${d}</span>`).join(" ")} <span class="legend-item">a behavioural estimate from the codes, not a validated instrument</span></p>`,
      ),
    );
  }
  const f = (v: number | null, d = 1) => (v === null ? "–" : fmt(v, d));
  const rows = listed.map(
    (x) =>
      `<tr><td><a href="${esc(x.href)}">${esc(x.id)}</a></td><td class="num">${x.utterances}</td><td class="num">${f(x.talk, 0)}</td><td class="num">${f(x.rq, 2)}</td><td class="num">${f(x.pctCR, 0)}</td><td class="num">${f(x.mia, 0)}</td><td class="num">${f(x.mina, 0)}</td><td class="num">${f(x.goal, 0)}</td><td class="num">${f(x.task, 0)}</td><td class="num">${f(x.bond, 0)}</td><td class="num">${f(x.overall, 0)}</td><td class="num">${x.flags}</td></tr>`,
  );
  parts.push(
    `<details class="sessions-table"${sessions.length <= 12 ? " open" : ""}><summary>All ${sessions.length} sessions (${order.basis ? `${esc(order.basis)}` : "by id"})</summary>` +
      '<table class="sessions"><thead><tr><th scope="col">Session</th><th scope="col">Utterances</th><th scope="col">Therapist talk %</th><th scope="col">R:Q</th><th scope="col">% CR</th><th scope="col">MI-adh.</th><th scope="col">MI-non-adh.</th><th scope="col">Goal</th><th scope="col">Task</th><th scope="col">Bond</th><th scope="col">Overall</th><th scope="col">Flags</th></tr></thead><tbody>' +
      rows.join("") +
      "</tbody></table></details>",
  );
  parts.push("</section>");
  return parts.join("\n");
}
