import { mulberry32 } from "../../_internal/random.js";
import { ModelError } from "../../core/errors.js";
import { fromZodIssues } from "../../core/result.js";
import type { CodebookRef } from "../../core/schemas.js";
import * as z from "../../core/zod.js";

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
 * Training options of the softmax head. Training is deterministic: the same data and options give
 * the same head, bit for bit.
 *
 * Both solvers minimise the same objective over the weights `W` (`codes × dim`) and biases `b`, on
 * standardised inputs `xᵢ`:
 *
 * `F(W, b) = (1/n) Σᵢ sᵢ · (−log softmax(W·xᵢ + b)[yᵢ]) + (l2 / 2) · ‖W‖²`
 *
 * where `sᵢ` is 1, or with `classWeights: "balanced"` n / (codes × n of yᵢ's code), and the biases
 * are not penalised. This is scikit-learn's multinomial `LogisticRegression` objective
 * (`_linear_loss.LinearModelLoss`: the weighted losses summed and divided by the sum of the sample
 * weights, plus `‖W‖² / (2 C Σ sᵢ)`) with `C = 1 / (n · l2)`, fitted with `fit_intercept=True` on
 * the same standardised inputs, when every code of `codes` occurs in the labels (then Σ sᵢ = n for
 * both class weightings). For two classes scikit-learn fits one vector `w = W₁ − W₀` instead of a
 * row per class: the same fit with `C = 2 / (n · l2)`.
 * @category Adapters
 */
export interface SoftmaxTrainOptions {
  /**
   * `lbfgs` (the default): full-batch limited-memory BFGS (Nocedal & Wright, *Numerical
   * Optimization*, 2nd ed., 2006, Algorithm 7.4, the two-loop recursion, with 10 correction pairs
   * and a backtracking line search under the Armijo condition), run until the largest gradient
   * component is at most `tolerance` or `maxIterations` is reached: it finds the minimum of the
   * objective, as scikit-learn's `lbfgs` solver does. `sgd`: mini-batch stochastic gradient descent
   * for `epochs` passes with a seeded shuffle, which usually stops short of the minimum (the only
   * solver before this option; its heads are unchanged).
   */
  readonly solver?: "lbfgs" | "sgd";
  /**
   * L2 penalty on the weights, `l2` in the objective above (≥ 0). Default 0.3 with `lbfgs` (the best
   * of 1e-3 … 1 for heads over 1,536-dimensional sentence-encoder inputs and ~3,000 AnnoMI examples,
   * `npm run eval:encoder`; tune it on your own data), 1e-4 with `sgd` (as before).
   */
  readonly l2?: number;
  /**
   * `balanced` weighs each example's loss by n / (codes × n of its code), as scikit-learn's
   * `class_weight="balanced"` does, so that rare codes count as much as common ones (better
   * macro-F1); default `none`.
   */
  readonly classWeights?: "balanced" | "none";
  /** `lbfgs`: the most iterations (default 200; each evaluates the objective at least once). */
  readonly maxIterations?: number;
  /**
   * `lbfgs`: stop when the largest absolute component of the objective's gradient is at most this
   * (default 1e-5; scikit-learn's `tol` plays the same role for its `lbfgs`). Also stops when an
   * iteration lowers the objective by less than 64 machine epsilons relative to its value.
   */
  readonly tolerance?: number;
  /** `sgd`: seed of the mini-batch shuffle (default 1). */
  readonly seed?: number;
  /** `sgd`: passes over the data (default 100). */
  readonly epochs?: number;
  /** `sgd`: initial step size (default 0.1, decayed as `lr / (1 + epoch / 10)`). */
  readonly learningRate?: number;
  /** `sgd`: mini-batch size (default 32). */
  readonly batchSize?: number;
}

// A zod number is finite: it rejects NaN and ±Infinity.
const finite = z.number();
const nonEmpty = z.string().check(z.minLength(1));

/** The zod schema of a {@link SoftmaxHead} (shapes checked after parsing). @category Adapters */
export const SoftmaxHeadSchema = z.object({
  format: z.literal("rapportkit-softmax-head"),
  version: z.literal(1),
  codebook: z.object({ id: nonEmpty, version: nonEmpty }),
  codes: z.array(nonEmpty).check(z.minLength(1)),
  dim: z.number().check(z.int(), z.positive()),
  mean: z.array(finite),
  scale: z.array(z.number().check(z.positive())),
  weights: z.array(z.array(finite)),
  bias: z.array(finite),
  inputs: z.optional(z.enum(["utterance", "utterance+context"])),
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

/** Standardised inputs (one row per example, views of one buffer) and the per-dimension scaling. */
interface Standardised {
  readonly mean: number[];
  readonly scale: number[];
  readonly rows: Float64Array[];
}

function standardise(x: readonly (readonly number[])[], dim: number): Standardised {
  const n = x.length;
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
  const buf = new Float64Array(n * dim);
  const rows = x.map((row, i) => {
    const out = buf.subarray(i * dim, (i + 1) * dim);
    for (let d = 0; d < dim; d++)
      out[d] = ((row[d] as number) - (mean[d] as number)) / (scale[d] as number);
    return out;
  });
  return { mean, scale, rows };
}

/** The data of a fit: standardised rows, class indices and per-code loss weights. @internal */
export interface SoftmaxProblem {
  readonly rows: readonly Float64Array[];
  readonly y: Int32Array;
  /** Per-code loss weight (1, or n / (K × count) with `balanced`). */
  readonly cw: Float64Array;
  readonly K: number;
  readonly dim: number;
  readonly l2: number;
}

/**
 * The training objective of {@link SoftmaxTrainOptions} at `theta` (the `K × dim` weights row by
 * row, then the `K` biases), with its gradient written into `grad`. The log-sum-exp is taken after
 * subtracting the largest logit, so it never overflows.
 * @internal
 */
export function softmaxObjective(
  p: SoftmaxProblem,
  theta: Float64Array,
  grad: Float64Array,
): number {
  const { rows, y, cw, K, dim, l2 } = p;
  const n = rows.length;
  const nb = K * dim;
  grad.fill(0);
  const z = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number;
    const wi = cw[yi] as number;
    if (wi === 0) continue;
    const xi = rows[i] as Float64Array;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let s = theta[nb + k] as number;
      const off = k * dim;
      for (let d = 0; d < dim; d++) s += (theta[off + d] as number) * (xi[d] as number);
      z[k] = s;
      if (s > max) max = s;
    }
    const zy = z[yi] as number;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp((z[k] as number) - max);
      z[k] = e;
      sum += e;
    }
    loss += wi * (max + Math.log(sum) - zy);
    for (let k = 0; k < K; k++) {
      const r = wi * ((z[k] as number) / sum - (k === yi ? 1 : 0));
      const off = k * dim;
      for (let d = 0; d < dim; d++)
        grad[off + d] = (grad[off + d] as number) + r * (xi[d] as number);
      grad[nb + k] = (grad[nb + k] as number) + r;
    }
  }
  let penalty = 0;
  for (let j = 0; j < theta.length; j++) grad[j] = (grad[j] as number) / n;
  for (let j = 0; j < nb; j++) {
    const w = theta[j] as number;
    penalty += w * w;
    grad[j] = (grad[j] as number) + l2 * w;
  }
  return loss / n + (l2 / 2) * penalty;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) {
    const x = Math.abs(v);
    if (x > m) m = x;
  }
  return m;
}

/** What {@link minimiseLbfgs} did. @internal */
export interface LbfgsResult {
  readonly theta: Float64Array;
  readonly value: number;
  /** The largest absolute component of the gradient at `theta`. */
  readonly gradientMax: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** Why it stopped. */
  readonly stop: "gradient" | "no-progress" | "line-search" | "max-iterations";
}

const LBFGS_MEMORY = 10;
const ARMIJO_C1 = 1e-4;
const MAX_LINE_SEARCH = 40;

/**
 * Minimises a smooth function by L-BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006:
 * Algorithm 7.4, the two-loop recursion, with the initial Hessian γI of eq. 7.20; Algorithm 3.1,
 * backtracking, with the step of the minimiser of the quadratic interpolation of §3.5, kept within
 * [0.1, 0.5] of the previous step). A correction pair is kept only when its curvature `sᵀy` is
 * positive, so the direction is always a descent direction. Deterministic; starts at zero.
 * @internal
 */
export function minimiseLbfgs(
  f: (theta: Float64Array, grad: Float64Array) => number,
  size: number,
  maxIterations: number,
  tolerance: number,
): LbfgsResult {
  let x = new Float64Array(size);
  let g = new Float64Array(size);
  let fx = f(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(LBFGS_MEMORY);
  const d = new Float64Array(size);
  let xn = new Float64Array(size);
  let gn = new Float64Array(size);
  let iterations = 0;
  let stop: LbfgsResult["stop"] = "max-iterations";
  if (maxAbs(g) <= tolerance) stop = "gradient";
  else
    for (; iterations < maxIterations; ) {
      // d = −H g by the two-loop recursion.
      for (let j = 0; j < size; j++) d[j] = -(g[j] as number);
      for (let m = S.length - 1; m >= 0; m--) {
        const a = (rho[m] as number) * dot(S[m] as Float64Array, d);
        alpha[m] = a;
        const ym = Y[m] as Float64Array;
        for (let j = 0; j < size; j++) d[j] = (d[j] as number) - a * (ym[j] as number);
      }
      let step = 1;
      if (S.length > 0) {
        const yl = Y[S.length - 1] as Float64Array;
        const gamma = dot(S[S.length - 1] as Float64Array, yl) / dot(yl, yl);
        for (let j = 0; j < size; j++) d[j] = (d[j] as number) * gamma;
        for (let m = 0; m < S.length; m++) {
          const beta = (rho[m] as number) * dot(Y[m] as Float64Array, d);
          const sm = S[m] as Float64Array;
          const c = (alpha[m] as number) - beta;
          for (let j = 0; j < size; j++) d[j] = (d[j] as number) + c * (sm[j] as number);
        }
      } else {
        // First step (or after a reset): steepest descent of length at most 1.
        step = Math.min(1, 1 / Math.sqrt(dot(g, g)));
      }
      let slope = dot(g, d);
      if (!(slope < 0)) {
        // Not a descent direction (rounding): forget the curvature pairs and go downhill.
        S.length = 0;
        Y.length = 0;
        rho.length = 0;
        for (let j = 0; j < size; j++) d[j] = -(g[j] as number);
        slope = -dot(g, g);
        step = Math.min(1, 1 / Math.sqrt(-slope));
      }
      // Backtracking under the Armijo condition.
      let fn = Number.POSITIVE_INFINITY;
      let accepted = false;
      for (let ls = 0; ls < MAX_LINE_SEARCH; ls++) {
        for (let j = 0; j < size; j++) xn[j] = (x[j] as number) + step * (d[j] as number);
        fn = f(xn, gn);
        evaluations++;
        if (Number.isFinite(fn) && fn <= fx + ARMIJO_C1 * step * slope) {
          accepted = true;
          break;
        }
        // The minimiser of the quadratic through f(0), f'(0) and f(step), within [0.1, 0.5]·step.
        const q = Number.isFinite(fn) ? (-slope * step * step) / (2 * (fn - fx - slope * step)) : 0;
        step = Math.min(0.5 * step, Math.max(0.1 * step, Number.isFinite(q) ? q : 0));
      }
      if (!accepted) {
        stop = "line-search";
        break;
      }
      iterations++;
      // The correction pair s = xn − x, y = gn − g; the oldest is dropped when memory is full.
      const s = new Float64Array(size);
      const yv = new Float64Array(size);
      for (let j = 0; j < size; j++) {
        s[j] = (xn[j] as number) - (x[j] as number);
        yv[j] = (gn[j] as number) - (g[j] as number);
      }
      const sy = dot(s, yv);
      if (sy > 0 && sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
        if (S.length === LBFGS_MEMORY) {
          S.shift();
          Y.shift();
          rho.shift();
        }
        S.push(s);
        Y.push(yv);
        rho.push(1 / sy);
      }
      const decrease = fx - fn;
      [x, xn] = [xn, x];
      [g, gn] = [gn, g];
      fx = fn;
      if (maxAbs(g) <= tolerance) {
        stop = "gradient";
        break;
      }
      if (decrease <= 64 * Number.EPSILON * Math.max(1, Math.abs(fx))) {
        stop = "no-progress";
        break;
      }
    }
  return { theta: x, value: fx, gradientMax: maxAbs(g), iterations, evaluations, stop };
}

function fitSgd(
  p: SoftmaxProblem,
  options: SoftmaxTrainOptions,
): { W: Float64Array[]; b: Float64Array } {
  const { rows: xs, y, cw, K, dim, l2 } = p;
  const n = xs.length;
  const epochs = options.epochs ?? 100;
  const lr0 = options.learningRate ?? 0.1;
  const bs = Math.max(1, Math.floor(options.batchSize ?? 32));
  const W = Array.from({ length: K }, () => new Float64Array(dim));
  const b = new Float64Array(K);
  const gW = Array.from({ length: K }, () => new Float64Array(dim));
  const gb = new Float64Array(K);
  const z = new Float64Array(K);
  const rand = mulberry32(options.seed ?? 1);
  const order = Array.from({ length: n }, (_, i) => i);
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
      for (let q = start; q < end; q++) {
        const i = order[q] as number;
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
  return { W, b };
}

function fitLbfgs(
  p: SoftmaxProblem,
  options: SoftmaxTrainOptions,
): { W: Float64Array[]; b: Float64Array } {
  const { K, dim } = p;
  const r = minimiseLbfgs(
    (theta, grad) => softmaxObjective(p, theta, grad),
    K * (dim + 1),
    options.maxIterations ?? 200,
    options.tolerance ?? 1e-5,
  );
  const W = Array.from({ length: K }, (_, k) => r.theta.slice(k * dim, (k + 1) * dim));
  // The objective does not change when every bias moves by the same amount: centre them.
  const b = r.theta.slice(K * dim);
  let mb = 0;
  for (const v of b) mb += v / K;
  for (let k = 0; k < K; k++) b[k] = (b[k] as number) - mb;
  return { W, b };
}

function checkOptions(options: SoftmaxTrainOptions): void {
  const bad = (field: string, message: string) =>
    new ModelError([{ code: "out_of_range", path: ["options", field], message }]);
  const { solver, l2, maxIterations, tolerance } = options;
  if (solver !== undefined && solver !== "lbfgs" && solver !== "sgd")
    throw bad("solver", 'expected "lbfgs" or "sgd"');
  if (l2 !== undefined && !(Number.isFinite(l2) && l2 >= 0))
    throw bad("l2", "expected a finite number ≥ 0");
  if (maxIterations !== undefined && !(Number.isInteger(maxIterations) && maxIterations >= 0))
    throw bad("maxIterations", "expected an integer ≥ 0");
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance >= 0))
    throw bad("tolerance", "expected a finite number ≥ 0");
}

/**
 * Fits a {@link SoftmaxHead}: multinomial logistic regression (Bishop, *Pattern Recognition and
 * Machine Learning*, 2006, §4.3.4) on inputs standardised per dimension, minimising the
 * class-weighted mean cross-entropy plus an L2 penalty on the weights (the objective, and how `l2`
 * maps to scikit-learn's `C`, are in {@link SoftmaxTrainOptions}). By default the minimum is found
 * by L-BFGS; `solver: "sgd"` runs mini-batch gradient descent instead. `labels[i]` must be one of
 * `codes`.
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
  checkOptions(options);
  const dim = first.length;
  const codes = [...options.codes];
  const K = codes.length;
  const index = new Map(codes.map((c, k) => [c, k]));
  const y = Int32Array.from(labels, (l, i) => {
    const k = index.get(l);
    if (k === undefined)
      throw new ModelError([
        { code: "unknown_code", path: ["labels", i], message: "label is not one of the codes" },
      ]);
    return k;
  });
  const { mean, scale, rows } = standardise(x, dim);
  const cw = new Float64Array(K).fill(1);
  if (options.classWeights === "balanced") {
    const count = new Float64Array(K);
    for (const k of y) count[k] = (count[k] as number) + 1;
    for (let k = 0; k < K; k++)
      cw[k] = (count[k] as number) > 0 ? n / (K * (count[k] as number)) : 0;
  }
  const sgd = options.solver === "sgd";
  const problem: SoftmaxProblem = { rows, y, cw, K, dim, l2: options.l2 ?? (sgd ? 1e-4 : 0.3) };
  const { W, b } = sgd ? fitSgd(problem, options) : fitLbfgs(problem, options);
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
