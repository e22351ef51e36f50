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
 * The fingerprint of a training set as stored in a model's `training.fingerprint`: the distinct
 * FNV-1a hashes (unsigned 32-bit) of the lower-cased words (letters, digits, apostrophes) of every
 * training utterance of at least `minWords` words, sorted, stored as the differences between
 * consecutive hashes (the first from 0) in LEB128 varints, base64.
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
  const bytes: number[] = [];
  let prev = 0;
  for (const h of sorted) {
    let d = h - prev;
    prev = h;
    while (d >= 0x80) {
      bytes.push((d % 0x80) | 0x80);
      d = Math.floor(d / 0x80);
    }
    bytes.push(d);
  }
  return {
    method: FINGERPRINT_METHOD,
    minWords: FINGERPRINT_MIN_WORDS,
    count: sorted.length,
    hashes: toBase64(Uint8Array.from(bytes)),
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
  const hashes = new Set<number>();
  let h = 0;
  let d = 0;
  let scale = 1;
  for (let i = 0; i < bin.length; i++) {
    const b = bin.charCodeAt(i);
    d += (b & 0x7f) * scale;
    if (b & 0x80) {
      scale *= 0x80;
      if (scale > 2 ** 35) return undefined;
      continue;
    }
    h += d;
    if (h > 0xffffffff) return undefined;
    hashes.add(h);
    d = 0;
    scale = 1;
  }
  return d === 0 && scale === 1 ? { minWords: fp.minWords, hashes } : undefined;
}
