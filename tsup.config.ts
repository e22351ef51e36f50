import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

// tsup 8.5 passes baseUrl to its dts build; TypeScript 6.0 rejects that (TS5101) unless silenced.
const dts = { compilerOptions: { ignoreDeprecations: "6.0" } };
const entries = { index: "src/index.ts", node: "src/node/index.ts", model: "src/model/index.ts" };

// The package ships no source maps (they were 71 % of the tarball) and the pretrained models once:
// dist/model.js holds them; dist/model.cjs only re-exports it (`require(esm)`, which the
// package's Node range ≥ 20.19 has by default), and the CLI loads dist/model.js at run time
// instead of bundling a copy (`modelOnce` below).
const modelOnce: Plugin = {
  name: "model-once",
  setup(build) {
    build.onResolve({ filter: /\/model\/index\.js$/ }, () => ({
      path: "./model.js",
      external: true,
    }));
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
  },
  {
    // CommonJS, one bundle per entry (the model's is a re-export, below), with the .d.cts
    // declarations.
    entry: { index: entries.index, node: entries.node },
    format: ["cjs"],
    dts,
    sourcemap: false,
    clean: false,
    silent: true,
    target: "es2022",
    platform: "neutral",
    splitting: false,
    treeshake: true,
  },
  {
    // rapportkit/model for require(): its declarations here, its code written by
    // scripts/model-cjs.mjs after the build (`module.exports = require("./model.js")`).
    entry: { model: entries.model },
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
    splitting: false,
    treeshake: true,
    esbuildPlugins: [modelOnce],
  },
]);
