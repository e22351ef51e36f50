/** The built CLI for end-to-end spawns: built with `npx tsup` when dist/ is missing or older than src/. */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
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

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds dist/ with `npx tsup` when dist/cli.js is missing or older than src/. Test files running
 * in parallel take turns through a lock directory, so two builds never clean dist/ under each other.
 */
export function ensureDist(): void {
  const cli = join(ROOT, "dist", "cli.js");
  const stale = () =>
    !existsSync(cli) || statSync(cli).mtimeMs < newest(join(ROOT, "src"), /\.ts$/);
  if (!stale()) return;
  const lock = join(ROOT, "node_modules", ".cache", "rk-build.lock");
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than 4 minutes is abandoned.
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 240_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      sleep(500);
    }
  }
  try {
    if (stale()) {
      const r = spawnSync("npx", ["tsup"], { cwd: ROOT, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`npx tsup failed: ${r.stderr.slice(-500)}`);
      const m = spawnSync(process.execPath, ["scripts/cjs-entries.mjs"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      if (m.status !== 0)
        throw new Error(`scripts/cjs-entries.mjs failed: ${m.stderr.slice(-500)}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ if needed, then returns a private copy of dist/cli.js with its command chunks
 * (dist/cli/) and the model they load (dist/model.js), inside node_modules/.cache so that their
 * imports still resolve, which a concurrent rebuild of dist/ cannot remove mid-test.
 */
export function distCli(): string {
  ensureDist();
  const dir = join(ROOT, "node_modules", ".cache", `rk-cli-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const dist = join(ROOT, "dist");
  const copy = join(dir, "cli.js");
  copyFileSync(join(dist, "cli.js"), copy);
  cpSync(join(dist, "cli"), join(dir, "cli"), { recursive: true });
  copyFileSync(join(dist, "model.js"), join(dir, "model.js"));
  return copy;
}
