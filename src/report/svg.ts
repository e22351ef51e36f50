/**
 * SVG charts made in code: small pure functions from plain data to an SVG string. Every chart has a
 * `<title>` and `<desc>` (its text alternative, referenced by `aria-labelledby`), and every data mark
 * has the class `mark` and its own text (`<title>` and `aria-label`). Interactive marks are links or
 * focusable, so they can be reached with the keyboard. All text is escaped.
 * @module
 */
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
 * axis, client marks below, others on it. Each mark is a keyboard-focusable link with an
 * `aria-label` and a `<title>` (shown on hover) holding its code, confidence and text.
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
export function timelineSvg(c: ChartText & { readonly marks: readonly TimelineMark[] }): string {
  const width = 960;
  const height = 150;
  const left = 70;
  const right = 10;
  const mid = 75;
  const maxH = 52;
  const count = Math.max(1, c.marks.length);
  const step = (width - left - right) / count;
  const w = Math.max(1, step * 0.8);
  let out = open(c, width, height, "group");
  out +=
    `<g class="axis" aria-hidden="true"><line x1="${left}" x2="${width - right}" y1="${mid}" y2="${mid}" stroke="#444"/>` +
    `<text x="4" y="${mid - 20}" font-size="12">Therapist</text><text x="4" y="${mid + 28}" font-size="12">Client</text></g>`;
  out += '<g class="marks">';
  c.marks.forEach((m, i) => {
    const conf = m.confidence === undefined ? 0.5 : clamp01(m.confidence);
    const h = m.role === "other" ? 10 : 8 + (maxH - 8) * conf;
    const x = left + i * step + (step - w) / 2;
    const y = m.role === "therapist" ? mid - h : m.role === "client" ? mid : mid - h / 2;
    const stroke = m.harms
      ? ' stroke="#000" stroke-width="1.5"'
      : ' stroke="#555" stroke-width="0.5"';
    const rect = `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${esc(m.color)}"${stroke}/>`;
    const flag = m.flagged
      ? `<path d="M${n(x + w / 2)} ${n(y - 9)} l4 7 h-8 z" fill="#000" aria-hidden="true"/>`
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

/**
 * A horizontal bar chart: one labelled bar per entry, value written at its end. Each bar is a mark
 * with a `<title>`. Scales to `max` (default: the largest value).
 * @category Report
 * @example
 * barChartSvg({ id: "b", title: "Codes", desc: "Counts per code",
 *   bars: [{ label: "question.open", value: 4 }, { label: "validation", value: 2 }] });
 */
export function barChartSvg(
  c: ChartText & { readonly bars: readonly Bar[]; readonly max?: number },
): string {
  const width = 720;
  const rowH = 24;
  const top = 8;
  const labelW = 220;
  const valueW = 80;
  const height = top * 2 + Math.max(1, c.bars.length) * rowH;
  const max = c.max ?? Math.max(0, ...c.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const plot = width - labelW - valueW;
  let out = open(c, width, height, "img");
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
  return barChartSvg({ ...c, bars, max: 100 });
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

const BAND_COLORS = { below: "#F2F2F2", fair: "#CCE3F0", good: "#8FC3E3" } as const;

/**
 * Summary scores against competency bands (e.g. MITI 4.2.1's fair and good thresholds): per row, the
 * scale split into "below fair", "fair" and "good" bands, with a diamond mark at the value. A row
 * whose value is undefined says so, with the reason, and has no mark. Rows without thresholds show a
 * plain scale.
 * @category Report
 * @example
 * bandChartSvg({ id: "m", title: "MITI", desc: "Summary scores",
 *   rows: [{ label: "R:Q", value: 1.4, fair: 1, good: 2, max: 3 }] });
 */
export function bandChartSvg(c: ChartText & { readonly rows: readonly BandRow[] }): string {
  const width = 720;
  const rowH = 34;
  const labelW = 220;
  const valueW = 150;
  const plot = width - labelW - valueW;
  const height = 14 + Math.max(1, c.rows.length) * rowH;
  let out = open(c, width, height, "img");
  out += '<g class="marks">';
  c.rows.forEach((r, i) => {
    const y = 8 + i * rowH;
    const max = r.max > 0 ? r.max : 1;
    const x = (v: number) => labelW + (plot * Math.min(Math.max(v, 0), max)) / max;
    out += `<text x="${labelW - 6}" y="${y + 17}" font-size="12" text-anchor="end" aria-hidden="true">${esc(r.label)}</text>`;
    if (r.value === null) {
      // No value: no scale, the reason written across the plot area instead.
      out += `<text x="${labelW + 4}" y="${y + 17}" font-size="12" font-style="italic">${esc(`undefined: ${r.reason ?? "no value"}`)}</text>`;
    } else {
      const bands: Array<[number, number, keyof typeof BAND_COLORS, string]> = [];
      if (r.fair !== undefined && r.good !== undefined) {
        bands.push([0, r.fair, "below", "below fair"]);
        bands.push([r.fair, r.good, "fair", "fair"]);
        bands.push([r.good, max, "good", "good"]);
      } else bands.push([0, max, "below", "no published threshold"]);
      for (const [a, b, k, name] of bands) {
        out += `<rect class="band" x="${n(x(a))}" y="${y + 4}" width="${n(Math.max(0, x(b) - x(a)))}" height="18" fill="${BAND_COLORS[k]}" stroke="#888" stroke-width="0.5"><title>${esc(`${r.label}: ${name} (${fmt(a)}–${fmt(b)})`)}</title></rect>`;
      }

      const vx = x(r.value);
      const text = r.valueLabel ?? fmt(r.value);
      const level =
        r.fair === undefined || r.good === undefined
          ? ""
          : r.value >= r.good
            ? " (good)"
            : r.value >= r.fair
              ? " (fair)"
              : " (below fair)";
      out +=
        `<path class="mark" d="M${n(vx)} ${y} l7 13 l-7 13 l-7 -13 z" fill="#000" stroke="#fff" stroke-width="1"><title>${esc(`${r.label}: ${text}${level}`)}</title></path>` +
        `<text x="${labelW + plot + 6}" y="${y + 17}" font-size="12" aria-hidden="true">${esc(text + level)}</text>`;
    }
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
  },
): string {
  const width = 720;
  const height = 280;
  const left = 48;
  const right = 150;
  const top = 16;
  const bottom = 40;
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
  for (const t of [c.yMin, c.yMin + span / 2, c.yMax])
    out += `<text x="${left - 6}" y="${n(py(t) + 4)}" text-anchor="end">${esc(fmt(t, 1))}</text>`;
  // At most about 12 labels on the axis (every point keeps its own label in its mark's text).
  const every = Math.max(1, Math.ceil(c.xLabels.length / 12));
  c.xLabels.forEach((l, i) => {
    if (i % every === 0)
      out += `<text x="${n(px(i))}" y="${height - bottom + 16}" text-anchor="middle">${esc(l)}</text>`;
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
      if (ruptures.has(i))
        out += `<path class="mark rupture" d="M${n(px(i))} ${n(py(v) + 9)} l6 10 h-12 z" fill="#D55E00" stroke="#000" stroke-width="0.5"><title>${esc(`Rupture: ${label}`)}</title></path>`;
    });
    const ly = top + 4 + si * 18;
    out += `<g aria-hidden="true"><line x1="${width - right + 8}" x2="${width - right + 32}" y1="${ly}" y2="${ly}" stroke="${esc(s.color)}" stroke-width="2"${dash}/><text x="${width - right + 36}" y="${ly + 4}" font-size="11">${esc(s.label)}</text></g>`;
  });
  out += "</g></svg>";
  return out;
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
