/**
 * A memory bound for `rapportkit code`: the command runs in a worker thread whose old-generation
 * heap is capped (`--max-heap-mb`, default {@link DEFAULT_HEAP_MB}), and this thread only passes
 * its output on to standard output.
 *
 * Why a worker and not a smaller heap for the whole process: Node fixes the heap limit when the
 * process starts (`v8.setFlagsFromString('--max-old-space-size=…')` later has no effect), and a
 * user's NODE_OPTIONS is theirs to set. Without a cap V8 grows the heap with the allocation rate,
 * not with what is live: coding 1,000,000 rows with the `rapport` default kept ~80 MB live but
 * peaked at 331–364 MB of RSS; capped at 192 MB the same run peaks at about 200 MB, no slower.
 *
 * Output keeps its backpressure across the threads: the worker's `out` returns `false` while more
 * than {@link HIGH_WATER} characters are posted but not yet flushed to standard output, and its
 * `drain` waits until they are.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type MessagePort, Worker } from "node:worker_threads";
import { isTempOf } from "./_output.js";
import type { CliIO } from "./io.js";

/** The default old-generation heap limit of `rapportkit code`, in MB. */
export const DEFAULT_HEAP_MB = 192;
/**
 * The worker's young generation, in MB (V8 gives it three semi-spaces' worth: 96 MB is a 32 MB
 * semi-space, twice Node's default of 16 MB). Coding keeps each chunk's tokens alive until the
 * chunk is done, more than a 16 MB semi-space holds, so they were copied out of it and promoted;
 * with 32 MB, `--trace-gc` on 200,000 rows with the `rapport` default showed scavenges 84 → 51
 * and their time 754 → 383 ms, peak RSS 185 → 217 MB (a larger one gained no more).
 */
const YOUNG_GENERATION_MB = 96;
/** Characters posted to standard output but not yet flushed, above which `out` says "wait". */
const HIGH_WATER = 1 << 16;
/** Marks the worker that runs a heap-capped command. */
export const HEAP_FLAG = "rapportkit-heap-capped";

type ToParent =
  | { readonly k: "out"; readonly t: string }
  | { readonly k: "err"; readonly t: string }
  | { readonly k: "stdin" }
  | { readonly k: "done"; readonly code: number };
type ToWorker = { readonly k: "flushed"; readonly n: number } | { readonly k: "stdin"; t: string };

/**
 * The heap limit `argv` asks for, or `undefined` when the command runs in this thread: commands
 * other than `code`, `--max-heap-mb 0`, a value that is not a whole number (the command itself
 * then refuses it), and a process started with its own `--max-old-space-size` (in NODE_OPTIONS or
 * on node's command line).
 */
export function heapCapOf(
  argv: readonly string[],
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): number | undefined {
  if (argv[0] !== "code") return undefined;
  if (argv.includes("--help") || argv.includes("-h")) return undefined;
  const own = /--max-old-space-size\b/;
  if (execArgv.some((a) => own.test(a)) || own.test(nodeOptions ?? "")) return undefined;
  let raw: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") break;
    if (a === "--max-heap-mb") raw = argv[i + 1];
    else if (a.startsWith("--max-heap-mb=")) raw = a.slice("--max-heap-mb=".length);
  }
  const mb = heapMbOf(raw);
  return mb === 0 ? undefined : mb;
}

/**
 * The value of `--max-heap-mb`: {@link DEFAULT_HEAP_MB} when absent, a whole number of MB (0: no
 * cap), or `undefined` when it is not a whole number (`code` refuses it as a usage error).
 */
export function heapMbOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return DEFAULT_HEAP_MB;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Temporary `--out` files a worker that died left (`.<name>.<12 hex>.tmp` beside the target). */
export function removeStaleTemps(argv: readonly string[], cwd: string, since: number): void {
  const i = argv.findIndex((a) => a === "--out" || a.startsWith("--out="));
  if (i < 0) return;
  const a = argv[i] as string;
  const out = a === "--out" ? argv[i + 1] : a.slice("--out=".length);
  if (!out) return;
  const target = resolve(cwd, out);
  const dir = dirname(target);
  const name = basename(target);
  try {
    for (const file of readdirSync(dir)) {
      if (!isTempOf(name, file)) continue;
      const p = join(dir, file);
      if (statSync(p).mtimeMs >= since - 1000) rmSync(p, { force: true });
    }
  } catch {
    // The folder went away or cannot be read: nothing of ours to clean.
  }
}

/**
 * Runs `argv` in a worker thread with an old-generation heap of `mb` MB, passing its output to
 * `io`; resolves to the exit code. A worker that reaches the cap ends the run with one line that
 * says how to raise it, exit 1, and leaves no partial `--out` file.
 */
export function runCapped(
  entry: string | URL,
  argv: readonly string[],
  mb: number,
  io: {
    /** Writes to standard output; `flushed` runs once the text has left the process. */
    readonly write: (text: string, flushed: () => void) => void;
    readonly err: (text: string) => void;
    readonly readStdin: () => Promise<string>;
    readonly cwd: string;
    readonly isTTY: boolean;
  },
): Promise<number> {
  const started = Date.now();
  return new Promise((settle) => {
    // From the sources (tests, `npm run dev`), the worker registers tsx first, as the bin does.
    const href = String(entry);
    const source = href.endsWith(".ts")
      ? `(async () => { (await import("tsx/esm/api")).register(); await import(${JSON.stringify(href)}); })()`
      : undefined;
    const worker = new Worker(source ?? entry, {
      ...(source ? { eval: true } : {}),
      argv: [...argv],
      workerData: { flag: HEAP_FLAG, isTTY: io.isTTY },
      resourceLimits: { maxOldGenerationSizeMb: mb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      stdout: true,
      stderr: true,
    });
    let code: number | undefined;
    worker.on("message", (m: ToParent) => {
      if (m.k === "out") {
        const n = m.t.length;
        // Once the text has left this process the worker may send more. (A write error goes to
        // the bin's 'error' handler on standard output.)
        io.write(m.t, () => worker.postMessage({ k: "flushed", n } satisfies ToWorker));
      } else if (m.k === "err") io.err(m.t);
      else if (m.k === "stdin")
        io.readStdin().then((t) => worker.postMessage({ k: "stdin", t } satisfies ToWorker));
      else code = m.code;
    });
    let failure: Error | undefined;
    worker.on("error", (e) => {
      failure = e;
    });
    worker.on("exit", () => {
      if (code !== undefined) return settle(code);
      removeStaleTemps(argv, io.cwd, started);
      const oom =
        (failure as NodeJS.ErrnoException | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
      io.err(
        oom
          ? `rapportkit: error: coding needed more than its heap limit of ${mb} MB (very long utterances, or many long sessions at once); raise it with --max-heap-mb ${mb * 4}, or --max-heap-mb 0 for Node's own limit\n`
          : `rapportkit: error: the coding thread stopped (${failure?.name ?? "no reason given"}); run again with --max-heap-mb 0 to code in the main thread\n`,
      );
      settle(1);
    });
  });
}

/**
 * The {@link CliIO} of a command running in a heap-capped worker: it posts its output to the
 * parent thread (see {@link runCapped}), with backpressure.
 */
export function workerIO(port: MessagePort, isTTY: boolean): CliIO & { done(code: number): void } {
  let pending = 0;
  let waiters: (() => void)[] = [];
  let flushWaiters: (() => void)[] = [];
  let stdinWaiter: ((t: string) => void) | undefined;
  port.on("message", (m: ToWorker) => {
    if (m.k === "flushed") {
      pending -= m.n;
      if (pending === 0) {
        const w = flushWaiters;
        flushWaiters = [];
        for (const f of w) f();
      }
      if (pending < HIGH_WATER) {
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      }
    } else stdinWaiter?.(m.t);
  });
  return {
    out(t: string) {
      if (t === "") return true;
      pending += t.length;
      port.postMessage({ k: "out", t } satisfies ToParent);
      return pending < HIGH_WATER;
    },
    drain: () =>
      new Promise<void>((done) => {
        if (pending < HIGH_WATER) return done();
        waiters.push(done);
      }),
    // Every posted text flushed by the parent (which ends the process when a write fails).
    flushed: () =>
      new Promise<void>((done) => {
        if (pending === 0) return done();
        flushWaiters.push(done);
      }),
    err(t: string) {
      port.postMessage({ k: "err", t } satisfies ToParent);
    },
    cwd: process.cwd(),
    isTTY,
    stdin: () =>
      new Promise<string>((done) => {
        stdinWaiter = done;
        port.postMessage({ k: "stdin" } satisfies ToParent);
      }),
    done(code: number) {
      port.postMessage({ k: "done", code } satisfies ToParent);
      port.unref();
    },
  };
}
