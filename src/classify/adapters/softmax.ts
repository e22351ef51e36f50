import { z } from "zod";
import { mulberry32 } from "../../_internal/random.js";
import { ModelError } from "../../core/errors.js";
import { fromZodIssues } from "../../core/result.js";
import type { CodebookRef } from "../../core/schemas.js";

/**
 * A dense multinomial logistic-regression (softmax) head: `p = softmax(W · standardise(x) + b)`.
 * Plain JSON: `JSON.stringify` it to save, {@link parseSoftmaxHead} to load.
 * @category Adapters
 */
export interface SoftmaxHead {
  readonly format: "rapportkit-softmax-head";
  readonly version: 1;
  /** The codebook whose codes the head outputs. */
  readonly codebook: CodebookRef;
  /** The classes, in the order of the rows of `weights`. */
  readonly codes: readonly string[];
  /** The input dimension. */
  readonly dim: number;
  /** Per-dimension mean and scale used to standardise inputs (`(x - mean) / scale`). */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  /** `codes.length × dim` weights. */
  readonly weights: readonly (readonly number[])[];
  /** One bias per code. */
  readonly bias: readonly number[];
  /**
   * What the input vector holds, for heads trained by `embeddingClassifier`: the utterance's
   * embedding alone (the default), or it followed by the embeddings of the previous turn of another
   * speaker and of the same speaker (`utterance+context`, `dim` = 3 × the embedding's).
   */
  readonly inputs?: "utterance" | "utterance+context";
}

/**
 * Training options of the softmax head. Training is deterministic: the same data, options and
 * `seed` give the same head, bit for bit.
 * @category Adapters
 */
export interface SoftmaxTrainOptions {
  /** Seed of the mini-batch shuffle (default 1). */
  readonly seed?: number;
  /** Passes over the data (default 100). */
  readonly epochs?: number;
  /** Initial step size of mini-batch gradient descent (default 0.1, decayed as `lr / (1 + epoch / 10)`). */
  readonly learningRate?: number;
  /** L2 penalty on the weights (default 1e-4). */
  readonly l2?: number;
  /** Mini-batch size (default 32). */
  readonly batchSize?: number;
  /**
   * `balanced` weighs each example's loss by n / (codes × n of its code), as scikit-learn's
   * `class_weight="balanced"` does, so that rare codes count as much as common ones (better
   * macro-F1); default `none`.
   */
  readonly classWeights?: "balanced" | "none";
}

const finite = z.number().finite();

/** The zod schema of a {@link SoftmaxHead} (shapes checked after parsing). @category Adapters */
export const SoftmaxHeadSchema = z.object({
  format: z.literal("rapportkit-softmax-head"),
  version: z.literal(1),
  codebook: z.object({ id: z.string().min(1), version: z.string().min(1) }),
  codes: z.array(z.string().min(1)).min(1),
  dim: z.number().int().positive(),
  mean: z.array(finite),
  scale: z.array(finite.positive()),
  weights: z.array(z.array(finite)),
  bias: z.array(finite),
  inputs: z.enum(["utterance", "utterance+context"]).optional(),
});

/**
 * Validates a softmax head (e.g. one read back from JSON): its format, version and that every
 * array has the right length. Throws a `ModelError` naming the field.
 * @category Adapters
 * @example
 * const head = parseSoftmaxHead(JSON.parse(text));
 */
export function parseSoftmaxHead(input: unknown): SoftmaxHead {
  const r = SoftmaxHeadSchema.safeParse(input);
  if (!r.success) throw new ModelError(fromZodIssues(r.error.issues));
  const h = r.data;
  const bad = (path: PropertyKey[], message: string) =>
    new ModelError([{ code: "model_invalid", path, message }]);
  if (h.mean.length !== h.dim) throw bad(["mean"], `expected ${h.dim} values (dim)`);
  if (h.scale.length !== h.dim) throw bad(["scale"], `expected ${h.dim} values (dim)`);
  if (h.bias.length !== h.codes.length) throw bad(["bias"], `expected ${h.codes.length} values`);
  if (h.weights.length !== h.codes.length)
    throw bad(["weights"], `expected ${h.codes.length} rows (one per code)`);
  h.weights.forEach((row, k) => {
    if (row.length !== h.dim) throw bad(["weights", k], `expected ${h.dim} values (dim)`);
  });
  if (new Set(h.codes).size !== h.codes.length) throw bad(["codes"], "codes must be distinct");
  return h as SoftmaxHead;
}

function softmaxInPlace(z: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp((z[k] as number) - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] as number) / sum;
}

/**
 * Fits a {@link SoftmaxHead} by mini-batch gradient descent on the cross-entropy with an L2 penalty
 * (multinomial logistic regression; Bishop, *Pattern Recognition and Machine Learning*, 2006, §4.3.4).
 * Inputs are standardised per dimension first. `labels[i]` must be one of `codes`.
 * @category Adapters
 * @example
 * const head = trainSoftmaxHead([[0, 1], [1, 0]], ["a", "b"], { codes: ["a", "b"], codebook: { id: "x", version: "1" } });
 */
export function trainSoftmaxHead(
  x: readonly (readonly number[])[],
  labels: readonly string[],
  options: SoftmaxTrainOptions & { codes: readonly string[]; codebook: CodebookRef },
): SoftmaxHead {
  const n = x.length;
  const first = x[0];
  if (!first || n !== labels.length)
    throw new ModelError([
      {
        code: "insufficient_data",
        path: [],
        message: "training needs at least one example and one label per example",
      },
    ]);
  const dim = first.length;
  const codes = [...options.codes];
  const K = codes.length;
  const index = new Map(codes.map((c, k) => [c, k]));
  const y = labels.map((l, i) => {
    const k = index.get(l);
    if (k === undefined)
      throw new ModelError([
        { code: "unknown_code", path: ["labels", i], message: "label is not one of the codes" },
      ]);
    return k;
  });
  // Standardise.
  const mean = new Array<number>(dim).fill(0);
  const scale = new Array<number>(dim).fill(0);
  for (const row of x)
    for (let d = 0; d < dim; d++) mean[d] = (mean[d] as number) + (row[d] as number) / n;
  for (const row of x)
    for (let d = 0; d < dim; d++) {
      const v = (row[d] as number) - (mean[d] as number);
      scale[d] = (scale[d] as number) + (v * v) / n;
    }
  for (let d = 0; d < dim; d++) {
    const s = Math.sqrt(scale[d] as number);
    scale[d] = s > 1e-12 ? s : 1;
  }
  const xs = x.map((row) => {
    const out = new Float64Array(dim);
    for (let d = 0; d < dim; d++)
      out[d] = ((row[d] as number) - (mean[d] as number)) / (scale[d] as number);
    return out;
  });

  const epochs = options.epochs ?? 100;
  const lr0 = options.learningRate ?? 0.1;
  const l2 = options.l2 ?? 1e-4;
  const bs = Math.max(1, Math.floor(options.batchSize ?? 32));
  const W = Array.from({ length: K }, () => new Float64Array(dim));
  const b = new Float64Array(K);
  const gW = Array.from({ length: K }, () => new Float64Array(dim));
  const gb = new Float64Array(K);
  const z = new Float64Array(K);
  const rand = mulberry32(options.seed ?? 1);
  const order = Array.from({ length: n }, (_, i) => i);
  // Per-code loss weights: 1, or n / (K × count) with `balanced`.
  const cw = new Float64Array(K).fill(1);
  if (options.classWeights === "balanced") {
    const count = new Float64Array(K);
    for (const k of y) count[k] = (count[k] as number) + 1;
    for (let k = 0; k < K; k++)
      cw[k] = (count[k] as number) > 0 ? n / (K * (count[k] as number)) : 0;
  }

  for (let epoch = 0; epoch < epochs; epoch++) {
    // Fisher–Yates with the seeded PRNG.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    const lr = lr0 / (1 + epoch / 10);
    for (let start = 0; start < n; start += bs) {
      const end = Math.min(n, start + bs);
      for (let k = 0; k < K; k++) {
        (gW[k] as Float64Array).fill(0);
        gb[k] = 0;
      }
      for (let p = start; p < end; p++) {
        const i = order[p] as number;
        const xi = xs[i] as Float64Array;
        for (let k = 0; k < K; k++) {
          const w = W[k] as Float64Array;
          let s = b[k] as number;
          for (let d = 0; d < dim; d++) s += (w[d] as number) * (xi[d] as number);
          z[k] = s;
        }
        softmaxInPlace(z);
        const yi = y[i] as number;
        const wi = cw[yi] as number;
        for (let k = 0; k < K; k++) {
          const err = wi * ((z[k] as number) - (k === yi ? 1 : 0));
          const g = gW[k] as Float64Array;
          for (let d = 0; d < dim; d++) g[d] = (g[d] as number) + err * (xi[d] as number);
          gb[k] = (gb[k] as number) + err;
        }
      }
      const m = end - start;
      for (let k = 0; k < K; k++) {
        const w = W[k] as Float64Array;
        const g = gW[k] as Float64Array;
        for (let d = 0; d < dim; d++)
          w[d] = (w[d] as number) - lr * ((g[d] as number) / m + l2 * (w[d] as number));
        b[k] = (b[k] as number) - (lr * (gb[k] as number)) / m;
      }
    }
  }
  return {
    format: "rapportkit-softmax-head",
    version: 1,
    codebook: { id: options.codebook.id, version: options.codebook.version },
    codes,
    dim,
    mean,
    scale,
    weights: W.map((w) => Array.from(w)),
    bias: Array.from(b),
  };
}

/**
 * The head's probability per code (in `head.codes` order) for one input vector of length `head.dim`.
 * @category Adapters
 */
export function softmaxProbabilities(head: SoftmaxHead, x: readonly number[]): number[] {
  const K = head.codes.length;
  const z = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const w = head.weights[k] as readonly number[];
    let s = head.bias[k] as number;
    for (let d = 0; d < head.dim; d++)
      s +=
        (w[d] as number) *
        (((x[d] as number) - (head.mean[d] as number)) / (head.scale[d] as number));
    z[k] = s;
  }
  softmaxInPlace(z);
  return Array.from(z);
}
