/** Runs the CLI in-process (`main` from src/cli/main.ts) and captures what it writes. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { ROOT } from "./dist.js";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(
  argv: readonly string[],
  opts: { cwd?: string; stdin?: string } = {},
): Promise<CliRun> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    cwd: opts.cwd ?? process.cwd(),
    isTTY: false,
    ...(opts.stdin === undefined ? {} : { stdin: async () => opts.stdin as string }),
  });
  return { code, out, err };
}

/** True when text looks like a stack trace (a line starting with whitespace and "at "). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at\s/m.test(text);
}

/** Runs the CLI from the sources in a child process (for what only a real process shows):
 * `shell` is a bash command line in which `$CMD` stands for the CLI call (e.g. `$CMD >/dev/full`). */
export function spawnCli(
  argv: readonly string[],
  opts: { cwd?: string; shell?: string; stdin?: string; env?: Record<string, string> } = {},
): { code: number | null; signal: string | null; out: string; err: string } {
  const cli = join(ROOT, "src", "cli", "index.ts");
  const cmd = `node --import tsx ${JSON.stringify(cli)} ${argv.map((a) => JSON.stringify(a)).join(" ")}`;
  const r = spawnSync("bash", ["-c", opts.shell ? opts.shell.replaceAll("$CMD", cmd) : cmd], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    input: opts.stdin ?? "",
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    maxBuffer: 1 << 28,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}
