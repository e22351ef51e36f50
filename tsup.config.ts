import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

// tsup 8.5 passes baseUrl to its dts build; TypeScript 6.0 rejects that (TS5101) unless silenced.
const dts = { compilerOptions: { ignoreDeprecations: "6.0" } };
// `rapportkit --version` prints the package's version: put into the CLI bundle as a constant.
const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const entries = { index: "src/index.ts", node: "src/node/index.ts", model: "src/model/index.ts" };

// The package ships no source maps (they were 71 % of the tarball) and the pretrained models once:
// dist/model.js holds them; dist/*.cjs only re-export the ES modules (`require(esm)`, which the
// package's Node range ≥ 20.19 has by default), and the CLI loads dist/model.js at run time
// instead of bundling a copy (`modelOnce` below). Only the commands load it, and their code is in
// chunks under dist/cli/, hence `../model.js` (test/package.test.ts checks that dist/cli.js itself
// has no import of it).
const modelOnce: Plugin = {
  name: "model-once",
  setup(build) {
    build.onResolve({ filter: /\/model\/index\.js$/ }, () => ({
      path: "../model.js",
      external: true,
    }));
  },
};

// The model JSON goes in as one JSON string given to JSON.parse, not as an object literal:
// esbuild re-prints a JSON import as JavaScript (1.52 MB gzipped for dist/model.js), while the
// JSON text itself is smaller and V8 parses a JSON string faster than the same literal
// (https://v8.dev/blog/cost-of-javascript-2019#json).
const jsonAsString: Plugin = {
  name: "json-as-string",
  setup(build) {
    build.onLoad({ filter: /[\\/]model[\\/][^\\/]+\.json$/ }, async (args) => {
      const text = JSON.stringify(JSON.parse(await readFile(args.path, "utf8")));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: "js" };
    });
  },
};

// Why the ESM build is one file per module: bundlers drop unused *modules* of a package with
// "sideEffects": false, but inside one bundled file they must keep every top-level call (zod
// schemas, codebooks, instruments), so an app that imports three functions would pay for all.
// `npm run build` empties dist/ first and prints only errors (`silent`), so `npm start` shows the
// demo, not ~245 lines of build log; the configs below never clean, so they cannot race.
export default defineConfig([
  {
    // ESM, one file per module: dist/index.js, dist/core/…, dist/node/index.js, …
    entry: ["src/**/*.ts", "!src/cli/**", "!src/model/**"],
    format: ["esm"],
    bundle: false,
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
    target: "es2022",
    platform: "neutral",
  },
  {
    // The pretrained model: one ESM file with its JSON inlined (a JSON import is not portable).
    entry: { model: entries.model },
    format: ["esm"],
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
    target: "es2022",
    platform: "neutral",
    splitting: false,
    treeshake: true,
    esbuildPlugins: [jsonAsString],
  },
  {
    // The CommonJS declarations (dist/index.d.cts, dist/node.d.cts, dist/model.d.cts). The .cjs
    // files themselves re-export the ES modules (scripts/cjs-entries.mjs), so the code ships once.
    entry: entries,
    format: ["cjs"],
    dts: { ...dts, only: true },
    clean: false,
    silent: true,
  },
  {
    // The ESM declarations (dist/index.d.ts, dist/node.d.ts, dist/model.d.ts).
    entry: entries,
    format: ["esm"],
    dts: { ...dts, only: true },
    clean: false,
    silent: true,
  },
  {
    // The CLI: ESM only, no declarations.
    entry: { cli: "src/cli/index.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
    target: "node20",
    platform: "node",
    // One file per command (and shared chunks), under dist/cli/: `rapportkit --version` and the
    // start of `code`'s coding thread load only what they use (0.18 → 0.10 s, and 0.47 → 0.39 s
    // for `code` on a three-line file, measured 5 Dec 2026).
    splitting: true,
    esbuildOptions(options) {
      options.chunkNames = "cli/[name]-[hash]";
    },
    treeshake: true,
    esbuildPlugins: [modelOnce],
    define: { __RAPPORTKIT_VERSION__: JSON.stringify(version) },
  },
]);
