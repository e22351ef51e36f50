import type {
  Code,
  Codebook,
  Cue,
  FeatureWeight,
  SpeakerRole,
  Utterance,
} from "../../core/schemas.js";
import { type Token, tokenize } from "../../text/tokenize.js";
import type { ClassifyOptions, Prediction, SyncClassifier } from "../types.js";
import {
  analyse,
  type CompiledCues,
  compileCues,
  contentStems,
  runCues,
  spansOf,
} from "./match.js";

/**
 * Options of {@link rulesClassifier}.
 * @category Classifiers
 */
export interface RulesOptions {
  /**
   * The code given when no cue of any applicable code scores above `threshold`, per speaker role.
   * Default: the codebook's `other` (therapist) or `neutral` (client) code when it has one,
   * otherwise the first applicable code.
   */
  readonly fallback?: Partial<Record<SpeakerRole, string>>;
  /** A code must score strictly above this to be chosen over the fallback (default 0). */
  readonly threshold?: number;
  /** Confidence reported for a fallback prediction (default 0.3). */
  readonly fallbackConfidence?: number;
  /** Which codes to use for speakers with role `other` (default: the therapist's). */
  readonly otherRole?: "therapist" | "client";
}

interface RoleTable {
  /** Leaf codes that apply to the role, in codebook order. */
  readonly leaves: readonly Code[];
  /** For each leaf, the indices (into the codebook's codes) of the leaf and its ancestors. */
  readonly lineages: readonly (readonly number[])[];
  /** `score:<leaf id>` for each leaf (evidence feature names, built once). */
  readonly scoreNames: readonly string[];
  readonly fallback: string | undefined;
}

/**
 * The explainable rules classifier: each code's `cues` (data in the codebook) are matched against
 * each utterance, the weights of the cues that fired are summed per code (a code also gets its
 * ancestors' cues), and the highest-scoring code that applies to the speaker's role wins. Cues
 * cover phrases and token patterns, question syntax (wh-words → open, auxiliary inversion →
 * closed), pronouns, length and verbal mirroring (the share of content words the client used in
 * their previous turn). Matching is linear in the text; no regex is built from data.
 *
 * Each prediction's `evidence.spans` are the character spans of the chosen code's cues (named by
 * cue, never quoting the text) and `evidence.features` the top code scores. Confidence grows with
 * the winning score and its margin over the runner-up, within [0.01, 0.99]; a fallback
 * prediction has `fallbackConfidence`. Cue weights must be finite and within ±`MAX_CUE_WEIGHT`
 * (checked here as in `parseCodebook`), so every score is a finite number.
 * @throws {CodebookError} for a cue weight that is not (path `codes[i].cues[j].weight`).
 * @example
 * const rules = rulesClassifier(rapportCodebook);
 * const [p] = rules.classify([{ id: "u1", session: "s", index: 0, speaker: "T", role: "therapist",
 *   text: "It makes sense that you'd feel angry." }]);
 * p.codeId; // "validation"
 * @category Classifiers
 */
export function rulesClassifier<C extends string = string>(
  codebook: Omit<Codebook, "codes"> & { readonly codes: readonly (Code & { id: C })[] },
  options: RulesOptions = {},
): SyncClassifier<C> {
  const cb = codebook as unknown as Codebook;
  const id = `rules@${cb.id}-${cb.version}`;
  const indexOf = new Map(cb.codes.map((c, i) => [c.id, i]));
  const parents = new Set(cb.codes.map((c) => c.parent).filter((p) => p !== undefined));

  // Compile every code's cues into one matcher; owner[k] is the code index of cue k.
  const allCues: Cue[] = [];
  const prefixes: string[] = [];
  const owner: number[] = [];
  const paths: (readonly PropertyKey[])[] = [];
  cb.codes.forEach((c, ci) => {
    (c.cues ?? []).forEach((cue, k) => {
      allCues.push(cue);
      prefixes.push(c.id);
      paths.push(["codes", ci, "cues", k]);
      owner.push(ci);
    });
  });
  // Throws a CodebookError naming codes[i].cues[j] for a weight that is not finite or beyond
  // ±MAX_CUE_WEIGHT (a codebook object need not have gone through parseCodebook), or when the `*`
  // patterns are over their cap.
  const compiled: CompiledCues = compileCues(allCues, prefixes, paths);

  const lineageOf = (code: Code): number[] => {
    const out = [indexOf.get(code.id) as number];
    const seen = new Set<string>([code.id]);
    let p = code.parent;
    while (p !== undefined && !seen.has(p)) {
      seen.add(p);
      const pi = indexOf.get(p);
      if (pi === undefined) break;
      out.push(pi);
      p = cb.codes[pi]?.parent;
    }
    return out;
  };

  const tables = new Map<string, RoleTable>();
  const tableFor = (role: "therapist" | "client" | "other"): RoleTable => {
    const have = tables.get(role);
    if (have) return have;
    const leaves = cb.codes.filter(
      (c) => !parents.has(c.id) && (c.role === role || c.role === "any"),
    );
    const preferred = options.fallback?.[role] ?? (role === "client" ? "neutral" : "other");
    const fallback = leaves.some((c) => c.id === preferred) ? preferred : leaves[0]?.id;
    const t: RoleTable = {
      leaves,
      lineages: leaves.map(lineageOf),
      scoreNames: leaves.map((c) => `score:${c.id}`),
      fallback,
    };
    tables.set(role, t);
    return t;
  };
  const threshold = options.threshold ?? 0;
  const fallbackConfidence = options.fallbackConfidence ?? 0.3;
  // Scratch space, reused for every utterance.
  const perCode = new Float64Array(cb.codes.length);
  const hasCue = new Uint8Array(cb.codes.length);
  const topLeaf = new Int32Array(3);
  const topScore = new Float64Array(3);

  // With `lite`, the prediction has no evidence (its code and confidence are the same).
  const classifyOne = (
    u: Utterance,
    tokens: readonly Token[],
    prev: ReadonlySet<string> | undefined,
    lite: boolean,
    sink?: (leaf: string, score: number) => void,
  ): Prediction<C> => {
    let role: "therapist" | "client" | "other" = u.role;
    let table = tableFor(role);
    if (role === "other" && table.leaves.length === 0) {
      role = options.otherRole ?? "therapist";
      table = tableFor(role);
    }
    if (table.leaves.length === 0)
      return lite
        ? {
            utteranceId: u.id,
            codeId: (table.fallback ?? cb.codes[0]?.id) as C,
            confidence: 0,
            source: id,
          }
        : {
            utteranceId: u.id,
            codeId: (table.fallback ?? cb.codes[0]?.id) as C,
            confidence: 0,
            source: id,
            evidence: { spans: [], features: [{ name: `no_code_for_role:${u.role}`, weight: 0 }] },
          };
    const a = analyse(u.text, tokens, compiled.scratch);
    const state = runCues(compiled, a, prev);
    perCode.fill(0);
    hasCue.fill(0);
    const fired = state.fired;
    for (let q = 0; q < fired.length; q++) {
      const k = fired[q] as number;
      const o = owner[k] as number;
      perCode[o] = (perCode[o] as number) + (compiled.cues[k]?.weight ?? 0);
      hasCue[o] = 1;
    }
    // Each leaf scores its lineage's total; keep the best three (ties: codebook order).
    let nTop = 0;
    for (let l = 0; l < table.leaves.length; l++) {
      let score = 0;
      let any = false;
      const lineage = table.lineages[l] as number[];
      for (let q = 0; q < lineage.length; q++) {
        const ci = lineage[q] as number;
        if (hasCue[ci]) {
          score += perCode[ci] as number;
          any = true;
        }
      }
      if (!any) continue;
      let pos = nTop;
      while (pos > 0 && (topScore[pos - 1] as number) < score) pos--;
      if (pos < 3) {
        for (let q = Math.min(nTop, 2); q > pos; q--) {
          topLeaf[q] = topLeaf[q - 1] as number;
          topScore[q] = topScore[q - 1] as number;
        }
        topLeaf[pos] = l;
        topScore[pos] = score;
        if (nTop < 3) nTop++;
      }
    }
    const bestScore = topScore[0] as number;
    if (sink) {
      for (let q = 0; q < nTop; q++) {
        sink((table.leaves[topLeaf[q] as number] as Code).id, topScore[q] as number);
      }
    }
    if (lite) {
      if (nTop === 0 || bestScore <= threshold)
        return {
          utteranceId: u.id,
          codeId: table.fallback as C,
          confidence: fallbackConfidence,
          source: id,
        };
      return {
        utteranceId: u.id,
        codeId: (table.leaves[topLeaf[0] as number] as Code).id as C,
        confidence: confidenceOf(nTop),
        source: id,
      };
    }
    const features: FeatureWeight[] = new Array(nTop);
    for (let q = 0; q < nTop; q++)
      features[q] = {
        name: table.scoreNames[topLeaf[q] as number] as string,
        weight: round(topScore[q] as number),
      };
    if (nTop === 0 || bestScore <= threshold) {
      return {
        utteranceId: u.id,
        codeId: table.fallback as C,
        confidence: fallbackConfidence,
        source: id,
        evidence: { spans: [], features: [{ name: "fallback", weight: 0 }, ...features] },
      };
    }
    const bestLeaf = topLeaf[0] as number;
    const lineage = table.lineages[bestLeaf] as number[];
    const spans: { start: number; end: number; cue: string }[] = [];
    for (const k of state.fired) {
      if ((compiled.cues[k]?.weight ?? 0) <= 0 || !lineage.includes(owner[k] as number)) continue;
      for (const sp of spansOf(compiled, a, state, k)) spans.push(sp);
    }
    return {
      utteranceId: u.id,
      codeId: (table.leaves[bestLeaf] as Code).id as C,
      confidence: confidenceOf(nTop),
      source: id,
      evidence: { spans, features },
    };
  };
  /** The confidence of the best of the `nTop` scores kept (`nTop` ≥ 1). */
  const confidenceOf = (nTop: number): number => {
    const bestScore = topScore[0] as number;
    const second = nTop > 1 ? Math.max(0, topScore[1] as number) : 0;
    const margin = Math.max(0, bestScore - second);
    const strength = 1 - Math.exp(-bestScore);
    // The share of the best score that is margin, in [0, 1] (0 when a score is not finite, which
    // bounded weights rule out); a winner's confidence is never 0 (clamped to [0.01, 0.99]).
    const share =
      bestScore > 0 && Number.isFinite(margin / bestScore) ? Math.min(1, margin / bestScore) : 0;
    return clamp(strength * (0.5 + 0.5 * share));
  };

  /**
   * Codes utterances in order; with `prevs`, `lite` predictions (no evidence) and each
   * utterance's mirroring context kept in `prevs`, so that `classifyOne` can give the full
   * prediction of any of them later.
   */
  const classifyAll = (
    utterances: readonly Utterance[],
    opts: ClassifyOptions | undefined,
    prevs?: (ReadonlySet<string> | undefined)[],
    sink?: (i: number, leaf: string, score: number) => void,
    tokensOf?: readonly (readonly Token[])[],
  ): Prediction<C>[] => {
    const out: Prediction<C>[] = [];
    // Per session: the last client turn's content words and how many turns came after it.
    // One pass over context and batch, so time stays linear however sessions interleave.
    const sessions = new Map<string, { stems: ReadonlySet<string>; since: number }>();
    const see = (u: Utterance, tokens: readonly Token[] | undefined) => {
      if (!compiled.hasMirroring) return;
      if (u.role === "client") {
        sessions.set(u.session, {
          stems: contentStems(tokens ?? tokenize(u.text), compiled.scratch.words),
          since: 0,
        });
        return;
      }
      const st = sessions.get(u.session);
      if (st) st.since++;
    };
    for (const c of opts?.context ?? []) see(c, undefined);
    for (let i = 0; i < utterances.length; i++) {
      const u = utterances[i] as Utterance;
      let prev: ReadonlySet<string> | undefined;
      if (compiled.hasMirroring && u.role !== "client") {
        const st = sessions.get(u.session);
        if (st && st.since < MIRROR_WINDOW) prev = st.stems;
      }
      const tokens = tokensOf?.[i] ?? tokenize(u.text);
      if (prevs) prevs.push(prev);
      out.push(
        classifyOne(
          u,
          tokens,
          prev,
          prevs !== undefined,
          sink ? (leaf, score) => sink(i, leaf, score) : undefined,
        ),
      );
      see(u, tokens);
    }
    return out;
  };

  const classifier: SyncClassifier<C> = {
    id,
    mode: "sync",
    codebook: { id: cb.id, version: cb.version },
    classify(utterances: readonly Utterance[], opts?: ClassifyOptions): Prediction<C>[] {
      return classifyAll(utterances, opts);
    },
  };
  scorers.set(classifier, (utterances, opts, sink, tokens) => {
    classifyAll(utterances, opts, [], sink, tokens);
  });
  deciders.set(classifier, (utterances, opts) => {
    const prevs: (ReadonlySet<string> | undefined)[] = [];
    const predictions = classifyAll(utterances, opts, prevs);
    return {
      predictions,
      full: (i) => {
        const u = utterances[i] as Utterance;
        return classifyOne(u, tokenize(u.text), prevs[i], false);
      },
    };
  });
  return classifier;
}

/**
 * The rules' predictions without evidence, and the full prediction (with evidence) of any one of
 * them on demand: for a combination that reports the rules' evidence only where the rules win.
 * The code and confidence of `predictions[i]` are those `classify` gives; `full(i)` is exactly
 * `classify`'s i-th prediction. @internal
 */
export interface RulesDecisions {
  readonly predictions: readonly Prediction[];
  full(i: number): Prediction;
}
type Decider = (utterances: readonly Utterance[], opts?: ClassifyOptions) => RulesDecisions;
const deciders = new WeakMap<object, Decider>();

/**
 * The decider of a classifier made by {@link rulesClassifier}, or undefined for any other.
 * @internal
 */
export function rulesDecider(classifier: SyncClassifier): Decider | undefined {
  return deciders.get(classifier);
}

type Scorer = (
  utterances: readonly Utterance[],
  opts: ClassifyOptions | undefined,
  sink: (i: number, leaf: string, score: number) => void,
  tokens?: readonly (readonly Token[])[],
) => void;
const scorers = new WeakMap<object, Scorer>();

/**
 * The scorer of a classifier made by {@link rulesClassifier}, or undefined for any other: it
 * calls `sink(i, leaf, score)` for the (up to three) best-scoring leaf codes of utterance `i`, best
 * first, with the same scores its predictions' evidence lists; `tokens[i]`, when given, is
 * `tokenize(utterances[i].text)`. @internal
 */
export function rulesScorer(classifier: SyncClassifier): Scorer | undefined {
  return scorers.get(classifier);
}

/** The client's turn counts for mirroring if it is among the last this-many turns. */
const MIRROR_WINDOW = 3;

function clamp(x: number): number {
  if (Number.isNaN(x)) return 0.01;
  return Math.min(0.99, Math.max(0.01, Math.round(x * 1000) / 1000));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
