/**
 * The tokenizer is on the hot path and was rewritten for speed (interned ASCII word forms, char
 * code tests instead of Set lookups). This checks it against the straightforward version it
 * replaced, kept here as the reference, on random text that mixes case, apostrophes, hyphens,
 * curly quotes, non-ASCII letters, surrogate pairs and long words.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Token, tokenize } from "../../src/text/tokenize.js";

const APOSTROPHES = new Set(["'", "\u2019", "\u2018", "\u02bc"]);
const WORD_RE = /[\p{L}\p{N}\p{M}]/u;
function isWordChar(code: number): boolean {
  if (code >= 97 && code <= 122) return true;
  if (code >= 65 && code <= 90) return true;
  if (code >= 48 && code <= 57) return true;
  if (code < 128) return false;
  return WORD_RE.test(String.fromCharCode(code));
}
// Unicode White_Space (\s, plus NEL U+0085 which \s lacks) and the BOM, the plain way.
function isSpace(code: number): boolean {
  return code === 0xfeff || code === 0x85 || /\s/u.test(String.fromCharCode(code));
}
function referenceTokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isWordChar(c)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isWordChar(d)) {
          i++;
          continue;
        }
        const ch = text[i] as string;
        if (
          (APOSTROPHES.has(ch) || ch === "-") &&
          i + 1 < n &&
          isWordChar(text.charCodeAt(i + 1))
        ) {
          i += 2;
          continue;
        }
        break;
      }
      let norm = text.slice(start, i).toLowerCase();
      if (norm.includes("\u2019") || norm.includes("\u2018") || norm.includes("\u02bc")) {
        norm = norm.replace(/[\u2019\u2018\u02bc]/g, "'");
      }
      out.push({ norm, start, end: i, kind: "word" });
      continue;
    }
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    const raw = text.slice(i, i + width);
    const norm = APOSTROPHES.has(raw) ? "'" : raw === "\u201c" || raw === "\u201d" ? '"' : raw;
    out.push({ norm, start: i, end: i + width, kind: "punct" });
    i += width;
  }
  return out;
}

const pieces = fc.constantFrom(
  "a",
  "Z",
  "so",
  "You",
  "YOU",
  "you've",
  "don\u2019t",
  "it\u02bcs",
  "self-care",
  "-",
  "'",
  "\u2018",
  "\u201c",
  "\u201d",
  " ",
  "\t",
  "\n",
  "?",
  ",",
  ".",
  "caf\u00e9",
  "\u00c9T\u00c9",
  "\u0130stanbul",
  "stra\u00dfe",
  "\u{1F600}",
  "\ud800",
  "42",
  "x".repeat(31),
  "Y".repeat(32),
  "z".repeat(33),
  "MiXeD".repeat(8),
);

describe("tokenize equals the reference tokenizer", () => {
  it("on random mixes of tricky pieces, called again and again", () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        const text = parts.join("");
        const want = referenceTokenize(text);
        expect(tokenize(text)).toEqual(want);
        expect(tokenize(text)).toEqual(want); // the same tokens a second time
      }),
      { numRuns: 2000 },
    );
  });

  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 120 }), (text) => {
        expect(tokenize(text)).toEqual(referenceTokenize(text));
        expect(tokenize(text.toUpperCase())).toEqual(referenceTokenize(text.toUpperCase()));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the lower-cased form whatever case a word was first seen in", () => {
    expect(tokenize("QwErTyZz")[0]?.norm).toBe("qwertyzz");
    expect(tokenize("QWERTYZZ qwertyzz")[1]?.norm).toBe("qwertyzz");
    expect(tokenize("qwertyzz")[0]?.norm).toBe("qwertyzz");
  });
});
