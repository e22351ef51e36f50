/**
 * `rapportkit code <file>`: codes every utterance and writes one row per input utterance, in input
 * order, with exactly the columns `id,session,index,speaker,code,confidence,text`.
 *
 * The input is streamed (CSV and JSONL with constant memory) and coded in chunks. Each chunk is
 * classified together with a window of the preceding turns of each of its sessions, so that
 * context (the previous client turn, the codes of earlier turns) crosses chunk boundaries. The
 * window's own predictions are checked against the ones already written for those turns; when they
 * differ (the classifier's context reaches further back), the chunk is coded again with a longer
 * window, up to {@link MAX_HISTORY} turns or the whole session. So the output equals coding each
 * session whole, and does not depend on the chunk size or on `--workers`.
 * @module
 */
import { availableParallelism } from "node:os";
import { resolve as resolvePath } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { ArgsDef } from "citty";
import { linearClassifier } from "../../classify/linear/classifier.js";
import { rulesClassifier } from "../../classify/rules/classifier.js";
import type { Classifier, Prediction } from "../../classify/types.js";
import { builtinCodebooks } from "../../codebook/builtin/index.js";
import { formatIssue, type Issue, ModelError, RapportkitError } from "../../core/errors.js";
import type { Codebook, Utterance } from "../../core/schemas.js";
import { CODED_COLUMNS, type CodedRow, codedCsvLine, codedJsonlLine } from "../../io/coded.js";
import { DEFAULT_MAX_MODEL_BYTES, readModelTextSync } from "../../node/model.js";
import type { StreamItem } from "../../node/stream.js";
import { DEFAULT_HEAP_MB } from "../_heap.js";
import { inputArgs, printWarnings, strArg, streamInput } from "../_input.js";
import { type Output, openOutput, outFormatOf } from "../_output.js";
import { type CliIO, defineCommand, InputError, ioOf, UsageError } from "../io.js";

// ---------------------------------------------------------------------------------------------
// Classifier specs (shared with `train` and `eval`)

/** The built-in codebook ids. */
export const CODEBOOK_IDS = Object.keys(builtinCodebooks);

/** What a worker needs to build the same classifier as the main thread. */
export interface ClassifierSpec {
  readonly codebook: string;
  /** `default`, `rules`, `linear`, or `model` (then `modelText` holds the model file's text). */
  readonly kind: "default" | "rules" | "linear" | "model";
  readonly modelText?: string;
  readonly modelFile?: string;
}

/** The `--codebook` and `--classifier` args. */
export const classifierArgs = {
  codebook: {
    type: "string",
    description: `codebook: ${CODEBOOK_IDS.join("|")} (default: rapport; annomi with --classifier linear)`,
  },
  classifier: {
    type: "string",
    description:
      "classifier: default|rules|linear|<model.json> (default: the pretrained model with the rules; linear: the AnnoMI model alone)",
  },
  "max-model-mb": {
    type: "string",
    description: `the largest model .json file read, in MB (default ${DEFAULT_MAX_MODEL_BYTES / 1e6}); a larger one is refused before it is parsed`,
  },
} as const satisfies ArgsDef;

/** The codebook named by `--codebook`, or exit 1 naming the choices. */
export function codebookOf(id: string | undefined): Codebook {
  const name = id ?? "rapport";
  if (!Object.hasOwn(builtinCodebooks, name))
    throw new InputError(`unknown codebook '${name}' (one of: ${CODEBOOK_IDS.join(", ")})`);
  return builtinCodebooks[name as keyof typeof builtinCodebooks] as unknown as Codebook;
}

/** Turns `--codebook`/`--classifier` into a spec, reading a model file when one is named. */
export function specOf(args: Record<string, unknown>, io: CliIO): ClassifierSpec {
  const c = strArg(args, "classifier") ?? "default";
  // The pretrained linear model codes AnnoMI's codes: that is its codebook unless one is named.
  const codebook = codebookOf(strArg(args, "codebook") ?? (c === "linear" ? "annomi" : undefined));
  const mbRaw = strArg(args, "max-model-mb");
  const mb = mbRaw === undefined ? DEFAULT_MAX_MODEL_BYTES / 1e6 : Number(mbRaw);
  if (!Number.isFinite(mb) || mb <= 0 || Math.round(mb * 1e6) < 1)
    throw new UsageError("--max-model-mb must be a number of megabytes above 0 (e.g. 16 or 0.5)");
  if (c === "default" || c === "rules" || c === "linear") return { codebook: codebook.id, kind: c };
  let modelText: string;
  try {
    // The size is checked before the file is read: a huge file must not exhaust the heap.
    modelText = readModelTextSync(resolvePath(io.cwd, c), Math.round(mb * 1e6), "--max-model-mb");
  } catch (e) {
    if (e instanceof ModelError) throw new InputError(`${c}: ${(e.issues[0] as Issue).message}`);
    const code = (e as { code?: string }).code;
    throw new InputError(
      `${c}: cannot read the model file${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}; --classifier takes default, rules, linear or a model .json file`,
    );
  }
  return { codebook: codebook.id, kind: "model", modelText, modelFile: c };
}

/** Builds the classifier of a spec. Throws `InputError` or `ModelError` (exit 1) for bad models. */
export async function buildClassifier(spec: ClassifierSpec): Promise<Classifier> {
  const codebook = codebookOf(spec.codebook);
  switch (spec.kind) {
    case "model": {
      let json: unknown;
      try {
        json = JSON.parse(spec.modelText ?? "");
      } catch {
        throw new InputError(`${spec.modelFile}: the model file is not valid JSON`);
      }
      try {
        return linearClassifier(json, { codebook });
      } catch (e) {
        if (e instanceof RapportkitError)
          throw new ModelError(
            e.issues.map((i) => ({ ...i, file: i.file ?? spec.modelFile })),
            { cause: e },
          );
        throw e;
      }
    }
    case "rules":
      return rulesFor(codebook);
    case "linear":
    case "default":
      return modelFor(spec.kind, codebook);
  }
}

/** The rules classifier of a codebook. */
async function rulesFor(codebook: Codebook): Promise<Classifier> {
  return rulesClassifier(codebook);
}

/**
 * The pretrained model (`linear`, codebook `annomi`) or the codebook's default (`default`): the
 * model's best combination for `annomi` and `rapport`, the rules for any other codebook.
 */
async function modelFor(kind: "linear" | "default", codebook: Codebook): Promise<Classifier> {
  if (kind === "default" && codebook.id !== "annomi" && codebook.id !== "rapport")
    return rulesFor(codebook);
  let mod: Record<string, unknown>;
  try {
    mod = (await import("../../model/index.js")) as Record<string, unknown>;
  } catch {
    throw new InputError(
      `the pretrained model is not available in this build; use --classifier rules or a model .json file`,
    );
  }
  if (kind === "default") {
    const make = mod.defaultClassifier as ((o: { codebook: string }) => Classifier) | undefined;
    if (typeof make !== "function")
      throw new InputError("the default classifier is not available in this build");
    return make({ codebook: codebook.id });
  }
  const make = mod.annomiClassifier as (() => Classifier) | undefined;
  if (typeof make !== "function")
    throw new InputError("the pretrained linear model is not available in this build");
  const c = make();
  if (c.codebook.id !== codebook.id)
    throw new InputError(
      `--classifier linear is the pretrained model for codebook '${c.codebook.id}'; use --codebook ${c.codebook.id}, or --classifier default for '${codebook.id}'`,
    );
  return c;
}

// ---------------------------------------------------------------------------------------------
// Chunked, context-carrying coding

/** Utterances per chunk. */
export const CHUNK_SIZE = 2048;
/** Turns of each session sent along with a chunk as its first context window. */
export const CONTEXT_WINDOW = 32;
/** The longest context window tried when the first one is not enough (turns per session). */
export const MAX_HISTORY = 512;
/** Sessions whose recent turns are kept for context (least recently seen dropped first). */
export const MAX_SESSIONS = 128;

/** Runs a classifier on a batch: in this thread, or on a worker. */
export interface Engine {
  classify(utterances: readonly Utterance[]): Promise<Prediction[]>;
  close(): Promise<void>;
  /** Worker threads started so far (a worker engine starts them as batches need them). */
  started?(): number;
}

/** An engine over a classifier in this thread. */
export function inlineEngine(classifier: Classifier): Engine {
  return {
    classify: async (us) => classifier.classify(us),
    close: async () => {},
  };
}

interface Turn {
  readonly u: Utterance;
  readonly code: string;
  readonly confidence: number;
}

/** Keeps the last `max` items per session for at most MAX_SESSIONS sessions (LRU). */
class History<T> {
  private readonly map = new Map<string, T[]>();
  constructor(private readonly max: number) {}
  get(session: string): T[] | undefined {
    return this.map.get(session);
  }
  push(session: string, item: T): void {
    let list = this.map.get(session);
    if (!list) {
      list = [];
      if (this.map.size >= MAX_SESSIONS) {
        const oldest = this.map.keys().next().value as string;
        this.map.delete(oldest);
      }
    } else this.map.delete(session);
    this.map.set(session, list);
    list.push(item);
    if (list.length >= this.max + 64) list.splice(0, list.length - this.max);
  }
  last(session: string, n: number): T[] {
    const list = this.map.get(session);
    if (!list) return [];
    return list.slice(Math.max(0, list.length - n));
  }
}

/** What {@link codeItems} reports back. */
export interface CodeSummary {
  readonly coded: number;
  readonly skipped: number;
  /** Chunks that needed a longer context window than the first. */
  readonly widened: number;
}

/** Options of {@link codeItems}. */
export interface CodeItemsOptions {
  readonly chunkSize?: number;
  /** Chunks in flight at once (default 1; the worker pool passes 2 × workers). */
  readonly inFlight?: number;
  /** Called with each coded chunk, in input order (awaited: a slow output slows the coding). */
  readonly onRows: (rows: readonly CodedRow[]) => unknown;
  /** Called for each row left out (`--on-error skip`). */
  readonly onSkip?: (issue: Issue, line: number | undefined) => void;
  /** Called with the warnings of streamed items. */
  readonly onWarnings?: (warnings: readonly Issue[]) => void;
  /** Called after each chunk with the utterances coded so far. */
  readonly onProgress?: (coded: number) => void;
  /** Called once per session whose earlier turns were dropped from memory. */
  readonly onContextLost?: (session: string, line: number) => void;
}

/** The turn a row's context column describes: the other speaker, just before the row. */
export function contextTurn(u: Utterance, text: string): Utterance {
  return {
    id: `${u.id}#context`,
    session: u.session,
    index: u.index,
    speaker: "context",
    role: u.role === "client" ? "therapist" : "client",
    text,
  };
}

interface Job {
  readonly seq: number;
  readonly window: Utterance[];
  readonly chunk: Utterance[];
  /** Which turns of `chunk` are context turns made from `--context-column` (not written out). */
  readonly synthetic: boolean[];
  /** Turns of each chunk session seen before this chunk (to know if the window is complete). */
  readonly before: Map<string, number>;
  readonly result: Promise<Prediction[]>;
}

/**
 * Codes a stream of items chunk by chunk with `engine`, carrying each session's preceding turns
 * across chunks (see the module notes), and hands the rows to `onRows` in input order. `local`
 * re-codes a chunk with a longer window in this thread when the first window was not enough.
 */
export async function codeItems(
  items: AsyncIterable<StreamItem>,
  engine: Engine,
  local: () => Promise<Classifier>,
  options: CodeItemsOptions,
): Promise<CodeSummary> {
  const chunkSize = Math.max(1, options.chunkSize ?? CHUNK_SIZE);
  const inFlight = Math.max(1, options.inFlight ?? 1);
  // Reader side: the turns of each session (for windows), and how many each session has had.
  const readerHistory = new History<Utterance>(CONTEXT_WINDOW);
  const seenCount = new Map<string, number>();
  // Writer side: turns with the codes written for them (to check and widen windows).
  const written = new History<Turn>(MAX_HISTORY);
  const lostWarned = new Set<string>();
  const pending: Job[] = [];
  let seq = 0;
  let coded = 0;
  let skipped = 0;
  let widened = 0;
  let chunk: Utterance[] = [];
  let synthetic: boolean[] = [];
  let lines: number[] = [];

  const dispatch = () => {
    const sessions: string[] = [];
    const before = new Map<string, number>();
    for (const u of chunk)
      if (!before.has(u.session)) {
        before.set(u.session, seenCount.get(u.session) ?? 0);
        sessions.push(u.session);
      }
    const window: Utterance[] = [];
    for (const s of sessions) window.push(...readerHistory.last(s, CONTEXT_WINDOW));
    chunk.forEach((u, k) => {
      const n = seenCount.get(u.session) ?? 0;
      if (n > 0 && readerHistory.get(u.session) === undefined && !lostWarned.has(u.session)) {
        lostWarned.add(u.session);
        options.onContextLost?.(u.session, lines[k] ?? 0);
      }
      seenCount.set(u.session, n + 1);
      readerHistory.push(u.session, u);
    });
    const all = window.length ? [...window, ...chunk] : chunk;
    const result = engine.classify(all);
    // A failure is thrown when its chunk's turn comes; until then, it is not "unhandled".
    result.catch(() => {});
    pending.push({ seq: seq++, window, chunk, synthetic, before, result });
    chunk = [];
    synthetic = [];
    lines = [];
  };

  /** Whether the predictions for a window equal the codes written for those turns. */
  const matches = (
    window: readonly Utterance[],
    preds: readonly Prediction[],
    n: number,
  ): boolean => {
    const bySession = new Map<string, Turn[]>();
    for (const u of window)
      if (!bySession.has(u.session)) bySession.set(u.session, written.last(u.session, n));
    const offset = new Map<string, number>();
    for (let i = 0; i < window.length; i++) {
      const u = window[i] as Utterance;
      const k = offset.get(u.session) ?? 0;
      offset.set(u.session, k + 1);
      const t = bySession.get(u.session)?.[k];
      const p = preds[i] as Prediction;
      if (!t || t.u.id !== u.id || t.code !== p.codeId || t.confidence !== p.confidence)
        return false;
    }
    return true;
  };

  const finish = async (job: Job) => {
    const preds = await job.result;
    if (preds.length !== job.window.length + job.chunk.length)
      throw new InputError(
        `the classifier returned ${preds.length} codes for ${job.window.length + job.chunk.length} utterances`,
      );
    let out = preds.slice(job.window.length);
    const complete = (n: number) => {
      for (const seen of job.before.values()) if (seen > n) return false;
      return true;
    };
    if (
      job.window.length > 0 &&
      !complete(CONTEXT_WINDOW) &&
      !matches(job.window, preds, CONTEXT_WINDOW)
    ) {
      // The classifier's context reaches further back than the first window: widen it until the
      // window's own codes agree with those written, or it holds the whole session (or MAX_HISTORY).
      widened++;
      const clf = await local();
      for (let n = CONTEXT_WINDOW * 4; ; n = Math.min(MAX_HISTORY, n * 4)) {
        const win: Utterance[] = [];
        for (const s of job.before.keys()) win.push(...written.last(s, n).map((t) => t.u));
        const again = await clf.classify([...win, ...job.chunk]);
        out = again.slice(win.length);
        if (n >= MAX_HISTORY || complete(n) || matches(win, again, n)) break;
      }
    }
    const rows: CodedRow[] = [];
    job.chunk.forEach((u, i) => {
      const p = out[i] as Prediction;
      written.push(u.session, { u, code: p.codeId, confidence: p.confidence });
      if (job.synthetic[i]) return;
      rows.push({
        id: u.id,
        session: u.session,
        index: u.index,
        speaker: u.role,
        code: p.codeId,
        confidence: p.confidence,
        text: u.text,
      });
    });
    coded += rows.length;
    await options.onRows(rows);
    options.onProgress?.(coded);
  };

  for await (const item of items) {
    if (item.error) {
      skipped++;
      options.onSkip?.(item.error, item.line);
      continue;
    }
    if (item.warnings.length) options.onWarnings?.(item.warnings);
    const u = item.utterance;
    const ctx = u.metadata?.context;
    if (typeof ctx === "string" && ctx.trim() !== "") {
      // A row's preceding turn (`--context-column`) goes in front of it as a turn of the other
      // speaker, so classifiers see it as the previous client (or therapist) turn.
      chunk.push(contextTurn(u, ctx));
      synthetic.push(true);
      lines.push(item.line);
    }
    chunk.push(u);
    synthetic.push(false);
    lines.push(item.line);
    if (chunk.length >= chunkSize) {
      dispatch();
      while (pending.length >= inFlight) await finish(pending.shift() as Job);
    }
  }
  if (chunk.length) dispatch();
  while (pending.length) await finish(pending.shift() as Job);
  return { coded, skipped, widened };
}

// ---------------------------------------------------------------------------------------------
// Worker threads

interface WorkerRequest {
  readonly seq: number;
  readonly utterances: readonly Utterance[];
}
type WorkerReply =
  | {
      readonly seq: number;
      readonly codes: string[];
      readonly confidences: number[];
      readonly ids: string[];
    }
  | { readonly seq: number; readonly error: { name: string; message: string; issues?: Issue[] } };

const WORKER_FLAG = "rapportkit-code-worker";
/** Old-generation heap limit of each worker, in MB. */
const WORKER_HEAP_MB = 96;

/** True inside a worker started by {@link workerEngine}. */
function isCodeWorker(): boolean {
  return !isMainThread && (workerData as { flag?: string } | null)?.flag === WORKER_FLAG;
}

/** The worker's loop: build the classifier, then answer batches until the port closes. */
async function runWorker(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const spec = (workerData as { spec: ClassifierSpec }).spec;
  let clf: Classifier | undefined;
  let buildError: unknown;
  try {
    clf = await buildClassifier(spec);
  } catch (e) {
    buildError = e;
  }
  await new Promise<void>((done) => {
    port.on("message", async (m: WorkerRequest | "close") => {
      if (m === "close") {
        port.close();
        done();
        return;
      }
      try {
        if (!clf) throw buildError;
        const preds = await clf.classify(m.utterances);
        port.postMessage({
          seq: m.seq,
          codes: preds.map((p) => p.codeId),
          confidences: preds.map((p) => p.confidence),
          ids: preds.map((p) => p.utteranceId),
        } satisfies WorkerReply);
      } catch (e) {
        const err = e as { name?: string; message?: string; issues?: Issue[] };
        port.postMessage({
          seq: m.seq,
          error: {
            name: err?.name ?? "Error",
            message: err?.message ?? String(e),
            ...(Array.isArray(err?.issues)
              ? {
                  issues: err.issues.map((i) => ({
                    ...i,
                    path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
                  })),
                }
              : {}),
          },
        } satisfies WorkerReply);
      }
    });
  });
}

/** Where a worker loads the CLI from: the bundled `cli.js`, or the sources through tsx. */
function workerEntry(): { entry: string; tsx: boolean } {
  const here = import.meta.url;
  if (here.endsWith(".ts")) return { entry: new URL("../index.ts", here).href, tsx: true };
  return { entry: here, tsx: false };
}

/**
 * An engine over `n` worker threads. Batches go round-robin; each worker builds the same
 * classifier from `spec`, so its answers equal this thread's.
 *
 * A worker that dies (it reached its heap cap on a very long utterance, or crashed) does not end
 * the run: its batches and every later one go to `fallback` (the classifier in this thread, which
 * gives the same answers), and `onFallback` is told once why. Without a fallback they fail with
 * an `InputError` naming the reason.
 */
export function workerEngine(
  spec: ClassifierSpec,
  n: number,
  fallback?: Engine,
  onFallback?: (reason: string) => void,
): Engine {
  const { entry, tsx } = workerEntry();
  const source = `
const { workerData } = require("node:worker_threads");
(async () => {
  if (workerData.tsx) (await import("tsx/esm/api")).register();
  await import(workerData.entry);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;
  const waiting = new Map<
    number,
    {
      resolve: (p: Prediction[]) => void;
      reject: (e: unknown) => void;
      utterances: readonly Utterance[];
    }
  >();
  let failed: InputError | undefined;
  const exited = new Set<Worker>();
  const fail = (reason: string) => {
    if (!failed) {
      failed = new InputError(`a --workers thread stopped (${reason})`);
      if (fallback) onFallback?.(reason);
    }
    for (const [, job] of waiting) {
      if (fallback) fallback.classify(job.utterances).then(job.resolve, job.reject);
      else job.reject(failed);
    }
    waiting.clear();
  };
  // Started on first use: a 2-line file needs one worker whatever --workers says.
  const workers: (Worker | undefined)[] = new Array(n).fill(undefined);
  const spawn = (): Worker => {
    const w = new Worker(source, {
      eval: true,
      argv: ["code"],
      workerData: { flag: WORKER_FLAG, spec, entry, tsx },
      stdout: true,
      stderr: true,
      // Workers hold one classifier and a few chunks: a small heap keeps the total footprint low.
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    w.on("message", (r: WorkerReply) => {
      const job = waiting.get(r.seq);
      if (!job) return;
      waiting.delete(r.seq);
      if ("error" in r) {
        const e = r.error.issues
          ? new RapportkitError(r.error.issues)
          : new Error(`worker: ${r.error.name}: ${r.error.message}`);
        job.reject(e);
        return;
      }
      job.resolve(
        r.codes.map((codeId, i) => ({
          utteranceId: r.ids[i] as string,
          codeId,
          confidence: r.confidences[i] as number,
          source: "worker",
        })),
      );
    });
    w.on("error", (e) => {
      const code = (e as { code?: unknown }).code;
      fail(
        code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `it reached its ${WORKER_HEAP_MB} MB heap limit`
          : `${(e as Error).name ?? "Error"}${typeof code === "string" ? ` ${code}` : ""}`,
      );
    });
    w.on("exit", (code) => {
      exited.add(w);
      if (!closing) fail(`it exited with code ${code}`);
    });
    return w;
  };
  let next = 0;
  let closing = false;
  return {
    classify(utterances) {
      if (failed) return fallback ? fallback.classify(utterances) : Promise.reject(failed);
      const seq = next++;
      let w = workers[seq % n];
      if (!w) {
        w = spawn();
        workers[seq % n] = w;
      }
      return new Promise<Prediction[]>((resolve, reject) => {
        waiting.set(seq, { resolve, reject, utterances });
        (w as Worker).postMessage({ seq, utterances } satisfies WorkerRequest);
      });
    },
    started: () => workers.filter((w) => w !== undefined).length,
    async close() {
      closing = true;
      await Promise.all(
        workers
          .filter((w): w is Worker => w !== undefined)
          .map(
            (w) =>
              new Promise<void>((done) => {
                // A worker that already exited fires no second 'exit': waiting for one left the
                // event loop empty and the process ended with code 13 and no output.
                if (exited.has(w)) return done();
                w.once("exit", () => done());
                w.postMessage("close");
                setTimeout(() => void w.terminate(), 2000).unref();
              }),
          ),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Progress

/** A one-line progress display on stderr, only when stderr is a terminal. */
export function progressBar(io: CliIO): { update(coded: number): void; done(): void } {
  if (!io.isTTY) return { update() {}, done() {} };
  let last = 0;
  const start = Date.now();
  let shown = false;
  const spin = "|/-\\";
  let k = 0;
  return {
    update(coded) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const rate = Math.round(coded / Math.max(0.001, (now - start) / 1000));
      const frames = spin[k++ % spin.length];
      io.err(
        `\r${frames} coded ${coded.toLocaleString("en")} utterances (${rate.toLocaleString("en")}/s)`,
      );
      shown = true;
    },
    done() {
      if (shown) io.err("\r\u001b[2K");
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The command

export default defineCommand({
  meta: {
    name: "code",
    description:
      "Code every utterance of a transcript: one row per input utterance, in input order, with the columns id,session,index,speaker,code,confidence,text.",
  },
  args: {
    file: { type: "positional", required: false, description: "input file (- for stdin)" },
    ...inputArgs,
    ...classifierArgs,
    out: {
      type: "string",
      description:
        "output file (default: stdout); .csv or .jsonl, the format its extension names (others refused)",
    },
    "out-format": {
      type: "string",
      description: "output format: csv|jsonl (default: from --out's extension, else csv)",
    },
    "max-heap-mb": {
      type: "string",
      description: `heap limit of the coding thread in MB (default ${DEFAULT_HEAP_MB}; 0: Node's own limit)`,
    },
    workers: {
      type: "string",
      description:
        "worker threads (default 1; capped at the number of cores, started only as the input needs them); same output for any number",
    },
    "csv-safe": {
      type: "boolean",
      description:
        "for spreadsheets: a ' before cells starting = + - @ tab CR (inexact round trip)",
    },
  },
  async run(ctx) {
    if (isCodeWorker()) {
      await runWorker();
      return 0;
    }
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const file = strArg(args, "file");
    if (!file) throw new UsageError("missing input file (a path, or - for stdin)");
    const spec = specOf(args, io);
    const outFile = strArg(args, "out");
    const named = strArg(args, "out-format");
    if (named !== undefined && named !== "csv" && named !== "jsonl")
      throw new UsageError("--out-format must be csv or jsonl");
    // --out's extension names the format (.csv, .jsonl); another extension is refused, and one
    // that contradicts --out-format too.
    const byName = outFormatOf(outFile, ["csv", "jsonl"] as const, named ?? "csv");
    if (named !== undefined && byName !== named)
      throw new UsageError(
        `--out ${outFile} names ${byName} but --out-format is ${named}; make them agree`,
      );
    const of = byName;
    const heap = strArg(args, "max-heap-mb");
    if (heap !== undefined && !/^\d+$/.test(heap))
      throw new UsageError("--max-heap-mb must be a whole number of megabytes (0 for no limit)");
    const wRaw = strArg(args, "workers") ?? "1";
    const asked = Number(wRaw);
    if (!Number.isInteger(asked) || asked < 1 || asked > 256)
      throw new UsageError("--workers must be a whole number from 1 to 256");
    // More threads than cores only compete for them (32 workers on a 2-line file: 10.5 s, 1.6 GB).
    const cores = availableParallelism();
    const workers = Math.min(asked, cores);
    if (asked > workers)
      io.err(
        `rapportkit: note: --workers ${asked} capped at ${workers}, the number of cores available\n`,
      );

    // Build once here first: a bad codebook or model fails fast, before any output.
    const classifier = await buildClassifier(spec);
    const engine =
      workers > 1
        ? workerEngine(spec, workers, inlineEngine(classifier), (reason) =>
            io.err(
              `rapportkit: warning: a --workers thread stopped (${reason}); coding goes on in the main thread\n`,
            ),
          )
        : inlineEngine(classifier);

    // Nothing is written until the first row is coded, so a bad column or an unreadable input
    // fails with no output; --out is written to a temporary file, renamed into place on success.
    let output: Output | undefined;
    const write = async (text: string) => {
      if (!output) {
        output = await openOutput(io, outFile);
        if (of === "csv") await output.write(`${CODED_COLUMNS.join(",")}\n`);
      }
      await output.write(text);
    };
    const bar = progressBar(io);
    let summary: CodeSummary;
    let done = false;
    try {
      const csvSafe = args["csv-safe"] === true || args.csvSafe === true;
      const line = of === "csv" ? (r: CodedRow) => codedCsvLine(r, { csvSafe }) : codedJsonlLine;
      summary = await codeItems(streamInput(file, args, io), engine, async () => classifier, {
        inFlight: workers > 1 ? workers + 1 : 1,
        onRows: (rows) => {
          let s = "";
          for (const r of rows) s += line(r);
          return write(s);
        },
        onSkip: (issue) => {
          bar.done();
          io.err(`rapportkit: ${formatIssue(issue)}\n`);
        },
        onWarnings: (w) => {
          bar.done();
          printWarnings(w, io);
        },
        onProgress: (n) => bar.update(n),
        onContextLost: (session, line) =>
          io.err(
            `rapportkit: warning: line ${line}: session ${JSON.stringify(session.slice(0, 60))} comes back after more than ${MAX_SESSIONS} other sessions; its earlier turns are not used as context\n`,
          ),
      });
      // A file with a header and no rows would otherwise end with no output and no word.
      if (summary.coded === 0 && summary.skipped === 0)
        throw new InputError(
          `${file === "-" ? "<stdin>" : file}: no utterances to code (a header and no rows)`,
        );
      await write("");
      await (output as Output | undefined)?.commit();
      done = true;
    } finally {
      bar.done();
      if (!done) await (output as Output | undefined)?.abort();
      await engine.close();
    }
    if (summary.skipped > 0)
      io.err(
        `rapportkit: coded ${summary.coded} utterances; skipped ${summary.skipped} malformed row${summary.skipped === 1 ? "" : "s"} (listed above)\n`,
      );
    return 0;
  },
});
