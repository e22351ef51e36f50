import { defineConfig } from "tsup";

// tsup 8.5 passes baseUrl to its dts build; TypeScript 6.0 rejects that (TS5101) unless silenced.
const dts = { compilerOptions: { ignoreDeprecations: "6.0" } };

export default defineConfig([
  {
    // The library: browser-safe core, the node helpers, and the pretrained model on its own subpath.
    entry: { index: "src/index.ts", node: "src/node/index.ts", model: "src/model/index.ts" },
    format: ["esm", "cjs"],
    dts,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
    splitting: false,
    treeshake: true,
  },
  {
    // The CLI: ESM only, no declarations.
    entry: { cli: "src/cli/index.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    platform: "node",
    splitting: false,
    treeshake: true,
  },
]);
