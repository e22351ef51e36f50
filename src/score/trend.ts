import { type Issue, ScoreInputError } from "../core/errors.js";
import { defined, type Stat, undefinedStat } from "../core/stat.js";

/** A point of a series: a number, or a labelled value (e.g. a session id and an SRS total). @category Trends */
export type TrendInput = number | { readonly label?: string; readonly value: number };

/** Options of {@link trend}. Higher values are taken to mean a stronger alliance. @category Trends */
export interface TrendOptions {
  /** A value at or below this (below it when `cutoffInclusive` is false) is a rupture. */
  readonly cutoff?: number;
  /** Default true: `value ≤ cutoff` ruptures (SRS convention: ≤ 36). */
  readonly cutoffInclusive?: boolean;
  /** A fall from one session to the next larger than this is a rupture. */
  readonly dropThreshold?: number;
  /** The scale's reliability (test-retest or alpha, 0–1), for the reliable change index… */
  readonly reliability?: number;
  /** …and the SD of the scale in a reference sample (default: the series' own SD is NOT used). */
  readonly sd?: number;
  /** Index of the baseline point (default 0). */
  readonly baseline?: number;
  /** |RCI| above this is reliable change (default 1.96, p < .05 two-sided). */
  readonly criticalValue?: number;
}

/** One point of a {@link TrendResult}. @category Trends */
export interface TrendPoint {
  readonly index: number;
  readonly label?: string;
  readonly value: number;
  /** value − baseline value. */
  readonly change: number;
  /** Jacobson–Truax RCI = change / S_diff; undefined without reliability and SD. */
  readonly rci: Stat;
  /** `improved` / `deteriorated` when |RCI| exceeds the critical value, `none` otherwise; null without an RCI. */
  readonly reliableChange: "improved" | "deteriorated" | "none" | null;
}

/** A rupture and its repair, if any. @category Trends */
export interface Rupture {
  readonly kind: "below_cutoff" | "drop";
  /** Index of the point where it started. */
  readonly at: number;
  readonly label?: string;
  /** The value at `at`. */
  readonly value: number;
  /** For a drop: the previous value and the size of the fall. */
  readonly from?: number;
  readonly drop?: number;
  /** Index of the first later point that repairs it (back above the cut-off; back to the pre-drop value), or null. */
  readonly repairedAt: number | null;
}

/** What {@link trend} returns. @category Trends */
export interface TrendResult {
  readonly points: readonly TrendPoint[];
  readonly ruptures: readonly Rupture[];
  /** S_diff = √2 · SD · √(1 − r), or undefined. */
  readonly sDiff: Stat;
}

/**
 * A series of questionnaire totals or rapport scores → change from baseline, the Jacobson–Truax
 * reliable change index, and rupture flags with repair.
 *
 * - RCI = (x_t − x_baseline) / S_diff, S_diff = √2 · SE, SE = SD · √(1 − r) (Jacobson & Truax 1991,
 *   *Journal of Consulting and Clinical Psychology* 59(1):12-19). |RCI| > 1.96 is reliable change.
 * - Ruptures: a run of values below the cut-off is one rupture, repaired at the first later value
 *   above it; a fall larger than `dropThreshold` between consecutive points is a rupture, repaired
 *   at the first later value at or above the pre-drop value. Rupture–repair framing after Safran &
 *   Muran (2000), *Negotiating the Therapeutic Alliance*; the SRS ≤ 36 cut-off after Duncan et al. (2003).
 *
 * @throws ScoreInputError for a non-finite value, an empty series, or options out of range.
 * @example
 * trend([38, 34, 39], { cutoff: 36 }).ruptures;
 * // => [{ kind: "below_cutoff", at: 1, value: 34, repairedAt: 2 }]
 * @category Trends
 */
export function trend(series: readonly TrendInput[], options: TrendOptions = {}): TrendResult {
  const issues: Issue[] = [];
  const pts = series.map((p, i) => {
    const value = typeof p === "number" ? p : p?.value;
    if (typeof value !== "number" || !Number.isFinite(value))
      issues.push({
        code: "invalid_input",
        path: ["series", i],
        message: "expected a finite number",
      });
    const label = typeof p === "object" && p !== null ? p.label : undefined;
    return { value: value as number, ...(label !== undefined ? { label } : {}) };
  });
  if (series.length === 0)
    issues.push({ code: "insufficient_data", path: ["series"], message: "the series is empty" });
  const b = options.baseline ?? 0;
  if (!Number.isInteger(b) || b < 0 || (series.length > 0 && b >= series.length))
    issues.push({
      code: "out_of_range",
      path: ["baseline"],
      message: `baseline must be an index from 0 to ${series.length - 1}`,
    });
  const r = options.reliability;
  if (r !== undefined && !(Number.isFinite(r) && r >= 0 && r <= 1))
    issues.push({
      code: "out_of_range",
      path: ["reliability"],
      message: "reliability must be from 0 to 1",
    });
  if (options.sd !== undefined && !(Number.isFinite(options.sd) && options.sd > 0))
    issues.push({ code: "out_of_range", path: ["sd"], message: "sd must be a finite number > 0" });
  if (
    options.dropThreshold !== undefined &&
    !(Number.isFinite(options.dropThreshold) && options.dropThreshold >= 0)
  )
    issues.push({
      code: "out_of_range",
      path: ["dropThreshold"],
      message: "dropThreshold must be ≥ 0",
    });
  if (issues.length > 0) throw new ScoreInputError(issues);

  const sDiff: Stat =
    r === undefined || options.sd === undefined
      ? undefinedStat("the RCI needs the scale's reliability and SD")
      : r === 1
        ? undefinedStat("reliability 1 gives no measurement error (S_diff = 0)")
        : defined(Math.SQRT2 * options.sd * Math.sqrt(1 - r));
  const crit = options.criticalValue ?? 1.96;
  const base = (pts[b] as { value: number }).value;
  const points: TrendPoint[] = pts.map((p, index) => {
    const change = p.value - base;
    const rci: Stat =
      sDiff.value === null ? undefinedStat(sDiff.reason) : defined(change / sDiff.value);
    const reliableChange =
      rci.value === null
        ? null
        : rci.value > crit
          ? "improved"
          : rci.value < -crit
            ? "deteriorated"
            : "none";
    return { index, ...p, change, rci, reliableChange };
  });

  const ruptures: Rupture[] = [];
  const lab = (i: number) => {
    const l = pts[i]?.label;
    return l !== undefined ? { label: l } : {};
  };
  if (options.cutoff !== undefined) {
    const c = options.cutoff;
    const below = (v: number) => ((options.cutoffInclusive ?? true) ? v <= c : v < c);
    for (let i = 0; i < pts.length; i++) {
      if (!below((pts[i] as { value: number }).value)) continue;
      let j = i + 1;
      while (j < pts.length && below((pts[j] as { value: number }).value)) j++;
      ruptures.push({
        kind: "below_cutoff",
        at: i,
        ...lab(i),
        value: (pts[i] as { value: number }).value,
        repairedAt: j < pts.length ? j : null,
      });
      i = j;
    }
  }
  if (options.dropThreshold !== undefined) {
    const t = options.dropThreshold;
    for (let i = 1; i < pts.length; i++) {
      const from = (pts[i - 1] as { value: number }).value;
      const v = (pts[i] as { value: number }).value;
      if (from - v <= t) continue;
      let repairedAt: number | null = null;
      for (let j = i + 1; j < pts.length; j++)
        if ((pts[j] as { value: number }).value >= from) {
          repairedAt = j;
          break;
        }
      ruptures.push({ kind: "drop", at: i, ...lab(i), value: v, from, drop: from - v, repairedAt });
    }
  }
  ruptures.sort((a, b2) => a.at - b2.at || (a.kind < b2.kind ? -1 : 1));
  return { points, ruptures, sDiff };
}
