/**
 * `--map`: a label mapping for `eval` and `agree`, so that codes of another scheme (or another
 * spelling) can be compared. Given inline (`--map change=change_talk,sustain=sustain_talk`), as a
 * CSV file of `from,to` rows (a first row `from,to` is a header), or as a JSON object
 * (`{"change": "change_talk"}`). A label the map does not name is kept as it is.
 * @module
 */
import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { csvRecords } from "./_input.js";
import { terminalSafe } from "./_text.js";
import { type CliIO, InputError, UsageError } from "./io.js";

/** A label mapping, and which of its entries were used (for the "matched no label" warning). */
export interface LabelMap {
  readonly map: ReadonlyMap<string, string>;
  /** Where the mapping came from, for messages: `--map file.csv` or `--map`. */
  readonly origin: string;
  readonly used: Set<string>;
}

const EXAMPLE = "e.g. --map change=change_talk,sustain=sustain_talk";

function add(map: Map<string, string>, from: string, to: string, where: string): void {
  if (from === "" || to === "")
    throw new InputError(
      `${where}: an empty label; each entry maps a label to another (${EXAMPLE})`,
    );
  const had = map.get(from);
  if (had !== undefined && had !== to)
    throw new InputError(
      `${where}: ${JSON.stringify(from)} is mapped twice, to ${JSON.stringify(had)} and ${JSON.stringify(to)}`,
    );
  map.set(from, to);
}

/** Parses an inline mapping `a=b,c=d`. */
function parseInline(spec: string): Map<string, string> {
  const map = new Map<string, string>();
  spec.split(",").forEach((entry, i) => {
    const eq = entry.indexOf("=");
    if (eq < 0)
      throw new UsageError(
        `--map entry ${i + 1} must look like from=to (entries separated by commas; ${EXAMPLE})`,
      );
    add(map, entry.slice(0, eq).trim(), entry.slice(eq + 1).trim(), `--map entry ${i + 1}`);
  });
  return map;
}

/** Parses a mapping file: JSON (an object of strings) or CSV (`from,to` rows). */
function parseFile(text: string, file: string, json: boolean): Map<string, string> {
  const map = new Map<string, string>();
  if (json) {
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      throw new InputError(`${file}: not valid JSON (expected an object such as {"from": "to"})`);
    }
    if (o === null || typeof o !== "object" || Array.isArray(o))
      throw new InputError(`${file}: expected a JSON object such as {"from": "to"}`);
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (typeof v !== "string")
        throw new InputError(
          `${file}: the value of ${JSON.stringify(k)} must be a label (a string)`,
        );
      add(map, k.trim(), v.trim(), file);
    }
    return map;
  }
  let records: { record: string[]; line: number }[];
  try {
    records = csvRecords(text);
  } catch (e) {
    const err = e as { code?: string; lines?: number };
    throw new InputError(
      `${file}${typeof err.lines === "number" ? `:${err.lines}` : ""}: malformed CSV (${err.code ?? "parse error"})`,
    );
  }
  for (const [k, { record, line }] of records.entries()) {
    const cells = record.map((c) => c.trim());
    if (k === 0 && cells[0]?.toLowerCase() === "from" && cells[1]?.toLowerCase() === "to") continue;
    if (cells.length !== 2)
      throw new InputError(`${file}:${line}: expected two columns, from and to`);
    add(map, cells[0] as string, cells[1] as string, `${file}:${line}`);
  }
  return map;
}

/**
 * The label mapping `--map` gives, or undefined without it. A value ending in `.csv` or `.json` is
 * a file (relative to the working directory); anything else is an inline `from=to,…` list.
 * @throws {UsageError} for a malformed inline list; {@link InputError} for an unreadable or
 * malformed file.
 */
export async function labelMapOf(
  args: Record<string, unknown>,
  io: CliIO,
): Promise<LabelMap | undefined> {
  const raw = args.map;
  if (raw === undefined || raw === false) return undefined;
  if (raw === true || String(raw).trim() === "")
    throw new UsageError(
      `--map needs a value: a .csv or .json file, or from=to pairs (${EXAMPLE})`,
    );
  const spec = String(raw);
  const ext = /\.(csv|json)$/i.exec(spec)?.[1]?.toLowerCase();
  if (ext === undefined) {
    if (!spec.includes("="))
      throw new UsageError(
        `--map takes a .csv or .json file, or from=to pairs separated by commas (${EXAMPLE})`,
      );
    return { map: parseInline(spec), origin: "--map", used: new Set() };
  }
  let text: string;
  try {
    text = await readFile(resolvePath(io.cwd, spec), "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new InputError(
      `--map ${spec}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : "cannot be read"}`,
    );
  }
  const map = parseFile(text.replace(/^\ufeff/, ""), spec, ext === "json");
  if (map.size === 0) throw new InputError(`--map ${spec}: no mapping in the file`);
  return { map, origin: `--map ${spec}`, used: new Set() };
}

/** `label` through the mapping (unchanged when the map does not name it, or there is no map). */
export function applyMap(m: LabelMap | undefined, label: string): string {
  if (!m) return label;
  const to = m.map.get(label);
  if (to === undefined) return label;
  m.used.add(label);
  return to;
}

/** One warning line for the entries of the mapping that matched no label (a typo, most likely). */
export function warnUnusedMap(m: LabelMap | undefined, io: CliIO): void {
  if (!m) return;
  const unused = [...m.map.keys()].filter((k) => !m.used.has(k));
  if (unused.length === 0) return;
  const shown = unused
    .slice(0, 10)
    .map((k) => terminalSafe(JSON.stringify(k.slice(0, 40))))
    .join(", ");
  io.err(
    `rapportkit: warning: ${terminalSafe(m.origin)}: ${unused.length} of ${m.map.size} entries matched no label (${shown}${unused.length > 10 ? ", …" : ""})\n`,
  );
}
