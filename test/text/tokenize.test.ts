import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenize } from "../../src/index.js";
import { words } from "../../src/text/tokenize.js";

describe("tokenize", () => {
  it("keeps contractions and hyphenated words whole", () => {
    expect(tokenize("So you've tried, right?").map((t) => t.norm)).toEqual([
      "so",
      "you've",
      "tried",
      ",",
      "right",
      "?",
    ]);
    expect(words("Mm-hmm. Right!")).toEqual(["mm-hmm", "right"]);
    expect(words("It\u2019s SELF-care")).toEqual(["it's", "self-care"]);
  });

  it("gives spans that point back into the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        let last = 0;
        for (const t of tokenize(s)) {
          expect(t.start).toBeGreaterThanOrEqual(last);
          expect(t.end).toBeGreaterThan(t.start);
          expect(s.slice(t.start, t.end).trim().length).toBe(t.end - t.start);
          last = t.end;
        }
      }),
    );
  });

  it("treats every Unicode space as a separator", () => {
    const spaces = "\u0085\u00a0\u1680\u2000\u2003\u200a\u2028\u202f\u205f\u3000\ufeff";
    for (const sp of spaces) expect(words(`a${sp}b`)).toEqual(["a", "b"]);
    expect(tokenize(`x${spaces}y`).map((t) => t.norm)).toEqual(["x", "y"]);
  });

  it("never splits a surrogate pair", () => {
    expect(tokenize("ok \u{1F600}!").map((t) => t.norm)).toEqual(["ok", "\u{1F600}", "!"]);
  });
});
