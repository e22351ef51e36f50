import type { Issue } from "../core/errors.js";
import type { Cue } from "../core/schemas.js";

/**
 * The most tokens that the token patterns containing `*` of one codebook (or one cue list) may
 * hold in all: 4,096 (for example 200 patterns of 20 tokens, or 1,000 of 4). Phrases and patterns
 * without `*` are matched by an Aho–Corasick automaton, in time linear in the text whatever their
 * number and length. A pattern with `*` is matched by a bit-parallel automaton whose work per
 * token of text grows with the wildcard patterns' total length, so that total is capped: with the
 * cap, an utterance costs at most 128 machine words per token. A codebook over the cap is refused
 * when it is built (`parseCodebook`, `defineCodebook`, `rulesClassifier`, `matchCues`), with an
 * issue naming the cue that takes it over.
 * @category Codebooks
 */
export const MAX_WILDCARD_PATTERN_TOKENS = 4096;

/**
 * The `bad_cue` issue for the first cue whose `*` pattern takes the total over
 * {@link MAX_WILDCARD_PATTERN_TOKENS}, or undefined when the cues are within it.
 * @internal
 */
export function wildcardBudgetIssue(
  cues: Iterable<{ readonly cue: Cue; readonly path: readonly PropertyKey[] }>,
): Issue | undefined {
  let total = 0;
  for (const { cue, path } of cues) {
    if (cue.kind !== "tokens" || !cue.pattern.includes("*")) continue;
    total += cue.pattern.length;
    if (total > MAX_WILDCARD_PATTERN_TOKENS)
      return {
        code: "bad_cue",
        path: [...path, "pattern"],
        message: `token patterns with '*' may hold at most 4,096 tokens in all, and this one takes them to ${total} (phrases and patterns without '*' have no such limit)`,
      };
  }
  return undefined;
}
