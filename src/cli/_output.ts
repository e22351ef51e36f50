/**
 * Where a command writes its result: a file named by `--out`, or standard output.
 *
 * A file is written to a temporary file beside it and renamed into place only when the command
 * succeeds, so `--out` is written whole or not at all: a failed run leaves an existing file as it
 * was and no partial file. A target that is not a regular file (a device such as `/dev/null`, a
 * FIFO) is written directly. Every write is awaited, so a write error (a full disk, `/dev/full`, a
 * file size limit) is an {@link OutputError}: one line naming the file, exit 1.
 * @module
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { type CliIO, InputError, UsageError } from "./io.js";

/** A write to the output failed (disk full, file too large, …): one line, exit 1. */
export class OutputError extends InputError {
  override name = "OutputError";
}

const REASONS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EFBIG: "file too large",
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such directory",
  ENOTDIR: "a parent is not a directory",
  EISDIR: "is a directory",
  EPIPE: "the reading end was closed",
  EEXIST: "exists",
};

/** `<name>: cannot write (<reason>)` for a system error `e` met writing `name`. */
export function writeError(name: string, e: unknown): OutputError {
  const code = (e as { code?: unknown } | null)?.code;
  const reason =
    typeof code === "string" ? (REASONS[code] ?? code) : e instanceof Error ? e.name : "error";
  return new OutputError(`${name}: cannot write (${reason})`);
}

/** An output being written: buffered writes, then {@link Output.commit} or {@link Output.abort}. */
export interface Output {
  /** Adds text; writes (and waits for the write) once 64 kB are buffered. */
  write(text: string): Promise<void>;
  /** Writes what is buffered and, for a file, moves it into place. */
  commit(): Promise<void>;
  /** Gives up: a temporary file is removed, the target left as it was. Never throws. */
  abort(): Promise<void>;
}

const FLUSH_AT = 1 << 16;

/** The temporary file an output named `name` is written to first: `.<name>.<12 hex>.tmp`. */
function tempNameOf(name: string, hex: string): string {
  return `.${name}.${hex}.tmp`;
}

/** Whether `file` (in the output's folder) is a temporary file of the output `name` ({@link tempNameOf}). */
export function isTempOf(name: string, file: string): boolean {
  const head = `.${name}.`;
  return file.startsWith(head) && /^[0-9a-f]{12}\.tmp$/.test(file.slice(head.length));
}

/**
 * Opens `out` (a path relative to `io.cwd`) for writing, or standard output when `out` is
 * undefined (through `io.out`, waiting on `io.drain` when stdout is full).
 * @throws {OutputError} when the file cannot be created.
 */
export async function openOutput(io: CliIO, out: string | undefined): Promise<Output> {
  let buf = "";
  if (out === undefined) {
    const flush = async () => {
      if (buf === "") return;
      const chunk = buf;
      buf = "";
      if (io.out(chunk) === false && io.drain) await io.drain();
    };
    return {
      async write(text) {
        buf += text;
        if (buf.length >= FLUSH_AT) await flush();
      },
      async commit() {
        await flush();
        await io.flushed?.();
      },
      async abort() {
        buf = "";
      },
    };
  }
  const target = resolve(io.cwd, out);
  const st = await stat(target).catch(() => undefined);
  const direct = st !== undefined && !st.isFile();
  const path = direct
    ? target
    : join(dirname(target), tempNameOf(basename(target), randomBytes(6).toString("hex")));
  let fh: FileHandle;
  try {
    fh = await open(path, direct ? "w" : "wx");
  } catch (e) {
    throw writeError(out, e);
  }
  let closed = false;
  const flush = async () => {
    if (buf === "") return;
    const bytes = Buffer.from(buf, "utf8");
    buf = "";
    let off = 0;
    while (off < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
      off += bytesWritten;
    }
  };
  const abort = async () => {
    buf = "";
    if (!closed) {
      closed = true;
      await fh.close().catch(() => {});
    }
    if (!direct) await rm(path, { force: true }).catch(() => {});
  };
  return {
    async write(text) {
      buf += text;
      if (buf.length < FLUSH_AT) return;
      try {
        await flush();
      } catch (e) {
        await abort();
        throw writeError(out, e);
      }
    },
    async commit() {
      try {
        await flush();
        closed = true;
        await fh.close();
        if (!direct) await rename(path, target);
      } catch (e) {
        await abort();
        throw writeError(out, e);
      }
    },
    abort,
  };
}

/** Writes `text` to `out` whole (temporary file, then rename): see {@link openOutput}. */
export async function writeOutput(io: CliIO, out: string, text: string): Promise<void> {
  const o = await openOutput(io, out);
  try {
    await o.write(text);
    await o.commit();
  } catch (e) {
    await o.abort();
    throw e;
  }
}

/** The formats `--out`'s extension can name. */
export type OutFormat = "csv" | "tsv" | "json" | "jsonl";

/**
 * The format `--out`'s file extension names (`.csv`, `.tsv`, `.json`, `.jsonl`, `.html`, …; any
 * case), or `fallback` for standard output, a device (`/dev/stdout`) or an extension-less name.
 * @throws {UsageError} for an extension the command cannot write: one line naming the ones it can.
 */
export function outFormatOf<F extends string>(
  out: string | undefined,
  allowed: readonly F[],
  fallback: F,
): F {
  if (out === undefined || out === "-" || out.startsWith("/dev/")) return fallback;
  const ext = extensionOf(out);
  if (ext === undefined) return fallback;
  if ((allowed as readonly string[]).includes(ext)) return ext as F;
  throw new UsageError(
    `--out ${out}: cannot write .${ext}; name a file ending in ${listOf(allowed)} (the extension sets the format)`,
  );
}

/** The lower-cased extension of a file name (`x.CSV` → `csv`), or undefined when it has none. */
export function extensionOf(file: string): string | undefined {
  return /\.([A-Za-z0-9]+)$/.exec(basename(file))?.[1]?.toLowerCase();
}

/** `a, b or c`. */
export function listOf(items: readonly string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`
    : (items[0] ?? "");
}
