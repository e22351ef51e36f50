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
 * Whether a turn asks for advice: a question mark and an advice-seeking phrase ("what should I
 * do?", "any tips?"). @internal
 */
export function asksForAdvice(words: readonly string[], question: boolean): boolean {
  return question && hasPhrase(words, ADVICE_REQUEST_PHRASES);
}

/** True if any phrase occurs in the token list (time O(tokens × phrases), linear in the text). @internal */
export function hasPhrase(
  tokens: readonly string[],
  phrases: readonly (readonly string[])[],
): boolean {
  for (let i = 0; i < tokens.length; i++) {
    for (const p of phrases) {
      if (p[0] !== tokens[i] || i + p.length > tokens.length) continue;
      let ok = true;
      for (let k = 1; k < p.length; k++) {
        if (tokens[i + k] !== p[k]) {
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
  }
  return false;
}
