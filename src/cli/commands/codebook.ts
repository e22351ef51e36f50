/**
 * `rapportkit codebook list | show <id> | export <id> [--json-schema]`: the built-in codebooks
 * (or a codebook JSON file, validated), as a summary, a readable table, or JSON / JSON Schema.
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { builtinCodebooks } from "../../codebook/builtin/index.js";
import { safeParseCodebook } from "../../codebook/define.js";
import { toJsonSchema } from "../../codebook/json-schema.js";
import { CodebookError } from "../../core/errors.js";
import type { Codebook } from "../../core/schemas.js";
import { jsonSafe } from "../_text.js";
import { type CliIO, defineCommand, InputError, ioOf } from "../io.js";

const IDS = Object.keys(builtinCodebooks);

/** A built-in codebook by id, or a codebook JSON file (path ending in `.json`), validated. */
function load(id: string, io: CliIO): Codebook {
  if (Object.hasOwn(builtinCodebooks, id))
    return builtinCodebooks[id as keyof typeof builtinCodebooks];
  if (id.toLowerCase().endsWith(".json")) {
    const text = readFileSync(resolvePath(io.cwd, id), "utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${id}: not valid JSON (${(e as Error).message})`);
    }
    const r = safeParseCodebook(json);
    if (!r.success) throw new CodebookError(r.error.issues.map((i) => ({ ...i, file: id })));
    return r.data;
  }
  throw new InputError(
    `unknown codebook '${id}' (built-in: ${IDS.join(", ")}; or a path to a codebook .json file)`,
  );
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const idArg = {
  id: {
    type: "positional",
    required: true,
    description: `codebook id (${IDS.join(", ")}) or a codebook .json file`,
  },
} as const;

const list = defineCommand({
  meta: { name: "list", description: "List the built-in codebooks: id, version, number of codes" },
  run(ctx) {
    const io = ioOf(ctx);
    const rows = [["id", "version", "codes", "label"]];
    for (const cb of Object.values(builtinCodebooks))
      rows.push([cb.id, cb.version, String(cb.codes.length), cb.label]);
    io.out(`${table(rows)}\n`);
    return 0;
  },
});

const show = defineCommand({
  meta: { name: "show", description: "Show a codebook's codes as a table" },
  args: idArg,
  run(ctx) {
    const io = ioOf(ctx);
    const cb = load(String(ctx.args.id), io);
    const rows = [["id", "role", "parent", "valence", "label"]];
    for (const c of cb.codes) rows.push([c.id, c.role, c.parent ?? "-", c.valence, c.label]);
    const head = `${cb.label} (${cb.id} ${cb.version}): ${cb.codes.length} codes`;
    let out = `${head}\n\n${table(rows)}\n`;
    if (cb.globals && cb.globals.length > 0) {
      const g = [["global", "scale", "label"]];
      for (const s of cb.globals) g.push([s.id, `${s.min}-${s.max}`, s.label]);
      out += `\n${table(g)}\n`;
    }
    io.out(out);
    return 0;
  },
});

const exportCmd = defineCommand({
  meta: { name: "export", description: "Print a codebook as JSON, or its JSON Schema" },
  args: {
    ...idArg,
    jsonSchema: {
      type: "boolean",
      description: "print the JSON Schema of a coding in this codebook instead",
    },
  },
  run(ctx) {
    const io = ioOf(ctx);
    const cb = load(String(ctx.args.id), io);
    const value = ctx.args.jsonSchema ? toJsonSchema(cb) : cb;
    io.out(`${jsonSafe(value, 2)}\n`);
    return 0;
  },
});

export default defineCommand({
  meta: {
    name: "codebook",
    description: "List, show or export the built-in codebooks (rapport, annomi, miti-4.2.1)",
  },
  subCommands: { list, show, export: exportCmd },
});
