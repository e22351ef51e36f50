/**
 * `agree` and `eval` results as a table for `--out x.csv`/`x.tsv`: one row per number, in the
 * columns `statistic,label,value,ci95_low,ci95_high,note`. `statistic` is the number's path in the
 * `--json` object (`overall.cohen_kappa`, `macro.f1`, `icc.ICC2.F`); per-code and per-label numbers
 * carry the code in `label` (`per_code.precision`, label `question.open`); `note` holds why a value
 * is undefined. Lists (the confusion matrix, ids) are left to the JSON.
 * @module
 */
import { csvField } from "../io/csv.js";
import type { OutFormat } from "./_output.js";

/** The table's header. */
export const STATS_COLUMNS = [
  "statistic",
  "label",
  "value",
  "ci95_low",
  "ci95_high",
  "note",
] as const;

type Row = [string, string, string, string, string, string];

const num = (v: unknown): string => (typeof v === "number" && Number.isFinite(v) ? String(v) : "");

/** Keys whose values are maps from a label (a code) to that label's numbers. */
const BY_LABEL = new Set(["per_code", "per_class", "perCode"]);
/** Keys left to the JSON: lists and matrices, how the intervals were made. */
const SKIP = new Set([
  "confusion",
  "labels",
  "interval",
  "goldWithoutPrediction",
  "predictionWithoutGold",
]);

function walk(v: unknown, path: string, label: string, rows: Row[]): void {
  if (typeof v === "number" || v === null) {
    rows.push([path, label, num(v), "", "", ""]);
    return;
  }
  if (typeof v !== "object" || v === undefined || Array.isArray(v)) return;
  const o = v as Record<string, unknown>;
  if ("value" in o && (typeof o.value === "number" || o.value === null)) {
    const ci = Array.isArray(o.ci95) ? (o.ci95 as unknown[]) : [];
    const note =
      typeof o.reason === "string" ? o.reason : typeof o.ci_reason === "string" ? o.ci_reason : "";
    rows.push([path, label, num(o.value), num(ci[0]), num(ci[1]), note]);
    for (const [k, x] of Object.entries(o))
      if (!["value", "ci95", "reason", "ci_reason"].includes(k))
        walk(x, `${path}.${k}`, label, rows);
    return;
  }
  for (const [k, x] of Object.entries(o)) {
    if (SKIP.has(k)) continue;
    const p = path === "" ? k : `${path}.${k}`;
    if (BY_LABEL.has(k)) {
      const entries: [string, unknown][] = Array.isArray(x)
        ? (x as Record<string, unknown>[]).map((e) => [String(e.code ?? e.label ?? ""), e])
        : Object.entries((x ?? {}) as Record<string, unknown>);
      for (const [l, e] of entries)
        for (const [sk, sv] of Object.entries((e ?? {}) as Record<string, unknown>))
          if (sk !== "code") walk(sv, `${p}.${sk}`, l, rows);
      continue;
    }
    walk(x, p, label, rows);
  }
}

/** The rows of {@link STATS_COLUMNS} for a result object (as `--json` prints it). */
export function statsRows(result: unknown): Row[] {
  const rows: Row[] = [];
  walk(result, "", "", rows);
  return rows;
}

/**
 * A result as `--out` writes it: `.json` as `--json` prints it, `.jsonl` on one line, `.csv`/`.tsv`
 * the table of {@link statsRows}.
 */
export function formatStats(result: unknown, format: OutFormat): string {
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  if (format === "jsonl") return `${JSON.stringify(result)}\n`;
  const sep = format === "tsv" ? "\t" : ",";
  const cell = (x: string) => (format === "tsv" ? x.replace(/[\t\r\n]/g, " ") : csvField(x));
  return [[...STATS_COLUMNS], ...statsRows(result)]
    .map((r) => `${r.map(cell).join(sep)}\n`)
    .join("");
}
