/**
 * What a model was trained on, recorded in the model so that an evaluation on the same data can be
 * told: a set of 32-bit hashes of the training utterances, in `training.fingerprint`. Only
 * utterances of at least {@link FINGERPRINT_MIN_WORDS} words are kept: short ones ("Yeah.",
 * "Okay, so how are you?") recur in any corpus and would match by chance. The texts cannot be read
 * back from the hashes stored, and nothing of the input is logged when checking.
 * @module
 * @internal
 */
import { hashFeatureName } from "../../text/features.js";

/** Fewest words for an utterance to be fingerprinted (and checked). */
export const FINGERPRINT_MIN_WORDS = 6;
/** The method tag of {@link TrainingFingerprint}. */
export const FINGERPRINT_METHOD = "fnv1a32-words@1";

/**
 * The fingerprint of a training set as stored in a model's `training.fingerprint`: the sorted,
 * distinct FNV-1a hashes (unsigned, 4 bytes big-endian each, base64) of the lower-cased words
 * (letters, digits, apostrophes) of every training utterance of at least `minWords` words.
 */
export interface TrainingFingerprint {
  readonly method: typeof FINGERPRINT_METHOD;
  readonly minWords: number;
  /** How many utterances were fingerprinted (distinct hashes). */
  readonly count: number;
  readonly hashes: string;
}

const WORD = /[\p{L}\p{N}']+/gu;

/** The hash of an utterance's text, or undefined when it has fewer than `minWords` words. */
export function fingerprintOf(text: string, minWords = FINGERPRINT_MIN_WORDS): number | undefined {
  const words = text.normalize("NFKC").toLowerCase().match(WORD);
  if (!words || words.length < minWords) return undefined;
  return hashFeatureName(words.join(" ")) >>> 0;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The fingerprint of the utterance texts a model is trained on. */
export function trainingFingerprint(texts: Iterable<string>): TrainingFingerprint {
  const set = new Set<number>();
  for (const t of texts) {
    const h = fingerprintOf(t);
    if (h !== undefined) set.add(h);
  }
  const sorted = Uint32Array.from(set).sort();
  const bytes = new Uint8Array(sorted.length * 4);
  const view = new DataView(bytes.buffer);
  sorted.forEach((h, i) => {
    view.setUint32(i * 4, h);
  });
  return {
    method: FINGERPRINT_METHOD,
    minWords: FINGERPRINT_MIN_WORDS,
    count: sorted.length,
    hashes: toBase64(bytes),
  };
}

/**
 * The hash set of a model's `training.fingerprint`, or undefined when the model records none (or
 * one of another method, or malformed).
 */
export function readFingerprint(
  training: unknown,
): { readonly minWords: number; readonly hashes: ReadonlySet<number> } | undefined {
  const fp = (training as { fingerprint?: unknown } | undefined)?.fingerprint as
    | Partial<TrainingFingerprint>
    | undefined;
  if (
    !fp ||
    fp.method !== FINGERPRINT_METHOD ||
    typeof fp.hashes !== "string" ||
    typeof fp.minWords !== "number" ||
    !Number.isInteger(fp.minWords) ||
    fp.minWords < 1
  )
    return undefined;
  let bin: string;
  try {
    bin = atob(fp.hashes);
  } catch {
    return undefined;
  }
  if (bin.length % 4 !== 0) return undefined;
  const hashes = new Set<number>();
  for (let i = 0; i < bin.length; i += 4)
    hashes.add(
      ((bin.charCodeAt(i) << 24) |
        (bin.charCodeAt(i + 1) << 16) |
        (bin.charCodeAt(i + 2) << 8) |
        bin.charCodeAt(i + 3)) >>>
        0,
    );
  return { minWords: fp.minWords, hashes };
}
