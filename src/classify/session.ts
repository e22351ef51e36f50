import type { CodedTranscript, Coding, Transcript } from "../core/schemas.js";
import { checkPredictions } from "./combinators.js";
import type { Classifier, ClassifyOptions, Prediction, SyncClassifier } from "./types.js";

/** A prediction as a plain `Coding` (with its evidence, second behaviour and probabilities, when it has them). @internal */
export function toCoding(p: Prediction): Coding {
  const c: Coding = {
    utteranceId: p.utteranceId,
    codeId: p.codeId,
    confidence: Math.min(1, Math.max(0, p.confidence)),
    source: p.source,
  };
  if (p.evidence) c.evidence = p.evidence;
  if (p.secondary) c.secondary = { codeId: p.secondary.codeId, confidence: p.secondary.confidence };
  if (p.probabilities) {
    // Clamped as the confidence is: a probability a float sum put a hair outside [0, 1].
    const probabilities: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.probabilities))
      probabilities[k] = Math.min(1, Math.max(0, v));
    c.probabilities = probabilities;
  }
  return c;
}

function coded(
  classifier: Classifier,
  transcript: Transcript,
  predictions: readonly Prediction[],
): CodedTranscript {
  checkPredictions(classifier.id, transcript.utterances, predictions);
  return {
    transcript,
    codebook: { id: classifier.codebook.id, version: classifier.codebook.version },
    codings: predictions.map(toCoding),
  };
}

/**
 * Codes every utterance of a transcript with a synchronous classifier: one coding per utterance,
 * in order, with the classifier's id as `source`. Throws a `ClassifierError` if the classifier
 * breaks its contract (wrong count or ids).
 * @category Classifiers
 * @example
 * const coded = codeTranscript(rulesClassifier(rapportCodebook), transcript);
 * coded.codings[0]?.codeId;
 */
export function codeTranscript(
  classifier: SyncClassifier,
  transcript: Transcript,
  options?: ClassifyOptions,
): CodedTranscript {
  return coded(classifier, transcript, classifier.classify(transcript.utterances, options));
}

/**
 * Codes a transcript with any classifier (sync or async).
 * @category Classifiers
 * @example
 * const coded = await codeTranscriptAsync(llm, transcript);
 */
export async function codeTranscriptAsync(
  classifier: Classifier,
  transcript: Transcript,
  options?: ClassifyOptions,
): Promise<CodedTranscript> {
  return coded(classifier, transcript, await classifier.classify(transcript.utterances, options));
}
