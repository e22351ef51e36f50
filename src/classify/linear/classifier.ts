import { ModelError } from "../../core/errors.js";
import type { Codebook, FeatureWeight, Utterance } from "../../core/schemas.js";
import { FEATURE_GROUPS } from "../../text/features.js";
import { type Token, tokenize } from "../../text/tokenize.js";
import type { ClassifyOptions, Prediction, SyncClassifier } from "../types.js";
import {
  type CompiledModel,
  compileModel,
  decode,
  featureValue,
  type SessionState,
} from "./compiled.js";
import { type LinearModel, parseLinearModel } from "./model.js";

/**
 * Options of {@link linearClassifier}.
 * @category Linear model
 */
export interface LinearClassifierOptions {
  /** The classifier id (the `source` of every prediction). Default `linear@<codebook id>-<version>`. */
  readonly id?: string;
  /**
   * The codebook the predictions must belong to. When given, the model's codebook id must match and
   * every label must be one of its codes, or a `ModelError` with code `model_mismatch` is thrown.
   */
  readonly codebook?: Pick<Codebook, "id" | "version" | "codes">;
  /**
   * How many top-weighted features each prediction carries as evidence. Default 0 (none): evidence
   * is given when asked for, as it costs time (about a sixth of the `rapport` default's) that a
   * caller who does not show it should not pay. Codes and confidences do not depend on it.
   */
  readonly evidence?: number;
  /** Include the probability of every label of the role. Default true. */
  readonly probabilities?: boolean;
  /**
   * The tagger of a model trained with tags (`model.features.tagger`): its `name` must match, and
   * `tag(utterances, options)` gives each utterance's tags, as at training time.
   */
  readonly tagger?: LinearTagger;
}

/**
 * Extra feature tags per utterance (features `k:<tag>`), computed the same way at training and
 * prediction time: e.g. the cues of the rules classifier that fired.
 * @category Linear model
 */
export interface LinearTagger {
  /** The name recorded in the model (`features.tagger`). */
  readonly name: string;
  /**
   * One array of tags per utterance, in order (`options.context` is the batch's context).
   * `tokens[i]`, when given, is `tokenize(utterances[i].text)`: the classifier tokenises each
   * utterance once, for the tagger and for its features. An utterance's tags may depend on the
   * earlier utterances and the context of its own session, not on other sessions: the classifier
   * tags a batch one session at a time, with that session's context.
   */
  tag(
    utterances: readonly Utterance[],
    options?: ClassifyOptions,
    tokens?: readonly (readonly Token[])[],
  ): readonly (readonly string[] | undefined)[];
}

/** Compiled lookup tables per validated model object (models are treated as immutable). */
const compiledCache = new WeakMap<LinearModel, CompiledModel>();

function mismatch(path: PropertyKey[], message: string): ModelError {
  return new ModelError([{ code: "model_mismatch", path, message }]);
}

/**
 * Checks that a model fits a codebook: same codebook id, and every label (and fallback) a code of it.
 * Throws a `ModelError` with code `model_mismatch` naming the first label that does not fit.
 * @category Linear model
 */
export function checkModelCodebook(
  model: LinearModel,
  codebook: Pick<Codebook, "id" | "version" | "codes">,
): void {
  if (model.codebook.id !== codebook.id) {
    throw mismatch(
      ["codebook", "id"],
      `the model is for codebook "${model.codebook.id}", not "${codebook.id}"`,
    );
  }
  const ids = new Set(codebook.codes.map((c) => c.id));
  model.labels.forEach((l, i) => {
    if (!ids.has(l.id))
      throw mismatch(["labels", i, "id"], `label "${l.id}" is not a code of "${codebook.id}"`);
  });
  for (const [role, code] of Object.entries(model.fallback ?? {})) {
    if (!ids.has(code))
      throw mismatch(["fallback", role], `code "${code}" is not a code of "${codebook.id}"`);
  }
}

/**
 * A synchronous classifier over a linear model. Utterances are coded in order; each one's context
 * is the previous turn of the other speaker and the codes this classifier gave earlier turns of
 * the same session (after any `options.context`, which is coded first). With `evidence: n`, each
 * prediction lists the n features that weighed most for the chosen code, by name (n-grams, never
 * utterance text).
 *
 * @example
 * const clf = linearClassifier(parseLinearModel(json), { evidence: 3 });
 * const [p] = clf.classify([{ id: "u1", session: "s", index: 0, speaker: "T", role: "therapist", text: "How are you?" }]);
 * @category Linear model
 */
export function linearClassifier(
  model: LinearModel | unknown,
  options: LinearClassifierOptions = {},
): SyncClassifier {
  const m = parseLinearModel(model);
  if (options.codebook) checkModelCodebook(m, options.codebook);
  let compiled = compiledCache.get(m);
  if (!compiled) {
    compiled = compileModel(m);
    compiledCache.set(m, compiled);
  }
  const tagger = options.tagger;
  const needs = m.features.tagger;
  if (needs !== undefined && tagger?.name !== needs) {
    throw mismatch(
      ["features", "tagger"],
      tagger
        ? `the model was trained with tagger "${needs}", not "${tagger.name}"`
        : `the model was trained with tagger "${needs}": pass options.tagger`,
    );
  }
  if (needs === undefined && tagger !== undefined) {
    throw mismatch(["features", "tagger"], "the model was trained without a tagger");
  }
  const id = options.id ?? `linear@${m.codebook.id}-${m.codebook.version}`;
  const nEvidence = options.evidence ?? 0;
  const withProbs = options.probabilities ?? true;
  const kept = Math.max(0, Math.ceil(nEvidence) || 0);
  const scratch = {
    rows: new Int32Array(kept),
    ws: new Float64Array(kept),
    vals: new Float64Array(FEATURE_GROUPS.length),
  };
  /** decode's callback: turn `i` of `us` gives the prediction at `out[slots ? slots[i] : i]`. */
  const emitter =
    (us: readonly Utterance[], out: Prediction[], slots: readonly number[] | null) =>
    (
      i: number,
      k: number,
      probs: Float64Array,
      _logits: Float64Array,
      counts: Int32Array,
      hits: number,
      found: Int32Array,
    ): void => {
      const u = us[i] as Utterance;
      const slot = slots ? (slots[i] as number) : i;
      if (k < 0) {
        const code = m.fallback?.[u.role];
        if (code === undefined) {
          throw new ModelError([
            {
              code: "model_mismatch",
              path: ["utterances", slot, "role"],
              message: `the model has no labels and no fallback for role "${u.role}" (utterance ${u.id})`,
            },
          ]);
        }
        out[slot] = { utteranceId: u.id, codeId: code, confidence: 1, source: id };
        return;
      }
      const codeId = (m.labels[k] as { id: string }).id;
      const confidence = probs[k] as number;
      const evidence =
        nEvidence > 0
          ? { features: topFeatures(compiled, counts, k, hits, found, nEvidence, scratch) }
          : undefined;
      let probabilities: Record<string, number> | undefined;
      if (withProbs) {
        probabilities = {};
        const idx = compiled.leaves[u.role as "therapist"];
        for (let j = 0; j < idx.length; j++) {
          const kk = idx[j] as number;
          probabilities[(m.labels[kk] as { id: string }).id] = probs[kk] as number;
        }
      }
      // Each shape built in one literal (same keys, in the same order, as before).
      out[slot] =
        evidence && probabilities
          ? { utteranceId: u.id, codeId, confidence, source: id, evidence, probabilities }
          : evidence
            ? { utteranceId: u.id, codeId, confidence, source: id, evidence }
            : probabilities
              ? { utteranceId: u.id, codeId, confidence, source: id, probabilities }
              : { utteranceId: u.id, codeId, confidence, source: id };
    };
  return {
    id,
    mode: "sync",
    codebook: { id: m.codebook.id, version: m.codebook.version },
    classify(utterances: readonly Utterance[], opts?: ClassifyOptions): Prediction[] {
      const states = new Map<string, SessionState>();
      if (opts?.context && opts.context.length > 0) {
        const ctokens = tagger ? opts.context.map((u) => tokenize(u.text)) : undefined;
        const ctags = tagger?.tag(opts.context, undefined, ctokens);
        decode(compiled, opts.context, () => {}, states, false, ctags, ctokens);
      }
      const out: Prediction[] = new Array(utterances.length);
      // Without a tagger, the features tokenise each turn as they come to it. With one, each
      // utterance is tokenised once for the tagger and the features, and the batch is tagged and
      // decoded one session at a time: only one session's tokens and tags are held at once (a
      // batch of 25 AnnoMI sessions at once was ~15 % slower than the same sessions one by one).
      // Sessions are independent: each one's states and tags depend on its own utterances and
      // context only (LinearTagger's contract).
      if (!tagger) {
        decode(compiled, utterances, emitter(utterances, out, null), states, withProbs);
        return out;
      }
      for (const [session, slots] of bySession(utterances)) {
        const whole = slots.length === utterances.length;
        const us = whole ? utterances : slots.map((i) => utterances[i] as Utterance);
        const tokens = us.map((u) => tokenize(u.text));
        const context = opts?.context?.filter((u) => u.session === session);
        const tags = tagger.tag(us, opts && { ...opts, context: context ?? [] }, tokens);
        decode(
          compiled,
          us,
          emitter(us, out, whole ? null : slots),
          states,
          withProbs,
          tags,
          tokens,
        );
      }
      return out;
    },
  };
}

/** The indices of each session's utterances, in order; sessions in order of first appearance. */
function bySession(utterances: readonly Utterance[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < utterances.length; i++) {
    const s = (utterances[i] as Utterance).session;
    const list = out.get(s);
    if (list) list.push(i);
    else out.set(s, [i]);
  }
  return out;
}

/**
 * The `n` features with the largest positive contribution (value × weight) to label `k`, from the
 * (row, group) pairs that scoring found. A row found again adds to its kept total; a new row
 * replaces the smallest kept one when larger. Scratch arrays are reused between calls.
 */
function topFeatures(
  c: CompiledModel,
  counts: Int32Array,
  k: number,
  hits: number,
  found: Int32Array,
  n: number,
  scratch: { rows: Int32Array; ws: Float64Array; vals: Float64Array },
): FeatureWeight[] {
  // Label k's weights: column k of rows of K columns.
  const W = c.W;
  const K = c.K;
  const { rows, ws, vals } = scratch;
  for (let g = 0; g < vals.length; g++) vals[g] = featureValue(g, counts[g] as number);
  let m = 0;
  for (let h = 0; h < hits; h++) {
    const row = found[2 * h] as number;
    const w = (W[row * K + k] as number) * (vals[found[2 * h + 1] as number] as number);
    if (w <= 0) continue;
    let seen = -1;
    for (let q = 0; q < m; q++) {
      if (rows[q] === row) {
        seen = q;
        break;
      }
    }
    if (seen >= 0) {
      ws[seen] = (ws[seen] as number) + w;
      continue;
    }
    if (m < n) {
      rows[m] = row;
      ws[m] = w;
      m++;
      continue;
    }
    // Replace the smallest kept one if this one is larger.
    let min = 0;
    for (let q = 1; q < n; q++) if ((ws[q] as number) < (ws[min] as number)) min = q;
    if (w > (ws[min] as number)) {
      rows[min] = row;
      ws[min] = w;
    }
  }
  // Largest first; ties keep the order in which they were kept (a stable insertion sort, in
  // place: no array is allocated).
  for (let i = 1; i < m; i++) {
    const r = rows[i] as number;
    const w = ws[i] as number;
    let pos = i;
    while (pos > 0 && (ws[pos - 1] as number) < w) {
      rows[pos] = rows[pos - 1] as number;
      ws[pos] = ws[pos - 1] as number;
      pos--;
    }
    rows[pos] = r;
    ws[pos] = w;
  }
  const vocabulary = c.model.vocabulary;
  const out: FeatureWeight[] = new Array(m);
  for (let i = 0; i < m; i++) {
    out[i] = {
      name: vocabulary[rows[i] as number] as string,
      weight: Number((ws[i] as number).toPrecision(4)),
    };
  }
  return out;
}
