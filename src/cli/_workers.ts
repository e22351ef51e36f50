/**
 * `code --workers N`: a pool of worker threads that classify chunks for the streaming coder
 * (`codeStreamChunks`'s `classifyBatch`). Each worker runs the CLI's own entry with `code`, sees
 * that it is a worker ({@link isCodeWorker}) and answers batches ({@link runWorker}) with the
 * classifier built from the same {@link ClassifierSpec} as the main thread's.
 * @module
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Classifier, Prediction } from "../classify/types.js";
import { type Issue, RapportkitError } from "../core/errors.js";
import type { Utterance } from "../core/schemas.js";
import { buildClassifier, type ClassifierSpec } from "./_classifier.js";
import { InputError } from "./io.js";

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
export function isCodeWorker(): boolean {
  return !isMainThread && (workerData as { flag?: string } | null)?.flag === WORKER_FLAG;
}

/** The worker's loop: build the classifier, then answer batches until the port closes. */
export async function runWorker(): Promise<void> {
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
  if (here.endsWith(".ts")) return { entry: new URL("./index.ts", here).href, tsx: true };
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
