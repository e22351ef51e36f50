/**
 * `eval`'s check that its input is not the data the model was trained on: a model that records
 * what it was trained on (`training.fingerprint`, see `classify/linear/fingerprint.ts`; the
 * shipped models and the models `rapportkit train` writes do) is compared with the evaluated
 * utterances, and a warning says how many of them it has seen. Only counts are reported, never
 * text.
 * @module
 */
import { fingerprintOf, readFingerprint } from "../classify/linear/fingerprint.js";
import type { Coding, Transcript } from "../core/schemas.js";
import type { ClassifierSpec } from "./_classifier.js";

/** How many evaluated utterances a model's training data holds. */
export interface TrainingOverlap {
  /** Evaluated utterances long enough to be checked (as many words as the fingerprint keeps). */
  readonly checked: number;
  /** Of those, how many are in the training data. */
  readonly inTraining: number;
  /** The model, for the message: `the shipped model linear@annomi-en` or `model m.json`. */
  readonly model: string;
}

/** The `training` record of the model behind a classifier spec, if it is a linear model. */
async function trainingOf(spec: ClassifierSpec): Promise<unknown> {
  if (spec.kind === "model") {
    try {
      return (JSON.parse(spec.modelText ?? "") as { training?: unknown }).training;
    } catch {
      return undefined;
    }
  }
  if (spec.kind === "rules") return undefined;
  if (spec.kind === "default" && spec.codebook !== "annomi" && spec.codebook !== "rapport")
    return undefined; // the rules classifier
  const m = (await import("../model/index.js")) as {
    annomiModel: { training?: unknown };
    rapportModel: { training?: unknown };
  };
  return spec.kind === "default" && spec.codebook === "rapport"
    ? m.rapportModel.training
    : m.annomiModel.training;
}

/**
 * Counts the evaluated utterances (those with a gold code) that are in the training data of the
 * spec's model; undefined when the model records no fingerprint (or is not a trained model).
 */
export async function trainingOverlap(
  spec: ClassifierSpec,
  classifierId: string,
  transcripts: readonly Transcript[],
  gold: ReadonlyMap<string, Coding>,
): Promise<TrainingOverlap | undefined> {
  const fp = readFingerprint(await trainingOf(spec));
  if (!fp) return undefined;
  let checked = 0;
  let inTraining = 0;
  for (const t of transcripts)
    for (const u of t.utterances) {
      if (!gold.has(u.id)) continue;
      const h = fingerprintOf(u.text, fp.minWords);
      if (h === undefined) continue;
      checked++;
      if (fp.hashes.has(h)) inTraining++;
    }
  const model =
    spec.kind === "model"
      ? `model ${spec.modelFile ?? classifierId}`
      : `the shipped model ${classifierId}`;
  return { checked, inTraining, model };
}

/**
 * The one-line warning for an overlap, or undefined when there is none to speak of: at least 3
 * utterances, or every one checked (a single chance match of a long utterance in a large file is
 * not reported; the hashes are 32-bit).
 */
export function overlapWarning(o: TrainingOverlap | undefined, file: string): string | undefined {
  if (!o || o.inTraining === 0) return undefined;
  if (o.inTraining < 3 && o.inTraining < o.checked) return undefined;
  const share = Math.round((100 * o.inTraining) / o.checked);
  return `rapportkit: warning: ${file}: ${o.inTraining.toLocaleString("en-US")} of the ${o.checked.toLocaleString("en-US")} coded utterances checked (${share}%) are in the data ${o.model} was trained on, so these figures overstate how it does on new data; evaluate on held-out data\n`;
}
