/**
 * The pretrained English models (`annomi-en` on the AnnoMI development split; `rapport-en` on
 * AnnoMI coded with the rapport coding manual plus the project's written corpus), on their own
 * subpath so that the core stays small for those who do not need them.
 *
 * - `annomiModel`: the parsed linear model (format `rapportkit/linear@1`).
 * - `annomiClassifier()`: codes therapist utterances with AnnoMI's behaviours and their subtypes,
 *   client utterances with change / neutral / sustain talk, and other speakers' with `other`.
 * - `defaultClassifier({ codebook })`: the best combination for `annomi` or `rapport` (see
 *   docs/model-card.md for how it was chosen).
 * @module
 */
import {
  checkModelCodebook,
  type LinearClassifierOptions,
  linearClassifier,
} from "../classify/linear/classifier.js";
import { type LinearModel, shippedLinearModel } from "../classify/linear/model.js";
import type { SyncClassifier } from "../classify/types.js";
import { annomiCodebook, rapportCodebook } from "../codebook/index.js";
import { CodebookError } from "../core/errors.js";
import type { Codebook } from "../core/schemas.js";
import raw from "./annomi-en.json" with { type: "json" };
import { rapportClassifier } from "./rapport.js";
import rapportRaw from "./rapport-en.json" with { type: "json" };

/**
 * The pretrained AnnoMI model (validated by the package's tests, not at import).
 * @example
 * import { annomiModel } from "rapportkit/model";
 * annomiModel.labels.map((l) => l.id);
 * @category Model
 */
export const annomiModel: LinearModel = shippedLinearModel(raw);
checkModelCodebook(annomiModel, annomiCodebook);

/**
 * The pretrained `rapport` model (validated by the package's tests, not at import).
 * Trained on `rapport` labels directly (AnnoMI coded with the rapport coding manual,
 * and rapportkit's written-register corpus; see docs/model-card.md), with the
 * codebook's cues as features (tagger `rapport-cues@6`).
 * @example
 * import { rapportModel } from "rapportkit/model";
 * rapportModel.features.tagger; // => "rapport-cues@6"
 * @category Model
 */
export const rapportModel: LinearModel = shippedLinearModel(rapportRaw);
checkModelCodebook(rapportModel, rapportCodebook);

/**
 * A synchronous classifier for the `annomi` codebook over the pretrained model.
 * @example
 * import { annomiClassifier } from "rapportkit/model";
 * const [p] = annomiClassifier().classify([
 *   { id: "u1", session: "s", index: 0, speaker: "T", role: "therapist", text: "What brings you in today?" },
 * ]);
 * p.codeId; // => "question.open"
 * @category Model
 */
export function annomiClassifier(
  options: Omit<LinearClassifierOptions, "codebook"> = {},
): SyncClassifier {
  return linearClassifier(annomiModel, { id: "linear@annomi-en", ...options });
}

/**
 * Options of {@link defaultClassifier}.
 * @category Model
 */
export interface DefaultClassifierOptions {
  /** `rapport` (default) or `annomi`, by id or as the codebook object. */
  readonly codebook?: "annomi" | "rapport" | Pick<Codebook, "id">;
  /**
   * How many top-weighted features each prediction carries as evidence (the cue tags and words
   * that weighed most for its code). Default 0: ask for them where you show them, as finding them
   * costs about a sixth of the `rapport` default's time. Codes and confidences do not depend on
   * it.
   */
  readonly evidence?: number;
  /**
   * Give each prediction the probability of every code of its role (`Prediction.probabilities`,
   * kept in codings by `codeTranscript`), for session scores with `counting: "expected"`. Default
   * false for `rapport`, true for `annomi` (each model's own default).
   */
  readonly probabilities?: boolean;
}

/**
 * The default classifier for a built-in codebook: for `annomi` the pretrained AnnoMI model; for
 * `rapport` the pretrained rapport model with the codebook's cues as features (see
 * {@link rapportClassifier} and docs/model-card.md).
 * @throws {CodebookError} `unknown_codebook` at path `["codebook"]` for any other codebook.
 * @example
 * import { defaultClassifier } from "rapportkit/model";
 * const clf = defaultClassifier({ codebook: "rapport" });
 * @category Model
 */
export function defaultClassifier(options: DefaultClassifierOptions = {}): SyncClassifier {
  const cb = options.codebook ?? "rapport";
  const id = typeof cb === "string" ? cb : cb.id;
  const opts = {
    ...(options.evidence === undefined ? {} : { evidence: options.evidence }),
    ...(options.probabilities === undefined ? {} : { probabilities: options.probabilities }),
  };
  if (id === "annomi") return annomiClassifier(opts);
  if (id === "rapport") return rapportClassifier(rapportModel, opts);
  throw new CodebookError([
    {
      code: "unknown_codebook",
      path: ["codebook"],
      message: `no default classifier for codebook "${id}" (use "annomi" or "rapport")`,
    },
  ]);
}

export {
  RAPPORT_CUE_TAGGER,
  type RapportClassifierOptions,
  rapportClassifier,
  rapportCueTagger,
} from "./rapport.js";
