// Bundles the browser example (examples/live-browser/) into a folder of static files: index.html
// and app.js (the page's code, rapportkit's core and the default model, with the demo session's
// WebVTT inlined). It uses esbuild, the project's own bundler; nothing is fetched at build or run
// time. Open <outdir>/index.html from the disk (file://) or serve the folder.
//
// Usage: node scripts/build-live-browser.mjs [--outdir DIR]   (default: out/live-browser)
//        npm run example:browser
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const src = join(root, "examples", "live-browser");
const args = process.argv.slice(2);
const at = args.indexOf("--outdir");
if (at >= 0 && !args[at + 1]) {
  console.error("--outdir: expected a folder");
  process.exit(2);
}
const outdir = resolve(at >= 0 ? args[at + 1] : join(root, "out", "live-browser"));

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: [join(src, "main.ts")],
  outfile: join(outdir, "app.js"),
  bundle: true,
  // A classic script (not a module), so the page also works when opened from the disk.
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  loader: { ".vtt": "text" },
  logLevel: "warning",
});
copyFileSync(join(src, "index.html"), join(outdir, "index.html"));
console.log(`live-browser: ${join(outdir, "index.html")}`);
