/**
 * Small HTML pieces the report's pages share. @internal
 * @module
 */
import type { Utterance } from "../core/schemas.js";
import { escapeHtml as esc } from "./escape.js";
import { type CodeStyle, fillOf } from "./palette.js";
import { BAND_COLORS } from "./svg.js";
import type { ReportChart, ReportValue } from "./types.js";

export type Role = "therapist" | "client" | "other";

/** Reads a {@link ReportValue}: the number, or null with its reason. */
export function read(
  v: ReportValue | undefined,
): { value: number | null; reason?: string } | undefined {
  if (v === undefined) return undefined;
  if (v === null) return { value: null, reason: "not computed" };
  if (typeof v === "number")
    return Number.isFinite(v) ? { value: v } : { value: null, reason: "not a finite number" };
  const value =
    "value" in v ? v.value : ((v as { readonly score: number | null | undefined }).score ?? null);
  if (value !== null && !Number.isFinite(value))
    return { value: null, reason: "not a finite number" };
  return v.reason === undefined || value !== null ? { value } : { value, reason: v.reason };
}

export function roleLabel(r: Role): string {
  return r === "therapist" ? "Therapist" : r === "client" ? "Client" : "Other";
}

function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/**
 * Talk-time share per role: from utterance times when every utterance has a start and an end, else
 * from word counts (the rule `summarizeSession` documents).
 */
export function talkShares(utterances: readonly Utterance[]): {
  share: Record<Role, number>;
  basis: "time" | "words";
} {
  const timed =
    utterances.length > 0 && utterances.every((u) => u.start !== undefined && u.end !== undefined);
  const totals: Record<Role, number> = { therapist: 0, client: 0, other: 0 };
  for (const u of utterances)
    totals[u.role] += timed ? (u.end as number) - (u.start as number) : countWords(u.text);
  const sum = totals.therapist + totals.client + totals.other;
  const share: Record<Role, number> = { therapist: 0, client: 0, other: 0 };
  if (sum > 0)
    for (const r of ["therapist", "client", "other"] as const) share[r] = totals[r] / sum;
  return { share, basis: timed ? "time" : "words" };
}

export function figure(
  chart: ReportChart,
  session: number | "all",
  caption: string,
  svg: string,
  table: string,
  extra = "",
  after = "",
): string {
  return (
    `<figure class="chart" data-chart="${chart}" data-session="${session}">` +
    `<figcaption>${esc(caption)}</figcaption>${extra}${svg}${after}` +
    `<details class="data"><summary>Data table: ${esc(caption)}</summary>${table}</details></figure>`
  );
}

export function tableOf(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
): string {
  const num = new Set(numeric);
  return (
    `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr>${r.map((c, i) => `<td${num.has(i) ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`,
      )
      .join("") +
    "</tbody></table>"
  );
}

export const MITI_DEFAULTS = {
  rq: { fair: 1, good: 2 },
  pctCR: { fair: 40, good: 50 },
  technical: { fair: 3, good: 4 },
  relational: { fair: 3.5, good: 4 },
} as const;

/** A legend swatch: a small SVG square with the code's fill and outline. */
export function swatch(st: CodeStyle): string {
  return `<svg class="sw" width="14" height="14" aria-hidden="true"><rect x="1" y="1" width="12" height="12" fill="${esc(fillOf(st))}" stroke="${st.harms ? "#000" : "#555"}" stroke-width="${st.harms ? 2 : 1}"/></svg>`;
}

/** The key of the competency bands (below fair, fair, good) and the value's diamond. */
export function bandKey(what = "this session's value"): string {
  const items = (
    [
      ["below", "below fair"],
      ["fair", "fair (basic competence)"],
      ["good", "good (proficiency)"],
    ] as const
  ).map(
    ([k, name]) =>
      `<span class="legend-item"><svg class="sw" width="14" height="14" aria-hidden="true"><rect x="1" y="1" width="12" height="12" fill="${BAND_COLORS[k]}" stroke="#888"/></svg>${name}</span>`,
  );
  return `<p class="legend key">${items.join(" ")} <span class="legend-item">${what}</span> <span class="legend-item">bold ticks: the thresholds</span></p>`;
}
