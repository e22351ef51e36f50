/**
 * The layer graph of src/: which folder may import which. Imports run one way, down the layers
 * (style.md, "Enforce a one-way dependency graph"):
 *
 *   tier 0  core, _internal            data model, errors, zod schemas; tiny shared helpers
 *   tier 1  text                       tokenizer and features
 *   tier 2  codebook                   codebooks and their built-ins
 *   tier 3  classify, score,           classifiers; scores; agreement statistics;
 *           agreement, io              transcript readers and writers (strings in, strings out)
 *   tier 4  live, report, model        the live coder; the HTML report; the pretrained model
 *   tier 5  node                       files and streams (rapportkit/node)
 *   tier 6  cli                        the command line
 *
 * A folder may import any folder of a lower tier, never one of its own tier or above. The root
 * entry (src/index.ts) is browser-safe and does not carry the model: it may import tiers 0–4 except
 * model. `node:` modules (and Node's built-ins by their bare names) are imported only in node/ and
 * cli/, and citty only in cli/. zod is imported as `zod/mini` only (through src/core/zod.ts, which
 * also loads zod's English messages): the method API of `zod` cannot be tree-shaken and would
 * triple a browser bundle. Type-only imports count: a type from a higher layer ties the lower
 * one to it just the same. A new folder under src/ fails this test until it is given a tier here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./_entries.js";

const TIERS: Readonly<Record<string, number>> = {
  core: 0,
  _internal: 0,
  text: 1,
  codebook: 2,
  classify: 3,
  score: 3,
  agreement: 3,
  io: 3,
  live: 4,
  report: 4,
  model: 4,
  node: 5,
  cli: 6,
};

/** The root entry, src/index.ts: browser-safe, without the model. */
const ROOT_ENTRY_MAY_NOT_IMPORT = new Set(["model", "node", "cli"]);
/** Folders that may use Node's modules. */
const NODE_FOLDERS = new Set(["node", "cli"]);
/** Packages only some folders may use. */
const PACKAGE_FOLDERS: Readonly<Record<string, ReadonlySet<string>>> = {
  citty: new Set(["cli"]),
};

const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|cts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The folder of src/ a file belongs to (its first path segment), or `index` for src/index.ts. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? (parts[0] ?? "").replace(/\.[^.]+$/, "") : (parts[0] ?? "");
}

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly line: number;
}

/** Every module a file imports or re-exports: static, type-only, dynamic `import()` and `require()`. */
function importsOf(file: string, text: string): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined) => {
    if (spec && ts.isStringLiteralLike(spec))
      out.push({
        file,
        specifier: spec.text,
        line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node))
      add(node, node.moduleSpecifier);
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    )
      add(node, node.moduleReference.expression);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    )
      add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node, node.argument.literal as ts.Expression);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** What breaks the layer rules in one file's imports, one line each. */
function violations(file: string, text: string): string[] {
  const from = folderOf(file);
  const where = (i: Import) => `${relative(ROOT, i.file)}:${i.line}`;
  const out: string[] = [];
  for (const i of importsOf(file, text)) {
    const s = i.specifier;
    if (s.startsWith(".")) {
      const target = resolve(dirname(file), s);
      if (!target.startsWith(`${SRC}${sep}`)) {
        out.push(`${where(i)} imports ${s}, outside src/`);
        continue;
      }
      const to = folderOf(target);
      if (to === from) continue;
      if (from === "index") {
        if (ROOT_ENTRY_MAY_NOT_IMPORT.has(to) || !(to in TIERS))
          out.push(`${where(i)}: the root entry imports ${to}/ (${s})`);
        continue;
      }
      const a = TIERS[from];
      const b = TIERS[to];
      if (a === undefined || b === undefined) continue; // reported by the folder test
      if (b >= a) out.push(`${where(i)}: ${from}/ (tier ${a}) imports ${to}/ (tier ${b}) (${s})`);
      continue;
    }
    const bare = s.startsWith("node:") ? s.slice(5) : s;
    const isNode = s.startsWith("node:") || builtinModules.includes(bare.split("/")[0] ?? "");
    if (isNode && !NODE_FOLDERS.has(from)) out.push(`${where(i)}: ${from}/ imports ${s}`);
    const pkg = s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0];
    const only = pkg === undefined ? undefined : PACKAGE_FOLDERS[pkg];
    if (only && !only.has(from)) out.push(`${where(i)}: ${from}/ imports ${s}`);
    const zodLocale =
      s === "zod/v4/locales/en.js" && relative(SRC, file) === join("core", "zod.ts");
    if (pkg === "zod" && s !== "zod/mini" && !zodLocale)
      out.push(`${where(i)}: imports ${s} (zod only as zod/mini, through core/zod.ts)`);
  }
  return out;
}

describe("layer graph", () => {
  const files = sourceFiles(SRC);

  it("knows every folder of src/", () => {
    const folders = [...new Set(files.map(folderOf))].filter((f) => f !== "index").sort();
    expect(folders).toEqual(Object.keys(TIERS).sort());
  });

  it("has imports only down the layers, and Node's modules only in node/ and cli/", () => {
    const found = files.flatMap((f) => violations(f, readFileSync(f, "utf8")));
    expect(found).toEqual([]);
  });

  it("catches an import up the layers, a node: import below node/, and the model in the root entry", () => {
    const at = (p: string) => join(SRC, p);
    expect(violations(at("core/x.ts"), 'import { a } from "../score/summary.js";')).toHaveLength(1);
    expect(violations(at("score/x.ts"), 'import type { A } from "../classify/types.js";')).toEqual([
      expect.stringContaining("score/ (tier 3) imports classify/ (tier 3)"),
    ]);
    expect(violations(at("io/x.ts"), 'const fs = await import("node:fs");')).toHaveLength(1);
    expect(violations(at("report/x.ts"), 'import { readFile } from "fs";')).toHaveLength(1);
    expect(
      violations(at("index.ts"), 'export { annomiModel } from "./model/index.js";'),
    ).toHaveLength(1);
    expect(violations(at("node/x.ts"), 'import { x } from "../cli/main.js";')).toHaveLength(1);
    expect(violations(at("cli/x.ts"), 'import { x } from "../node/files.js";')).toEqual([]);
    expect(violations(at("score/x.ts"), 'import { defineCommand } from "citty";')).toHaveLength(1);
    expect(violations(at("core/x.ts"), 'import { z } from "zod";')).toHaveLength(1);
    expect(violations(at("core/x.ts"), 'import type * as z from "zod/mini";')).toEqual([]);
  });
});
