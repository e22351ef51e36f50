/**
 * Closed word lists shared by the layers that read question syntax: the linear model's features
 * (`features.ts`) and the rules' lexicon (`classify/rules/lexicon.ts`, which adds to them). One
 * source: the rules derive their lists from these. Private: not exported from `src/index.ts`.
 * @module
 * @internal
 */

/**
 * Question words that open a wh-question ("what", "how", …). The linear model's `q:wh0` and
 * `q:whL` features test the first word of the utterance and of its last sentence against exactly
 * this list: the shipped models were trained with it, so a word added here changes their
 * predictions (test/linear/golden-predictions.test.ts). The rules add the contracted forms
 * ("what's"), see `classify/rules/lexicon.ts`.
 * @internal
 */
export const WH_WORDS: ReadonlySet<string> = new Set([
  "what",
  "how",
  "why",
  "when",
  "where",
  "who",
  "which",
  "whom",
  "whose",
]);

/**
 * Auxiliaries that start a yes/no question by inversion ("do you", "is it", "would you"). The
 * linear model's `q:aux0` and `q:auxL` features use exactly this list (trained with it, as
 * {@link WH_WORDS}); the rules add "shouldn't".
 * @internal
 */
export const AUX_WORDS: ReadonlySet<string> = new Set([
  "do",
  "does",
  "did",
  "is",
  "are",
  "was",
  "were",
  "am",
  "can",
  "could",
  "would",
  "will",
  "have",
  "has",
  "had",
  "should",
  "shall",
  "may",
  "might",
  "must",
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "can't",
  "couldn't",
  "wouldn't",
  "won't",
  "haven't",
  "hasn't",
]);
