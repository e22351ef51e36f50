import fc from "fast-check";
import type { AsyncClassifier, Prediction, SyncClassifier } from "../../src/classify/types.js";
import { annomiCodebook } from "../../src/codebook/index.js";
import type { Codebook, Utterance } from "../../src/core/schemas.js";

export const codebook = annomiCodebook as unknown as Codebook;
export const codeIds = codebook.codes.map((c) => c.id);

/** FNV-1a, for deterministic fake classifiers and embeddings. */
export function hash(s: string, seed = 2166136261): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

export function utt(
  session: string,
  index: number,
  text: string,
  role: "therapist" | "client" = "therapist",
): Utterance {
  return {
    id: `${session}:${index}`,
    session,
    index,
    speaker: role === "therapist" ? "T" : "C",
    role,
    text,
  };
}

/** A deterministic fake sync classifier: the code and confidence are functions of the text. */
export function fakeSync(id: string, salt = 0, cb: Codebook = codebook): SyncClassifier {
  const codes = cb.codes.map((c) => c.id);
  return {
    id,
    mode: "sync",
    codebook: { id: cb.id, version: cb.version },
    classify(us) {
      return us.map((u): Prediction => {
        const h = hash(u.text, 2166136261 ^ salt);
        const codeId = codes[h % codes.length] as string;
        const probabilities: Record<string, number> = {};
        const c = ((h >>> 8) % 1000) / 1000;
        probabilities[codeId] = c;
        return { utteranceId: u.id, codeId, confidence: c, source: id, probabilities };
      });
    },
  };
}

export function asAsync(c: SyncClassifier, delayMs = 0): AsyncClassifier {
  return {
    id: c.id,
    mode: "async",
    codebook: c.codebook,
    async classify(us, o) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return c.classify(us, o);
    },
  };
}

const words = [
  "how",
  "you",
  "feel",
  "so",
  "drink",
  "want",
  "change",
  "not",
  "sure",
  "maybe",
  "today",
  "I",
  "?",
];

export const textArb = fc
  .array(fc.constantFrom(...words), { minLength: 0, maxLength: 8 })
  .map((w) => w.join(" "));

/** Batches of utterances across one to three sessions, with unique ids. */
export const utterancesArb = fc
  .array(
    fc.record({
      session: fc.constantFrom("a", "b", "c"),
      text: textArb,
      role: fc.constantFrom("therapist" as const, "client" as const),
    }),
    { maxLength: 30 },
  )
  .map((rows) => {
    const next: Record<string, number> = {};
    return rows.map((r) => {
      const i = next[r.session] ?? 0;
      next[r.session] = i + 1;
      return utt(r.session, i, r.text, r.role);
    });
  });
