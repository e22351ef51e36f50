import { type LinearTagger, linearClassifier } from "../classify/linear/classifier.js";
import type { LinearModel } from "../classify/linear/model.js";
import { rulesScorer } from "../classify/rules/classifier.js";
import { rulesClassifier } from "../classify/rules/index.js";
import type { ClassifyOptions, Prediction, SyncClassifier } from "../classify/types.js";
import { rapportCodebook } from "../codebook/index.js";
import { ModelError } from "../core/errors.js";
import type { Utterance } from "../core/schemas.js";
import { shareTokens } from "../text/tokenize.js";

/** The name of {@link rapportCueTagger}'s tags, recorded in models trained with them. @category Model */
export const RAPPORT_CUE_TAGGER = "rapport-cues@1";

/**
 * The `rapport` codebook's hand-written cues as features of a linear model: for each utterance,
 * the (up to three) codes whose cues scored best in the rules classifier become tags `cue:<code>`,
 * and the best of them also `cue1:<code>`. The model learns from data how much each cue is worth
 * next to the words, instead of the cues overriding the model by a hand-set order and threshold.
 *
 * Tags name codes, never text. The same function computes them at training time
 * (scripts/train-model.mjs) and at prediction time.
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
  return {
    name: RAPPORT_CUE_TAGGER,
    tag(utterances: readonly Utterance[], opts?: ClassifyOptions) {
      const out: string[][] = Array.from({ length: utterances.length }, () => []);
      scorer(utterances, opts, (i, leaf, score) => {
        if (!(score > 0)) return;
        const tags = out[i] as string[];
        tags.push(`cue:${leaf}`);
        if (tags.length === 1) tags.push(`cue1:${leaf}`);
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
  /** How many top-weighted features to give as evidence (0 for none). Default 3. */
  readonly evidence?: number;
  /** Include the probability of every code of the role. Default false. */
  readonly probabilities?: boolean;
  /**
   * A second code for utterances that carry two behaviours (coding manual §4): the most probable
   * code outside the chosen one's family is given as `secondary` when its probability is at least
   * this. Default 0.3 (chosen by cross-validation, see docs/model-card.md); 1 turns it off.
   */
  readonly secondary?: number;
}

/** The top-level code of a code (`advice.unsolicited` → `advice`). */
const family = (code: string): string => {
  const dot = code.indexOf(".");
  return dot < 0 ? code : code.slice(0, dot);
};

/**
 * The `rapport` default: one linear model trained on `rapport` labels directly (AnnoMI coded with
 * the rapport coding manual, and rapportkit's written-register corpus; docs/model-card.md), with
 * the codebook's cues as features ({@link rapportCueTagger}). Which code wins is learned from the
 * data. Evidence lists the features that weighed most (words, n-grams and `k:cue:<code>` tags).
 *
 * @param model The trained model (`rapportModel` from `rapportkit/model`).
 * @example
 * import { rapportClassifier, rapportModel } from "rapportkit/model";
 * const clf = rapportClassifier(rapportModel);
 * @category Model
 */
export function rapportClassifier(
  model: LinearModel | unknown,
  options: RapportClassifierOptions = {},
): SyncClassifier {
  const id = options.id ?? "default@rapport";
  const threshold = options.secondary ?? 0.3;
  const wantProbs = options.probabilities ?? false;
  const linear = linearClassifier(model, {
    id,
    codebook: rapportCodebook,
    tagger: rapportCueTagger(),
    evidence: options.evidence ?? 3,
    probabilities: wantProbs || threshold < 1,
  });
  if (threshold >= 1) return linear;
  return {
    id,
    mode: "sync",
    codebook: linear.codebook,
    classify(utterances: readonly Utterance[], opts?: ClassifyOptions): Prediction[] {
      // One tokenisation of each utterance for the cues and the model.
      const preds = shareTokens(() => linear.classify(utterances, opts));
      return preds.map((p) => withSecondary(p, threshold, wantProbs));
    },
  };
}

/** Adds `secondary` (the likeliest code of another family, if likely enough). */
function withSecondary(p: Prediction, threshold: number, keepProbs: boolean): Prediction {
  const probs = p.probabilities;
  if (!probs) return p;
  const own = family(p.codeId);
  let best: string | undefined;
  let bp = threshold;
  for (const code in probs) {
    const v = probs[code] as number;
    if (v >= bp && family(code) !== own) {
      best = code;
      bp = v;
    }
  }
  const { probabilities, ...rest } = p;
  const base = keepProbs ? p : rest;
  return best === undefined
    ? base
    : { ...base, secondary: { codeId: best, confidence: Math.round(bp * 1e4) / 1e4 } };
}
