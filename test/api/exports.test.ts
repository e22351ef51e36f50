/**
 * The public API of every entry point, name by name. The sorted names (values from importing the
 * entry, types from the TypeScript compiler reading its exports) are kept in
 * test/api/__snapshots__/<entry>.api.txt: adding, removing or renaming an export changes that file,
 * so a change to the API is a decision someone makes and a reviewer sees. When it is meant, update
 * the files with `npx vitest run test/api/exports.test.ts -u` and say so in a changeset.
 *
 * Also: entry files list their exports by name (no `export *`, which would publish whatever a
 * module exports), and nothing tagged `@internal` is exported from any entry.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compilerOptions,
  ENTRIES,
  type Entry,
  isInternal,
  packageExports,
  ROOT,
  resolved,
} from "./_entries.js";

interface Api {
  /** Names that exist at run time (functions, classes, constants, zod schemas). */
  readonly values: string[];
  /** Names that exist only as types (interfaces and type aliases). */
  readonly types: string[];
  /** Names of the values the compiler sees (must equal `values`). */
  readonly checkerValues: string[];
  /** Exported names whose declaration is tagged `@internal`. */
  readonly internal: string[];
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

let program: ts.Program;
let checker: ts.TypeChecker;

beforeAll(() => {
  program = ts.createProgram(
    ENTRIES.map((e) => join(ROOT, e.source)),
    compilerOptions(),
  );
  checker = program.getTypeChecker();
});

const apis = new Map<Entry, Promise<Api>>();

/** The exports of an entry (computed once per entry). */
function apiOf(entry: Entry): Promise<Api> {
  let api = apis.get(entry);
  if (!api) {
    api = readApi(entry);
    apis.set(entry, api);
  }
  return api;
}

async function readApi(entry: Entry): Promise<Api> {
  const sf = program.getSourceFile(join(ROOT, entry.source));
  const mod = sf && checker.getSymbolAtLocation(sf);
  if (!mod) throw new Error(`no module for ${entry.source}`);
  const types: string[] = [];
  const checkerValues: string[] = [];
  const internal: string[] = [];
  for (const s of checker.getExportsOfModule(mod)) {
    const target = resolved(checker, s);
    (target.flags & ts.SymbolFlags.Value ? checkerValues : types).push(s.name);
    if (isInternal(target)) internal.push(s.name);
  }
  const runtime = (await import(pathToFileURL(join(ROOT, entry.source)).href)) as object;
  return {
    values: Object.keys(runtime).sort(byCodeUnit),
    types: types.sort(byCodeUnit),
    checkerValues: checkerValues.sort(byCodeUnit),
    internal: internal.sort(byCodeUnit),
  };
}

function snapshotText(entry: Entry, api: Api): string {
  return [
    `# ${entry.specifier} (${entry.source}): ${api.values.length} values, ${api.types.length} types.`,
    "# Written by test/api/exports.test.ts; a change here is a change to the public API.",
    "",
    "values",
    ...api.values.map((n) => `  ${n}`),
    "",
    "types",
    ...api.types.map((n) => `  ${n}`),
    "",
  ].join("\n");
}

function snapshotFile(entry: Entry): string {
  return join(
    import.meta.dirname,
    "__snapshots__",
    `${entry.specifier.replaceAll("/", "-")}.api.txt`,
  );
}

describe("entry points", () => {
  it("are the subpaths of package.json exports, each built from its source file", () => {
    expect(Object.keys(packageExports()).sort()).toEqual(ENTRIES.map((e) => e.subpath).sort());
    const tsup = readFileSync(join(ROOT, "tsup.config.ts"), "utf8");
    for (const e of ENTRIES) expect(tsup).toContain(`"${e.source}"`);
  });
});

describe.each(ENTRIES)("$specifier", (entry) => {
  it("names every export (no `export *`)", () => {
    const sf = program.getSourceFile(join(ROOT, entry.source));
    const star = (sf?.statements ?? []).filter(
      (s) => ts.isExportDeclaration(s) && (!s.exportClause || ts.isNamespaceExport(s.exportClause)),
    );
    expect(star.map((s) => s.getText())).toEqual([]);
  });

  it("exports nothing tagged @internal", async () => {
    expect((await apiOf(entry)).internal).toEqual([]);
  });

  it("has the values the compiler sees", async () => {
    const api = await apiOf(entry);
    expect(api.values).toEqual(api.checkerValues);
  });

  it("exports the names in its API snapshot", async () => {
    await expect(snapshotText(entry, await apiOf(entry))).toMatchFileSnapshot(snapshotFile(entry));
  });
});
