/**
 * The package's entry points, shared by the API tests: each subpath of package.json "exports", the
 * source file tsup builds it from, and the declaration files it ships. exports.test.ts checks that
 * this list and package.json agree, so a new entry point cannot go untested.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export const ROOT = join(import.meta.dirname, "..", "..");

export interface Entry {
  /** The import specifier, e.g. `rapportkit/node`. */
  readonly specifier: string;
  /** The subpath in package.json "exports", e.g. `./node`. */
  readonly subpath: string;
  /** The source file, relative to the repository. */
  readonly source: string;
}

export const ENTRIES: readonly Entry[] = [
  { specifier: "rapportkit", subpath: ".", source: "src/index.ts" },
  { specifier: "rapportkit/model", subpath: "./model", source: "src/model/index.ts" },
  { specifier: "rapportkit/node", subpath: "./node", source: "src/node/index.ts" },
];

type Conditions = { readonly import: { types: string }; readonly require: { types: string } };

/** package.json "exports", without `./package.json`. */
export function packageExports(): Record<string, Conditions> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    exports: Record<string, Conditions | string>;
  };
  return Object.fromEntries(
    Object.entries(pkg.exports).filter(
      (e): e is [string, Conditions] => e[0] !== "./package.json" && typeof e[1] !== "string",
    ),
  );
}

/** The declaration files (`.d.ts` and `.d.cts`) package.json names for an entry. */
export function declarationFiles(entry: Entry): string[] {
  const c = packageExports()[entry.subpath];
  if (!c) throw new Error(`package.json exports has no ${entry.subpath}`);
  return [c.import.types, c.require.types].map((p) => join(ROOT, p));
}

/** The compiler options of tsconfig.json, for programs over sources or declarations. */
export function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("cannot read tsconfig.json");
  return { ...parsed.options, noEmit: true };
}

/** A symbol with its `export { x } from` aliases followed to the declaration. */
export function resolved(checker: ts.TypeChecker, s: ts.Symbol): ts.Symbol {
  return s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
}

/** Whether any declaration of the symbol carries an `@internal` JSDoc tag. */
export function isInternal(s: ts.Symbol): boolean {
  return (s.declarations ?? []).some((d) => internalTag(d));
}

/**
 * Whether a declaration carries an `@internal` JSDoc tag (on itself, or on the statement that
 * holds it, as for `export const x = …`).
 */
export function internalTag(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.getJSDocTags(n).some((t) => t.tagName.text === "internal")) return true;
    if (ts.isVariableStatement(n) || ts.isModuleBlock(n)) break;
  }
  return false;
}
