import { type ArgsDef, type CommandDef, defineCommand as cittyDefine } from "citty";

/**
 * Where a command writes. The bin passes process.stdout/stderr; tests pass buffers. Commands never
 * touch `process` or `console` directly, so they can be run in-process by tests.
 */
export interface CliIO {
  /**
   * Writes to standard output. May return `false` when the stream is full: then commands that
   * write much wait for {@link CliIO.drain} before writing more.
   */
  readonly out: (text: string) => unknown;
  /** Resolves when standard output can take more (after `out` returned `false`). */
  readonly drain?: () => Promise<void>;
  readonly err: (text: string) => void;
  /** Working directory relative paths resolve against. */
  readonly cwd: string;
  /** Whether stderr is a terminal (progress bars only then). */
  readonly isTTY: boolean;
  /**
   * Resolves once everything written with `out` has left the process. When a write failed it
   * never resolves: the bin reports the failure and exits, so a command that awaits it before its
   * closing summary never reports success after a failed write.
   */
  readonly flushed?: () => Promise<void>;
  /** Read standard input fully (for `-` as a file name). */
  readonly stdin?: () => Promise<string>;
}

/** A mistake in how the command was called (unknown option, missing argument): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A problem with the user's input (missing file, bad row, unknown codebook): exit code 1. */
export class InputError extends Error {
  override name = "InputError";
}

/** The context every command's `run` receives; `data` holds the {@link CliIO}. */
export function ioOf(ctx: { data?: unknown }): CliIO {
  return ctx.data as CliIO;
}

/** citty's defineCommand, re-exported so commands import one place. */
export function defineCommand<const T extends ArgsDef = ArgsDef>(
  def: CommandDef<T>,
): CommandDef<T> {
  return cittyDefine(def);
}
