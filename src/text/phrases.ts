/**
 * Word phrases found in an utterance's normalised word tokens, shared by the scores' advice
 * context rule and the `rapport` model's cue tagger, so that "the client asked for advice" means
 * one thing in both. @module
 */

import type { Token } from "./tokenize.js";

/**
 * Phrases of a help-seeker asking for advice ("what should I…", "any tips"), matched on lower-case
 * word tokens. With a question mark in the same turn they make advice that follows it permitted
 * (MITI 4.2.1: permission may be requested by the client; coding manual §3).
 */
const ADVICE_REQUEST_PHRASES: readonly (readonly string[])[] = [
  ["should", "i"],
  ["what", "should"],
  ["what", "can", "i"],
  ["what", "do", "i", "do"],
  ["how", "do", "i"],
  ["how", "can", "i"],
  ["what", "would", "you"],
  ["what", "do", "you", "think"],
  ["what", "do", "you", "suggest"],
  ["what", "do", "you", "recommend"],
  ["any", "advice"],
  ["any", "suggestions"],
  ["any", "ideas"],
  ["any", "tips"],
  ["can", "you", "help"],
  ["do", "you", "have", "any"],
];

/** A turn's normalised word tokens, and whether it has a question mark. @internal */
export function wordsOf(tokens: readonly Token[]): { words: string[]; question: boolean } {
  const words: string[] = [];
  let question = false;
  for (const t of tokens) {
    if (t.kind === "word") words.push(t.norm);
    else if (t.norm === "?") question = true;
  }
  return { words, question };
}

/**
 * Phrases that ask for advice outright, question mark or not ("any advice appreciated", "what do
 * I do", "tell me what to do"): forum posts often end without one.
 */
const ADVICE_REQUEST_OUTRIGHT: readonly (readonly string[])[] = [
  ["what", "should", "i", "do"],
  ["what", "do", "i", "do"],
  ["what", "do", "i", "even", "do"],
  ["what", "would", "you", "do"],
  ["any", "advice"],
  ["any", "tips"],
  ["any", "suggestions"],
  ["advice", "please"],
  ["tips", "please"],
  ["ideas", "please"],
  ["suggestions", "please"],
  ["advice", "would", "be"],
  ["advice", "appreciated"],
  ["advice", "welcome"],
  ["need", "advice"],
  ["need", "some", "advice"],
  ["need", "your", "advice"],
  ["looking", "for", "advice"],
  ["looking", "for", "tips"],
  ["looking", "for", "suggestions"],
  ["tell", "me", "what", "to", "do"],
];

/**
 * A help-seeker saying they are not after advice, only to be heard ("not looking for solutions",
 * "just needed to vent", "I don't even know why I'm posting"): advice given anyway is
 * unsolicited (coding manual §1, §3). Tag `ctx:advice_declined`.
 */
const ADVICE_DECLINED_PHRASES: readonly (readonly string[])[] = [
  ["not", "asking", "for", "advice"],
  ["not", "asking", "for", "anything"],
  ["not", "asking", "for", "solutions"],
  ["not", "looking", "for", "advice"],
  ["not", "looking", "for", "solutions"],
  ["not", "looking", "for", "a", "lecture"],
  ["not", "after", "advice"],
  ["don't", "want", "advice"],
  ["dont", "want", "advice"],
  ["don't", "need", "advice"],
  ["dont", "need", "advice"],
  ["need", "to", "vent"],
  ["needed", "to", "vent"],
  ["want", "to", "vent"],
  ["wanted", "to", "vent"],
  ["had", "to", "vent"],
  ["just", "venting"],
  ["rant", "over"],
  ["off", "my", "chest"],
  ["needed", "to", "get", "it", "out"],
  ["need", "to", "get", "it", "out"],
  ["just", "needed", "to", "tell"],
  ["just", "wanted", "to", "tell"],
  ["just", "need", "someone", "to"],
  ["just", "needed", "someone", "to"],
  ["just", "want", "someone", "to"],
  ["just", "wanted", "someone", "to"],
  ["know", "why", "i'm", "posting"],
  ["know", "why", "im", "posting"],
  ["sure", "why", "i'm", "posting"],
  ["sure", "why", "im", "posting"],
  ["know", "why", "i'm", "writing"],
  ["know", "why", "im", "writing"],
  ["know", "what", "i'm", "asking"],
  ["know", "what", "im", "asking"],
];

/**
 * Whether a turn asks for advice: an advice-seeking phrase in a question ("what should I do?",
 * "any tips?"), or an outright request with or without a question mark ("any advice
 * appreciated", "what do I do"), unless the turn also says it is not after advice. @internal
 */
export function asksForAdvice(words: readonly string[], question: boolean): boolean {
  return adviceRequest(words, question) === "asked";
}

/**
 * What a help-seeker's turn says about advice: `"asked"` (see {@link asksForAdvice}),
 * `"declined"` (only to be heard: "not looking for advice", "just needed to vent"), or
 * `undefined`. A decline outweighs a request in the same turn. Indirect requests ("is there
 * anything that helps?", "has anyone been through this?") are left to the model's words: as a
 * third tag they measured worse (docs/model-card.md). @internal
 */
export function adviceRequest(
  words: readonly string[],
  question: boolean,
): "asked" | "declined" | undefined {
  // One pass over the words with the three lists merged (phrase → the lists it is in).
  let found = 0;
  for (let i = 0; i < words.length; i++) {
    const starting = ADVICE_PHRASES.get(words[i] as string);
    if (!starting) continue;
    for (const [p, kind] of starting) {
      if ((found & kind) === kind || !matchesAt(words, i, p)) continue;
      if (kind & DECLINED) return "declined";
      found |= kind;
    }
  }
  return found & OUTRIGHT || (question && found & IN_QUESTION) ? "asked" : undefined;
}

/** Which advice list a phrase is in (bits): asked in a question, asked outright, declined. */
const IN_QUESTION = 1;
const OUTRIGHT = 2;
const DECLINED = 4;
/** The three advice lists in one index by first word, each phrase with the bits of its lists. */
const ADVICE_PHRASES = (() => {
  const kinds = new Map<string, [readonly string[], number]>();
  for (const [list, kind] of [
    [ADVICE_REQUEST_PHRASES, IN_QUESTION],
    [ADVICE_REQUEST_OUTRIGHT, OUTRIGHT],
    [ADVICE_DECLINED_PHRASES, DECLINED],
  ] as const)
    for (const p of list) {
      const key = p.join(" ");
      const had = kinds.get(key);
      if (had) had[1] |= kind;
      else kinds.set(key, [p, kind]);
    }
  return byFirstWord([...kinds.values()], ([p]) => p);
})();

/** Whether phrase `p` occurs in `tokens` at position `i`. */
function matchesAt(tokens: readonly string[], i: number, p: readonly string[]): boolean {
  if (i + p.length > tokens.length) return false;
  for (let k = 1; k < p.length; k++) if (tokens[i + k] !== p[k]) return false;
  return true;
}

/** Phrases grouped by their first word, for {@link hasPhrase}. @internal */
export type PhraseIndex = ReadonlyMap<string, readonly (readonly string[])[]>;

/** Groups phrases (lower-case word lists) by their first word. @internal */
export function phraseIndex(phrases: readonly (readonly string[])[]): PhraseIndex {
  return byFirstWord(phrases, (p) => p);
}

/** Groups items by the first word of their phrase (items with an empty phrase are left out). */
function byFirstWord<T>(
  items: readonly T[],
  phrase: (item: T) => readonly string[],
): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const item of items) {
    const first = phrase(item)[0];
    if (first === undefined) continue;
    const list = index.get(first);
    if (list) list.push(item);
    else index.set(first, [item]);
  }
  return index;
}

/**
 * True if any phrase of the index occurs in the token list (one map lookup per token, then the
 * phrases that start with it). @internal
 */
export function hasPhrase(tokens: readonly string[], phrases: PhraseIndex): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const starting = phrases.get(tokens[i] as string);
    if (!starting) continue;
    for (const p of starting) if (matchesAt(tokens, i, p)) return true;
  }
  return false;
}
