import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { type LinearModel, parseLinearModel } from "../classify/linear/model.js";
import { ModelError } from "../core/errors.js";

/**
 * The largest model file read by default: 16 MB (16,000,000 bytes). The shipped models are 1 MB
 * (`annomi`) and 2.5 MB (`rapport`); parsing and validating a model takes many times its size in
 * memory, so a 47 MB file would exhaust a default Node heap after a minute instead of failing.
 * Raise it with `maxBytes` (library) or `--max-model-mb` (CLI).
 * @category Node
 */
export const DEFAULT_MAX_MODEL_BYTES = 16_000_000;

/**
 * Options of {@link readLinearModelFile}.
 * @category Node
 */
export interface ReadModelOptions {
  /** The largest file accepted, in bytes (default {@link DEFAULT_MAX_MODEL_BYTES}). */
  readonly maxBytes?: number;
}

/** A byte count as people read it: `47.0 MB`, `0.5 MB`, `1,000 bytes`. */
function sizeText(bytes: number): string {
  if (bytes < 100_000) return `${bytes.toLocaleString("en-US")} bytes`;
  const mb = bytes / 1e6;
  return `${Number.isInteger(mb) ? String(mb) : mb < 10 ? String(Number(mb.toPrecision(2))) : mb.toFixed(1)} MB`;
}

/**
 * The error for a model file over the limit: one issue (`too_large`) naming the file, its size and
 * the limit, and how to raise the limit (`hint`: the option's name where it is given).
 * @internal
 */
export function modelTooLarge(
  file: string,
  size: number | undefined,
  maxBytes: number,
  hint = "maxBytes",
): ModelError {
  const what = size === undefined ? "more than" : `${sizeText(size)}, over`;
  return new ModelError([
    {
      code: "too_large",
      path: [],
      file,
      message: `the model file is ${what} the limit of ${sizeText(maxBytes)} (raise it with ${hint} if the file is a model you trust)`,
    },
  ]);
}

/**
 * Checks a `maxBytes` option: a whole number of bytes above 0.
 * @internal
 */
export function checkMaxBytes(maxBytes: number, name = "maxBytes"): number {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new ModelError([
      {
        code: "invalid_input",
        path: [name],
        message: `${name} must be a whole number of bytes above 0`,
      },
    ]);
  return maxBytes;
}

/**
 * Reads a model file's text, refusing a file over `maxBytes` before reading it (from its size),
 * and never reading more than `maxBytes + 1` bytes (a pipe or a special file has no size). The
 * synchronous twin is for the CLI, which hands the text on to its worker threads.
 * @internal
 */
export function readModelTextSync(path: string, maxBytes: number, hint = "maxBytes"): string {
  const fd = openSync(path, "r");
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > maxBytes) throw modelTooLarge(path, st.size, maxBytes, hint);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw modelTooLarge(path, undefined, maxBytes, hint);
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

async function readModelText(path: string, maxBytes: number): Promise<string> {
  const fh = await open(path, "r");
  try {
    const st = await fh.stat();
    if (st.isFile() && st.size > maxBytes) throw modelTooLarge(path, st.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw modelTooLarge(path, undefined, maxBytes);
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    await fh.close();
  }
}

/**
 * Reads and validates a linear model file (as written by `trainLinear` or `rapportkit train`). A
 * file larger than `maxBytes` (default 16 MB, see {@link DEFAULT_MAX_MODEL_BYTES}) is refused
 * from its size before it is read, so an oversized or hostile file is a one-line error rather than
 * a heap exhaustion.
 * @throws {ModelError} `too_large` over the limit, `bad_json` when the file is not JSON, and
 *   `model_invalid` (with the path of each problem) when it is not a model; every issue carries the
 *   file. Node's own error for a missing or unreadable file.
 * @example
 * ```ts
 * const clf = linearClassifier(await readLinearModelFile("model.json"), { codebook });
 * ```
 * @category Node
 */
export async function readLinearModelFile(
  path: string,
  options: ReadModelOptions = {},
): Promise<LinearModel> {
  const maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES);
  const text = await readModelText(path, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelError([
      { code: "bad_json", path: [], file: path, message: "the model file is not valid JSON" },
    ]);
  }
  try {
    return parseLinearModel(json);
  } catch (e) {
    if (e instanceof ModelError)
      throw new ModelError(
        e.issues.map((i) => ({ ...i, file: i.file ?? path })),
        { cause: e },
      );
    throw e;
  }
}
