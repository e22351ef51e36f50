import { readFileSync } from "node:fs";
import { type ArgsDef, type CommandDef, renderUsage, runCommand } from "citty";
import { closest } from "../_internal/closest.js";
import { formatIssue, isRapportkitError } from "../core/errors.js";
import { terminalSafe } from "./_text.js";
import { commands } from "./commands/index.js";
import { type CliIO, InputError, UsageError } from "./io.js";

/** The package's version, put in by the build (tsup's `define`, from package.json). */
declare const __RAPPORTKIT_VERSION__: string | undefined;

/** The version from package.json, when running from the sources (tests, tsx): the build's is absent. */
function sourceVersion(): string {
  try {
    const pkg = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    return String((JSON.parse(pkg) as { version?: unknown }).version);
  } catch {
    return "unknown";
  }
}

const VERSION =
  typeof __RAPPORTKIT_VERSION__ === "string" ? __RAPPORTKIT_VERSION__ : sourceVersion();

/** The root command: its sub-commands are in `commands/`, one file each. */
export const root = {
  meta: {
    name: "rapportkit",
    version: VERSION,
    description: "Code therapist utterances for rapport-building behaviours and score sessions.",
  },
  subCommands: commands,
} satisfies CommandDef<ArgsDef>;

async function resolve<T>(v: T | Promise<T> | (() => T) | (() => Promise<T>)): Promise<T> {
  return typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;
}

/** Checks options against the command's declared args: citty itself lets unknown options through. */
function checkOptions(args: ArgsDef, rawArgs: readonly string[]): void {
  const known = new Set<string>(["help", "h"]);
  for (const [name, def] of Object.entries(args)) {
    known.add(name);
    // citty accepts camelCase and kebab-case spellings of the same option.
    known.add(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    const alias = (def as { alias?: string | string[] }).alias;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) known.add(a);
    if ((def as { type?: string }).type === "boolean") known.add(`no-${name}`);
  }
  for (const raw of rawArgs) {
    if (raw === "--") break;
    if (!raw.startsWith("-") || raw === "-") continue;
    const name = raw.replace(/^--?/, "").split("=")[0] ?? "";
    if (!known.has(name)) {
      const near = raw.startsWith("--")
        ? closest(
            name,
            [...known].filter((k) => k.length > 1 && !/[A-Z]/.test(k)),
          )
        : undefined;
      throw new UsageError(
        `unknown option '${raw.split("=")[0]}'${near === undefined ? "" : `; did you mean --${near}?`} (see --help)`,
      );
    }
  }
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code:
 * 0 ok, 1 bad input or a failed write, 2 usage error (the bin also exits 141 when the reader of
 * standard output goes away, as `yes | head` does). Never throws for a user's mistake.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === "--help" || first === "-h" || first === "help") {
      io.out(`${stripAnsi(await renderUsage(root as CommandDef<ArgsDef>))}\n`);
      return first === undefined ? 2 : 0;
    }
    if (first === "--version" || first === "-v") {
      io.out(`${VERSION}\n`);
      return 0;
    }
    const sub = Object.hasOwn(commands, first) ? commands[first] : undefined;
    if (!sub) {
      const near = closest(first, Object.keys(commands));
      throw new UsageError(
        `unknown command '${first}'${near === undefined ? "" : `; did you mean ${near}?`} (commands: ${Object.keys(commands).join(", ")})`,
      );
    }
    const cmd = (await resolve(sub)) as CommandDef<ArgsDef>;
    return await runSub(cmd, [...rest], io, root as CommandDef<ArgsDef>);
  } catch (e) {
    return report(e, io);
  }
}

async function runSub(
  cmd: CommandDef<ArgsDef>,
  rawArgs: string[],
  io: CliIO,
  parent: CommandDef<ArgsDef>,
): Promise<number> {
  const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
  const [first, ...rest] = rawArgs;
  if (subs && first !== undefined && !first.startsWith("-")) {
    const sub = Object.hasOwn(subs, first) ? subs[first] : undefined;
    if (!sub)
      throw new UsageError(
        `unknown sub-command '${first}' (one of: ${Object.keys(subs).join(", ")})`,
      );
    return runSub((await resolve(sub)) as CommandDef<ArgsDef>, rest, io, cmd);
  }
  if (subs && !cmd.run && first?.startsWith("-") && first !== "--help" && first !== "-h")
    throw new UsageError(`unknown option '${first.split("=")[0]}' (see --help)`);
  if (rawArgs.includes("--help") || rawArgs.includes("-h") || (subs && !cmd.run)) {
    io.out(`${stripAnsi(await renderUsage(cmd, parent))}\n`);
    return rawArgs.includes("--help") || rawArgs.includes("-h") ? 0 : 2;
  }
  checkOptions(cmd.args ? await resolve(cmd.args) : {}, rawArgs);
  const { result } = await runCommand(cmd, { rawArgs, data: io });
  return typeof result === "number" ? result : 0;
}

/** Turns an error into one line on stderr and an exit code. Stack traces only for real bugs. */
function report(e: unknown, io: CliIO): number {
  return reportTo(e, {
    ...io,
    // The line names files, ids and labels from the input: escaped before it reaches a terminal
    // (a stack trace, for a real bug, keeps its line breaks).
    err: (t) =>
      io.err(
        t.startsWith("rapportkit: internal error: ") ? t : `${terminalSafe(t.slice(0, -1))}\n`,
      ),
  });
}

function reportTo(e: unknown, io: CliIO): number {
  if (e instanceof UsageError || (e instanceof Error && e.name === "CLIError")) {
    io.err(`rapportkit: ${stripAnsi(e.message)}\n`);
    return 2;
  }
  if (isRapportkitError(e)) {
    const first = e.issues[0];
    const more = e.issues.length > 1 ? ` (and ${e.issues.length - 1} more)` : "";
    io.err(`rapportkit: ${first ? formatIssue(first) : e.message}${more}\n`);
    return 1;
  }
  if (e instanceof InputError) {
    io.err(`rapportkit: ${e.message}\n`);
    return 1;
  }
  const code = (e as { code?: unknown })?.code;
  if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
    const path = (e as { path?: string }).path ?? "";
    const what =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : "permission denied";
    io.err(`rapportkit: ${path}: ${what}\n`);
    return 1;
  }
  // Any other system error (a full disk, a closed pipe, a file too large): one line, not a bug.
  const errno = (e as { errno?: unknown })?.errno;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code) && typeof errno === "number") {
    const path = (e as { path?: unknown }).path;
    const syscall = (e as { syscall?: unknown }).syscall;
    io.err(
      `rapportkit: ${typeof path === "string" ? `${path}: ` : ""}${typeof syscall === "string" ? `${syscall} failed` : "system error"} (${code})\n`,
    );
    return 1;
  }
  // A bug in rapportkit, not the user's mistake: say so, with the stack.
  io.err(
    `rapportkit: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  return 70;
}

function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes from citty's messages
  return s.replace(/\u001b\[[0-9;]*m/g, "");
}
