/**
 * SVG charts made in code: small pure functions from plain data to an SVG string. Every chart has a
 * `<title>` and `<desc>` (its text alternative, referenced by `aria-labelledby`), and every data mark
 * has the class `mark` and its own text: a `<title>`, its accessible name and tooltip (timeline and
 * line marks repeat it as `aria-label`). Interactive marks are links or focusable, so they can be
 * reached with the keyboard. All text is escaped.
 * @module
 */

import { quantileSorted } from "../agreement/bootstrap.js";
import { escapeHtml as esc, fmt } from "./escape.js";
import { NEUTRAL_GREY } from "./palette.js";

/** What every chart needs: a page-unique id and its text alternative. @category Report */
export interface ChartText {
  /** A page-unique id (letters, digits, `-`), used for the `<title>`/`<desc>` ids. */
  readonly id: string;
  readonly title: string;
  /** A sentence or two saying what the chart shows (read by screen readers). */
  readonly desc: string;
}

function open(c: ChartText, width: number, height: number, role: "img" | "group"): string {
  const id = safeId(c.id);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="${id}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="${role}" aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${esc(c.title)}</title><desc id="${id}-desc">${esc(c.desc)}</desc>`
  );
}

/** Keeps only `[A-Za-z0-9_-]` so a chart id is always a valid, inert id. @internal */
export function safeId(id: string): string {
  const s = id.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z]/.test(s) ? s : `c${s}`;
}

const n = (v: number): string => fmt(v, 1);

/**
 * Round tick values from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about `count` of them.
 * @internal
 */
export function niceTicks(max: number, count = 5): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((k) => k * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = 0; v < top + step / 2 && ticks.length < 50; v += step)
    ticks.push(Number(v.toFixed(10)));
  if ((ticks.at(-1) ?? 0) < top) ticks.push(Number((ticks.length * step).toFixed(10)));
  return ticks;
}

/**
 * A horizontal value axis: a line at `y` from `x0` to `x1`, a tick and a label per value, and the
 * axis title centred below. All text has the class `tick` or `axis-title` (the browser test looks
 * for them).
 * @internal
 */
export function xAxis(
  x0: number,
  x1: number,
  y: number,
  ticks: readonly number[],
  max: number,
  title: string,
  format: (v: number) => string = (v) => fmt(v),
  grid = 0,
): string {
  const x = (v: number) => x0 + ((x1 - x0) * v) / (max || 1);
  // Grid lines, then the axis line and its tick marks, each kind one path (a small file).
  let gridD = "";
  let axisD = `M${n(x0)} ${n(y)}H${n(x1)}`;
  let labels = "";
  for (const t of ticks) {
    const tx = n(x(t));
    if (grid > 0) gridD += `M${tx} ${n(y - grid)}V${n(y)}`;
    axisD += `M${tx} ${n(y)}v4`;
    labels += `<text class="tick" x="${tx}" y="${n(y + 15)}">${esc(format(t))}</text>`;
  }
  return (
    `<g class="axis" aria-hidden="true" font-size="11">` +
    (gridD ? `<path d="${gridD}" stroke="#ddd"/>` : "") +
    `<path d="${axisD}" stroke="#444"/><g text-anchor="middle">${labels}` +
    `<text class="axis-title" x="${n((x0 + x1) / 2)}" y="${n(y + 30)}" font-size="12">${esc(title)}</text></g></g>`
  );
}

// ---------------------------------------------------------------------------------------------
// Timeline

/** One utterance on the session timeline. @category Report */
export interface TimelineMark {
  readonly role: "therapist" | "client" | "other";
  /** Fill colour (the code's family colour). */
  readonly color: string;
  /** Drawn with a dark outline (a code that harms rapport). */
  readonly harms?: boolean;
  /** Confidence in [0, 1]: the mark's height grows with it. Absent for uncoded utterances. */
  readonly confidence?: number;
  /** The accessible text of the mark: speaker, code, confidence and utterance text. */
  readonly label: string;
  /** Where the mark links to (the utterance's row in the transcript table), e.g. `#u-0-12`. */
  readonly href?: string;
  /** Whether a flag points at this utterance (drawn with a marker above it). */
  readonly flagged?: boolean;
}

/**
 * A session timeline: one mark per utterance, in order, coloured by code; therapist marks above the
 * axis, client marks below, others on it. A mark's height is its confidence, on the scale of the
 * y axis (0–1); the x axis numbers the utterances; long sessions wrap onto several rows of at most
 * `perRow` (default 150) utterances. Each mark is a keyboard-focusable link with an `aria-label`
 * and a `<title>` (shown on hover) holding its code and confidence.
 * @category Report
 * @example
 * const svg = timelineSvg({
 *   id: "t1", title: "Session timeline", desc: "2 utterances",
 *   marks: [
 *     { role: "therapist", color: "#0072B2", confidence: 0.9, label: "T: reflection.simple (0.90)" },
 *     { role: "client", color: "#009E73", confidence: 0.7, label: "C: change_talk (0.70)" },
 *   ],
 * });
 * svg.includes('class="mark"'); // => true
 */
export function timelineSvg(
  c: ChartText & { readonly marks: readonly TimelineMark[]; readonly perRow?: number },
): string {
  const f = timelineFrame(c, c.marks.length, c.perRow);
  let out = f.head;
  c.marks.forEach((m, i) => {
    const b = f.box(i, m.role, m.confidence);
    const stroke = m.harms
      ? ' stroke="#000" stroke-width="1.5"'
      : ' stroke="#555" stroke-width="0.5"';
    const rect = `<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.w)}" height="${n(b.h)}" fill="${esc(m.color)}"${stroke}/>`;
    const flag = m.flagged
      ? `<path d="M${n(b.x + b.w / 2)} ${n(b.flagY)} l4.5 8 h-9 z" fill="#000" aria-hidden="true"/>`
      : "";
    const label = esc(m.label);
    const attrs = `class="mark" data-role="${m.role}" aria-label="${label}"`;
    out += m.href
      ? `<a href="${esc(m.href)}" ${attrs}><title>${label}</title>${rect}${flag}</a>`
      : `<g tabindex="0" role="img" ${attrs}><title>${label}</title>${rect}${flag}</g>`;
  });
  out += "</g></svg>";
  return out;
}

/** Where a timeline mark sits: its box and the top of its flag marker. */
interface MarkBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly flagY: number;
}

/**
 * The frame of a timeline of `total` utterances: the SVG's opening, its axes and the opening of
 * the marks group (`head`), and where mark `i` goes (`box`). Tick marks are drawn as one path per
 * kind, so a report of many sessions stays small.
 */
function timelineFrame(
  c: ChartText,
  total: number,
  perRowMax = 150,
): {
  head: string;
  box: (i: number, role: TimelineMark["role"], confidence: number | undefined) => MarkBox;
} {
  const width = 960;
  const left = 112;
  const right = 12;
  const lane = 50;
  const rowH = 14 + 2 * lane + 26;
  const rows = Math.max(1, Math.ceil(total / Math.max(1, perRowMax)));
  const perRow = Math.max(1, Math.ceil(total / rows));
  const step = (width - left - right) / perRow;
  const w = Math.max(1, step * 0.8);
  const height = rows * rowH + 24;
  const xStep = niceTicks(perRow, 8)[1] ?? 1;
  let out = open(c, width, height, "group");
  out += '<g class="axis" aria-hidden="true" font-size="11">';
  let grid = "";
  let axes = "";
  let ticks = "";
  let labels = "";
  for (let r = 0; r < rows; r++) {
    const mid = r * rowH + 14 + lane;
    const y = (v: number) => n(mid + v * lane);
    out +=
      `<text x="4" y="${n(mid - lane / 2 + 4)}" font-size="12" font-weight="600">Therapist</text>` +
      `<text x="4" y="${n(mid + lane / 2 + 4)}" font-size="12" font-weight="600">Client</text>`;
    for (const v of [-1, -0.5, 0.5, 1]) {
      grid += `M${left} ${y(v)}H${width - right}`;
      labels += `<text class="tick" x="${left - 4}" y="${n(Number(y(v)) + 4)}" text-anchor="end">${Math.abs(v)}</text>`;
    }
    const first = r * perRow;
    const last = Math.min(total, first + perRow);
    const base = mid + lane + 2;
    axes += `M${left} ${mid}H${width - right}M${left} ${base}H${width - right}`;
    for (let k = first + 1; k <= last; k++) {
      if (k !== first + 1 && k % xStep !== 0) continue;
      const x = n(left + (k - 1 - first) * step + step / 2);
      ticks += `M${x} ${base}v4`;
      labels += `<text class="tick" x="${x}" y="${base + 15}" text-anchor="middle">${k}</text>`;
    }
  }
  out += `<path d="${grid}" stroke="#e4e4e4"/><path d="${axes}${ticks}" stroke="#444"/>${labels}`;
  out += `<text class="axis-title" x="${left - 26}" y="${14 + lane}" text-anchor="middle" font-size="11" transform="rotate(-90 ${left - 26} ${14 + lane})">confidence</text>`;
  out += `<text class="axis-title" x="${n((left + width - right) / 2)}" y="${height - 6}" text-anchor="middle" font-size="12">Utterance number (in order)</text></g>`;
  out += '<g class="marks">';
  return {
    head: out,
    box(i, role, confidence) {
      const r = Math.floor(i / perRow);
      const mid = r * rowH + 14 + lane;
      const conf = confidence === undefined ? 0.5 : clamp01(confidence);
      const h = role === "other" ? 10 : Math.max(3, lane * conf);
      const x = left + (i - r * perRow) * step + (step - w) / 2;
      const y = role === "therapist" ? mid - h : role === "client" ? mid : mid - h / 2;
      return { x, y, w, h, flagY: role === "client" ? mid - 10 : y - 10 };
    },
  };
}

/** A code's marks on a grouped timeline: every utterance given that code. @internal */
export interface TimelineGroup {
  /** Fill (a colour or a pattern's `url(#…)`). */
  readonly color: string;
  readonly harms?: boolean;
  /** The group's text: its code and the utterances that have it. */
  readonly label: string;
  /** Data attributes that name the group, e.g. `{ code: "question.open", role: "therapist" }`. */
  readonly data?: Readonly<Record<string, string>>;
  readonly marks: readonly {
    readonly index: number;
    readonly role: TimelineMark["role"];
    readonly confidence?: number;
  }[];
}

/**
 * A session timeline drawn with one mark per code rather than per utterance (the same bars, the
 * same axes as {@link timelineSvg}): each code's bars are one focusable path whose text names the
 * code and its utterances, and the flagged utterances' markers one more. For reports of many
 * sessions without transcripts, where a mark has no transcript row to link to: a few hundred
 * bytes per code instead of a few hundred per utterance.
 * @internal
 */
export function timelineGroupedSvg(
  c: ChartText & {
    readonly total: number;
    readonly groups: readonly TimelineGroup[];
    /** Flagged utterances (indices) and the flag marker's text. */
    readonly flagged?: { readonly indices: readonly number[]; readonly label: string };
    readonly perRow?: number;
  },
): string {
  const f = timelineFrame(c, c.total, c.perRow);
  let out = f.head;
  const boxes = new Map<number, MarkBox>();
  for (const g of c.groups) {
    let d = "";
    for (const m of g.marks) {
      const b = f.box(m.index, m.role, m.confidence);
      boxes.set(m.index, b);
      d += `M${n(b.x)} ${n(b.y)}h${n(b.w)}v${n(b.h)}h${n(-b.w)}z`;
    }
    const stroke = g.harms
      ? ' stroke="#000" stroke-width="1.5"'
      : ' stroke="#555" stroke-width="0.5"';
    const data = Object.entries(g.data ?? {})
      .map(([k, v]) => ` data-${k.replace(/[^a-z-]/g, "")}="${esc(v)}"`)
      .join("");
    // The `<title>` is the mark's accessible name (and the report's status box shows it).
    out += `<path class="mark" tabindex="0" role="img"${data} d="${d}" fill="${esc(g.color)}"${stroke}><title>${esc(g.label)}</title></path>`;
  }
  if (c.flagged && c.flagged.indices.length > 0) {
    let d = "";
    for (const i of c.flagged.indices) {
      const b = boxes.get(i) ?? f.box(i, "other", undefined);
      d += `M${n(b.x + b.w / 2)} ${n(b.flagY)}l4.5 8h-9z`;
    }
    out += `<path class="flag-marks" d="${d}" fill="#000"><title>${esc(c.flagged.label)}</title></path>`;
  }
  out += "</g></svg>";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bars

/** One bar of a bar chart. @category Report */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color?: string;
  readonly harms?: boolean;
  /** How the value is written next to the bar (default: the number). */
  readonly valueLabel?: string;
}

/** What a bar chart's value axis says. @category Report */
export interface ValueAxis {
  /** The axis title, e.g. "% of therapist utterances". */
  readonly title: string;
  /** How tick values are written (default: the number). */
  readonly format?: (v: number) => string;
}

/**
 * A horizontal bar chart: one labelled bar per entry, value written at its end, on a value axis
 * with round ticks, grid lines and a title. Each bar is a mark with a `<title>`. Scales to `max`
 * (default: the largest value, rounded up to a tick).
 * @category Report
 * @example
 * barChartSvg({ id: "b", title: "Codes", desc: "Counts per code", axis: { title: "utterances" },
 *   bars: [{ label: "question.open", value: 4 }, { label: "validation", value: 2 }] });
 */
export function barChartSvg(
  c: ChartText & { readonly bars: readonly Bar[]; readonly max?: number; readonly axis: ValueAxis },
): string {
  const width = 720;
  const rowH = 24;
  const top = 8;
  const labelW = 230;
  const valueW = 90;
  const plotH = Math.max(1, c.bars.length) * rowH;
  const height = top + plotH + 40;
  const largest = Math.max(0, ...c.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const ticks = niceTicks(c.max ?? largest, 5);
  const max = c.max ?? ticks.at(-1) ?? 1;
  const plot = width - labelW - valueW;
  let out = open(c, width, height, "img");
  out += xAxis(
    labelW,
    labelW + plot,
    top + plotH + 2,
    ticks,
    max,
    c.axis.title,
    c.axis.format,
    plotH,
  );
  out += '<g class="marks">';
  c.bars.forEach((b, i) => {
    const y = top + i * rowH;
    const v = Number.isFinite(b.value) ? Math.max(0, b.value) : 0;
    const w = max > 0 ? Math.max(v > 0 ? 1 : 0, (plot * Math.min(v, max)) / max) : 0;
    const valueText = b.valueLabel ?? fmt(b.value);
    const stroke = b.harms ? ' stroke="#000" stroke-width="1.5"' : "";
    out +=
      `<text x="${labelW - 6}" y="${y + 16}" font-size="12" text-anchor="end" aria-hidden="true">${esc(b.label)}</text>` +
      `<rect class="mark" x="${labelW}" y="${y + 3}" width="${n(w)}" height="${rowH - 7}" fill="${esc(b.color ?? NEUTRAL_GREY)}"${stroke}>` +
      `<title>${esc(b.label)}: ${esc(valueText)}</title></rect>` +
      `<text x="${n(labelW + w + 6)}" y="${y + 16}" font-size="12" aria-hidden="true">${esc(valueText)}</text>`;
  });
  out += "</g></svg>";
  return out;
}

/** One bar of a stacked bar chart: its parts, left to right. @internal */
export interface StackRow {
  readonly label: string;
  /** A second, smaller line under the label (e.g. "35 utterances"). */
  readonly note?: string;
  readonly segments: readonly {
    readonly label: string;
    /** Share in % (0–100). */
    readonly value: number;
    readonly color: string;
    readonly harms?: boolean;
    /** The segment's full text (its `<title>`). */
    readonly text: string;
    readonly data?: Readonly<Record<string, string>>;
  }[];
}

/**
 * Shares as stacked horizontal bars on a 0–100 % axis, one bar per row (e.g. each role's codes as
 * shares of that role's utterances); a segment wide enough for it shows its share, and every
 * segment is a mark with its text. @internal
 */
export function stackedBarSvg(
  c: ChartText & { readonly rows: readonly StackRow[]; readonly axisTitle: string },
): string {
  const width = 720;
  const labelW = 130;
  const right = 24;
  const rowH = 36;
  const barH = 24;
  const top = 6;
  const plot = width - labelW - right;
  const plotH = Math.max(1, c.rows.length) * rowH;
  const height = top + plotH + 40;
  let out = open(c, width, height, "img");
  out += xAxis(
    labelW,
    labelW + plot,
    top + plotH,
    [0, 25, 50, 75, 100],
    100,
    c.axisTitle,
    (v) => `${v}%`,
    plotH,
  );
  out += '<g class="marks">';
  c.rows.forEach((r, i) => {
    const y = top + i * rowH + (rowH - barH) / 2;
    out += `<text x="${labelW - 8}" y="${n(y + (r.note ? 10 : 16))}" font-size="12" font-weight="600" text-anchor="end" aria-hidden="true">${esc(r.label)}</text>`;
    if (r.note)
      out += `<text x="${labelW - 8}" y="${n(y + 23)}" font-size="10" fill="#555" text-anchor="end" aria-hidden="true">${esc(r.note)}</text>`;
    let x = labelW;
    let labels = "";
    for (const sg of r.segments) {
      const v = Number.isFinite(sg.value) ? Math.min(100, Math.max(0, sg.value)) : 0;
      const w = (plot * v) / 100;
      const stroke = sg.harms
        ? ' stroke="#000" stroke-width="1.5"'
        : ' stroke="#fff" stroke-width="0.75"';
      const data = Object.entries(sg.data ?? {})
        .map(([k, val]) => ` data-${k.replace(/[^a-z-]/g, "")}="${esc(val)}"`)
        .join("");
      out += `<rect class="mark"${data} x="${n(x)}" y="${n(y)}" width="${n(Math.max(w, v > 0 ? 1 : 0))}" height="${barH}" fill="${esc(sg.color)}"${stroke}><title>${esc(sg.text)}</title></rect>`;
      if (w >= 30)
        labels += `<text x="${n(x + w / 2)}" y="${n(y + 16)}">${esc(`${fmt(v, 0)}%`)}</text>`;
      x += w;
    }
    // The shares written on the bar, with a white halo so they read on any fill.
    if (labels)
      out += `<g font-size="11" text-anchor="middle" stroke="#fff" stroke-width="3" paint-order="stroke" aria-hidden="true">${labels}</g>`;
  });
  out += "</g></svg>";
  return out;
}

/** A goal/task/bond(/overall) profile, each 0–100 (`null` when it could not be computed). @category Report */
export interface ProfileValues {
  readonly goal: number | null;
  readonly task: number | null;
  readonly bond: number | null;
  readonly overall?: number | null;
}

/**
 * The rapport profile on Bordin's three dimensions (goal, task, bond) and the overall index, as bars
 * on a fixed 0–100 scale. A dimension that could not be computed is written as "not computed" with
 * no bar.
 * @category Report
 * @example
 * profileSvg({ id: "p", title: "Profile", desc: "Goal, task, bond", profile: { goal: 60, task: 55, bond: 72, overall: 62 } });
 */
export function profileSvg(c: ChartText & { readonly profile: ProfileValues }): string {
  const colors = {
    goal: "#E69F00",
    task: "#CC79A7",
    bond: "#0072B2",
    overall: "#000000",
  } as const;
  const bars: Bar[] = [];
  for (const key of ["goal", "task", "bond", "overall"] as const) {
    const v = c.profile[key];
    if (v === undefined) continue;
    bars.push({
      label: key[0]?.toUpperCase() + key.slice(1),
      value: v ?? 0,
      color: colors[key],
      valueLabel: v === null ? "not computed" : `${fmt(v, 0)} / 100`,
    });
  }
  return barChartSvg({ ...c, bars, max: 100, axis: { title: "Score (0–100)" } });
}

// ---------------------------------------------------------------------------------------------
// Bands (a value against its competency thresholds)

/** One summary score placed against its thresholds. @category Report */
export interface BandRow {
  readonly label: string;
  /** The value, or `null` when it is undefined (then `reason` says why). */
  readonly value: number | null;
  readonly reason?: string;
  /** Threshold for basic competence ("fair"), when one is published. */
  readonly fair?: number;
  /** Threshold for proficiency ("good"). */
  readonly good?: number;
  /** Right end of the scale. */
  readonly max: number;
  /** How the value is written (default: the number with 2 decimals). */
  readonly valueLabel?: string;
}

/** The fills of the competency bands. @internal */
export const BAND_COLORS = { below: "#F2F2F2", fair: "#CCE3F0", good: "#8FC3E3" } as const;

/**
 * Summary scores against competency bands (e.g. MITI 4.2.1's fair and good thresholds): per row, a
 * scale with tick values, split into "below fair", "fair" and "good" bands (named inside them) at
 * the thresholds, with a diamond mark at the value. A row whose value is undefined says so, with
 * the reason, and has no mark. Rows without thresholds show a plain scale with round ticks.
 * @category Report
 * @example
 * bandChartSvg({ id: "m", title: "MITI", desc: "Summary scores",
 *   rows: [{ label: "R:Q", value: 1.4, fair: 1, good: 2, max: 3 }] });
 */
export function bandChartSvg(c: ChartText & { readonly rows: readonly BandRow[] }): string {
  const width = 720;
  const rowH = 50;
  const labelW = 200;
  const pad = 10;
  const valueW = 150;
  const plot = width - labelW - valueW - 2 * pad;
  const height = 10 + Math.max(1, c.rows.length) * rowH;
  let out = open(c, width, height, "img");
  out += '<g class="marks">';
  c.rows.forEach((r, i) => {
    const y = 8 + i * rowH;
    const max = r.max > 0 ? r.max : 1;
    const x0 = labelW + pad;
    const x = (v: number) => x0 + (plot * Math.min(Math.max(v, 0), max)) / max;
    out += `<text class="axis-title" x="${labelW - 6}" y="${y + 17}" font-size="12" text-anchor="end" aria-hidden="true">${esc(r.label)}</text>`;
    if (r.value === null) {
      // No value: no scale, the reason written across the plot area instead.
      out += `<text x="${x0}" y="${y + 17}" font-size="12" font-style="italic">${esc(`undefined: ${r.reason ?? "no value"}`)}</text>`;
      return;
    }
    const bands: Array<[number, number, keyof typeof BAND_COLORS, string]> = [];
    const thresholds = r.fair !== undefined && r.good !== undefined;
    if (thresholds) {
      bands.push([0, r.fair as number, "below", "below fair"]);
      bands.push([r.fair as number, r.good as number, "fair", "fair"]);
      bands.push([r.good as number, max, "good", "good"]);
    } else bands.push([0, max, "below", "no published threshold"]);
    for (const [a, b, k, name] of bands) {
      const bw = Math.max(0, x(b) - x(a));
      out += `<rect class="band" x="${n(x(a))}" y="${y + 4}" width="${n(bw)}" height="18" fill="${BAND_COLORS[k]}" stroke="#888" stroke-width="0.5"><title>${esc(`${r.label}: ${name} (${fmt(a)}–${fmt(b)})`)}</title></rect>`;
      // The band's name, centred in it, where it fits and the value's diamond (7 px either side
      // of the value) does not cover it; else the key and the ticks say which band is which.
      const cx = x(a) + bw / 2;
      const half = name.length * 3 + 2;
      const clear = r.value === null || Math.abs(x(r.value) - cx) > half + 9;
      if (thresholds && bw > name.length * 6 + 16 && clear)
        out += `<text x="${n(cx)}" y="${y + 17}" font-size="10" fill="#333" text-anchor="middle" aria-hidden="true">${esc(name)}</text>`;
    }
    const ticks = thresholds ? [0, r.fair as number, r.good as number, max] : niceTicks(max, 5);
    out += '<g class="axis" aria-hidden="true" font-size="10">';
    for (const t of ticks) {
      const tx = n(x(t));
      const strong = thresholds && (t === r.fair || t === r.good);
      out += `<line x1="${tx}" x2="${tx}" y1="${y + 22}" y2="${y + 27}" stroke="#444"/><text class="tick" x="${tx}" y="${y + 37}" text-anchor="middle"${strong ? ' font-weight="700"' : ""}>${esc(fmt(t))}</text>`;
    }
    out += "</g>";
    const vx = x(r.value);
    const text = r.valueLabel ?? fmt(r.value);
    const level = !thresholds
      ? " (no threshold)"
      : r.value >= (r.good as number)
        ? " (good)"
        : r.value >= (r.fair as number)
          ? " (fair)"
          : " (below fair)";
    out +=
      `<path class="mark" d="M${n(vx)} ${y} l7 13 l-7 13 l-7 -13 z" fill="#000" stroke="#fff" stroke-width="1"><title>${esc(`${r.label}: ${text}${level}`)}</title></path>` +
      `<text x="${labelW + plot + 2 * pad + 6}" y="${y + 17}" font-size="12" aria-hidden="true">${esc(text + level)}</text>`;
  });
  out += "</g></svg>";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lines

/** One series of a line chart; `null` values leave a gap. @category Report */
export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** Indices (into `values`) where a rupture was flagged; drawn as a red triangle. */
  readonly ruptures?: readonly number[];
  /** Dashed line (to tell series apart without colour). */
  readonly dashed?: boolean;
}

/**
 * A line chart over sessions: one polyline per series, a focusable point mark per value (with its
 * series, session and value as text), rupture markers, and an optional horizontal cutoff line.
 * @category Report
 * @example
 * lineChartSvg({ id: "l", title: "Profile over sessions", desc: "Overall index per session",
 *   xLabels: ["s1", "s2", "s3"], yMin: 0, yMax: 100,
 *   series: [{ label: "overall", color: "#000000", values: [60, 40, 65], ruptures: [1] }] });
 */
export function lineChartSvg(
  c: ChartText & {
    readonly xLabels: readonly string[];
    readonly series: readonly LineSeries[];
    readonly yMin: number;
    readonly yMax: number;
    readonly cutoff?: { readonly value: number; readonly label: string };
    /** Axis titles, e.g. "Session (by date)" and "Score (0–100)". */
    readonly xTitle: string;
    readonly yTitle: string;
    /** The chart's height in pixels (default 290). */
    readonly height?: number;
  },
): string {
  const width = 720;
  const height = c.height ?? 290;
  const left = 64;
  const right = 150;
  const top = 24;
  const bottom = 50;
  const span = c.yMax - c.yMin || 1;
  const count = Math.max(1, c.xLabels.length);
  const px = (i: number) =>
    count === 1
      ? left + (width - left - right) / 2
      : left + ((width - left - right) * i) / (count - 1);
  const py = (v: number) =>
    top + (height - top - bottom) * (1 - (Math.min(Math.max(v, c.yMin), c.yMax) - c.yMin) / span);
  let out = open(c, width, height, "group");
  out += `<g class="axis" aria-hidden="true" font-size="11"><line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#444"/><line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#444"/>`;
  for (const t of [c.yMin, c.yMin + span / 4, c.yMin + span / 2, c.yMin + (3 * span) / 4, c.yMax])
    out += `<line x1="${left}" x2="${width - right}" y1="${n(py(t))}" y2="${n(py(t))}" stroke="#e4e4e4"/><text class="tick" x="${left - 6}" y="${n(py(t) + 4)}" text-anchor="end">${esc(fmt(t, 1))}</text>`;
  out += `<text class="axis-title" x="14" y="${n(top + (height - top - bottom) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${n(top + (height - top - bottom) / 2)})">${esc(c.yTitle)}</text>`;
  out += `<text class="axis-title" x="${n((left + width - right) / 2)}" y="${height - 8}" text-anchor="middle" font-size="12">${esc(c.xTitle)}</text>`;
  // At most about 12 labels on the axis (every point keeps its own label in its mark's text).
  const every = Math.max(1, Math.ceil(c.xLabels.length / 12));
  c.xLabels.forEach((l, i) => {
    if (i % every === 0)
      out += `<text class="tick" x="${n(px(i))}" y="${height - bottom + 16}" text-anchor="middle">${esc(l)}</text>`;
  });
  out += "</g>";
  if (c.cutoff) {
    const y = py(c.cutoff.value);
    out += `<g class="cutoff"><line x1="${left}" x2="${width - right}" y1="${n(y)}" y2="${n(y)}" stroke="#D55E00" stroke-dasharray="2 3"/><text x="${width - right + 4}" y="${n(y + 4)}" font-size="11">${esc(c.cutoff.label)}</text></g>`;
  }
  out += '<g class="marks">';
  c.series.forEach((s, si) => {
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${n(px(i))} ${n(py(v))} `;
      pen = true;
    });
    const dash = s.dashed ? ' stroke-dasharray="6 3"' : "";
    out += `<path class="line" d="${d.trim()}" fill="none" stroke="${esc(s.color)}" stroke-width="2"${dash} aria-hidden="true"/>`;
    const ruptures = new Set(s.ruptures ?? []);
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      const label = `${s.label}, ${c.xLabels[i] ?? `#${i + 1}`}: ${fmt(v)}${ruptures.has(i) ? " (rupture)" : ""}`;
      out += `<circle class="mark" tabindex="0" role="img" aria-label="${esc(label)}" cx="${n(px(i))}" cy="${n(py(v))}" r="5" fill="${esc(s.color)}" stroke="#fff"><title>${esc(label)}</title></circle>`;
      // A rupture: a downward triangle just above the point, kept inside the plot.
      if (ruptures.has(i))
        out += `<path class="mark rupture" d="M${n(px(i))} ${n(Math.max(top, py(v) - 8))} l-6 -10 h12 z" fill="#D55E00" stroke="#000" stroke-width="0.5"><title>${esc(`Rupture: ${label}`)}</title></path>`;
    });
    const ly = top + 4 + si * 18;
    out += `<g aria-hidden="true"><line x1="${width - right + 8}" x2="${width - right + 32}" y1="${ly}" y2="${ly}" stroke="${esc(s.color)}" stroke-width="2"${dash}/><text x="${width - right + 36}" y="${ly + 4}" font-size="11">${esc(s.label)}</text></g>`;
  });
  if (c.series.some((s) => (s.ruptures ?? []).length > 0)) {
    const ly = top + 4 + c.series.length * 18;
    out += `<g aria-hidden="true"><path d="M${width - right + 20} ${ly + 5} l-6 -10 h12 z" fill="#D55E00" stroke="#000" stroke-width="0.5"/><text x="${width - right + 36}" y="${ly + 4}" font-size="11">rupture</text></g>`;
  }
  out += "</g></svg>";
  return out;
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

// ---------------------------------------------------------------------------------------------
// Across sessions: strips and ranked dots

/** One session's value in a strip: where it links to and what it is called. @category Report */
export interface StripPoint {
  readonly value: number;
  /** The session's name, shown in the point's text. */
  readonly session: string;
  /** Where the point links to (the session's section or file). */
  readonly href?: string;
}

/** One score across sessions: a row of a strip chart. @category Report */
export interface StripRow {
  /** What the score is (the row's axis title). */
  readonly label: string;
  readonly points: readonly StripPoint[];
  /** Right end of the scale (left end is 0). */
  readonly max: number;
  /** Competency thresholds drawn as bands (e.g. MITI's fair and good). */
  readonly fair?: number;
  readonly good?: number;
  /** A line at a cutoff (e.g. a questionnaire's concern cutoff). */
  readonly cutoff?: number;
  /** How values are written. */
  readonly format?: (v: number) => string;
}

/**
 * The distribution of several scores across sessions, one row per score: every session a dot (a
 * link to the session, with its name and value as text), jittered up and down so that equal values
 * stay visible, over a box from the first to the third quartile with a line at the median; tick
 * values under each row, and the thresholds' bands where given. A value beyond `max` is drawn at
 * the scale's end as a triangle (its text keeps the value). Sessions are not in any order, so
 * nothing joins the dots.
 * @category Report
 * @example
 * stripChartSvg({ id: "rq", title: "R:Q across sessions", desc: "One dot per session",
 *   rows: [{ label: "R:Q", max: 3, fair: 1, good: 2,
 *     points: [{ value: 0.8, session: "a" }, { value: 1.6, session: "b" }] }] });
 */
export function stripChartSvg(c: ChartText & { readonly rows: readonly StripRow[] }): string {
  const width = 720;
  const rowH = 70;
  const labelW = 200;
  const pad = 10;
  const valueW = 130;
  const plot = width - labelW - valueW - 2 * pad;
  const height = 8 + Math.max(1, c.rows.length) * rowH;
  let out = open(c, width, height, "group");
  c.rows.forEach((r, ri) => {
    const y = 6 + ri * rowH;
    const max = r.max > 0 ? r.max : 1;
    const f = r.format ?? ((v: number) => fmt(v));
    const x0 = labelW + pad;
    const x = (v: number) => x0 + (plot * Math.min(Math.max(v, 0), max)) / max;
    const top = y + 4;
    const h = 30;
    const values = r.points.map((p) => p.value).sort((a, b) => a - b);
    out += `<g aria-hidden="true"><text class="axis-title" x="${labelW - 6}" y="${top + 14}" font-size="12" text-anchor="end">${esc(r.label)}</text><text x="${labelW - 6}" y="${top + 29}" font-size="10" fill="#555" text-anchor="end">${values.length} session${values.length === 1 ? "" : "s"}</text>`;
    const thresholds = r.fair !== undefined && r.good !== undefined;
    const bands: Array<[number, number, keyof typeof BAND_COLORS]> = thresholds
      ? [
          [0, r.fair as number, "below"],
          [r.fair as number, r.good as number, "fair"],
          [r.good as number, max, "good"],
        ]
      : [[0, max, "below"]];
    for (const [a, b, k] of bands)
      out += `<rect class="band" x="${n(x(a))}" y="${top}" width="${n(Math.max(0, x(b) - x(a)))}" height="${h}" fill="${BAND_COLORS[k]}" stroke="#aaa" stroke-width="0.5"/>`;
    if (r.cutoff !== undefined)
      out += `<line x1="${n(x(r.cutoff))}" x2="${n(x(r.cutoff))}" y1="${top - 3}" y2="${top + h + 3}" stroke="#D55E00" stroke-width="2" stroke-dasharray="3 2"/>`;
    if (values.length >= 4) {
      const [q1, med, q3] = [0.25, 0.5, 0.75].map((p) => quantileSorted(values, p)) as [
        number,
        number,
        number,
      ];
      out += `<rect x="${n(x(q1))}" y="${top + 3}" width="${n(Math.max(1, x(q3) - x(q1)))}" height="${h - 6}" fill="none" stroke="#333" stroke-width="1.2"/><line x1="${n(x(med))}" x2="${n(x(med))}" y1="${top + 1}" y2="${top + h - 1}" stroke="#000" stroke-width="2.5"/>`;
      out += `<text x="${labelW + plot + 2 * pad + 6}" y="${top + 12}" font-size="11">median ${esc(f(med))}</text><text x="${labelW + plot + 2 * pad + 6}" y="${top + 26}" font-size="11" fill="#444">middle half ${esc(f(q1))}–${esc(f(q3))}</text>`;
    }
    const ticks = thresholds
      ? [0, r.fair as number, r.good as number, max]
      : r.cutoff !== undefined
        ? [...new Set([...niceTicks(max, 4), r.cutoff])].sort((a, b) => a - b)
        : niceTicks(max, 5);
    for (const t of ticks) {
      const tx = n(x(t));
      const strong = t === r.fair || t === r.good || t === r.cutoff;
      out += `<line x1="${tx}" x2="${tx}" y1="${top + h}" y2="${top + h + 5}" stroke="#444"/><text class="tick" x="${tx}" y="${top + h + 16}" font-size="10" text-anchor="middle"${strong ? ' font-weight="700"' : ""}>${esc(f(t))}</text>`;
    }
    out += '</g><g fill="#0072B2" fill-opacity="0.8" stroke="#fff" stroke-width="0.6">';
    r.points.forEach((p, i) => {
      // A fixed jitter per point (golden-ratio sequence): the same report draws the same dots.
      const jy = top + 6 + ((i * 0.618034) % 1) * (h - 12);
      const label = `${p.session}: ${r.label} ${f(p.value)}`;
      // A value beyond the scale sits at its end as a right-pointing triangle.
      // (fill and outline come from the group around the row's dots)
      const dot =
        p.value > max
          ? `<path d="M${n(x(max) + 5)} ${n(jy)}l-7 -4.5v9z" fill-opacity="1"/>`
          : `<circle cx="${n(x(p.value))}" cy="${n(jy)}" r="3.5"/>`;
      // The `<title>` is the mark's accessible name.
      out += p.href
        ? `<a class="mark" href="${esc(p.href)}"><title>${esc(label)}</title>${dot}</a>`
        : `<g class="mark" tabindex="0" role="img"><title>${esc(label)}</title>${dot}</g>`;
    });
    out += "</g>";
  });
  out += "</svg>";
  return out;
}

/** One session in a ranked dot chart. @category Report */
export interface RankedRow {
  readonly session: string;
  readonly href?: string;
  /** The value the rows are ranked by (a big black dot). */
  readonly value: number;
  /** Other values of the session, drawn as small coloured glyphs on the same scale. */
  readonly parts?: readonly { readonly label: string; readonly value: number | null }[];
}

const PART_GLYPHS: readonly [string, (x: number, y: number) => string][] = [
  ["#E69F00", (x, y) => `<rect x="${n(x - 3)}" y="${n(y - 3)}" width="6" height="6"`],
  ["#CC79A7", (x, y) => `<path d="M${n(x)} ${n(y - 4)}l4 7h-8z"`],
  ["#0072B2", (x, y) => `<path d="M${n(x)} ${n(y - 4)}l4 4l-4 4l-4 -4z"`],
];

/**
 * Sessions ranked by one score, one labelled row each (lowest first): a big dot at the score, and
 * the session's other values (e.g. goal, task, bond) as small glyphs joined by a thin line, on a
 * value axis drawn at the top and the bottom; glyphs of equal values are moved apart up and down.
 * Each row links to its session.
 * @category Report
 * @example
 * rankedDotSvg({ id: "r", title: "Overall by session", desc: "Sessions ranked", max: 100,
 *   axisTitle: "Score (0–100)", rows: [{ session: "a", value: 62 }, { session: "b", value: 40 }] });
 */
export function rankedDotSvg(
  c: ChartText & {
    readonly rows: readonly RankedRow[];
    readonly max: number;
    readonly axisTitle: string;
  },
): string {
  const width = 720;
  const rowH = 18;
  const labelW = 170;
  const right = 60;
  const top = 44;
  const rows = [...c.rows].sort((a, b) => a.value - b.value || (a.session < b.session ? -1 : 1));
  const plotH = Math.max(1, rows.length) * rowH;
  const height = top + plotH + 44;
  const x = (v: number) =>
    labelW + ((width - labelW - right) * Math.min(Math.max(v, 0), c.max)) / c.max;
  const ticks = niceTicks(c.max, 5);
  let out = open(c, width, height, "group");
  out += '<g class="axis" aria-hidden="true" font-size="11">';
  for (const t of ticks) {
    const tx = n(x(t));
    out += `<line x1="${tx}" x2="${tx}" y1="${top - 4}" y2="${top + plotH}" stroke="#e4e4e4"/><text class="tick" x="${tx}" y="${top - 8}" text-anchor="middle">${esc(fmt(t))}</text>`;
  }
  out += `<text class="axis-title" x="${n(x(c.max / 2))}" y="${top - 26}" text-anchor="middle" font-size="12">${esc(c.axisTitle)}</text></g>`;
  out += xAxis(labelW, x(c.max), top + plotH, ticks, c.max, c.axisTitle);
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const parts = (r.parts ?? []).filter(
      (p): p is { label: string; value: number } => p.value !== null,
    );
    const vals = [r.value, ...parts.map((p) => p.value)];
    const text = `${r.session}: ${fmt(r.value)}${parts.map((p) => `, ${p.label} ${fmt(p.value)}`).join("")}`;
    let g = `<text x="${labelW - 8}" y="${n(y + 4)}" font-size="11" text-anchor="end">${esc(r.session.length > 26 ? `${r.session.slice(0, 25)}…` : r.session)}</text>`;
    g += `<line x1="${n(x(Math.min(...vals)))}" x2="${n(x(Math.max(...vals)))}" y1="${n(y)}" y2="${n(y)}" stroke="#999"/>`;
    // The big dot first, the parts over it; a part that would cover another part (closer than
    // 7 px) moves up or down a little, so equal values stay visible.
    g += `<circle cx="${n(x(r.value))}" cy="${n(y)}" r="4.5" fill="#000"/>`;
    const placed: { x: number; dy: number }[] = [];
    parts.forEach((p, k) => {
      const [color, glyph] = PART_GLYPHS[k % PART_GLYPHS.length] as [
        string,
        (x: number, y: number) => string,
      ];
      const px = x(p.value);
      const dy =
        [0, -5, 5].find((d) => !placed.some((q) => q.dy === d && Math.abs(q.x - px) < 7)) ?? 0;
      placed.push({ x: px, dy });
      g += `${glyph(px, y + dy)} fill="${color}" stroke="#fff" stroke-width="0.5"/>`;
    });
    // The `<title>` is the row's accessible name.
    out += r.href
      ? `<a class="mark" href="${esc(r.href)}"><title>${esc(text)}</title>${g}</a>`
      : `<g class="mark" tabindex="0" role="img"><title>${esc(text)}</title>${g}</g>`;
  });
  out += "</svg>";
  return out;
}

/** The glyph colours of {@link rankedDotSvg}'s parts, in order (for the legend). @internal */
export const RANKED_PART_COLORS = PART_GLYPHS.map(([color]) => color);
