import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { closest, columnsNote, looksLikeHeader } from "../../_internal/closest.js";
import {
  agreementSummary,
  type Categories,
  type ClassificationReport,
  type Coefficient,
  codingAgreement,
  type IccCoefficient,
  type IntervalMethod,
  labelAgreement,
  type Rating,
} from "../../agreement/index.js";
import { builtinCodebooks } from "../../codebook/builtin/index.js";
import { crosswalk } from "../../codebook/crosswalk.js";
import { findCode } from "../../codebook/hierarchy.js";
import { AgreementInputError } from "../../core/errors.js";
import type { Codebook, Coding } from "../../core/schemas.js";
import { builtinCodebook, codeAtDepth, codebooksWith } from "../_codebooks.js";
import { type CsvRecord, csvRecords, intArg, strArg } from "../_input.js";
import { applyMap, type LabelMap, labelMapOf, warnUnusedMap } from "../_label-map.js";
import { outFormatOf, writeOutput } from "../_output.js";
import { delayedProgress, type Progress } from "../_progress.js";
import { formatStats } from "../_stats-table.js";
import { jsonSafe, terminalSafe } from "../_text.js";
import { type CliIO, defineCommand, ioOf, UsageError } from "../io.js";

/**
 * `rapportkit agree`: inter-rater agreement and human-vs-classifier metrics.
 *
 * - `agree --matrix <ratings.csv>`: first column the item id, every other column a rater, an empty
 *   cell a missing rating. Prints percent agreement, Fleiss' kappa, Gwet's AC1, Krippendorff's alpha
 *   (nominal; ordinal/interval/ratio for numeric ratings), Cohen's kappa (exactly two raters), the
 *   six ICCs and Cronbach's alpha (numeric ratings).
 * - `agree --pairs <file.csv>`: gold and predicted labels, the file's two columns or those
 *   `--gold-column`/`--pred-column` name (a file of three or more columns without them is refused);
 *   classification metrics and Cohen's kappa.
 * - `agree <a.csv> <b.csv> [--by id]`: two coded files (`rapportkit code` output,
 *   `id,session,index,speaker,code,confidence,text`), aligned by `--by`; per-code and overall.
 *   Files whose codes belong to different built-in codebooks (AnnoMI's `change` against rapport's
 *   `change_talk`; or a `codebook` column saying so) are refused unless the options say how to
 *   compare them: `--codebook X` crosswalks both into X, `--depth N` compares codes at depth N
 *   (where the codebooks share those codes), `--map` maps labels.
 *
 * `--map` (pairs and coded files) maps labels before anything else: inline `from=to,…`, a CSV of
 * `from,to` rows or a JSON object. `--out` writes the `--json` object (.json, .jsonl) or a table
 * with one row per number (.csv, .tsv; see `_stats-table.ts`).
 *
 * Bootstrap intervals (`ci95`) are percentile intervals over `--resamples` resamples (default 1000,
 * 0 for none) with `--seed` (default 1). Two coded files with a `session` column resample whole
 * sessions (a cluster bootstrap, `--resample-by utterance` to resample utterances); `--matrix` and
 * `--pairs` resample items. The method is named in the output (`interval` in `--json`). No
 * intervals beyond `MAX_BOOTSTRAP_CATEGORIES` distinct labels (the values are still given). ICC
 * intervals are the analytic ones of Shrout & Fleiss / R psych. Printed tables list at most 50
 * labels or codes and the confusion table at most 30 labels (`--json` has everything). A progress
 * bar appears on stderr when resampling takes more than 2 s on a terminal.
 */

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Table {
  readonly file: string;
  readonly header: string[];
  /** Data rows with their 1-based line in the file. */
  readonly rows: { readonly cells: string[]; readonly line: number }[];
}

async function readCsvFile(io: CliIO, file: string): Promise<Table> {
  let text: string;
  try {
    text = await readFile(resolvePath(io.cwd, file), "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    const what =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : "cannot be read";
    throw new AgreementInputError([{ code: "invalid_input", path: [], file, message: what }]);
  }
  let records: CsvRecord[];
  try {
    records = csvRecords(text);
  } catch (e) {
    // csv-parse messages can quote cell content; report only its code and position.
    const err = e as { code?: string; lines?: number; column?: number };
    throw new AgreementInputError([
      {
        code: "bad_csv",
        path: [],
        file,
        ...(typeof err.lines === "number" ? { line: err.lines } : {}),
        message: `malformed CSV (${err.code ?? "parse error"})`,
      },
    ]);
  }
  const [head, ...rest] = records;
  if (!head)
    throw new AgreementInputError([
      { code: "bad_csv", path: [], file, message: "empty file: expected a header row" },
    ]);
  return {
    file,
    header: head.record.map((h) => h.trim()),
    rows: rest.map((r) => ({ cells: r.record.map((c) => c.trim()), line: r.line })),
  };
}

function located(
  t: Table,
  line: number,
  column: number | undefined,
  message: string,
): AgreementInputError {
  return new AgreementInputError([
    { code: "invalid_input", path: [], file: t.file, line, ...(column ? { column } : {}), message },
  ]);
}

/**
 * Writes the result to `--out` (in the format its extension names) or prints it as JSON with
 * `--json`; false when neither was asked for (the caller prints the text).
 */
async function emitted(
  io: CliIO,
  args: Record<string, unknown>,
  result: Record<string, unknown>,
): Promise<boolean> {
  const out = strArg(args, "out");
  if (out !== undefined) {
    await writeOutput(io, out, formatStats(result, outFormatOf(out, OUT_FORMATS, "json")));
    return true;
  }
  if (args.json) {
    io.out(`${jsonSafe(result, 2)}\n`);
    return true;
  }
  return false;
}

/** What `--out` can write: the `--json` object (.json, .jsonl) or a table of its numbers (.csv, .tsv). */
const OUT_FORMATS = ["csv", "tsv", "json", "jsonl"] as const;

/** Plain `{ value, reason?, ci95? }` for the JSON output. */
function plain(c: Coefficient): Record<string, unknown> {
  const out: Record<string, unknown> = { value: c.value };
  if (c.reason !== undefined) out.reason = c.reason;
  if (c.ci95) out.ci95 = [c.ci95[0], c.ci95[1]];
  return out;
}

/** Printed tables list at most this many labels or codes (`--json` has every one). */
const MAX_PRINTED_ROWS = 50;
/** The confusion table is printed for at most this many labels (`--json` has it always). */
const MAX_PRINTED_CONFUSION = 30;

/** The one-line note for rows left out of a printed table. */
function moreNote(shown: number, total: number, what: string): string {
  return total > shown
    ? `  … ${(total - shown).toLocaleString("en-US")} more ${what} not shown (at most ${MAX_PRINTED_ROWS} are printed; --json lists every one)\n`
    : "";
}

/** How the intervals were made, for `--json` (snake_case, as the rest of the output). */
function intervalJson(i: IntervalMethod): Record<string, unknown> {
  return {
    method: i.method,
    unit: i.unit,
    resamples: i.resamples,
    seed: i.seed,
    ...(i.clusters !== undefined ? { sessions: i.clusters } : {}),
    ...(i.note !== undefined ? { note: i.note } : {}),
  };
}

/** The resampling progress bar: on a terminal, after 2 s (`--progress` forces it, `--no-progress` hides it). */
function progressFor(io: CliIO, args: Record<string, unknown>, label: string, total: number) {
  if (args.progress === false) return delayedProgress({ ...io, isTTY: false }, label, 0);
  return delayedProgress(io, label, total, { force: args.progress === true });
}

/** The line naming how the intervals were made. */
function intervalLine(i: IntervalMethod | undefined): string {
  if (!i) return "";
  const what =
    i.unit === "session"
      ? `${i.clusters} sessions resampled with all their utterances (cluster bootstrap)`
      : "utterances resampled as independent";
  return `  95% intervals: percentile bootstrap, ${i.resamples} resamples, ${what}, seed ${i.seed}${
    i.note ? `\n  ${i.note}` : ""
  }\n`;
}

function parseCategories(raw: unknown, numeric: boolean): Categories | undefined {
  if (raw === undefined || raw === "" || raw === true) return undefined;
  const list = String(raw)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (list.length === 0) throw new UsageError("--categories needs a comma-separated list");
  if (new Set(list).size !== list.length)
    throw new UsageError("--categories lists a category twice");
  return numeric && list.every((s) => NUMBER.test(s)) ? list.map(Number) : list;
}

function intOption(raw: unknown, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const s = String(raw);
  if (!/^\d+$/.test(s) || Number(s) < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return Number(s);
}

function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return "—";
  const s = v.toFixed(digits);
  return Number(s) === 0 ? s.replace("-", "") : s;
}

function coefficientLine(name: string, c: Record<string, unknown>): string {
  const value = c.value as number | null;
  const ci = c.ci95 as [number, number] | undefined;
  const tail =
    value === null
      ? `  (${String(c.reason)})`
      : ci
        ? `  95% CI [${fmt(ci[0])}, ${fmt(ci[1])}]`
        : "";
  return `  ${name.padEnd(32)} ${fmt(value).padStart(8)}${tail}\n`;
}

// -------------------------------------------------------------------------------------------
// --matrix

async function runMatrix(
  io: CliIO,
  file: string,
  args: Record<string, unknown>,
  resamplesAsked: number,
  seed: number,
) {
  const t = await readCsvFile(io, file);
  if (t.header.length < 3)
    throw located(t, 1, undefined, "expected an item column and at least two rater columns");
  const raw = t.rows.map((r) => r.cells.slice(1));
  let nMissing = 0;
  let numeric = true;
  for (const row of raw)
    for (const c of row) {
      if (c === "") nMissing++;
      else if (!NUMBER.test(c)) numeric = false;
    }
  if (t.rows.length === 0)
    throw located(t, 1, undefined, "no items: expected rows after the header");
  const categories = parseCategories(args.categories, numeric);
  if (categories && numeric && categories.some((c) => typeof c === "string")) numeric = false;
  const m: Rating[][] = raw.map((row) =>
    row.map((c) => (c === "" ? null : numeric ? Number(c) : c)),
  );
  if (categories) {
    const set = new Set<string | number>(categories);
    for (const [i, r] of t.rows.entries()) {
      const row = m[i] as Rating[];
      for (const [j, v] of row.entries())
        if (v !== null && v !== undefined && !set.has(v))
          throw located(
            t,
            r.line,
            j + 2,
            `rating in column '${t.header[j + 1]}' is not one of --categories`,
          );
    }
  }
  const level = args.level === undefined ? undefined : String(args.level);
  if (level !== undefined && !["nominal", "ordinal", "interval", "ratio"].includes(level))
    throw new UsageError("--level must be nominal, ordinal, interval or ratio");
  if ((level === "interval" || level === "ratio") && !numeric)
    throw new AgreementInputError([
      { code: "invalid_input", path: [], file, message: `--level ${level} needs numeric ratings` },
    ]);
  if (level === "ordinal" && !numeric && !categories)
    throw new AgreementInputError([
      {
        code: "invalid_input",
        path: [],
        file,
        message: "--level ordinal on labels needs --categories in order",
      },
    ]);

  const levels =
    level !== undefined ? [level as "nominal" | "ordinal" | "interval" | "ratio"] : undefined;
  // The bar is made when resampling starts, with the total over all the coefficients.
  let progress: Progress | undefined;
  const summary = agreementSummary(m, {
    ...(categories ? { categories } : {}),
    ...(levels ? { levels } : {}),
    resamples: resamplesAsked,
    seed,
    onProgress: (done, total) => {
      progress ??= progressFor(io, args, "bootstrap", total);
      progress.update(done);
    },
  });
  progress?.done();
  const out: Record<string, unknown> = {
    percent_agreement: plain(summary.percentAgreement),
    fleiss_kappa: plain(summary.fleissKappa),
    gwet_ac1: plain(summary.gwetAc1),
  };
  const alpha: Record<string, unknown> = {};
  for (const [l, c] of Object.entries(summary.krippendorffAlpha)) alpha[l] = plain(c);
  out.krippendorff_alpha = alpha;
  if (summary.cohenKappa) {
    const ck: Record<string, unknown> = {};
    for (const [w, c] of Object.entries(summary.cohenKappa)) ck[w] = plain(c);
    out.cohen_kappa = ck;
  }
  let iccDropped = 0;
  if (summary.icc) {
    const r = summary.icc;
    const iccOut: Record<string, unknown> = {};
    for (const f of ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"] as const) {
      const c: IccCoefficient = r[f];
      iccOut[f] = {
        ...plain(c),
        ...(c.ciReason !== undefined ? { ci_reason: c.ciReason } : {}),
        F: c.F,
        df1: c.df1,
        df2: c.df2,
        p: c.p,
      };
    }
    out.icc = iccOut;
    iccDropped = r.nDropped;
  }
  if (summary.cronbachAlpha) out.cronbach_alpha = plain(summary.cronbachAlpha);
  const intervalNote =
    summary.interval && "note" in summary.interval ? summary.interval.note : undefined;
  const resamples =
    summary.interval && "resamples" in summary.interval ? summary.interval.resamples : 0;
  if (summary.interval) out.interval = summary.interval;
  if (await emitted(io, args, out)) return;
  let s = `${file}: ${m.length} items × ${t.header.length - 1} raters, ${nMissing} missing ratings${
    numeric ? ", numeric" : ""
  }\n\n`;
  s += coefficientLine("percent agreement", out.percent_agreement as Record<string, unknown>);
  s += coefficientLine("Fleiss' kappa", out.fleiss_kappa as Record<string, unknown>);
  s += coefficientLine("Gwet's AC1", out.gwet_ac1 as Record<string, unknown>);
  for (const [l, c] of Object.entries(alpha))
    s += coefficientLine(`Krippendorff's alpha (${l})`, c as Record<string, unknown>);
  if (out.cohen_kappa)
    for (const [w, c] of Object.entries(out.cohen_kappa as Record<string, unknown>))
      s += coefficientLine(`Cohen's kappa (${w})`, c as Record<string, unknown>);
  if (out.icc) {
    s += `\n  ${"ICC".padEnd(6)} ${"value".padStart(8)} ${"F".padStart(8)} ${"df1".padStart(5)} ${"df2".padStart(7)} ${"p".padStart(9)}   95% CI\n`;
    for (const [f, c] of Object.entries(out.icc as Record<string, Record<string, unknown>>)) {
      const ci = c.ci95 as [number, number] | undefined;
      s += `  ${f.padEnd(6)} ${fmt(c.value as number | null).padStart(8)} ${fmt(c.F as number | null, 3).padStart(8)} ${String(c.df1).padStart(5)} ${fmt(c.df2 as number, 0).padStart(7)} ${fmt(c.p as number | null, 5).padStart(9)}   ${
        ci
          ? `[${fmt(ci[0])}, ${fmt(ci[1])}]`
          : c.value === null
            ? `(${String(c.reason)})`
            : c.ci_reason !== undefined
              ? `(${String(c.ci_reason)})`
              : ""
      }\n`;
    }
    if (iccDropped > 0)
      s += `  (ICC: ${iccDropped} items with a missing rating left out, as R psych does)\n`;
    s += coefficientLine("Cronbach's alpha", out.cronbach_alpha as Record<string, unknown>);
  }
  if (intervalNote) s += `\n  ${intervalNote}\n`;
  else if (resamples > 0)
    s += `\n  95% intervals: percentile bootstrap, ${resamples} resamples of the items, seed ${seed}\n`;
  if (!numeric && out.cohen_kappa && !categories)
    s +=
      "\n  note: weighted kappa on labels uses their alphabetical order; pass --categories to set the scale\n";
  io.out(s);
}

// -------------------------------------------------------------------------------------------
// --pairs

function reportJson(r: ClassificationReport): Record<string, unknown> {
  const perClass: Record<string, unknown> = Object.create(null);
  for (const [label, c] of Object.entries(r.perClass))
    perClass[label] = { precision: c.precision, recall: c.recall, f1: c.f1, support: c.support };
  return {
    accuracy: r.accuracy,
    macro: r.macro,
    micro: r.micro,
    weighted: r.weighted,
    per_class: perClass,
    // The dense matrix up to MAX_DENSE_CATEGORIES labels; beyond, null and the non-zero cells.
    confusion:
      r.confusion.matrix !== null
        ? { labels: r.confusion.labels, matrix: r.confusion.matrix }
        : { labels: r.confusion.labels, matrix: null, cells: r.confusion.cells },
  };
}

function reportText(r: ClassificationReport): string {
  // The confusion matrix's labels, so the per-class rows and the matrix rows always match.
  const keys = r.confusion.labels.map(String);
  // Labels come from the input: escaped before they reach a terminal.
  const labels = keys.map(terminalSafe);
  const shown = labels.slice(0, MAX_PRINTED_ROWS);
  const w = Math.max(12, ...shown.map((l) => l.length));
  let s = `  ${"label".padEnd(w)} ${"precision".padStart(9)} ${"recall".padStart(9)} ${"f1".padStart(9)} ${"support".padStart(8)}\n`;
  for (const [i, l] of shown.entries()) {
    const c = r.perClass[keys[i] as string];
    if (!c) continue;
    s += `  ${l.padEnd(w)} ${fmt(c.precision).padStart(9)} ${fmt(c.recall).padStart(9)} ${fmt(c.f1).padStart(9)} ${String(c.support).padStart(8)}\n`;
  }
  s += moreNote(shown.length, labels.length, "labels");
  for (const avg of ["macro", "micro", "weighted"] as const)
    s += `  ${`${avg} avg`.padEnd(w)} ${fmt(r[avg].precision).padStart(9)} ${fmt(r[avg].recall).padStart(9)} ${fmt(r[avg].f1).padStart(9)} ${String(r.nUsed).padStart(8)}\n`;
  s += `  ${"accuracy".padEnd(w)} ${fmt(r.accuracy).padStart(9)}\n`;
  const undef = r.undefinedRatios;
  if (undef.length > 0)
    s += `  (— is 0/0, undefined: ${undef.slice(0, 10).map(terminalSafe).join(", ")}${
      undef.length > 10 ? `, and ${(undef.length - 10).toLocaleString("en-US")} more` : ""
    })\n`;
  const matrix = r.confusion.matrix;
  if (matrix === null || labels.length > MAX_PRINTED_CONFUSION) {
    s += `\n  confusion table not printed: ${labels.length.toLocaleString("en-US")} labels, more than ${MAX_PRINTED_CONFUSION} (--json has it)\n`;
    return s;
  }
  s += "\n  confusion (rows gold, columns predicted)\n";
  const cw = Math.max(6, ...labels.map((l) => l.length));
  s += `  ${"".padEnd(w)} ${labels.map((l) => l.padStart(cw)).join(" ")}\n`;
  matrix.forEach((row, i) => {
    s += `  ${String(labels[i]).padEnd(w)} ${row.map((x) => String(x).padStart(cw)).join(" ")}\n`;
  });
  return s;
}

/** The index of the column named `name` (trimmed, case-insensitive), or -1. */
function columnIndex(header: readonly string[], name: string): number {
  const want = name.trim().toLowerCase();
  return header.findIndex((h) => h.trim().toLowerCase() === want);
}

/**
 * The gold and predicted columns of a `--pairs` file: the two columns of a two-column file, or the
 * ones `--gold-column`/`--pred-column` name. A file of three or more columns without them is
 * refused: which two hold the labels cannot be told.
 */
function pairColumns(t: Table, args: Record<string, unknown>): [number, number] {
  const goldName = strArg(args, "gold-column");
  const predName = strArg(args, "pred-column");
  const find = (name: string, option: string): number => {
    const i = columnIndex(t.header, name);
    if (i >= 0) return i;
    const near = looksLikeHeader(t.header) ? closest(name, t.header) : undefined;
    throw located(
      t,
      1,
      undefined,
      `no column ${JSON.stringify(name)} (${option})${near === undefined ? "" : `; did you mean ${JSON.stringify(near.trim())}?`}${columnsNote(t.header)}`,
    );
  };
  const gold = goldName === undefined ? undefined : find(goldName, "--gold-column");
  const pred = predName === undefined ? undefined : find(predName, "--pred-column");
  if (gold !== undefined && gold === pred)
    throw new UsageError("--gold-column and --pred-column name the same column");
  if (t.header.length === 2) {
    if (gold !== undefined) return [gold, pred ?? 1 - gold];
    if (pred !== undefined) return [1 - pred, pred];
    return [0, 1];
  }
  if (gold !== undefined && pred !== undefined) return [gold, pred];
  const missing =
    gold === undefined && pred === undefined
      ? "--gold-column and --pred-column"
      : gold === undefined
        ? "--gold-column"
        : "--pred-column";
  throw new UsageError(
    `--pairs ${t.file}: ${t.header.length} columns, so which hold the gold and the predicted labels is ambiguous; name them with ${missing}${columnsNote(t.header)}`,
  );
}

async function runPairs(
  io: CliIO,
  file: string,
  args: Record<string, unknown>,
  resamples: number,
  seed: number,
) {
  const t = await readCsvFile(io, file);
  if (t.header.length < 2)
    throw located(t, 1, undefined, "expected two columns: gold and predicted labels");
  const [gi, pi] = pairColumns(t, args);
  const cell = (r: { cells: string[] }, i: number) => r.cells[i] ?? "";
  const mapped = await labelMapOf(args, io);
  const pairs = t.rows
    .filter((r) => cell(r, gi) !== "" && cell(r, pi) !== "")
    .map((r) => ({
      line: r.line,
      cells: [applyMap(mapped, cell(r, gi)), applyMap(mapped, cell(r, pi))],
    }));
  const used = pairs;
  const dropped = t.rows.length - used.length;
  if (used.length === 0)
    throw located(t, 1, undefined, "no row has both a gold and a predicted label");
  const numeric = used.every((r) => NUMBER.test(r.cells[0] ?? "") && NUMBER.test(r.cells[1] ?? ""));
  const labels = parseCategories(args.categories, numeric);
  const asLabel = (c: string): string | number =>
    numeric && (!labels || labels.every((l) => typeof l === "number")) ? Number(c) : c;
  const gold = used.map((r) => asLabel(r.cells[0] as string));
  const pred = used.map((r) => asLabel(r.cells[1] as string));
  if (labels) {
    const set = new Set<string | number>(labels);
    used.forEach((r, i) => {
      if (!set.has(gold[i] as string | number))
        throw located(t, r.line, gi + 1, "gold label is not one of --categories");
      if (!set.has(pred[i] as string | number))
        throw located(t, r.line, pi + 1, "predicted label is not one of --categories");
    });
  }
  const progress = progressFor(io, args, "bootstrap", resamples);
  const ps = labelAgreement(gold, pred, {
    ...(labels ? { labels } : {}),
    resamples,
    seed,
    onProgress: (done) => progress.update(done),
  });
  progress.done();
  const report = ps.classification;
  warnUnusedMap(mapped, io);
  const ck: Record<string, unknown> = {
    unweighted: plain(ps.cohenKappa.unweighted),
    linear: plain(ps.cohenKappa.linear),
    quadratic: plain(ps.cohenKappa.quadratic),
  };
  const out = {
    ...reportJson(report),
    cohen_kappa: ck,
    n_used: used.length,
    n_dropped_missing: dropped,
    ...(ps.interval ? { interval: intervalJson(ps.interval) } : {}),
  };
  if (await emitted(io, args, out)) return;
  let s = `${file}: ${used.length} pairs used (gold '${t.header[gi]}', predicted '${t.header[pi]}'), ${dropped} left out for a missing label\n\n`;
  s += reportText(report);
  s += "\n";
  for (const [w, c] of Object.entries(ck))
    s += coefficientLine(`Cohen's kappa (${w})`, c as Record<string, unknown>);
  s += intervalLine(ps.interval);
  io.out(s);
}

// -------------------------------------------------------------------------------------------
// two coded files

/** One coded file: its codings (labels mapped), their lines, and the codebook it records. */
interface CodedFile {
  readonly table: Table;
  readonly codings: Coding[];
  /** The line and column of each utterance's code (for messages). */
  readonly where: Map<string, [line: number, column: number]>;
  /** The value of a `codebook` column, when the file has one with one value. */
  readonly recorded: string | undefined;
}

async function readCoded(
  io: CliIO,
  file: string,
  by: string,
  sessions: Map<string, string>,
  mapped: LabelMap | undefined,
): Promise<CodedFile> {
  const t = await readCsvFile(io, file);
  const key = t.header.indexOf(by);
  const code = t.header.indexOf("code");
  const cbCol = t.header.indexOf("codebook");
  // The session of each utterance, when the file has a `session` column (the cluster bootstrap).
  const session = by === "session" ? -1 : t.header.indexOf("session");
  if (key < 0) throw located(t, 1, undefined, `missing column '${by}' (the --by key)`);
  if (code < 0) throw located(t, 1, undefined, "missing column 'code'");
  const seen = new Map<string, number>();
  const out: Coding[] = [];
  const where = new Map<string, [number, number]>();
  const recorded = new Set<string>();
  for (const r of t.rows) {
    const id = r.cells[key] ?? "";
    const c = r.cells[code] ?? "";
    if (id === "") throw located(t, r.line, key + 1, `empty '${by}'`);
    const prev = seen.get(id);
    if (prev !== undefined)
      throw located(
        t,
        r.line,
        key + 1,
        `'${by}' ${JSON.stringify(id)} repeats line ${prev}: one code per utterance`,
      );
    seen.set(id, r.line);
    const sid = session >= 0 ? (r.cells[session] ?? "") : "";
    if (sid !== "") {
      const known = sessions.get(id);
      if (known !== undefined && known !== sid)
        throw located(
          t,
          r.line,
          session + 1,
          `'${by}' ${JSON.stringify(id)} is in session ${JSON.stringify(sid)} here but ${JSON.stringify(known)} in the first file`,
        );
      sessions.set(id, sid);
    }
    if (c === "") continue; // uncoded: the utterance only counts if the other file coded it
    if (cbCol >= 0 && (r.cells[cbCol] ?? "") !== "") recorded.add(r.cells[cbCol] as string);
    out.push({ utteranceId: id, codeId: applyMap(mapped, c), source: file, confidence: 1 });
    where.set(id, [r.line, code + 1]);
  }
  return {
    table: t,
    codings: out,
    where,
    recorded: recorded.size === 1 ? [...recorded][0] : undefined,
  };
}

/** The codebooks a file's codes may be in: the one it records, else those that have every code. */
function codebooksOf(f: CodedFile): string[] {
  if (f.recorded !== undefined && builtinCodebook(f.recorded)) return [f.recorded];
  return codebooksWith(f.codings.map((c) => c.codeId));
}

/**
 * Brings two coded files' codes into one label set, as the options say: `--codebook X` crosswalks
 * each file into X, `--depth N` rolls codes up to depth N. Two files whose codes belong to
 * different built-in codebooks, with no mapping given, are refused: their kappa would compare
 * labels of two schemes as if they were one.
 */
function harmonise(
  io: CliIO,
  files: [CodedFile, CodedFile],
  args: Record<string, unknown>,
  mapped: LabelMap | undefined,
): [Coding[], Coding[]] {
  const target = strArg(args, "codebook");
  const depth = intArg(args, "depth", 0);
  const targetCb = target === undefined ? undefined : builtinCodebook(target);
  if (target !== undefined && !targetCb)
    throw new UsageError(
      `--codebook must be one of ${Object.keys(builtinCodebooks).join(", ")} (the codebook both files are compared in)`,
    );
  const out = files.map((f) => {
    let codings = f.codings;
    let cb: Codebook | undefined = builtinCodebook(codebooksOf(f)[0] ?? "");
    if (targetCb) {
      const from = codebooksOf(f);
      if (!from.includes(targetCb.id)) {
        const source = builtinCodebook(from[0] ?? "");
        if (!source) {
          const bad = f.codings.find((c) => !findCode(targetCb, c.codeId));
          const at = bad ? f.where.get(bad.utteranceId) : undefined;
          throw located(
            f.table,
            at?.[0] ?? 1,
            at?.[1],
            `code ${JSON.stringify(bad?.codeId.slice(0, 60) ?? "")} is not in codebook '${targetCb.id}', and the file's codes are not those of one built-in codebook, so they cannot be crosswalked; map them with --map from=to`,
          );
        }
        const r = crosswalk(codings, source, targetCb);
        if (r.unmapped.length > 0)
          io.err(
            `rapportkit: note: ${terminalSafe(f.table.file)}: ${r.unmapped.length} coding(s) have no counterpart in '${targetCb.id}' (${[
              ...new Set(r.unmapped.map((u) => terminalSafe(u.from))),
            ]
              .slice(0, 8)
              .join(", ")}); left out\n`,
          );
        io.err(
          `rapportkit: note: ${terminalSafe(f.table.file)}: codes crosswalked from '${source.id}' to '${targetCb.id}'\n`,
        );
        codings = r.codings;
      }
      cb = targetCb;
    }
    if (depth !== undefined) {
      const at = cb;
      codings = codings.map((c) => ({ ...c, codeId: codeAtDepth(at, c.codeId, depth) }));
    }
    return codings;
  }) as [Coding[], Coding[]];
  if (targetCb) return out;
  if (mapped) {
    // A mapping given: the user said how to compare. A partial one still leaves codes of one file
    // outside the other's codebook: say which, once.
    for (const k of [0, 1] as const) {
      const other = codebooksWith(out[1 - k]?.map((c) => c.codeId) ?? []);
      const cb = builtinCodebook(other[0] ?? "");
      if (!cb || codebooksWith(out[k].map((c) => c.codeId)).includes(cb.id)) continue;
      const foreign = [...new Set(out[k].map((c) => c.codeId))].filter((c) => !findCode(cb, c));
      if (foreign.length === 0) continue;
      io.err(
        `rapportkit: warning: ${terminalSafe(files[k].table.file)}: after ${terminalSafe(mapped.origin)}, ${foreign.length} code(s) are not in '${cb.id}', the codebook of ${terminalSafe((files[1 - k] as CodedFile).table.file)} (${foreign
          .slice(0, 6)
          .map((c) => terminalSafe(JSON.stringify(c.slice(0, 40))))
          .join(", ")}); they count as disagreements\n`,
      );
    }
    return out;
  }
  const [ca, cbs] = [
    codebooksWith(out[0].map((c) => c.codeId)),
    codebooksWith(out[1].map((c) => c.codeId)),
  ];
  const [ra, rb] = files.map((f) =>
    f.recorded !== undefined && builtinCodebook(f.recorded) ? f.recorded : undefined,
  );
  const la = ra !== undefined && depth === undefined ? [ra] : ca;
  const lb = rb !== undefined && depth === undefined ? [rb] : cbs;
  if (la.length > 0 && lb.length > 0 && !la.some((id) => lb.includes(id))) {
    const [fa, fb] = files.map((f) => f.table.file);
    // --depth 0 is offered only when the two codebooks share their top-level codes for these files.
    const top = (codes: Coding[], ids: string[]) =>
      codebooksWith(codes.map((c) => codeAtDepth(builtinCodebook(ids[0] ?? ""), c.codeId, 0)));
    const ta = top(out[0], la);
    const tb = top(out[1], lb);
    const depthHelps = depth === undefined && ta.some((id) => tb.includes(id));
    throw new AgreementInputError([
      {
        code: "invalid_input",
        path: [],
        message: `${fa} and ${fb} are coded with different codebooks (${fa}: ${la.join("/")}; ${fb}: ${lb.join("/")})${depth === undefined ? "" : `, even at --depth ${depth}`}, so their codes cannot be compared as they are; say how to map them: --codebook ${lb[0]} (crosswalk both into one codebook)${depthHelps ? ", --depth 0 (compare the top-level codes they share)" : ""} or --map from=to,… (a label mapping)`,
      },
    ]);
  }
  return out;
}

async function runCoded(
  io: CliIO,
  fa: string,
  fb: string,
  args: Record<string, unknown>,
  resamples: number,
  seed: number,
) {
  const by = args.by === undefined ? "id" : String(args.by);
  if (by === "" || by === "text")
    throw new UsageError("--by must name an id column (utterance text is never used as a key)");
  const labels = parseCategories(args.categories, false) as string[] | undefined;
  const resampleBy = args["resample-by"] === undefined ? undefined : String(args["resample-by"]);
  if (resampleBy !== undefined && resampleBy !== "session" && resampleBy !== "utterance")
    throw new UsageError("--resample-by must be session or utterance");
  const mapped = await labelMapOf(args, io);
  const sessions = new Map<string, string>();
  const fileA = await readCoded(io, fa, by, sessions, mapped);
  const fileB = await readCoded(io, fb, by, sessions, mapped);
  const [a, b] = harmonise(io, [fileA, fileB], args, mapped);
  warnUnusedMap(mapped, io);
  if (labels) {
    const set = new Set(labels);
    for (const [f, cs] of [
      [fileA, a],
      [fileB, b],
    ] as const)
      for (const c of cs)
        if (!set.has(c.codeId)) {
          const at = f.where.get(c.utteranceId);
          throw located(f.table, at?.[0] ?? 1, at?.[1], "code is not one of --categories");
        }
  }
  if (
    resampleBy === "session" &&
    resamples > 0 &&
    a.concat(b).some((c) => !sessions.has(c.utteranceId))
  )
    throw new UsageError(
      "--resample-by session needs a 'session' column giving every utterance's session",
    );
  const progress = progressFor(io, args, "bootstrap", resamples);
  const r = codingAgreement(a, b, {
    resamples,
    seed,
    ...(labels ? { labels } : {}),
    ...(sessions.size > 0 ? { sessionOf: (id: string) => sessions.get(id) } : {}),
    ...(resampleBy ? { resampleBy: resampleBy as "session" | "utterance" } : {}),
    onProgress: (done) => progress.update(done),
  });
  progress.done();
  const cls = r.overall.classification;
  const perCode: Record<string, unknown> = Object.create(null);
  for (const [label, c] of Object.entries(r.perCode))
    perCode[label] = {
      cohen_kappa: plain(c.kappa),
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      support: c.support,
      predicted: c.predicted,
    };
  const out = {
    n_used: r.nUsed,
    only_a: r.onlyA,
    only_b: r.onlyB,
    overall: {
      percent_agreement: plain(r.overall.percentAgreement),
      cohen_kappa: plain(r.overall.cohenKappa),
      krippendorff_alpha: { nominal: plain(r.overall.krippendorffAlpha) },
      gwet_ac1: plain(r.overall.gwetAc1),
      ...(cls ? reportJson(cls) : {}),
    },
    per_code: perCode,
    ...(r.interval ? { interval: intervalJson(r.interval) } : {}),
  };
  if (await emitted(io, args, out)) return;
  let s = `${fa} vs ${fb} (by '${by}'): ${r.nUsed} utterances coded in both, ${r.onlyA.length} only in the first, ${r.onlyB.length} only in the second\n\n`;
  s += coefficientLine("percent agreement", out.overall.percent_agreement);
  s += coefficientLine("Cohen's kappa", out.overall.cohen_kappa);
  s += coefficientLine("Krippendorff's alpha (nominal)", out.overall.krippendorff_alpha.nominal);
  s += coefficientLine("Gwet's AC1", out.overall.gwet_ac1);
  s += intervalLine(r.interval);
  const allCodes = Object.keys(r.perCode);
  const codes = allCodes.slice(0, MAX_PRINTED_ROWS);
  if (codes.length > 0) {
    const w = Math.max(10, ...codes.map((c) => terminalSafe(c).length));
    s += `\n  per code (each against the rest; the first file as reference)\n`;
    s += `  ${"code".padEnd(w)} ${"kappa".padStart(8)} ${"precision".padStart(9)} ${"recall".padStart(9)} ${"f1".padStart(9)} ${"n first".padStart(8)} ${"n second".padStart(8)}\n`;
    for (const c of codes) {
      const x = r.perCode[c];
      if (!x) continue;
      s += `  ${terminalSafe(c).padEnd(w)} ${fmt(x.kappa.value).padStart(8)} ${fmt(x.precision).padStart(9)} ${fmt(x.recall).padStart(9)} ${fmt(x.f1).padStart(9)} ${String(x.support).padStart(8)} ${String(x.predicted).padStart(8)}\n`;
    }
    s += moreNote(codes.length, allCodes.length, "codes");
  }
  if (cls) s += `\n${reportText(cls)}`;
  io.out(s);
}

export default defineCommand({
  meta: {
    name: "agree",
    description:
      "Agreement between raters (--matrix), gold vs predicted labels (--pairs), or two coded files (<a.csv> <b.csv>).",
  },
  args: {
    a: { type: "positional", required: false, description: "first coded CSV (reference)" },
    b: { type: "positional", required: false, description: "second coded CSV" },
    matrix: { type: "string", description: "ratings CSV: item id, then one column per rater" },
    pairs: {
      type: "string",
      description:
        "CSV of gold and predicted labels (its two columns, or --gold-column/--pred-column)",
    },
    "gold-column": { type: "string", description: "--pairs: the column of gold labels" },
    "pred-column": { type: "string", description: "--pairs: the column of predicted labels" },
    map: {
      type: "string",
      description: "map labels first: from=to,… or a .csv (from,to rows) or .json file",
    },
    codebook: {
      type: "string",
      description:
        "two coded files: compare in this codebook (rapport|annomi|miti-4.2.1), crosswalking",
    },
    depth: {
      type: "string",
      description: "two coded files: compare codes at this depth of the hierarchy (0: top level)",
    },
    categories: {
      type: "string",
      description: "ordered, comma-separated categories (the scale for weighted statistics)",
    },
    level: {
      type: "string",
      description: "Krippendorff's alpha level: nominal|ordinal|interval|ratio",
    },
    by: { type: "string", description: "column that aligns two coded files (default: id)" },
    resamples: {
      type: "string",
      description: "bootstrap resamples for the 95% intervals (default 1000; 0 for none)",
    },
    seed: { type: "string", description: "bootstrap seed (default 1)" },
    "resample-by": {
      type: "string",
      description:
        "session|utterance: what the bootstrap resamples (default: session, given a session column)",
    },
    progress: {
      type: "boolean",
      description: "progress bar on stderr after 2 s (default: on a terminal)",
    },
    json: { type: "boolean", description: "print JSON" },
    out: {
      type: "string",
      description: "write to FILE: .json/.jsonl as --json; .csv/.tsv a table, one row per number",
    },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const positionals = ((args._ as unknown[]) ?? []).map(String);
    const resamples = intOption(args.resamples, "resamples", 1000, 0);
    const seed = intOption(args.seed, "seed", 1, 0);
    const modes = [
      args.matrix !== undefined,
      args.pairs !== undefined,
      positionals.length > 0,
    ].filter(Boolean).length;
    if (modes !== 1)
      throw new UsageError(
        "give exactly one of --matrix <file>, --pairs <file>, or two coded files <a.csv> <b.csv>",
      );
    const out = strArg(args, "out");
    // An --out the command cannot write is refused before any work.
    if (out !== undefined) outFormatOf(out, OUT_FORMATS, "json");
    const pairsOnly = ["gold-column", "pred-column"].filter((o) => strArg(args, o) !== undefined);
    if (args.pairs === undefined && pairsOnly.length > 0)
      throw new UsageError(`--${pairsOnly[0]} applies to --pairs only`);
    const codedOnly = ["codebook", "depth"].filter((o) => strArg(args, o) !== undefined);
    if (positionals.length === 0 && codedOnly.length > 0)
      throw new UsageError(`--${codedOnly[0]} applies to two coded files only`);
    if (args.matrix !== undefined) {
      if (args.by !== undefined) throw new UsageError("--by applies to two coded files only");
      if (args.map !== undefined)
        throw new UsageError("--map applies to --pairs and two coded files");
      await runMatrix(io, String(args.matrix), args, resamples, seed);
    } else if (args.pairs !== undefined) {
      if (args.by !== undefined || args.level !== undefined)
        throw new UsageError("--by and --level do not apply to --pairs");
      await runPairs(io, String(args.pairs), args, resamples, seed);
    } else {
      if (positionals.length !== 2)
        throw new UsageError("two coded files are needed: <a.csv> <b.csv>");
      if (args.level !== undefined) throw new UsageError("--level applies to --matrix only");
      await runCoded(io, positionals[0] as string, positionals[1] as string, args, resamples, seed);
    }
    return 0;
  },
});
