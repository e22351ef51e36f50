/**
 * Every command's `--help` (and every sub-command's), as the user sees it, pinned by snapshots:
 * a changed help text shows up in review. With NO_COLOR=1 the output holds no ANSI escapes.
 */
import "../helpers/no-color.js";
import type { ArgsDef, CommandDef } from "citty";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { hasStackTrace, runCli } from "../helpers/cli.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
const ANSI = /\u001b\[/;

type Lazy<T> = T | Promise<T> | (() => T | Promise<T>);
async function resolve<T>(v: Lazy<T>): Promise<T> {
  return typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;
}

/** Every command path: ["code"], ["codebook"], ["codebook", "show"], … */
async function commandPaths(): Promise<string[][]> {
  const out: string[][] = [];
  const walk = async (cmd: CommandDef<ArgsDef>, path: string[]) => {
    out.push(path);
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
    for (const [name, sub] of Object.entries(subs ?? {}))
      await walk((await resolve(sub)) as CommandDef<ArgsDef>, [...path, name]);
  };
  for (const [name, load] of Object.entries(commands)) await walk(await load(), [name]);
  return out;
}

const paths = await commandPaths();

describe("--help", () => {
  it("the root help lists every command", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    for (const name of Object.keys(commands)) expect(r.out).toContain(name);
    expect(r.out).not.toMatch(ANSI);
    expect(r.out).toMatchSnapshot();
  });

  it("covers every command and sub-command", () => {
    expect(paths.length).toBeGreaterThanOrEqual(Object.keys(commands).length);
  });

  it.each(paths.map((p) => [p.join(" "), p] as const))(
    "rapportkit %s --help",
    async (_name, path) => {
      const r = await runCli([...path, "--help"]);
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      expect(r.out).toContain("USAGE");
      expect(r.out).not.toMatch(ANSI);
      expect(hasStackTrace(r.out)).toBe(false);
      expect(r.out).toMatchSnapshot();
    },
  );

  it("-h is --help", async () => {
    const a = await runCli(["code", "-h"]);
    const b = await runCli(["code", "--help"]);
    expect(a).toEqual(b);
  });
});
