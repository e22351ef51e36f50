/** Runs the CLI in-process (`main` from src/cli/main.ts) and captures what it writes. */
import { main } from "../../src/cli/main.js";

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
