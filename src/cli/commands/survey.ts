import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type Issue, ScoreInputError } from "../../core/errors.js";
import {
  BUILTIN_INSTRUMENTS,
  defineInstrument,
  type Instrument,
  type InstrumentInput,
  type InstrumentScore,
  scoreInstrument,
  withCutoffs,
} from "../../score/index.js";
import { type CsvRecord, csvRecords } from "../_input.js";
import { jsonSafe } from "../_text.js";
import { type CliIO, defineCommand, InputError, ioOf, UsageError } from "../io.js";

/** An item column: `3`, `item3`, `item_3`, `q3` or `Q3` (case-insensitive) → 3. */
function itemNumberOf(header: string): number | undefined {
  const h = header.trim().toLowerCase();
  let i = 0;
  if (h.startsWith("item")) i = 4;
  else if (h.startsWith("q")) i = 1;
  if (h[i] === "_" || h[i] === " ") i++;
  const digits = h.slice(i);
  if (digits.length === 0 || digits.length > 4) return undefined;
  for (const ch of digits) if (ch < "0" || ch > "9") return undefined;
  return Number(digits);
}

async function loadInstrument(spec: string, io: CliIO): Promise<Instrument> {
  const builtin = Object.hasOwn(BUILTIN_INSTRUMENTS, spec) ? BUILTIN_INSTRUMENTS[spec] : undefined;
  if (builtin) return builtin;
  if (!spec.toLowerCase().endsWith(".json"))
    throw new UsageError(
      `--instrument must be one of ${Object.keys(BUILTIN_INSTRUMENTS).join(", ")} or a .json scoring key`,
    );
  const text = await readFile(resolve(io.cwd, spec), "utf8");
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new InputError(`${spec}: not valid JSON (expected a scoring key object)`);
  }
  try {
    return defineInstrument(obj as InstrumentInput);
  } catch (e) {
    if (e instanceof ScoreInputError)
      throw new ScoreInputError(e.issues.map((i) => ({ ...i, file: spec })));
    throw e;
  }
}

interface Row {
  readonly line: number;
  readonly fields: Record<string, string>;
  readonly result: InstrumentScore;
}

/**
 * `rapportkit survey <answers.csv> --instrument wai-sr|srs|haq-ii|<key.json> [--json]`: scores
 * one questionnaire administration per CSV row. Item columns are `1`…`n` (or `item1`, `q1`);
 * every other column (an id, a date, a session) is carried into the output. An empty cell is a
 * missing answer (prorated where the instrument allows). Errors name file:line:column.
 */
export default defineCommand({
  meta: {
    name: "survey",
    description: "Score alliance questionnaires (WAI-SR, SRS, HAq-II, or your own scoring key).",
  },
  args: {
    input: {
      type: "positional",
      required: true,
      description: "answers CSV, one row per administration (- for stdin)",
    },
    instrument: {
      type: "string",
      required: true,
      description: `scoring key: ${Object.keys(BUILTIN_INSTRUMENTS).join("|")} or a .json file`,
    },
    cutoff: {
      type: "string",
      description:
        "flag totals at or below this value (replaces the instrument's cut-offs; SRS default 36)",
    },
    json: { type: "boolean", description: "print a JSON array, one object per row" },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const path = String(args.input ?? "");
    if (!path) throw new UsageError("missing answers file (a path, or - for stdin)");
    if (args.instrument === undefined || args.instrument === true)
      throw new UsageError("--instrument is required (wai-sr, srs, haq-ii or a .json scoring key)");
    let instrument = await loadInstrument(String(args.instrument), io);
    if (args.cutoff !== undefined) {
      const c = Number(args.cutoff);
      if (!Number.isFinite(c)) throw new UsageError("--cutoff must be a number");
      instrument = withCutoffs(instrument, [
        {
          id: "concern",
          scale: "total",
          when: "atOrBelow",
          value: c,
          label: `total at or below ${c}`,
        },
      ]);
    }
    let text: string;
    if (path === "-") {
      if (!io.stdin) throw new InputError("reading standard input is not available here");
      text = await io.stdin();
    } else text = await readFile(resolve(io.cwd, path), "utf8");
    const file = path === "-" ? "<stdin>" : path;
    let records: CsvRecord[];
    try {
      records = csvRecords(text);
    } catch (e) {
      const m = e as { lines?: number; message?: string; code?: string };
      throw new InputError(`${file}:${m.lines ?? 1}: not valid CSV (${m.code ?? "parse error"})`);
    }
    const header = records[0]?.record ?? [];
    const itemCol = new Map<number, number>();
    /** A bad item column in the header (line 1), at its column. */
    const badColumn = (h: string, col: number, message: string) =>
      new ScoreInputError([
        { code: "invalid_input", path: ["columns", h], file, line: 1, column: col + 1, message },
      ]);
    header.forEach((h, col) => {
      const n = itemNumberOf(h);
      if (n === undefined) return;
      if (n < 1 || n > instrument.items)
        throw badColumn(
          h,
          col,
          `column '${h}': ${instrument.id} has items 1 to ${instrument.items}`,
        );
      if (itemCol.has(n)) throw badColumn(h, col, `item ${n} has two columns`);
      itemCol.set(n, col);
    });
    for (let n = 1; n <= instrument.items; n++)
      if (!itemCol.has(n))
        throw new ScoreInputError([
          {
            code: "missing_column",
            path: ["columns", String(n)],
            file,
            line: 1,
            message: `${instrument.id} needs a column for item ${n} (named ${n}, item${n} or q${n})`,
          },
        ]);
    const out: Row[] = [];
    for (let r = 1; r < records.length; r++) {
      const { record, line } = records[r] as CsvRecord;
      const answers: Record<string, number | null> = {};
      const issues: Issue[] = [];
      for (const [n, col] of itemCol) {
        const raw = (record[col] ?? "").trim();
        if (raw === "") {
          answers[String(n)] = null;
          continue;
        }
        const v = Number(raw);
        if (!Number.isFinite(v))
          issues.push({
            code: "invalid_input",
            path: ["answers", `item${n}`],
            file,
            line,
            column: col + 1,
            message: `item ${n}: expected a number`,
          });
        else answers[String(n)] = v;
      }
      if (issues.length > 0) throw new ScoreInputError(issues);
      let result: InstrumentScore;
      try {
        result = scoreInstrument(instrument, answers);
      } catch (e) {
        if (!(e instanceof ScoreInputError)) throw e;
        throw new ScoreInputError(
          e.issues.map((i) => {
            const key = String(i.path[1] ?? "");
            const n = itemNumberOf(key);
            const col = n === undefined ? undefined : itemCol.get(n);
            return { ...i, file, line, ...(col !== undefined ? { column: col + 1 } : {}) };
          }),
        );
      }
      const fields: Record<string, string> = {};
      header.forEach((h, col) => {
        if (itemNumberOf(h) === undefined) fields[h] = record[col] ?? "";
      });
      out.push({ line, fields, result });
    }
    if (args.json === true) {
      const json = out.map((r) => ({
        line: r.line,
        ...r.fields,
        instrument: r.result.instrument,
        total: r.result.total.sum,
        mean: r.result.total.mean,
        prorated: r.result.total.prorated,
        missing: r.result.total.missing,
        subscales: Object.fromEntries(
          Object.entries(r.result.subscales).map(([k, v]) => [k, v.sum]),
        ),
        flags: r.result.flags,
      }));
      io.out(`${jsonSafe(json, 2)}\n`);
    } else {
      for (const r of out) {
        const id =
          Object.values(r.fields)
            .filter((v) => v !== "")
            .join(" ") || `line ${r.line}`;
        const subs = Object.entries(r.result.subscales)
          .map(([k, v]) => `${k} ${fmt(v.sum)}`)
          .join("  ");
        const flags = r.result.flags.map((f) => f.cutoff).join(", ");
        io.out(
          `${id}: ${instrument.label} total ${fmt(r.result.total.sum)} (mean ${fmt(r.result.total.mean)})${subs ? `  ${subs}` : ""}${r.result.total.prorated ? "  [prorated]" : ""}${flags ? `  flags: ${flags}` : ""}\n`,
        );
      }
    }
    return 0;
  },
});

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
