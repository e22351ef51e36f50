import type { CodebookRef, Evidence, Utterance } from "../core/schemas.js";

/**
 * One classifier's answer for one utterance: a code of its codebook, a confidence in [0, 1], the
 * classifier's id as `source`, and the evidence for it when the classifier gives it (the rules
 * always; the linear models only with `evidence: n`). Structurally a `Coding`, plus the
 * distribution over codes when the classifier has one.
 * @category Classifiers
 */
export interface Prediction<C extends string = string> {
  readonly utteranceId: string;
  readonly codeId: C;
  readonly confidence: number;
  readonly source: string;
  readonly evidence?: Evidence;
  /** Probability per code, when the classifier computes a distribution. */
  readonly probabilities?: Readonly<Record<string, number>>;
  /**
   * A second behaviour the utterance carries (coding manual §4), when the classifier finds one:
   * e.g. a validation followed by advice. Scores count it only when asked (`secondary: true`).
   */
  readonly secondary?: { readonly codeId: string; readonly confidence: number };
}

/**
 * Options every classifier accepts.
 * @category Classifiers
 */
export interface ClassifyOptions {
  /**
   * Turns that precede the first utterance of the batch (e.g. the earlier part of a session that is
   * coded in chunks). Within the batch, each utterance's context is the utterances before it in the
   * same session.
   */
  readonly context?: readonly Utterance[];
  /**
   * Cancels a classification in progress. Local classifiers may ignore it; adapters pass it on to
   * the user's function and stop waiting when it fires.
   */
  readonly signal?: AbortSignal;
}

interface ClassifierBase {
  /** A stable id, used as `source` on every prediction (e.g. `rules@rapport-1.0.0`). */
  readonly id: string;
  /** The codebook whose codes this classifier outputs. */
  readonly codebook: CodebookRef;
}

/**
 * A local classifier: synchronous and batched. `classify` returns exactly one prediction per input
 * utterance, in input order, with the same ids.
 * @category Classifiers
 */
export interface SyncClassifier<C extends string = string> extends ClassifierBase {
  readonly mode: "sync";
  classify(utterances: readonly Utterance[], options?: ClassifyOptions): Prediction<C>[];
}

/**
 * A classifier that needs to wait (an LLM or embedding adapter, or a combinator over one). Same
 * contract as {@link SyncClassifier}, asynchronously.
 * @category Classifiers
 */
export interface AsyncClassifier<C extends string = string> extends ClassifierBase {
  readonly mode: "async";
  classify(utterances: readonly Utterance[], options?: ClassifyOptions): Promise<Prediction<C>[]>;
}

/** Either kind of classifier. @category Classifiers */
export type Classifier<C extends string = string> = SyncClassifier<C> | AsyncClassifier<C>;

/**
 * For each position, the index of the previous utterance of the same session (or -1); and for each
 * session, the index of its last utterance. Built once per array and cached, so that asking for the
 * preceding turns of every utterance of a batch stays linear even when sessions interleave.
 */
interface SessionLinks {
  readonly prev: Int32Array;
  readonly last: Map<string, number>;
}
const linksCache = new WeakMap<readonly Utterance[], SessionLinks>();

function sessionLinks(utterances: readonly Utterance[]): SessionLinks {
  let links = linksCache.get(utterances);
  if (links) return links;
  const prev = new Int32Array(utterances.length);
  const last = new Map<string, number>();
  for (let i = 0; i < utterances.length; i++) {
    const s = (utterances[i] as Utterance).session;
    prev[i] = last.get(s) ?? -1;
    last.set(s, i);
  }
  links = { prev, last };
  linksCache.set(utterances, links);
  return links;
}

/**
 * The preceding turns of `utterances[i]`, oldest first, at most `max`: earlier utterances of the
 * same session in the batch, after any `options.context` of that session. Time is O(max) per call
 * (after a linear pass over the batch that is cached).
 * @category Classifiers
 */
export function precedingTurns(
  utterances: readonly Utterance[],
  i: number,
  options?: ClassifyOptions,
  max = 10,
): Utterance[] {
  const u = utterances[i];
  if (!u) return [];
  const out: Utterance[] = [];
  const { prev } = sessionLinks(utterances);
  for (let j = prev[i] as number; j >= 0 && out.length < max; j = prev[j] as number) {
    out.push(utterances[j] as Utterance);
  }
  const ctx = options?.context;
  if (ctx && out.length < max) {
    const links = sessionLinks(ctx);
    const start = links.last.get(u.session) ?? -1;
    for (let j = start; j >= 0 && out.length < max; j = links.prev[j] as number) {
      out.push(ctx[j] as Utterance);
    }
  }
  return out.reverse();
}
