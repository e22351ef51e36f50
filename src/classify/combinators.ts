import { crosswalkMapping } from "../codebook/crosswalk.js";
import { rollUp } from "../codebook/hierarchy.js";
import { ClassifierError } from "../core/errors.js";
import type { Codebook, Utterance } from "../core/schemas.js";
import type {
  AsyncClassifier,
  Classifier,
  ClassifyOptions,
  Prediction,
  SyncClassifier,
} from "./types.js";

/** Preceding turns passed along when a combinator sends part of a batch to another classifier. */
const CONTEXT_WINDOW = 64;

/**
 * Checks that a classifier kept its contract: one prediction per utterance, same ids, same order.
 * @internal
 */
export function checkPredictions(
  who: string,
  utterances: readonly Utterance[],
  predictions: readonly Prediction[],
): void {
  if (!Array.isArray(predictions) || predictions.length !== utterances.length)
    throw new ClassifierError(who, [
      {
        code: "classifier_failed",
        path: [],
        message: `classifier ${who} returned ${Array.isArray(predictions) ? predictions.length : "no"} predictions for ${utterances.length} utterances`,
      },
    ]);
  for (let i = 0; i < utterances.length; i++)
    if ((predictions[i] as Prediction).utteranceId !== (utterances[i] as Utterance).id)
      throw new ClassifierError(who, [
        {
          code: "classifier_failed",
          path: [i],
          message: `classifier ${who} answered for a different utterance id at position ${i} (expected ${(utterances[i] as Utterance).id})`,
        },
      ]);
}

function sameCodebook(who: string, members: readonly Classifier[]): void {
  const first = members[0];
  if (!first) throw new ClassifierError(who, "a combinator needs at least one classifier");
  for (const m of members)
    if (m.codebook.id !== first.codebook.id)
      throw new ClassifierError(who, [
        {
          code: "model_mismatch",
          path: [],
          message: `classifiers must share a codebook: ${m.id} uses '${m.codebook.id}', ${first.id} uses '${first.codebook.id}'`,
        },
      ]);
}

// ---------------------------------------------------------------------------------------------
// cascade

/** What one `classify` call of a {@link cascade} did. @category Combinators */
export interface CascadeReport {
  /** Utterances classified. */
  readonly total: number;
  /** Utterances the fast classifier was not confident about, sent to the strong one. */
  readonly escalated: number;
  /** Their ids, in input order. */
  readonly escalatedIds: readonly string[];
}

/** Options of {@link cascade}. @category Combinators */
export interface CascadeOptions {
  /** Predictions of the fast classifier with confidence strictly below this go to the strong one. */
  readonly threshold: number;
  /** Called once per `classify` call with how many utterances went to the strong classifier. */
  readonly onReport?: (report: CascadeReport) => void;
  /** The cascade's id (default `cascade(<fast id>,<strong id>)`). */
  readonly id?: string;
}

interface Run {
  readonly start: number;
  readonly end: number;
}

function escalationRuns(fastOut: readonly Prediction[], threshold: number): Run[] {
  const runs: Run[] = [];
  let start = -1;
  for (let i = 0; i <= fastOut.length; i++) {
    const low = i < fastOut.length && (fastOut[i] as Prediction).confidence < threshold;
    if (low && start < 0) start = i;
    if (!low && start >= 0) {
      runs.push({ start, end: i });
      start = -1;
    }
  }
  return runs;
}

/** The context of `utterances[start]`: the last turns before it, after `options.context`. */
function contextBefore(
  utterances: readonly Utterance[],
  start: number,
  options?: ClassifyOptions,
): ClassifyOptions {
  const from = Math.max(0, start - CONTEXT_WINDOW);
  const inBatch = utterances.slice(from, start);
  const outer = options?.context ?? [];
  const need = CONTEXT_WINDOW - inBatch.length;
  const context =
    need > 0 && outer.length > 0
      ? [...outer.slice(Math.max(0, outer.length - need)), ...inBatch]
      : inBatch;
  return options?.signal ? { context, signal: options.signal } : { context };
}

function report(fastOut: readonly Prediction[], runs: readonly Run[]): CascadeReport {
  const escalatedIds: string[] = [];
  for (const r of runs)
    for (let i = r.start; i < r.end; i++) escalatedIds.push((fastOut[i] as Prediction).utteranceId);
  return { total: fastOut.length, escalated: escalatedIds.length, escalatedIds };
}

/**
 * Codes everything with `fast`, then sends only the utterances it gave a confidence below
 * `threshold` to `strong`, and keeps `strong`'s answer for those. Output is one prediction per
 * input, same order and ids; each prediction's `source` says which classifier gave it. Escalated
 * utterances are sent in runs of consecutive positions, each with up to 64 preceding turns as
 * `context`, so `strong` sees the same neighbourhood it would in the whole batch.
 *
 * How many went is reported through `onReport` (once per `classify` call). The cascade is
 * synchronous when both classifiers are, asynchronous otherwise.
 * @category Combinators
 * @example
 * const c = cascade(rulesClassifier(codebook), llm, { threshold: 0.6, onReport: (r) => console.log(r.escalated) });
 */
export function cascade(
  fast: SyncClassifier,
  strong: SyncClassifier,
  options: CascadeOptions,
): SyncClassifier;
export function cascade(
  fast: Classifier,
  strong: Classifier,
  options: CascadeOptions,
): AsyncClassifier;
export function cascade(fast: Classifier, strong: Classifier, options: CascadeOptions): Classifier {
  const id = options.id ?? `cascade(${fast.id},${strong.id})`;
  sameCodebook(id, [fast, strong]);
  if (!Number.isFinite(options.threshold))
    throw new ClassifierError(id, [
      { code: "out_of_range", path: ["threshold"], message: "threshold must be a finite number" },
    ]);
  const { threshold } = options;
  const merge = (
    utterances: readonly Utterance[],
    fastOut: Prediction[],
    runs: readonly Run[],
    strongOuts: readonly Prediction[][],
  ): Prediction[] => {
    const out = fastOut.slice();
    runs.forEach((r, k) => {
      const part = strongOuts[k] as Prediction[];
      checkPredictions(strong.id, utterances.slice(r.start, r.end), part);
      for (let i = r.start; i < r.end; i++) out[i] = part[i - r.start] as Prediction;
    });
    options.onReport?.(report(fastOut, runs));
    return out;
  };
  if (fast.mode === "sync" && strong.mode === "sync") {
    return {
      id,
      mode: "sync",
      codebook: fast.codebook,
      classify(utterances, opts) {
        const fastOut = fast.classify(utterances, opts);
        checkPredictions(fast.id, utterances, fastOut);
        const runs = escalationRuns(fastOut, threshold);
        const strongOuts = runs.map((r) =>
          strong.classify(
            utterances.slice(r.start, r.end),
            contextBefore(utterances, r.start, opts),
          ),
        );
        return merge(utterances, fastOut, runs, strongOuts);
      },
    };
  }
  return {
    id,
    mode: "async",
    codebook: fast.codebook,
    async classify(utterances, opts) {
      const fastOut = await fast.classify(utterances, opts);
      checkPredictions(fast.id, utterances, fastOut);
      const runs = escalationRuns(fastOut, threshold);
      const strongOuts: Prediction[][] = [];
      for (const r of runs)
        strongOuts.push(
          await strong.classify(
            utterances.slice(r.start, r.end),
            contextBefore(utterances, r.start, opts),
          ),
        );
      return merge(utterances, fastOut, runs, strongOuts);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// ensemble

/**
 * How an {@link ensemble} combines its members.
 * - `vote`: each member votes for its code with its weight; the code with the most weight wins
 *   (ties: the larger sum of weight × confidence, then the earlier member). Confidence is
 *   Σ weight × confidence of the members that voted for the winner, over Σ weight of all members.
 * - `mean-probability`: the weighted mean of the members' distributions (`probabilities`; a member
 *   without one counts as `{ [code]: confidence }`); the most probable code wins (ties: the code
 *   named first, in member order), with its mean probability as confidence. The mean distribution is
 *   returned as `probabilities`.
 * - `geometric-mean`: the logarithmic opinion pool, p(c) ∝ ∏ₘ pₘ(c)^(wₘ / Σw), over every code
 *   named in any member's distribution (a member without `probabilities` counts as
 *   `{ [code]: confidence }`; a code missing from a member's distribution, or below `floor`, counts
 *   as `floor`), normalised to sum to 1. A code wins only when no member finds it unlikely, which
 *   suits members that are each calibrated. Ties and confidence as for `mean-probability`. Source:
 *   Genest & Zidek (1986), "Combining probability distributions: a critique and an annotated
 *   bibliography", Statistical Science 1(1):114–135, §3 (the logarithmic opinion pool). Pool
 *   members whose distributions cover the same codes: the linear `annomi` model's distribution is
 *   over leaf codes (`reflection.simple`, …), so roll it up with {@link rollUpClassifier} before
 *   pooling it with a member over parent codes.
 * @category Combinators
 */
export type EnsembleStrategy = "vote" | "mean-probability" | "geometric-mean";

/** Options of {@link ensemble}. @category Combinators */
export interface EnsembleOptions {
  /** One non-negative weight per member (default: all 1). */
  readonly weights?: readonly number[];
  /** Default `vote`. */
  readonly strategy?: EnsembleStrategy;
  /** The ensemble's id (default `ensemble(<ids>)`). */
  readonly id?: string;
  /** `geometric-mean` only: the probability a missing or smaller one counts as (default 1e-6). */
  readonly floor?: number;
}

/** The weighted mean of the members' distributions: codes in order of first mention. */
function arithmeticPool(
  preds: readonly Prediction[],
  weights: readonly number[],
  total: number,
): Map<string, number> {
  const mean = new Map<string, number>();
  preds.forEach((p, m) => {
    const w = (weights[m] as number) / total;
    const dist = p.probabilities ?? { [p.codeId]: p.confidence };
    // The member's own code first, so ties favour it (insertion order of the map).
    if (!mean.has(p.codeId)) mean.set(p.codeId, 0);
    for (const [code, v] of Object.entries(dist)) mean.set(code, (mean.get(code) ?? 0) + w * v);
  });
  return mean;
}

/**
 * The logarithmic opinion pool of the members' distributions (see `geometric-mean` in
 * {@link EnsembleStrategy}): codes in order of first mention, member by member.
 */
function geometricPool(
  preds: readonly Prediction[],
  weights: readonly number[],
  total: number,
  floor: number,
): Map<string, number> {
  const codes = new Map<string, number>();
  const dists = preds.map((p) => {
    const dist = p.probabilities ?? { [p.codeId]: p.confidence };
    // The member's own code first, so ties favour it (insertion order of the map).
    if (!codes.has(p.codeId)) codes.set(p.codeId, 0);
    for (const code of Object.keys(dist)) if (!codes.has(code)) codes.set(code, 0);
    return dist;
  });
  let max = Number.NEGATIVE_INFINITY;
  for (const code of codes.keys()) {
    let s = 0;
    dists.forEach((dist, m) => {
      const v = dist[code];
      s += ((weights[m] as number) / total) * Math.log(v !== undefined && v > floor ? v : floor);
    });
    codes.set(code, s);
    if (s > max) max = s;
  }
  let sum = 0;
  for (const [code, s] of codes) {
    const e = Math.exp(s - max);
    codes.set(code, e);
    sum += e;
  }
  for (const [code, e] of codes) codes.set(code, e / sum);
  return codes;
}

function combine(
  id: string,
  outs: readonly Prediction[][],
  weights: readonly number[],
  strategy: EnsembleStrategy,
  floor = 1e-6,
): Prediction[] {
  const first = outs[0] as Prediction[];
  const total = weights.reduce((a, b) => a + b, 0);
  return first.map((p0, i) => {
    const preds = outs.map((o) => o[i] as Prediction);
    if (strategy === "vote") {
      const votes = new Map<string, { w: number; wc: number; evidence?: Prediction["evidence"] }>();
      preds.forEach((p, m) => {
        const w = weights[m] as number;
        const v = votes.get(p.codeId);
        if (v) {
          v.w += w;
          v.wc += w * p.confidence;
        } else votes.set(p.codeId, { w, wc: w * p.confidence, evidence: p.evidence });
      });
      let best: string | undefined;
      let bw = -1;
      let bwc = -1;
      for (const [code, v] of votes)
        if (v.w > bw || (v.w === bw && v.wc > bwc)) {
          best = code;
          bw = v.w;
          bwc = v.wc;
        }
      const win = votes.get(best as string);
      const out: Prediction = {
        utteranceId: p0.utteranceId,
        codeId: best as string,
        confidence: Math.min(1, Math.max(0, (win?.wc ?? 0) / total)),
        source: id,
        ...(win?.evidence ? { evidence: win.evidence } : {}),
      };
      return out;
    }
    const mean =
      strategy === "geometric-mean"
        ? geometricPool(preds, weights, total, floor)
        : arithmeticPool(preds, weights, total);
    let best = p0.codeId;
    let bp = -1;
    for (const [code, v] of mean)
      if (v > bp) {
        best = code;
        bp = v;
      }
    const evidence = preds.find((p) => p.codeId === best)?.evidence;
    return {
      utteranceId: p0.utteranceId,
      codeId: best,
      confidence: Math.min(1, Math.max(0, bp)),
      source: id,
      probabilities: Object.fromEntries(mean),
      ...(evidence ? { evidence } : {}),
    };
  });
}

/**
 * Combines classifiers of the same codebook by weighted vote, or by the arithmetic or geometric
 * mean of their probabilities (see {@link EnsembleStrategy}). One prediction per input, same order and ids. The
 * ensemble is synchronous when every member is.
 * @category Combinators
 * @example
 * const e = ensemble([rules, linear], { weights: [1, 2], strategy: "mean-probability" });
 */
export function ensemble(
  members: readonly SyncClassifier[],
  options?: EnsembleOptions,
): SyncClassifier;
export function ensemble(
  members: readonly Classifier[],
  options?: EnsembleOptions,
): AsyncClassifier;
export function ensemble(
  members: readonly Classifier[],
  options: EnsembleOptions = {},
): Classifier {
  const id = options.id ?? `ensemble(${members.map((m) => m.id).join(",")})`;
  sameCodebook(id, members);
  const weights = options.weights ?? members.map(() => 1);
  if (weights.length !== members.length)
    throw new ClassifierError(id, [
      {
        code: "out_of_range",
        path: ["weights"],
        message: `expected ${members.length} weights (one per classifier), got ${weights.length}`,
      },
    ]);
  weights.forEach((w, k) => {
    if (!Number.isFinite(w) || w < 0)
      throw new ClassifierError(id, [
        { code: "out_of_range", path: ["weights", k], message: "weights must be finite and ≥ 0" },
      ]);
  });
  if (!(weights.reduce((a, b) => a + b, 0) > 0))
    throw new ClassifierError(id, [
      { code: "out_of_range", path: ["weights"], message: "at least one weight must be > 0" },
    ]);
  const strategy = options.strategy ?? "vote";
  if (!["vote", "mean-probability", "geometric-mean"].includes(strategy))
    throw new ClassifierError(id, [
      {
        code: "out_of_range",
        path: ["strategy"],
        message: 'expected "vote", "mean-probability" or "geometric-mean"',
      },
    ]);
  const floor = options.floor ?? 1e-6;
  if (!(floor > 0 && floor < 1))
    throw new ClassifierError(id, [
      { code: "out_of_range", path: ["floor"], message: "floor must be in (0, 1)" },
    ]);
  const codebook = (members[0] as Classifier).codebook;
  if (members.every((m) => m.mode === "sync")) {
    const sync = members as readonly SyncClassifier[];
    return {
      id,
      mode: "sync",
      codebook,
      classify(utterances, opts) {
        if (utterances.length === 0) return [];
        const outs = sync.map((m) => {
          const o = m.classify(utterances, opts);
          checkPredictions(m.id, utterances, o);
          return o;
        });
        return combine(id, outs, weights, strategy, floor);
      },
    };
  }
  return {
    id,
    mode: "async",
    codebook,
    async classify(utterances, opts) {
      if (utterances.length === 0) return [];
      const outs = await Promise.all(
        members.map(async (m) => {
          const o = await m.classify(utterances, opts);
          checkPredictions(m.id, utterances, o);
          return o;
        }),
      );
      return combine(id, outs, weights, strategy, floor);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// rollUpClassifier

/** Options of {@link rollUpClassifier}. @category Combinators */
export interface RollUpOptions {
  /** The classifier's codebook (same id), whose `parent` relation is followed. */
  readonly codebook: Pick<Codebook, "id" | "codes">;
  /**
   * The hierarchy depth to answer at, as in `evaluate`'s `depth`: 0 (the default) maps
   * `reflection.simple` to `reflection`; a code at or above the depth stays as it is.
   */
  readonly depth?: number;
  /** The wrapper's id (default `rollUp(<classifier id>,<depth>)`). */
  readonly id?: string;
}

/**
 * Answers with the classifier's codes rolled up the codebook's hierarchy to `depth` (default 0, the
 * top-level codes), the same mapping `evaluate(…, { codebook, depth })` scores with
 * (`rollUp` from the codebook layer). One prediction per input, same order and ids:
 * - `codeId` is the ancestor at `depth` of the classifier's code (its decision is kept, so scoring
 *   the wrapper as given equals scoring the classifier at `depth`);
 * - `probabilities` sum the probability of every code into its ancestor (the codes in a
 *   distribution are exclusive outcomes, so a parent's probability is the sum of its own and its
 *   descendants'), in order of first appearance;
 * - `confidence` is the summed probability of the new code when the classifier gave a
 *   distribution that names it, and the classifier's own confidence otherwise;
 * - `evidence` is the classifier's, and `source` the wrapper's id.
 *
 * Use it to pool a classifier over subtypes with one over parent codes in an `ensemble`: the
 * linear `annomi` model's distribution is over leaf codes (`reflection.simple`, …), a head trained
 * on behaviours over `reflection`, `question`, …. Synchronous when the classifier is. A code not
 * in the codebook is a `ClassifierError` naming its position.
 * @category Combinators
 * @example
 * const behaviours = rollUpClassifier(annomiClassifier(), { codebook: annomiCodebook });
 * const pooled = ensemble([behaviours, encoderHead], { strategy: "geometric-mean" });
 */
export function rollUpClassifier(
  classifier: SyncClassifier,
  options: RollUpOptions,
): SyncClassifier;
export function rollUpClassifier(
  classifier: AsyncClassifier,
  options: RollUpOptions,
): AsyncClassifier;
export function rollUpClassifier(classifier: Classifier, options: RollUpOptions): Classifier;
export function rollUpClassifier(classifier: Classifier, options: RollUpOptions): Classifier {
  const depth = options.depth ?? 0;
  const id = options.id ?? `rollUp(${classifier.id},${depth})`;
  const { codebook } = options;
  if (!Number.isInteger(depth) || depth < 0)
    throw new ClassifierError(id, [
      { code: "out_of_range", path: ["depth"], message: "depth must be an integer ≥ 0" },
    ]);
  if (codebook.id !== classifier.codebook.id)
    throw new ClassifierError(id, [
      {
        code: "model_mismatch",
        path: ["codebook"],
        message: `classifier ${classifier.id} uses codebook '${classifier.codebook.id}', not '${codebook.id}'`,
      },
    ]);
  const up = new Map(codebook.codes.map((c) => [c.id, rollUp(codebook, c.id, depth)]));
  const lift = (code: string, path: PropertyKey[]): string => {
    const r = up.get(code);
    if (r === undefined)
      throw new ClassifierError(id, [
        {
          code: "unknown_code",
          path,
          message: `classifier ${classifier.id} gave code '${code}', which is not in codebook '${codebook.id}'`,
        },
      ]);
    return r;
  };
  return mapPredictions(classifier, id, classifier.codebook, (out) =>
    out.map((p, i) => {
      const codeId = lift(p.codeId, [i, "codeId"]);
      let probabilities: Record<string, number> | undefined;
      if (p.probabilities) {
        probabilities = {};
        for (const [code, v] of Object.entries(p.probabilities)) {
          const c = lift(code, [i, "probabilities", code]);
          probabilities[c] = (probabilities[c] ?? 0) + v;
        }
      }
      const summed = probabilities?.[codeId];
      const confidence = Math.min(1, Math.max(0, summed ?? p.confidence));
      return {
        utteranceId: p.utteranceId,
        codeId,
        confidence,
        source: id,
        ...(p.evidence ? { evidence: p.evidence } : {}),
        ...(probabilities ? { probabilities } : {}),
      };
    }),
  );
}

/**
 * A classifier that answers with `map` of `classifier`'s predictions (checked to be one per
 * utterance first), under its own id and codebook; synchronous when `classifier` is. The shared
 * shape of {@link rollUpClassifier} and {@link crosswalkClassifier}.
 */
function mapPredictions(
  classifier: Classifier,
  id: string,
  codebook: Classifier["codebook"],
  map: (out: readonly Prediction[]) => Prediction[],
): Classifier {
  const checked = (utterances: readonly Utterance[], out: readonly Prediction[]) => {
    checkPredictions(classifier.id, utterances, out);
    return map(out);
  };
  if (classifier.mode === "sync")
    return {
      id,
      mode: "sync",
      codebook,
      classify: (utterances, opts) => checked(utterances, classifier.classify(utterances, opts)),
    };
  return {
    id,
    mode: "async",
    codebook,
    classify: async (utterances, opts) =>
      checked(utterances, await classifier.classify(utterances, opts)),
  };
}

// ---------------------------------------------------------------------------------------------
// crosswalkClassifier

/** Options of {@link crosswalkClassifier}. @category Combinators */
export interface CrosswalkClassifierOptions {
  /** The classifier's codebook (same id), whose codes' `crosswalk` entries are followed. */
  readonly from: Codebook;
  /** The codebook to answer in. */
  readonly to: Codebook;
  /**
   * Answer at this depth of `to`'s hierarchy, as in `evaluate`'s `depth` (0: `reflection.simple`
   * counts as `reflection`). Absent: the mapped codes as they are.
   */
  readonly depth?: number;
  /**
   * A code of `to` for predictions whose code has no counterpart in `to`. Absent: such a
   * prediction is a `ClassifierError` naming its position.
   */
  readonly fallback?: string;
  /** The wrapper's id (default `crosswalk(<classifier id>,<to id>)`). */
  readonly id?: string;
}

/**
 * Answers in another codebook: each code of the classifier is mapped by the same crosswalk entries
 * as {@link crosswalk} (the first listed target, through parents or reverse entries where needed),
 * and the decision is taken in the target codebook. One prediction per input, same order and ids:
 * - `probabilities` sum the probability of every code into its target (at `depth`, when given);
 *   the mass of codes with no counterpart is left out, so the values may sum to less than 1;
 * - `codeId` is the target with the largest summed probability (the Bayes decision for the
 *   target's codes; ties go to the first to appear), or, when the classifier gave no distribution,
 *   the target of its code;
 * - `confidence` is that target's summed probability (the classifier's own confidence when it gave
 *   no distribution), `evidence` is the classifier's, and `source` the wrapper's id.
 *
 * Summing before deciding is what makes this differ from mapping each coding afterwards: a
 * `rapport` distribution of 0.3 `validation`, 0.25 `question.open`, 0.25 `question.closed` maps to
 * `reflection` by its top code but to `question` (0.5) by its mass. On AnnoMI's four therapist
 * behaviours the shipped `rapport` default scores higher this way (the model card gives the
 * figures).
 * @category Combinators
 * @example
 * const behaviours = crosswalkClassifier(defaultClassifier(), {
 *   from: rapportCodebook,
 *   to: annomiCodebook,
 *   depth: 0,
 * });
 */
export function crosswalkClassifier(
  classifier: SyncClassifier,
  options: CrosswalkClassifierOptions,
): SyncClassifier;
export function crosswalkClassifier(
  classifier: AsyncClassifier,
  options: CrosswalkClassifierOptions,
): AsyncClassifier;
export function crosswalkClassifier(
  classifier: Classifier,
  options: CrosswalkClassifierOptions,
): Classifier;
export function crosswalkClassifier(
  classifier: Classifier,
  options: CrosswalkClassifierOptions,
): Classifier {
  const { from, to, depth, fallback } = options;
  const id = options.id ?? `crosswalk(${classifier.id},${to.id})`;
  const fail = (code: string, path: PropertyKey[], message: string): never => {
    throw new ClassifierError(id, [{ code, path, message }]);
  };
  if (from.id !== classifier.codebook.id)
    fail(
      "model_mismatch",
      ["from"],
      `classifier ${classifier.id} uses codebook '${classifier.codebook.id}', not '${from.id}'`,
    );
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0))
    fail("out_of_range", ["depth"], "depth must be an integer ≥ 0");
  const toIds = new Set(to.codes.map((c) => c.id));
  if (fallback !== undefined && !toIds.has(fallback))
    fail("unknown_code", ["fallback"], `fallback '${fallback}' is not a code of '${to.id}'`);
  const mappingOf = crosswalkMapping(from, to);
  const targetCache = new Map<string, string | undefined>();
  const targetOf = (code: string): string | undefined => {
    if (targetCache.has(code)) return targetCache.get(code);
    const first = mappingOf(code).targets[0];
    const t =
      first === undefined ? undefined : depth === undefined ? first : rollUp(to, first, depth);
    targetCache.set(code, t);
    return t;
  };
  const fallbackAt =
    fallback === undefined
      ? undefined
      : depth === undefined
        ? fallback
        : rollUp(to, fallback, depth);
  const codebook = { id: to.id, version: to.version };
  return mapPredictions(classifier, id, codebook, (out) =>
    out.map((p, i) => {
      let probabilities: Record<string, number> | undefined;
      let codeId: string | undefined;
      let confidence = p.confidence;
      if (p.probabilities) {
        probabilities = {};
        for (const [code, v] of Object.entries(p.probabilities)) {
          const t = targetOf(code);
          if (t !== undefined) probabilities[t] = (probabilities[t] ?? 0) + v;
        }
        let best = -1;
        for (const [t, v] of Object.entries(probabilities))
          if (v > best) {
            best = v;
            codeId = t;
          }
        if (codeId !== undefined) confidence = Math.min(1, Math.max(0, best));
      }
      codeId ??= targetOf(p.codeId) ?? fallbackAt;
      if (codeId === undefined)
        return fail(
          "crosswalk_target_missing",
          [i, "codeId"],
          `code '${p.codeId}' of '${from.id}' has no counterpart in '${to.id}' (${mappingOf(p.codeId).none ?? "no entry"}); pass \`fallback\``,
        );
      return {
        utteranceId: p.utteranceId,
        codeId,
        confidence,
        source: id,
        ...(p.evidence ? { evidence: p.evidence } : {}),
        ...(probabilities ? { probabilities } : {}),
      };
    }),
  );
}
