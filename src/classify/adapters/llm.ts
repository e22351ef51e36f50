import { z } from "zod";
import { ClassifierError } from "../../core/errors.js";
import type { Codebook, Utterance } from "../../core/schemas.js";
import {
  type AsyncClassifier,
  type ClassifyOptions,
  type Prediction,
  precedingTurns,
} from "../types.js";

/**
 * The user's completion function: takes a prompt, returns the model's text answer. It should stop
 * when `signal` aborts (the adapter stops waiting for it either way). The library never calls a
 * network itself and never logs prompts or answers.
 * @category Adapters
 */
export type CompleteFunction = (
  prompt: string,
  options: { signal: AbortSignal },
) => Promise<string>;

/**
 * Why an utterance got no valid answer, after all retries.
 * - `timeout`: `complete` did not answer within `timeoutMs`.
 * - `aborted`: the caller's `signal` fired.
 * - `complete_threw`: `complete` threw or rejected.
 * - `bad_json`: the answer held no parseable JSON array.
 * - `bad_shape`: the answer was JSON but this utterance's entry was not `{ id, code, confidence }`.
 * - `missing`: the answer had no entry for this utterance id.
 * - `unknown_code`: the entry's code is not in the codebook.
 * @category Adapters
 */
export type LlmFailureReason =
  | "timeout"
  | "aborted"
  | "complete_threw"
  | "bad_json"
  | "bad_shape"
  | "missing"
  | "unknown_code";

/** One utterance the adapter could not code. Never contains utterance or answer text. @category Adapters */
export interface LlmFailure {
  readonly utteranceId: string;
  /** Position of the utterance in the input of `classify`. */
  readonly index: number;
  /** The reason of the last attempt. */
  readonly reason: LlmFailureReason;
  /** Attempts made for this utterance (1 + retries). */
  readonly attempts: number;
}

/** What one `classify` call did. @category Adapters */
export interface LlmReport {
  /** Calls of `complete`, retries included. */
  readonly calls: number;
  /** Utterances that were sent again after a bad or partial answer (counted per retry). */
  readonly retried: number;
  /** Utterances without a valid answer after every retry. */
  readonly failures: readonly LlmFailure[];
}

/** Options of {@link llmClassifier}. @category Adapters */
export interface LlmClassifierOptions {
  readonly codebook: Codebook;
  readonly complete: CompleteFunction;
  /** The classifier id used as `source` (default `llm@<codebook id>-<version>`). */
  readonly id?: string;
  /** Retries per utterance after a malformed, partial or failed answer (default 2). */
  readonly maxRetries?: number;
  /** Utterances per prompt (default 20). */
  readonly batchSize?: number;
  /** Prompts in flight at once (default 1). Output order does not depend on it. */
  readonly concurrency?: number;
  /** Milliseconds to wait for one `complete` call before aborting it (default: no limit). */
  readonly timeoutMs?: number;
  /** Preceding turns shown as context for each batch (default 3). */
  readonly contextTurns?: number;
  /** Examples and counter-examples shown per code (default 3 and 2). */
  readonly examplesPerCode?: number;
  readonly counterExamplesPerCode?: number;
  /** Confidence used when the answer omits one (default 0.5). */
  readonly defaultConfidence?: number;
  /**
   * What to do with utterances that still have no valid answer after every retry:
   * - absent (default): `classify` throws a `ClassifierError` with one issue per failed utterance
   *   (path `["utterances", i]`, message naming the utterance id and reason), after all batches ran;
   * - a code id of the codebook: those utterances get this code with confidence 0, and are listed
   *   in the report (see `onReport` and `classifyDetailed`).
   */
  readonly fallbackCode?: string;
  /** Called once per `classify` call with what happened (calls, retries, failures). */
  readonly onReport?: (report: LlmReport) => void;
}

/** The LLM adapter: an {@link AsyncClassifier} plus a `classifyDetailed` that never throws for failures. @category Adapters */
export interface LlmClassifier extends AsyncClassifier {
  /**
   * Like `classify`, but returns the report alongside. `predictions` has one entry per input when a
   * `fallbackCode` is set; otherwise it holds only the utterances that were coded (in input order)
   * and the rest are in `report.failures`.
   */
  classifyDetailed(
    utterances: readonly Utterance[],
    options?: ClassifyOptions,
  ): Promise<{ predictions: Prediction[]; report: LlmReport }>;
  /** The prompt for a batch (for inspection and tests; the adapter never logs it). */
  buildPrompt(utterances: readonly Utterance[], options?: ClassifyOptions): string;
}

/** The schema of one answer entry. @category Adapters */
export const LlmAnswerItemSchema = z.object({
  id: z.string(),
  code: z.string(),
  confidence: z.number().min(0).max(1).optional(),
});

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * Finds the JSON array in an answer: the span from the first `[` to the last `]` (so code fences
 * and prose around it are ignored). Linear time. Returns `undefined` when there is none or it does
 * not parse.
 * @internal
 */
export function extractJsonArray(answer: string): unknown[] | undefined {
  const a = answer.indexOf("[");
  const b = answer.lastIndexOf("]");
  if (a < 0 || b < a) return undefined;
  try {
    const v: unknown = JSON.parse(answer.slice(a, b + 1));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A classifier over a large language model the user reaches through `complete`. Each batch becomes
 * one prompt holding the codebook (definitions, inclusion/exclusion notes, examples and
 * counter-examples), the preceding turns as context, and the utterances with their ids; the model
 * is asked for a JSON array `[{"id", "code", "confidence"}]`. Each answer is validated with zod:
 * ids must be the batch's, codes must be the codebook's, confidence in [0, 1]. Utterances whose entry
 * is missing or invalid (or whose call threw or timed out) are sent again, alone with the other
 * failures of their batch, up to `maxRetries` times. What still fails is reported per utterance:
 * see {@link LlmClassifierOptions.fallbackCode}.
 *
 * Never logs, never puts utterance or answer text into an error or report.
 * @category Adapters
 * @example
 * const llm = llmClassifier({
 *   codebook,
 *   complete: async (prompt, { signal }) => callMyModel(prompt, signal),
 *   fallbackCode: "other",
 *   onReport: (r) => console.log(`${r.failures.length} failed`),
 * });
 * const predictions = await llm.classify(utterances);
 */
export function llmClassifier(options: LlmClassifierOptions): LlmClassifier {
  const { codebook, complete } = options;
  const id = options.id ?? `llm@${codebook.id}-${codebook.version}`;
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 2));
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 20));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const contextTurns = Math.max(0, Math.floor(options.contextTurns ?? 3));
  const nEx = options.examplesPerCode ?? 3;
  const nCx = options.counterExamplesPerCode ?? 2;
  const defaultConfidence = options.defaultConfidence ?? 0.5;
  const codes = new Set(codebook.codes.map((c) => c.id));
  if (options.fallbackCode !== undefined && !codes.has(options.fallbackCode))
    throw new ClassifierError(id, [
      {
        code: "unknown_code",
        path: ["fallbackCode"],
        message: `fallbackCode '${options.fallbackCode}' is not in codebook ${codebook.id}`,
      },
    ]);

  const codebookText = (() => {
    const lines: string[] = [
      `Codebook: ${codebook.label} (${codebook.id} ${codebook.version}).`,
      "Codes:",
    ];
    for (const c of codebook.codes) {
      lines.push(`- ${c.id} (${c.label}; speaker: ${c.role}): ${c.definition}`);
      if (c.include.length) lines.push(`  Include: ${c.include.join("; ")}`);
      if (c.exclude.length) lines.push(`  Exclude: ${c.exclude.join("; ")}`);
      const ex = c.examples.slice(0, nEx);
      if (ex.length) lines.push(`  Examples: ${ex.map((e) => JSON.stringify(e)).join(" | ")}`);
      const cx = c.counterExamples.slice(0, nCx);
      if (cx.length) lines.push(`  Not this code: ${cx.map((e) => JSON.stringify(e)).join(" | ")}`);
    }
    return lines.join("\n");
  })();

  function buildPrompt(batch: readonly Utterance[], opts?: ClassifyOptions): string {
    const first = batch[0];
    const lines = [
      "You code utterances from a counselling session. Give each utterance exactly one code from this codebook.",
      "",
      codebookText,
      "",
    ];
    if (first && contextTurns > 0) {
      const ctx = precedingTurns(batch, 0, opts, contextTurns);
      if (ctx.length) {
        lines.push("Preceding turns (context only, do not code):");
        for (const t of ctx) lines.push(`${t.role}: ${JSON.stringify(t.text)}`);
        lines.push("");
      }
    }
    lines.push("Utterances to code (JSON, one per line):");
    for (const u of batch) lines.push(JSON.stringify({ id: u.id, speaker: u.role, text: u.text }));
    lines.push(
      "",
      'Answer with only a JSON array, one object per utterance, in the same order: [{"id": "<utterance id>", "code": "<code id>", "confidence": <number from 0 to 1>}]',
    );
    return lines.join("\n");
  }

  interface Attempt {
    readonly ok: Map<number, Prediction>;
    readonly bad: Map<number, LlmFailureReason>;
  }

  async function callOnce(
    batch: readonly { u: Utterance; i: number }[],
    all: readonly Utterance[],
    opts: ClassifyOptions | undefined,
  ): Promise<Attempt> {
    const ok = new Map<number, Prediction>();
    const bad = new Map<number, LlmFailureReason>();
    const failAll = (r: LlmFailureReason) => {
      for (const { i } of batch) bad.set(i, r);
      return { ok, bad };
    };
    // Context: the turns before the batch's first utterance in the whole input, then options.context.
    const firstIndex = batch[0]?.i ?? 0;
    const ctx: ClassifyOptions = {
      context: [
        ...(opts?.context ?? []),
        ...all.slice(Math.max(0, firstIndex - contextTurns), firstIndex),
      ],
    };
    const prompt = buildPrompt(
      batch.map((b) => b.u),
      ctx,
    );
    const outer = opts?.signal;
    if (outer?.aborted) return failAll("aborted");
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let why: LlmFailureReason | undefined;
    const onOuterAbort = () => {
      why = "aborted";
      controller.abort();
    };
    outer?.addEventListener("abort", onOuterAbort, { once: true });
    const stopped = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(new Error("stopped")), {
        once: true,
      });
      if (options.timeoutMs !== undefined)
        timer = setTimeout(() => {
          why ??= "timeout";
          controller.abort();
        }, options.timeoutMs);
    });
    stopped.catch(() => {});
    let answer: string;
    try {
      answer = await Promise.race([
        Promise.resolve().then(() => complete(prompt, { signal: controller.signal })),
        stopped,
      ]);
    } catch {
      return failAll(why ?? "complete_threw");
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
    }
    if (typeof answer !== "string") return failAll("bad_json");
    const items = extractJsonArray(answer);
    if (!items) return failAll("bad_json");
    // Ids may repeat in the input: an answer for an id codes every utterance with that id.
    const byId = new Map<string, number[]>();
    for (const { u, i } of batch) {
      const list = byId.get(u.id);
      if (list) list.push(i);
      else byId.set(u.id, [i]);
    }
    for (const raw of items) {
      const r = LlmAnswerItemSchema.safeParse(raw);
      if (!r.success) {
        // Attribute a malformed entry to its utterance when its id is readable.
        const rid = (raw as { id?: unknown } | null)?.id;
        const list = typeof rid === "string" ? byId.get(rid) : undefined;
        for (const i of list ?? []) if (!ok.has(i)) bad.set(i, "bad_shape");
        continue;
      }
      const list = byId.get(r.data.id);
      if (list === undefined) continue; // an id that is not in the batch
      for (const i of list) {
        if (ok.has(i)) continue; // a duplicate entry: the first valid one wins
        if (!codes.has(r.data.code)) {
          bad.set(i, "unknown_code");
          continue;
        }
        bad.delete(i);
        ok.set(i, {
          utteranceId: r.data.id,
          codeId: r.data.code,
          confidence: r.data.confidence ?? defaultConfidence,
          source: id,
        });
      }
    }
    for (const { i } of batch) if (!ok.has(i) && !bad.has(i)) bad.set(i, "missing");
    return { ok, bad };
  }

  async function classifyDetailed(
    utterances: readonly Utterance[],
    opts?: ClassifyOptions,
  ): Promise<{ predictions: Prediction[]; report: LlmReport }> {
    const results = new Array<Prediction | undefined>(utterances.length);
    const lastReason = new Map<number, LlmFailureReason>();
    const attempts = new Map<number, number>();
    let calls = 0;
    let retried = 0;
    const batches: { u: Utterance; i: number }[][] = [];
    for (let s = 0; s < utterances.length; s += batchSize)
      batches.push(utterances.slice(s, s + batchSize).map((u, j) => ({ u, i: s + j })));

    const runBatch = async (batch: { u: Utterance; i: number }[]) => {
      let pending = batch;
      for (let attempt = 0; attempt <= maxRetries && pending.length > 0; attempt++) {
        if (attempt > 0) retried += pending.length;
        calls++;
        for (const { i } of pending) attempts.set(i, (attempts.get(i) ?? 0) + 1);
        const { ok, bad } = await callOnce(pending, utterances, opts);
        for (const [i, p] of ok) {
          results[i] = p;
          lastReason.delete(i);
        }
        for (const [i, r] of bad) lastReason.set(i, r);
        pending = pending.filter(({ i }) => results[i] === undefined);
        if (opts?.signal?.aborted) break;
      }
    };

    let next = 0;
    const workers = Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
      while (next < batches.length) {
        const b = batches[next++] as { u: Utterance; i: number }[];
        await runBatch(b);
      }
    });
    await Promise.all(workers);

    const failures: LlmFailure[] = [];
    const predictions: Prediction[] = [];
    utterances.forEach((u, i) => {
      const p = results[i];
      if (p) {
        predictions.push(p);
        return;
      }
      failures.push({
        utteranceId: u.id,
        index: i,
        reason: lastReason.get(i) ?? "missing",
        attempts: attempts.get(i) ?? 0,
      });
      if (options.fallbackCode !== undefined)
        predictions.push({
          utteranceId: u.id,
          codeId: options.fallbackCode,
          confidence: 0,
          source: id,
        });
    });
    const report: LlmReport = { calls, retried, failures };
    options.onReport?.(report);
    return { predictions, report };
  }

  return {
    id,
    mode: "async",
    codebook: { id: codebook.id, version: codebook.version },
    buildPrompt,
    classifyDetailed,
    async classify(utterances, opts) {
      const { predictions, report } = await classifyDetailed(utterances, opts);
      if (options.fallbackCode === undefined && report.failures.length > 0)
        throw new ClassifierError(
          id,
          report.failures.map((f) => ({
            code: "classifier_failed",
            path: ["utterances", f.index],
            message: `utterance ${clip(f.utteranceId, 80)}: no valid answer after ${f.attempts} attempt(s) (${f.reason})`,
          })),
        );
      return predictions;
    },
  };
}
