import { rulesDecider } from "../classify/rules/classifier.js";
import { rulesClassifier } from "../classify/rules/index.js";
import type { ClassifyOptions, Prediction, SyncClassifier } from "../classify/types.js";
import { rapportCodebook } from "../codebook/index.js";
import { ModelError } from "../core/errors.js";
import type { Utterance } from "../core/schemas.js";
import { shareTokens } from "../text/tokenize.js";

/**
 * How an `annomi` code of the linear model maps to a `rapport` code (the inverse of the rapport
 * codebook's `crosswalk.annomi`, one target per source; negotiation and options go to the codes
 * whose definitions they fit, structuring and autonomy).
 * @category Model
 */
export const ANNOMI_TO_RAPPORT: Readonly<Record<string, string>> = {
  reflection: "reflection",
  "reflection.simple": "reflection.simple",
  "reflection.complex": "reflection.complex",
  question: "question",
  "question.open": "question.open",
  "question.closed": "question.closed",
  therapist_input: "information",
  "therapist_input.information": "information",
  "therapist_input.advice": "advice",
  "therapist_input.negotiation": "structuring",
  "therapist_input.options": "autonomy",
  other: "other",
  change: "change_talk",
  neutral: "neutral",
  sustain: "sustain_talk",
};

/**
 * The rapport codes AnnoMI has no label for: the rules decide these when their cues fire with
 * enough confidence. `summary` and the two kinds of advice are refinements the rules add too.
 * @category Model
 */
export const RULE_DECIDED_CODES: readonly string[] = [
  "validation",
  "affirmation",
  "permission",
  "feedback_request",
  "autonomy",
  "judgement",
  "invalidation",
  "self_disclosure",
  "oversharing",
  "facilitation",
  "structuring",
  "summary",
  "advice.permitted",
  "advice.unsolicited",
];

/**
 * Options of {@link rapportClassifier}.
 * @category Model
 */
export interface RapportClassifierOptions {
  /** The rules classifier over the rapport codebook. Default `rulesClassifier(rapportCodebook)`. */
  readonly rules?: SyncClassifier;
  /** A rule-decided code replaces the linear model's code when the rules' confidence is at least this. Default 0.5. */
  readonly threshold?: number;
  /** The codes the rules may decide. Default {@link RULE_DECIDED_CODES}. */
  readonly ruleCodes?: readonly string[];
  /** The classifier id. Default `default@rapport`. */
  readonly id?: string;
}

/**
 * The `rapport` default: the linear `annomi` model decides reflection, question, information,
 * advice, other and the client's talk type (mapped through {@link ANNOMI_TO_RAPPORT}); the rules
 * decide the codes AnnoMI lacks ({@link RULE_DECIDED_CODES}) when they fire with confidence of at
 * least `threshold`. `advice.permitted` / `advice.unsolicited` only refine a linear `advice`.
 *
 * @example
 * import { annomiClassifier, rapportClassifier } from "rapportkit/model";
 * const clf = rapportClassifier(annomiClassifier());
 * @category Model
 */
export function rapportClassifier(
  linear: SyncClassifier,
  options: RapportClassifierOptions = {},
): SyncClassifier {
  if (linear.codebook.id !== "annomi") {
    throw new ModelError([
      {
        code: "model_mismatch",
        path: ["codebook", "id"],
        message: `the linear classifier must code "annomi", not "${linear.codebook.id}"`,
      },
    ]);
  }
  const codes = new Set<string>(rapportCodebook.codes.map((c) => c.id));
  for (const [from, to] of Object.entries(ANNOMI_TO_RAPPORT)) {
    if (!codes.has(to)) {
      throw new ModelError([
        {
          code: "crosswalk_target_missing",
          path: ["ANNOMI_TO_RAPPORT", from],
          message: `"${to}" is not a code of the rapport codebook`,
        },
      ]);
    }
  }
  const rules = options.rules ?? rulesClassifier(rapportCodebook);
  const decide = rulesDecider(rules);
  const threshold = options.threshold ?? 0.5;
  const ruleCodes = new Set(options.ruleCodes ?? RULE_DECIDED_CODES);
  const id = options.id ?? "default@rapport";
  return {
    id,
    mode: "sync",
    codebook: { id: rapportCodebook.id, version: rapportCodebook.version },
    classify(utterances: readonly Utterance[], opts?: ClassifyOptions): Prediction[] {
      // Session by session: both classifiers keep their context per session, so every utterance
      // gets the same prediction as in one call over the whole batch, and each session's tokens
      // and partial results die young instead of living (and being copied by the garbage
      // collector) until the whole batch is done. With earlier context, one call.
      if ((opts?.context?.length ?? 0) > 0) return combine(utterances, opts);
      const sessions = new Map<string, number[]>();
      for (let i = 0; i < utterances.length; i++) {
        const s = (utterances[i] as Utterance).session;
        let idx = sessions.get(s);
        if (idx === undefined) {
          idx = [];
          sessions.set(s, idx);
        }
        idx.push(i);
      }
      if (sessions.size < 2) return combine(utterances, opts);
      const out: Prediction[] = new Array(utterances.length);
      try {
        for (const idx of sessions.values()) {
          const part = idx.map((i) => utterances[i] as Utterance);
          const p = combine(part, opts);
          for (let k = 0; k < idx.length; k++) out[idx[k] as number] = p[k] as Prediction;
        }
      } catch {
        // An error names the utterance's index in the caller's batch: the whole batch at once
        // fails the same way with the right index.
        return combine(utterances, opts);
      }
      return out;
    },
  };

  function combine(utterances: readonly Utterance[], opts?: ClassifyOptions): Prediction[] {
    // One tokenisation of each utterance for both classifiers. A rules classifier made by
    // rulesClassifier builds its evidence only for the utterances where the rules win.
    return shareTokens(() => {
      const lin = linear.classify(utterances, opts);
      const decisions = decide?.(utterances, opts);
      const rul = decisions ? decisions.predictions : rules.classify(utterances, opts);
      const out: Prediction[] = new Array(utterances.length);
      for (let i = 0; i < utterances.length; i++) {
        const l = lin[i] as Prediction;
        const r = rul[i] as Prediction;
        const mapped = ANNOMI_TO_RAPPORT[l.codeId] ?? "other";
        const ruleWins =
          ruleCodes.has(r.codeId) &&
          r.confidence >= threshold &&
          (!r.codeId.startsWith("advice.") || mapped === "advice");
        out[i] = ruleWins
          ? { ...(decisions ? decisions.full(i) : r), source: id }
          : {
              utteranceId: l.utteranceId,
              codeId: mapped,
              confidence: l.confidence,
              source: id,
              ...(l.evidence ? { evidence: l.evidence } : {}),
            };
      }
      return out;
    });
  }
}
