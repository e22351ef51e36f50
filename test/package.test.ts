/**
 * Release checks on the package as it would be published: what `npm pack` ships, whether the packed
 * tarball installs into a scratch project where both `import` and `require` work, publint and attw on
 * that tarball, that the root entry bundles for the browser with no `node:` import, and the
 * size-limit budgets. Uses the build in dist/ (the test pipeline builds before it runs the tests).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  dependencies: Record<string, string>;
};
let dir: string;
let tarball: string;
let scratch: string;
let installedBy: "npm install --offline" | "extracted tarball + linked dependencies";

function run(cmd: string, args: readonly string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? 1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

beforeAll(() => {
  if (
    !existsSync(join(ROOT, "dist/index.js")) ||
    !existsSync(join(ROOT, "dist/cli.js")) ||
    !existsSync(join(ROOT, "dist/demo-session.txt"))
  )
    execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "pipe" });
  dir = mkdtempSync(join(tmpdir(), "rk-pack-"));
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
      cwd: ROOT,
      encoding: "utf8",
    }),
  ) as { filename: string }[];
  tarball = join(dir, packed[0]?.filename ?? "missing.tgz");

  scratch = join(dir, "scratch");
  mkdirSync(scratch);
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }));
  const install = run(
    "npm",
    [
      "install",
      "--offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--no-package-lock",
      tarball,
    ],
    scratch,
  );
  if (install.code === 0) installedBy = "npm install --offline";
  else {
    // No registry and a cache without these dependencies: install the tarball by hand and link the
    // dependencies from this repository (what npm would have put there).
    const target = join(scratch, "node_modules", pkg.name);
    mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
    for (const dep of Object.keys(pkg.dependencies))
      symlinkSync(join(ROOT, "node_modules", dep), join(scratch, "node_modules", dep), "dir");
    installedBy = "extracted tarball + linked dependencies";
  }
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships only dist/, package.json, README.md, LICENSE and CHANGELOG.md", () => {
    const [info] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ) as { files: { path: string }[]; size: number }[];
    const files = (info?.files ?? []).map((f) => f.path).sort();
    // The tarball (gzipped) stays within 1.5 MB: the code once, the two models once, no maps.
    expect(info?.size).toBeGreaterThan(100_000);
    expect(info?.size).toBeLessThanOrEqual(1_500_000);
    const allowed = /^(dist\/.+|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const must of [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/index.js",
      "dist/index.cjs",
      "dist/index.d.ts",
      "dist/index.d.cts",
      "dist/node/index.js",
      "dist/node.d.ts",
      "dist/model.js",
      "dist/cli.js",
      "dist/demo-session.txt",
    ])
      expect(files).toContain(must);
    // no source maps, and the pretrained models once (dist/model.js; model.cjs and the CLI load it)
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const sizes = new Map(
      (info?.files ?? []).map((f) => [f.path, (f as { size?: number }).size ?? 0]),
    );
    for (const cjs of ["dist/index.cjs", "dist/node.cjs", "dist/model.cjs"])
      expect(sizes.get(cjs), cjs).toBeLessThan(1_000);
    // The CLI: dist/cli.js and its chunks (dist/cli/), without a copy of the model.
    const cliBytes = [...sizes].filter(([f]) => f === "dist/cli.js" || f.startsWith("dist/cli/"));
    expect(cliBytes.length).toBeGreaterThan(2);
    expect(cliBytes.reduce((n, [, b]) => n + b, 0)).toBeLessThan(1_000_000);
    // nothing from tests, fixtures, examples, docs sources or scripts
    expect(files.some((f) => /^(test|examples|docs|scripts|src|bench|\.changeset)\//.test(f))).toBe(
      false,
    );
  });

  it("loads the model from dist/model.js in the CLI's chunks, never in dist/cli.js itself", () => {
    // tsup.config.ts (`modelOnce`) writes the import as `../model.js`: right from dist/cli/ only.
    const modelImport = /import\(\s*["']([^"']*model\.js)["']\s*\)/g;
    expect([...readFileSync(join(ROOT, "dist/cli.js"), "utf8").matchAll(modelImport)]).toEqual([]);
    const specifiers = readdirSync(join(ROOT, "dist/cli")).flatMap((f) =>
      [...readFileSync(join(ROOT, "dist/cli", f), "utf8").matchAll(modelImport)].map((m) => m[1]),
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(new Set(specifiers)).toEqual(new Set(["../model.js"]));
  });

  it("installs into a scratch project where import and require both work", () => {
    expect(installedBy).toBeDefined();
    const esm = run(
      "node",
      [
        "--input-type=module",
        "-e",
        `import * as rk from "rapportkit"; import * as node from "rapportkit/node"; import * as model from "rapportkit/model";
         import pj from "rapportkit/package.json" with { type: "json" };
         const t = rk.parseTranscript({ id: "s", utterances: [] });
         const html = rk.renderReport([{ transcript: t }]);
         console.log(JSON.stringify({ name: pj.name, report: html.startsWith("<!doctype html>"), exports: Object.keys(rk).length, node: typeof node, model: typeof model }));`,
      ],
      scratch,
    );
    expect(esm.code, esm.out).toBe(0);
    const e = JSON.parse(esm.out.trim().split("\n").pop() ?? "{}");
    expect(e).toMatchObject({ name: "rapportkit", report: true, node: "object", model: "object" });
    expect(e.exports).toBeGreaterThan(20);

    const cjs = run(
      "node",
      [
        "-e",
        `const rk = require("rapportkit"); require("rapportkit/node"); const model = require("rapportkit/model");
         const t = rk.parseTranscript({ id: "s", utterances: [] });
         const coded = model.defaultClassifier({ codebook: "rapport" }).classify([{ id: "u1", role: "therapist", text: "What brings you here today?" }]);
         console.log(JSON.stringify({ report: rk.renderReport([{ transcript: t }]).includes("</html>"), exports: Object.keys(rk).length, error: new rk.ValidationError("x") instanceof Error, code: coded[0].codeId }));`,
      ],
      scratch,
    );
    expect(cjs.code, cjs.out).toBe(0);
    const c = JSON.parse(cjs.out.trim().split("\n").pop() ?? "{}");
    expect(c).toMatchObject({ report: true, error: true, code: "question.open" });
    expect(c.exports).toBe(e.exports);

    const bin = run(join(scratch, "node_modules/.bin/rapportkit"), ["--version"], scratch);
    if (installedBy === "npm install --offline") expect(bin.code, bin.out).toBe(0);
  });

  it("runs `rapportkit demo` from the installed package, away from the repository", () => {
    // The scratch project has no examples/: the demo session must come with the package.
    const cli = join(scratch, "node_modules", pkg.name, "dist", "cli.js");
    const demo = run("node", [cli, "demo", "--out", "demo.html"], scratch);
    expect(demo.code, demo.out).toBe(0);
    expect(demo.out).toMatch(/Demo session: \d+ utterances/);
    expect(demo.out).toContain("Report written to demo.html");
    expect(readFileSync(join(scratch, "demo.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it("passes publint and attw on the tarball", () => {
    const publint = run(
      join(ROOT, "node_modules/.bin/publint"),
      ["run", tarball, "--strict"],
      ROOT,
    );
    expect(publint.code, publint.out).toBe(0);
    // Every resolution attw knows, node10 included (its types find rapportkit/node and
    // rapportkit/model through typesVersions).
    const attw = run(join(ROOT, "node_modules/.bin/attw"), [tarball, "--format", "ascii"], ROOT);
    expect(attw.code, attw.out).toBe(0);
  });
});

describe("the root entry in a browser", () => {
  it("bundles with esbuild for platform browser with no node: import", async () => {
    for (const entry of ["dist/index.js", "src/index.ts"]) {
      const result = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        metafile: true,
        logLevel: "silent",
      });
      const imports = Object.values(result.metafile.inputs).flatMap((i) =>
        i.imports.map((m) => m.path),
      );
      expect(
        imports.filter((p) => p.startsWith("node:")),
        entry,
      ).toEqual([]);
      const inputs = Object.keys(result.metafile.inputs);
      expect(
        inputs.filter((p) => /(^|\/)src\/(node|cli)\//.test(p)),
        entry,
      ).toEqual([]);
      const code = result.outputFiles[0]?.text ?? "";
      expect(code).not.toMatch(/\bfrom\s*["']node:|require\(["']node:|import\(["']node:/);
      expect(code.length).toBeGreaterThan(1000);
    }
  });
});

describe("size budgets", () => {
  it("keeps every size-limit budget (the core without the model ≤ 32 kB min+gzip)", () => {
    const r = run(join(ROOT, "node_modules/.bin/size-limit"), ["--json"], ROOT);
    const entries = JSON.parse(r.out.slice(r.out.indexOf("["))) as {
      name: string;
      size: number;
      passed: boolean;
    }[];
    const config = JSON.parse(readFileSync(join(ROOT, ".size-limit.json"), "utf8")) as {
      name: string;
    }[];
    expect(entries.map((e) => e.name)).toEqual(config.map((c) => c.name));
    expect(
      entries.filter((e) => !e.passed),
      JSON.stringify(entries),
    ).toEqual([]);
    expect(r.code).toBe(0);
  });
});
