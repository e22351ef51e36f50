/**
 * The built declarations (dist/*.d.ts and dist/*.d.cts, with the chunks they import): they export
 * exactly the names in each entry's API snapshot, and no declaration in them is tagged `@internal`.
 * The bundler copies every declaration a public one refers to, so an `@internal` type behind a
 * public signature would ship too; this test catches that. Uses the build in dist/ (built first
 * when missing or older than src/).
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../helpers/dist.js";
import { compilerOptions, declarationFiles, ENTRIES, internalTag, ROOT } from "./_entries.js";

let program: ts.Program;

beforeAll(() => {
  ensureDist();
  program = ts.createProgram(ENTRIES.flatMap(declarationFiles), {
    ...compilerOptions(),
    skipLibCheck: true,
  });
}, 300_000);

/** The names in test/api/__snapshots__/<entry>.api.txt. */
function snapshotNames(specifier: string): string[] {
  const file = join(
    import.meta.dirname,
    "__snapshots__",
    `${specifier.replaceAll("/", "-")}.api.txt`,
  );
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim())
    .sort();
}

describe.each(ENTRIES)("$specifier declarations", (entry) => {
  it.each(declarationFiles(entry).map((f) => relative(ROOT, f)))(
    "%s exports the names of the API snapshot",
    (file) => {
      const sf = program.getSourceFile(join(ROOT, file));
      expect(sf, `${file} missing: run npm run build`).toBeDefined();
      const checker = program.getTypeChecker();
      const mod = sf && checker.getSymbolAtLocation(sf);
      const names = mod ? checker.getExportsOfModule(mod).map((s) => s.name) : [];
      expect(names.sort()).toEqual(snapshotNames(entry.specifier));
    },
  );
});

describe("dist declarations", () => {
  it("hold no declaration tagged @internal", () => {
    const dist = join(ROOT, "dist");
    const files = program
      .getSourceFiles()
      .filter((f) => f.fileName.startsWith(`${dist}/`) && !f.fileName.includes("/node_modules/"));
    // index, node and model, as .d.ts and .d.cts, and the chunks they share.
    expect(files.length).toBeGreaterThanOrEqual(6);
    const found = new Set<string>();
    const visit = (node: ts.Node, file: string): void => {
      if (internalTag(node)) {
        const name = ts.getNameOfDeclaration(node as ts.Declaration)?.getText() ?? node.getText();
        found.add(`${name.split("\n")[0]} (${file})`);
        return;
      }
      ts.forEachChild(node, (n) => visit(n, file));
    };
    for (const f of files) ts.forEachChild(f, (n) => visit(n, relative(ROOT, f.fileName)));
    expect([...found].sort()).toEqual([]);
  });
});
