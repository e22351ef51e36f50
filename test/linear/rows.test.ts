/**
 * `extractRows` (prediction: features resolved to a model's rows as they are made, from the
 * token scratch, with per-id and per-flag row caches) must make the same features, in the same
 * order and with the same per-group counts, as `extractTurn` followed by a lookup of every hash.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  extractRows,
  extractTurn,
  FeatureBuffer,
  FeatureRows,
  type ResolvedFeatureOptions,
  RowBuffer,
  resolveFeatureOptions,
  type TurnHashes,
  type TurnRows,
  tableSlot,
  turnHashes,
  turnRows,
} from "../../src/text/features.js";
import { releaseTokens, scanTokens, tokenizeWithIds } from "../../src/text/tokenize.js";
import { nastyText } from "../helpers/arbitraries.js";

/** A feature table holding every other hash of `hashes` (so that some features are missing). */
function tableOf(hashes: Iterable<number>): FeatureRows {
  const keep = [...new Set(hashes)].filter((_, i) => i % 2 === 0);
  let cap = 16;
  while (cap < keep.length * 2) cap *= 2;
  const table = new Int32Array(cap * 2);
  for (let i = 1; i < table.length; i += 2) table[i] = -1;
  keep.forEach((h, row) => {
    let i = tableSlot(h, cap - 1);
    while ((table[2 * i + 1] as number) >= 0) i = (i + 1) & (cap - 1);
    table[2 * i] = h;
    table[2 * i + 1] = row;
  });
  return new FeatureRows(table, cap - 1);
}

/** Both paths over a session of `texts` (alternating roles), compared turn by turn. */
function compare(texts: readonly string[], opt: ResolvedFeatureOptions): void {
  const roles = ["therapist", "client"];
  const codes = ["T=none", "C=change"];
  // Pass 1: the reference features, to build a table from.
  const ref: { hashes: number[]; groups: number[]; counts: number[] }[] = [];
  const lastH: Record<string, TurnHashes | undefined> = {};
  const buf = new FeatureBuffer();
  texts.forEach((text, i) => {
    const role = roles[i % 2] as string;
    const other = roles[(i + 1) % 2] as string;
    const { tokens, ids } = tokenizeWithIds(text);
    const th = turnHashes(tokens, opt.contextWords, opt.sameRoleWords, ids);
    extractTurn(
      th,
      role,
      i,
      codes,
      lastH[other],
      opt.sameRoleWords ? lastH[role] : undefined,
      opt,
      buf,
    );
    ref.push({
      hashes: Array.from(buf.hashes.subarray(0, buf.length)),
      groups: Array.from(buf.groups.subarray(0, buf.length)),
      counts: Array.from(buf.counts),
    });
    lastH[role] = th;
  });
  const fr = tableOf(ref.flatMap((r) => r.hashes));
  // Pass 2: rows, against the reference looked up in the table.
  const lastR: Record<string, TurnRows | undefined> = {};
  const rb = new RowBuffer();
  texts.forEach((text, i) => {
    const role = roles[i % 2] as string;
    const other = roles[(i + 1) % 2] as string;
    const tk = scanTokens(text);
    const tr = turnRows(fr, tk, opt.contextWords, opt.sameRoleWords);
    extractRows(
      fr,
      tk,
      tr,
      role,
      i,
      codes,
      lastR[other],
      opt.sameRoleWords ? lastR[role] : undefined,
      opt,
      rb,
    );
    const r = ref[i] as (typeof ref)[number];
    const want: number[] = [];
    r.hashes.forEach((h, j) => {
      const row = fr.rowOf(h);
      if (row >= 0) want.push(row, r.groups[j] as number);
    });
    expect(Array.from(rb.pairs.subarray(0, 2 * rb.hits))).toEqual(want);
    expect(Array.from(rb.counts)).toEqual(r.counts);
    lastR[role] = tr;
  });
}

const OPTIONS = [
  resolveFeatureOptions(),
  resolveFeatureOptions({ charNgrams: [2, 5], wordBigrams: false }),
  resolveFeatureOptions({ contextWords: false, sameRoleWords: false, charNgrams: [3, 3] }),
];

const wordy = fc
  .array(
    fc.constantFrom(
      "What",
      "do",
      "you",
      "think",
      "don't",
      "Don\u2019t",
      "self-care",
      "?",
      ".",
      "!",
      ",",
      "caf\u00e9",
      "\u00c9T\u00c9",
      "\u201chi\u201d",
      "\ud83d\ude00",
      "x".repeat(40),
      "Mm-hmm",
      "really",
      "\u4f60\u597d",
    ),
    { maxLength: 30 },
  )
  .map((ws) => ws.join(" "));

describe("extractRows", () => {
  it("makes the features extractTurn makes, looked up, on word-like sessions", () => {
    fc.assert(
      fc.property(
        fc.array(wordy, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...OPTIONS),
        compare,
      ),
      { numRuns: 200 },
    );
  });
  it("makes the features extractTurn makes, looked up, on hostile text", () => {
    fc.assert(
      fc.property(
        fc.array(nastyText, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...OPTIONS),
        compare,
      ),
      { numRuns: 100 },
    );
  });
  it("handles empty and punctuation-only turns", () => {
    for (const opt of OPTIONS) compare(["", "?", "...", "Why?", ""], opt);
  });
});

describe("the token scratch", () => {
  it("forgets the norms of tokens without an id once released (they may be slices of the text)", () => {
    const tk = scanTokens(`caf\u00e9 ${"\u00e9".repeat(50)} ok \ud83d\ude00`);
    expect(tk.norms.filter((n) => n !== "").length).toBe(3);
    releaseTokens();
    expect(tk.norms.every((n) => n === "")).toBe(true);
  });
  it("goes back to a small size after a long text", () => {
    expect(scanTokens("a ".repeat(100_000)).ids.length).toBeGreaterThan(1 << 16);
    expect(scanTokens("hi there").ids.length).toBeLessThanOrEqual(256);
  });
});
