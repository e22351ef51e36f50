/**
 * Adversarial strings for the text scanners (tokenizer, rules matcher, feature extraction): long
 * runs of one character, many near-matches of cue phrases, deep nesting of quotes. Each generator
 * returns a string of exactly `n` UTF-16 code units, so timings compare by size.
 */
import type { Codebook } from "../../src/core/schemas.js";

/** Repeats `unit` to exactly `n` code units. */
export function fill(unit: string, n: number): string {
  const s = unit.repeat(Math.ceil(n / unit.length));
  return s.slice(0, n);
}

/** Every phrase of every phrase cue of a codebook (the rules matcher's trie). */
export function cuePhrases(codebook: Codebook): string[] {
  const out: string[] = [];
  for (const c of codebook.codes)
    for (const cue of c.cues ?? []) {
      if (cue.kind === "phrase") out.push(...cue.phrases);
      if (cue.kind === "tokens") out.push(cue.pattern.map((t) => (t === "*" ? "x" : t)).join(" "));
    }
  return out;
}

/**
 * Near-matches: every cue phrase less its last word, so the trie walk goes deep from every token
 * and never completes (the worst case for a phrase matcher); plus each full phrase once in 50.
 */
export function nearMisses(phrases: readonly string[]): string {
  const parts: string[] = [];
  phrases.forEach((p, i) => {
    const w = p.split(/\s+/);
    parts.push(w.length > 1 ? w.slice(0, -1).join(" ") : `${p}x`);
    if (i % 50 === 0) parts.push(p);
  });
  return `${parts.join(" ")} `;
}

/** The adversarial families, by name: each maps a size to a string of that size. */
export function adversarialFamilies(codebook: Codebook): Record<string, (n: number) => string> {
  const near = nearMisses(cuePhrases(codebook));
  return {
    "one char (a)": (n) => fill("a", n),
    "one char (space)": (n) => fill(" ", n),
    "one char (?)": (n) => fill("?", n),
    "apostrophes in a word (a')": (n) => fill("a'", n),
    "hyphens in a word (a-)": (n) => fill("a-", n),
    "cue near-misses": (n) => fill(near, n),
    "nested quotes": (n) => fill("\"'\u201c\u2018", n),
    "you you you (pronouns)": (n) => fill("you ", n),
    "what? (questions)": (n) => fill("what do you ", n),
    "emoji + surrogates": (n) => fill("\ud83d\ude00\ud800a", n),
  };
}
