import { ClassifierError, type Issue } from "../../core/errors.js";
import type { Codebook, Utterance } from "../../core/schemas.js";
import {
  type AsyncClassifier,
  type ClassifyOptions,
  type Prediction,
  precedingTurns,
} from "../types.js";
import { CallStopped, callWithDeadline, timeoutOption, wholeOption } from "./_options.js";
import {
  parseSoftmaxHead,
  type SoftmaxHead,
  type SoftmaxTrainOptions,
  softmaxProbabilities,
  trainSoftmaxHead,
} from "./softmax.js";

/**
 * The user's embedding function: one vector per text, all of the same length, in order. It should
 * stop when `signal` aborts (after `timeoutMs`, or when the caller's signal fires); the adapter
 * stops waiting for it either way. The library never calls a network itself; whatever `embed` does
 * is up to the caller.
 * @category Adapters
 */
export type EmbedFunction = (
  texts: string[],
  options: { signal: AbortSignal },
) => Promise<number[][]>;

/** Options of {@link embeddingClassifier}. @category Adapters */
export interface EmbeddingClassifierOptions {
  readonly codebook: Codebook;
  readonly embed: EmbedFunction;
  /** The classifier id used as `source` (default `embedding@<codebook id>-<version>`). */
  readonly id?: string;
  /** Texts per call of `embed` (whole number ≥ 1, default 64). */
  readonly batchSize?: number;
  /**
   * Milliseconds to wait for one `embed` call before aborting it through its signal and failing
   * (default 60,000, `DEFAULT_ADAPTER_TIMEOUT_MS`); `Infinity` for no limit.
   */
  readonly timeoutMs?: number;
  /** Options of the softmax head's training. */
  readonly train?: SoftmaxTrainOptions;
  /**
   * Also embed each utterance's context: the head reads the utterance's embedding followed by those
   * of the previous turn of another speaker role and of the same role (zeros where there is none
   * within the 10 preceding turns). Training examples then give `previousText` and
   * `previousSameText`. Default false.
   */
  readonly context?: boolean;
}

/** One training example: an utterance text and its gold code. @category Adapters */
export interface EmbeddingExample {
  readonly text: string;
  readonly codeId: string;
  /** With `context`: the text of the previous turn of another speaker role, if any. */
  readonly previousText?: string;
  /** With `context`: the text of the previous turn of the same speaker role, if any. */
  readonly previousSameText?: string;
}

/**
 * An embedding classifier with a trained head. `head` is plain JSON: save it with
 * `JSON.stringify(classifier.head)` and load it with {@link EmbeddingClassifierFactory.fromHead}.
 * @category Adapters
 */
export interface EmbeddingClassifier extends AsyncClassifier {
  readonly head: SoftmaxHead;
}

/** What {@link embeddingClassifier} returns. @category Adapters */
export interface EmbeddingClassifierFactory {
  /** Embeds the examples and fits the softmax head on them; `signal` stops the embedding. */
  train(
    examples: readonly EmbeddingExample[],
    options?: { readonly signal?: AbortSignal },
  ): Promise<EmbeddingClassifier>;
  /** A classifier from a saved head (validated; must be for the same codebook id). */
  fromHead(head: unknown): EmbeddingClassifier;
}

/**
 * A classifier over embeddings the user's `embed` function returns: `train(examples)` embeds the
 * texts and fits a dense multinomial logistic-regression head (deterministic; by L-BFGS, to the
 * minimum of its objective, unless `train.solver` is `sgd`: see {@link SoftmaxTrainOptions}); the
 * trained classifier embeds each utterance's text (with `context`, also its previous turns: see
 * {@link EmbeddingClassifierOptions.context}) and returns the most probable code, its probability
 * as confidence, and the full distribution in `probabilities`.
 *
 * Errors are `ClassifierError`s naming the utterance id or example index, never the text: `embed`
 * throwing, not answering within `timeoutMs` (default 60 s), returning the wrong number of vectors,
 * vectors of the wrong dimension, or non-finite numbers; and the caller's `signal` aborting (the
 * call of `embed` in flight is aborted through its own signal).
 * @category Adapters
 * @example
 * const factory = embeddingClassifier({ codebook, embed: async (texts) => myModel.embed(texts) });
 * const classifier = await factory.train([{ text: "How are you?", codeId: "question.open" }, ...]);
 * const predictions = await classifier.classify(utterances);
 */
export function embeddingClassifier(
  options: EmbeddingClassifierOptions,
): EmbeddingClassifierFactory {
  const { codebook, embed } = options;
  const id = options.id ?? `embedding@${codebook.id}-${codebook.version}`;
  const batchSize = wholeOption(id, "batchSize", options.batchSize, 1, 64);
  const timeoutMs = timeoutOption(id, options.timeoutMs);
  if (typeof embed !== "function")
    throw new ClassifierError(id, [
      { code: "invalid_input", path: ["embed"], message: "embed must be a function" },
    ]);
  const codeOrder = codebook.codes.map((c) => c.id);
  const known = new Set(codeOrder);
  const context = options.context ?? false;

  /**
   * Input vectors: `own[i]`'s embedding, followed (with `context`) by those of `prev[i]` and
   * `same[i]` (zeros for -1). `texts` are embedded once each; the indices point into them.
   */
  function inputs(
    vectors: readonly number[][],
    own: readonly number[],
    prev: readonly number[],
    same: readonly number[],
  ): number[][] {
    return own.map((o, i) => {
      const v = vectors[o] as number[];
      if (!context) return v;
      const d = v.length;
      const out = new Array<number>(3 * d).fill(0);
      for (let k = 0; k < d; k++) out[k] = v[k] as number;
      const p = prev[i] as number;
      const s = same[i] as number;
      if (p >= 0) {
        const pv = vectors[p] as number[];
        for (let k = 0; k < d; k++) out[d + k] = pv[k] as number;
      }
      if (s >= 0) {
        const sv = vectors[s] as number[];
        for (let k = 0; k < d; k++) out[2 * d + k] = sv[k] as number;
      }
      return out;
    });
  }

  async function embedAll(
    texts: readonly string[],
    names: readonly string[],
    paths: readonly (readonly PropertyKey[])[],
    dim: number | undefined,
    signal?: AbortSignal,
  ): Promise<number[][]> {
    const out: number[][] = [];
    let expected = dim;
    for (let start = 0; start < texts.length; start += batchSize) {
      const slice = texts.slice(start, start + batchSize);
      let vectors: unknown;
      try {
        vectors = await callWithDeadline((s) => embed(slice, { signal: s }), timeoutMs, signal);
      } catch (x) {
        const why = x instanceof CallStopped ? x.reason : undefined;
        if (why === "aborted")
          throw new ClassifierError(id, [
            { code: "classifier_failed", path: [], message: "classification was aborted" },
          ]);
        if (why === "timeout")
          throw new ClassifierError(id, [
            {
              code: "classifier_failed",
              path: [...(paths[start] as readonly PropertyKey[])],
              message: `embed() did not answer within ${timeoutMs} ms for the batch starting at ${names[start]}`,
            },
          ]);
        const e = x instanceof CallStopped ? x.cause : x;
        throw new ClassifierError(
          id,
          [
            {
              code: "classifier_failed",
              path: [...(paths[start] as readonly PropertyKey[])],
              message: `embed() threw (${e instanceof Error ? e.name : typeof e}) for the batch starting at ${names[start]}`,
            },
          ],
          { cause: e },
        );
      }
      if (!Array.isArray(vectors) || vectors.length !== slice.length)
        throw new ClassifierError(id, [
          {
            code: "classifier_failed",
            path: [...(paths[start] as readonly PropertyKey[])],
            message: `embed() must return ${slice.length} vectors for the batch starting at ${names[start]}, got ${Array.isArray(vectors) ? vectors.length : typeof vectors}`,
          },
        ]);
      for (let j = 0; j < slice.length; j++) {
        const v: unknown = vectors[j];
        const where = names[start + j];
        const issue = (message: string): Issue => ({
          code: "model_mismatch",
          path: [...(paths[start + j] as readonly PropertyKey[])],
          message: `${where}: ${message}`,
        });
        if (!Array.isArray(v) || v.length === 0)
          throw new ClassifierError(id, [issue("embed() returned no vector")]);
        if (expected === undefined) expected = v.length;
        if (v.length !== expected)
          throw new ClassifierError(id, [
            issue(`embedding has dimension ${v.length}, expected ${expected}`),
          ]);
        for (const n of v)
          if (typeof n !== "number" || !Number.isFinite(n))
            throw new ClassifierError(id, [issue("embedding contains a non-finite number")]);
        out.push(v as number[]);
      }
    }
    return out;
  }

  function make(head: SoftmaxHead): EmbeddingClassifier {
    return {
      id,
      mode: "async",
      codebook: { id: codebook.id, version: codebook.version },
      head,
      async classify(
        utterances: readonly Utterance[],
        opts?: ClassifyOptions,
      ): Promise<Prediction[]> {
        if (utterances.length === 0) return [];
        // Every text to embed once: the utterances, then (with context) the context turns that
        // are not utterances of this batch.
        const texts = utterances.map((u) => u.text);
        const names = utterances.map((u) => `utterance ${u.id}`);
        const paths: PropertyKey[][] = utterances.map((_, i) => ["utterances", i]);
        const slot = new Map<Utterance, number>(utterances.map((u, i) => [u, i]));
        const prev = new Array<number>(utterances.length).fill(-1);
        const same = new Array<number>(utterances.length).fill(-1);
        if (context) {
          const slotOf = (c: Utterance, of: Utterance, i: number): number => {
            let k = slot.get(c);
            if (k === undefined) {
              k = texts.length;
              slot.set(c, k);
              texts.push(c.text);
              names.push(`context ${c.id} of utterance ${of.id}`);
              paths.push(["utterances", i, "context"]);
            }
            return k;
          };
          utterances.forEach((u, i) => {
            const before = precedingTurns(utterances, i, opts);
            for (let j = before.length - 1; j >= 0; j--) {
              const c = before[j] as Utterance;
              if (c.role !== u.role && prev[i] === -1) prev[i] = slotOf(c, u, i);
              if (c.role === u.role && same[i] === -1) same[i] = slotOf(c, u, i);
              if (prev[i] !== -1 && same[i] !== -1) break;
            }
          });
        }
        const vectors = await embedAll(
          texts,
          names,
          paths,
          context ? head.dim / 3 : head.dim,
          opts?.signal,
        );
        const x = inputs(
          vectors,
          utterances.map((_, i) => i),
          prev,
          same,
        );
        return utterances.map((u, i) => {
          const p = softmaxProbabilities(head, x[i] as number[]);
          let best = 0;
          for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
          const probabilities: Record<string, number> = {};
          head.codes.forEach((c, k) => {
            probabilities[c] = p[k] as number;
          });
          return {
            utteranceId: u.id,
            codeId: head.codes[best] as string,
            confidence: Math.min(1, Math.max(0, p[best] as number)),
            source: id,
            probabilities,
          };
        });
      },
    };
  }

  return {
    async train(examples, trainOptions) {
      if (examples.length === 0)
        throw new ClassifierError(id, [
          {
            code: "insufficient_data",
            path: ["examples"],
            message: "training needs at least one example",
          },
        ]);
      examples.forEach((e, i) => {
        if (!known.has(e.codeId))
          throw new ClassifierError(id, [
            {
              code: "unknown_code",
              path: ["examples", i, "codeId"],
              message: `code '${e.codeId}' is not in codebook ${codebook.id}`,
            },
          ]);
      });
      // Each distinct text is embedded once (context texts repeat the previous examples').
      const texts: string[] = [];
      const names: string[] = [];
      const paths: PropertyKey[][] = [];
      const index = new Map<string, number>();
      // A text's errors name (and point at) the first example or field that holds it.
      const slotOf = (text: string, name: string, path: PropertyKey[]): number => {
        let k = index.get(text);
        if (k === undefined) {
          k = texts.length;
          index.set(text, k);
          texts.push(text);
          names.push(name);
          paths.push(path);
        }
        return k;
      };
      const own = examples.map((e, i) => slotOf(e.text, `example ${i}`, ["examples", i]));
      const prev = examples.map((e, i) =>
        context && e.previousText !== undefined
          ? slotOf(e.previousText, `previousText of example ${i}`, ["examples", i, "previousText"])
          : -1,
      );
      const same = examples.map((e, i) =>
        context && e.previousSameText !== undefined
          ? slotOf(e.previousSameText, `previousSameText of example ${i}`, [
              "examples",
              i,
              "previousSameText",
            ])
          : -1,
      );
      const vectors = await embedAll(texts, names, paths, undefined, trainOptions?.signal);
      const present = new Set(examples.map((e) => e.codeId));
      const head = trainSoftmaxHead(
        inputs(vectors, own, prev, same),
        examples.map((e) => e.codeId),
        {
          ...options.train,
          codes: codeOrder.filter((c) => present.has(c)),
          codebook: { id: codebook.id, version: codebook.version },
        },
      );
      return make(context ? { ...head, inputs: "utterance+context" } : head);
    },
    fromHead(input) {
      const head = parseSoftmaxHead(input);
      const withContext = head.inputs === "utterance+context";
      if (withContext !== context)
        throw new ClassifierError(id, [
          {
            code: "model_mismatch",
            path: ["inputs"],
            message: withContext
              ? "head was trained with context: pass { context: true }"
              : "head was trained without context: leave out { context: true }",
          },
        ]);
      if (withContext && head.dim % 3 !== 0)
        throw new ClassifierError(id, [
          {
            code: "model_mismatch",
            path: ["dim"],
            message: "a head with context has a dim divisible by 3",
          },
        ]);
      if (head.codebook.id !== codebook.id)
        throw new ClassifierError(id, [
          {
            code: "model_mismatch",
            path: ["codebook", "id"],
            message: `head is for codebook '${head.codebook.id}', not '${codebook.id}'`,
          },
        ]);
      head.codes.forEach((c, k) => {
        if (!known.has(c))
          throw new ClassifierError(id, [
            {
              code: "model_mismatch",
              path: ["codes", k],
              message: `code '${c}' is not in codebook ${codebook.id}`,
            },
          ]);
      });
      return make(head);
    },
  };
}
