import { type LinearTagger, linearClassifier } from "../classify/linear/classifier.js";
import type { LinearModel } from "../classify/linear/model.js";
import { rulesScorer } from "../classify/rules/classifier.js";
import { rulesClassifier } from "../classify/rules/index.js";
import type { ClassifyOptions, Prediction, SyncClassifier } from "../classify/types.js";
import { rapportCodebook } from "../codebook/index.js";
import { ModelError } from "../core/errors.js";
import type { Utterance } from "../core/schemas.js";
import { adviceRequest, wordsOf } from "../text/phrases.js";
import { sentenceSpans } from "../text/segment.js";
import { type Token, tokenize } from "../text/tokenize.js";

/**
 * The name of {@link rapportCueTagger}'s tags, recorded in models trained with them; its number
 * changes when the cues change (2: wider unsolicited-advice cues; 3: a helper's story about
 * themselves weighs more against judgement; 4: negated evaluative words, as in "it's not silly",
 * are not judgement cues; 5: a helper's turn after a turn that asked for advice is tagged
 * `ctx:advice_asked`; 6: requests for advice without a question mark ("any advice appreciated")
 * count, and a turn after one that says it wants only to be heard ("not looking for advice", "just
 * needed to vent") is tagged `ctx:advice_declined`). @category Model
 */
export const RAPPORT_CUE_TAGGER = "rapport-cues@6";

/**
 * The tag of a helper's turn by what the previous turn of another speaker said about advice
 * (`adviceRequest`): it asked for advice (the scores' rule for advice the client requested, MITI
 * 4.2.1), or said it wanted only to be heard.
 */
const REQUEST_TAGS = {
  asked: "ctx:advice_asked",
  declined: "ctx:advice_declined",
} as const;

/** What a turn says about advice, on the turn's tokens when the classifier has them. */
function turnRequest(text: string, tokens?: readonly Token[]): string | undefined {
  const { words, question } = wordsOf(tokens ?? tokenize(text));
  const r = adviceRequest(words, question);
  return r === undefined ? undefined : REQUEST_TAGS[r];
}

/**
 * The `rapport` codebook's hand-written cues as features of a linear model: for each utterance,
 * the (up to three) codes whose cues scored best in the rules classifier become tags `cue:<code>`,
 * and the best of them also `cue1:<code>`. The model learns from data how much each cue is worth
 * next to the words, instead of the cues overriding the model by a hand-set order and threshold.
 *
 * A helper's turn whose previous turn of another speaker asked for advice ("what should I do?")
 * is also tagged `ctx:advice_asked`: advice the client asked for is `advice.permitted` (coding
 * manual §3), and in a long post the request is a few words among many.
 *
 * Tags name codes and that context, never text. The same function computes them at training time
 * (scripts/train-rapport-model.mjs) and at prediction time.
 * @param rules A rules classifier over the rapport codebook (default `rulesClassifier(rapportCodebook)`).
 * @example
 * import { rapportCueTagger } from "rapportkit/model";
 * rapportCueTagger().tag([{ id: "u1", session: "s", index: 0, speaker: "T", role: "therapist",
 *   text: "You should just stop checking your email." }]);
 * // => [["cue:advice.unsolicited", "cue1:advice.unsolicited", …]]
 * @category Model
 */
export function rapportCueTagger(rules?: SyncClassifier): LinearTagger {
  const r = rules ?? rulesClassifier(rapportCodebook);
  const scorer = rulesScorer(r);
  if (!scorer) {
    throw new ModelError([
      {
        code: "model_mismatch",
        path: ["rules"],
        message: "the cue tagger needs a classifier made by rulesClassifier",
      },
    ]);
  }
  // The tag strings of each code, made once (the model looks tags up by string).
  const tagNames = new Map<string, [string, string]>();
  return {
    name: RAPPORT_CUE_TAGGER,
    tag(
      utterances: readonly Utterance[],
      opts?: ClassifyOptions,
      tokens?: readonly (readonly Token[])[],
    ) {
      const out: string[][] = Array.from({ length: utterances.length }, () => []);
      scorer(
        utterances,
        opts,
        (i, leaf, score) => {
          if (!(score > 0)) return;
          const tags = out[i] as string[];
          let names = tagNames.get(leaf);
          if (!names) {
            names = [`cue:${leaf}`, `cue1:${leaf}`];
            tagNames.set(leaf, names);
          }
          tags.push(names[0]);
          if (tags.length === 1) tags.push(names[1]);
        },
        tokens,
      );
      // What the previous turn of another speaker, per session (from the context first), said
      // about advice.
      const request = new Map<string, string | undefined>();
      for (const u of opts?.context ?? [])
        if (u.role !== "therapist") request.set(u.session, turnRequest(u.text));
      utterances.forEach((u, i) => {
        if (u.role !== "therapist") request.set(u.session, turnRequest(u.text, tokens?.[i]));
        else {
          const tag = request.get(u.session);
          if (tag !== undefined) (out[i] as string[]).push(tag);
        }
      });
      return out;
    },
  };
}

/**
 * Options of {@link rapportClassifier}.
 * @category Model
 */
export interface RapportClassifierOptions {
  /** The classifier id. Default `default@rapport`. */
  readonly id?: string;
  /**
   * How many top-weighted features each prediction carries as evidence (its cue tags and words).
   * Default 0 (none; see `LinearClassifierOptions.evidence`): ask for them where you show them.
   */
  readonly evidence?: number;
  /** Include the probability of every code of the role. Default false. */
  readonly probabilities?: boolean;
  /**
   * Look for a second behaviour (coding manual §4): each sentence of a therapist utterance of two
   * or more sentences is also coded on its own (after the same previous turn), and the most
   * confident sentence code of another family than the utterance's code, with confidence at least
   * `secondaryThreshold`, becomes `prediction.secondary`. Default false: out of fold it found the
   * coders' second code with precision 0.26 and recall 0.12 (docs/model-card.md), well below the
   * coders' agreement with each other, and it costs a second pass over multi-sentence utterances.
   */
  readonly secondary?: boolean;
  /** The confidence a sentence's code needs to be the secondary code. Default 0.6. */
  readonly secondaryThreshold?: number;
}

/** The top-level code of a code (`advice.unsolicited` → `advice`). */
const family = (code: string): string => {
  const dot = code.indexOf(".");
  return dot < 0 ? code : code.slice(0, dot);
};

/** Sentences of a text ({@link sentenceSpans}: the coding manual's sentence units), as strings. */
export function sentencesOf(text: string): string[] {
  return sentenceSpans(text).map((s) => s.text);
}

/**
 * The `rapport` default: one linear model trained on `rapport` labels directly (AnnoMI coded with
 * the rapport coding manual, and rapportkit's written-register corpus; docs/model-card.md), with
 * the codebook's cues as features ({@link rapportCueTagger}). Which code wins is learned from the
 * data, not hand-ordered. Asked for (`evidence: n`), evidence lists the features that weighed most
 * for the chosen code: words, n-grams and `k:cue:<code>` / `k:cue1:<code>` tags (the codebook's
 * cues that fired).
 *
 * @param model The trained model (`rapportModel` from `rapportkit/model`).
 * @example
 * import { rapportClassifier, rapportModel } from "rapportkit/model";
 * const clf = rapportClassifier(rapportModel, { evidence: 3, secondary: true });
 * @category Model
 */
export function rapportClassifier(
  model: LinearModel | unknown,
  options: RapportClassifierOptions = {},
): SyncClassifier {
  const id = options.id ?? "default@rapport";
  const tagger = rapportCueTagger();
  const linear = linearClassifier(model, {
    id,
    codebook: rapportCodebook,
    tagger,
    // Undefined: linearClassifier's default (none), the one place that default is set.
    evidence: options.evidence,
    probabilities: options.probabilities ?? false,
  });
  // The linear classifier tokenises each utterance once and gives the tokens to the tagger.
  if (!options.secondary) return linear;
  const threshold = options.secondaryThreshold ?? 0.6;
  const bySentence = linearClassifier(model, {
    id,
    codebook: rapportCodebook,
    tagger,
    evidence: 0,
    probabilities: false,
  });
  return {
    id,
    mode: "sync",
    codebook: linear.codebook,
    classify(utterances: readonly Utterance[], opts?: ClassifyOptions): Prediction[] {
      const preds = linear.classify(utterances, opts);
      // Each sentence as a session of its own: the previous turn of another role, then the sentence.
      const mini: Utterance[] = [];
      const owner: number[] = [];
      const prev = new Map<string, Utterance>();
      for (const u of opts?.context ?? []) if (u.role !== "therapist") prev.set(u.session, u);
      utterances.forEach((u, i) => {
        if (u.role === "therapist") {
          const ss = sentencesOf(u.text);
          if (ss.length > 1) {
            const p = prev.get(u.session);
            ss.forEach((text, k) => {
              const session = `${u.session}\u0000${i}\u0000${k}`;
              if (p) {
                mini.push({ ...p, session, index: 0 });
                owner.push(-1);
              }
              mini.push({ ...u, id: `${u.id}#${k}`, session, index: 1, text });
              owner.push(i);
            });
          }
        } else prev.set(u.session, u);
      });
      if (mini.length === 0) return preds;
      const sp = bySentence.classify(mini);
      const best = new Map<number, { codeId: string; confidence: number }>();
      sp.forEach((q, j) => {
        const i = owner[j] as number;
        if (i < 0) return;
        const p = preds[i] as Prediction;
        if (
          q.confidence < threshold ||
          family(q.codeId) === family(p.codeId) ||
          q.codeId === "other" ||
          q.codeId === "facilitation"
        )
          return;
        const b = best.get(i);
        if (!b || q.confidence > b.confidence)
          best.set(i, { codeId: q.codeId, confidence: Math.round(q.confidence * 1e4) / 1e4 });
      });
      return preds.map((p, i) => {
        const b = best.get(i);
        return b ? { ...p, secondary: b } : p;
      });
    },
  };
}
