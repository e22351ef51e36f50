/** The built CLI for end-to-end spawns: built with `npx tsup` when dist/ is missing or older than src/. */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function newest(dir: string, ext: RegExp): number {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) m = Math.max(m, newest(p, ext));
    else if (ext.test(e.name)) m = Math.max(m, statSync(p).mtimeMs);
  }
  return m;
}

/**
 * Builds dist/ if needed, then returns a private copy of dist/cli.js (inside node_modules/.cache,
 * so its imports still resolve), which a concurrent rebuild of dist/ cannot remove mid-test.
 */
export function distCli(): string {
  const cli = join(ROOT, "dist", "cli.js");
  if (!existsSync(cli) || statSync(cli).mtimeMs < newest(join(ROOT, "src"), /\.ts$/)) {
    const r = spawnSync("npx", ["tsup"], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`npx tsup failed: ${r.stderr.slice(-500)}`);
  }
  const dir = join(ROOT, "node_modules", ".cache", `rk-cli-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, "cli.js");
  copyFileSync(cli, copy);
  return copy;
}
