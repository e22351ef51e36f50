/**
 * Small closed word lists the rules use for question syntax, pronouns and content words. Data, not
 * regexes: each is looked up in a Set, one token at a time.
 * @internal
 */

import { AUX_WORDS as BASE_AUX, WH_WORDS as BASE_WH } from "../../text/words.js";

/**
 * Words that open an open question: the question words of the linear model's features
 * (`text/words.ts`) and their contractions ("what's"). The features keep the shorter list: the
 * shipped models were trained with it, and adding the contractions there changes their
 * predictions (test/linear/golden-predictions.test.ts).
 */
export const WH_WORDS: ReadonlySet<string> = new Set([
  ...BASE_WH,
  "what's",
  "how's",
  "where's",
  "who's",
]);

/** After "how", these make a question closed ("how many", "how long"). */
export const HOW_CLOSED: ReadonlySet<string> = new Set([
  "many",
  "much",
  "long",
  "old",
  "often",
  "far",
  "soon",
]);

/** Imperatives that invite an open answer ("tell me more", "describe…"). */
export const OPEN_INVITATIONS: readonly (readonly string[])[] = [
  ["tell", "me"],
  ["describe"],
  ["talk", "me", "through"],
  ["walk", "me", "through"],
  ["say", "more"],
  ["help", "me", "understand"],
];

/**
 * Auxiliaries that start a yes/no question by inversion ("do you", "is it", "would you"): those
 * of the linear model's features (`text/words.ts`) and "shouldn't", which the features lack (the
 * shipped models were trained without it).
 */
export const AUX_WORDS: ReadonlySet<string> = new Set([...BASE_AUX, "shouldn't"]);

/** Subjects that follow an inverted auxiliary. */
export const SUBJECTS: ReadonlySet<string> = new Set([
  "you",
  "i",
  "we",
  "they",
  "he",
  "she",
  "it",
  "that",
  "this",
  "there",
  "your",
  "anyone",
  "anything",
  "someone",
  "something",
  "everyone",
  "people",
  "the",
  "a",
  "any",
]);

/** Discourse markers skipped at the start of a sentence ("So, …", "Okay, and …"). */
export const DISCOURSE: ReadonlySet<string> = new Set([
  "so",
  "okay",
  "ok",
  "well",
  "and",
  "but",
  "um",
  "uh",
  "er",
  "erm",
  "now",
  "alright",
  "right",
  "yeah",
  "oh",
  "hmm",
  "mm",
  "then",
  "also",
  "just",
  "and,",
]);

/** Sentence-ending punctuation tokens. */
export const SENTENCE_END: ReadonlySet<string> = new Set([".", "!", "?", "\u2026", ";"]);

export const FIRST_PERSON: ReadonlySet<string> = new Set([
  "i",
  "me",
  "my",
  "mine",
  "myself",
  "i'm",
  "i've",
  "i'd",
  "i'll",
]);

export const SECOND_PERSON: ReadonlySet<string> = new Set([
  "you",
  "your",
  "yours",
  "yourself",
  "yourselves",
  "you're",
  "you've",
  "you'd",
  "you'll",
]);

/**
 * Function words left out of the lexical overlap used for verbal mirroring. Kept apart from the
 * linear model's overlap stop list (`STOP` in text/features.ts), which is about half as long (and
 * has "that's", which this one lacks): the rules' cue weights were tuned with this list and the
 * linear models trained with that one, so merging them either way changes the predictions of the
 * shipped classifiers (test/linear/golden-predictions.test.ts).
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or but if so of to in on at by for with from up down out over about into than then " +
    "that this these those there here it it's its is am are was were be been being do does did done " +
    "have has had having will would can could should shall may might must not no yes yeah okay ok " +
    "oh um uh mm mm-hmm hmm well just really very quite too also even still again ever never always " +
    "i me my mine myself i'm i've i'd i'll you your yours yourself you're you've you'd you'll we us " +
    "our ours we're we've he him his she her hers they them their theirs they're what which who whom " +
    "whose when where why how all any some each every one more most much many such own same other " +
    "like get got go going gone know think thing things kind sort bit lot lots don't doesn't didn't " +
    "isn't aren't wasn't weren't can't couldn't won't wouldn't shouldn't haven't hasn't as because " +
    "right sounds sound seems seem feel feeling felt"
  ).split(" "),
);

/** A crude stem for overlap: strips common English inflections, keeping at least 3 letters. */
export function stem(word: string): string {
  let w = word.endsWith("'s") ? word.slice(0, -2) : word;
  for (const suf of ["ing", "ed", "es", "s", "ly"]) {
    if (w.length - suf.length >= 3 && w.endsWith(suf)) {
      w = w.slice(0, -suf.length);
      break;
    }
  }
  return w;
}
