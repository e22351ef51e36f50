/**
 * Issue 14: a model records what it was trained on (`training.fingerprint`), and the shipped
 * models do, so that `eval` can warn about an input the model has seen.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FINGERPRINT_MIN_WORDS,
  fingerprintOf,
  readFingerprint,
  trainingFingerprint,
} from "../../src/classify/linear/fingerprint.js";

describe("training fingerprints", () => {
  it("read back exactly the hashes of the utterances of 6+ words", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 60 }), { maxLength: 40 }), (xs) => {
        const texts = xs.map((x, i) => `${x} word ${i} one two three four five`);
        const fp = readFingerprint({ fingerprint: trainingFingerprint(texts) });
        expect(fp?.minWords).toBe(FINGERPRINT_MIN_WORDS);
        const want = new Set(texts.map((t) => fingerprintOf(t)));
        expect(fp?.hashes).toEqual(want);
      }),
    );
  });
  it("leave out short utterances, and ignore case and punctuation", () => {
    expect(fingerprintOf("Yeah, okay.")).toBeUndefined();
    expect(fingerprintOf("So you want to cut down, then?")).toBe(
      fingerprintOf("so YOU want to cut  down then"),
    );
    const fp = trainingFingerprint(["Mm-hmm.", "So you want to cut down, then?"]);
    expect(fp.count).toBe(1);
  });
  it("a malformed or foreign fingerprint is none", () => {
    expect(readFingerprint(undefined)).toBeUndefined();
    expect(
      readFingerprint({ fingerprint: { method: "other", minWords: 6, hashes: "" } }),
    ).toBeUndefined();
    expect(
      readFingerprint({ fingerprint: { method: "fnv1a32-words@1", minWords: 6, hashes: "!!" } }),
    ).toBeUndefined();
    // A varint left unfinished.
    expect(
      readFingerprint({
        fingerprint: { method: "fnv1a32-words@1", minWords: 6, hashes: btoa("\x80") },
      }),
    ).toBeUndefined();
  });
  it("the shipped models record theirs", () => {
    for (const [file, count] of [
      ["annomi-en.json", 4600],
      ["rapport-en.json", 19086],
    ] as const) {
      const m = JSON.parse(
        readFileSync(new URL(`../../src/model/${file}`, import.meta.url), "utf8"),
      ) as { training: unknown };
      const fp = readFingerprint(m.training);
      expect(fp?.hashes.size, file).toBe(count);
    }
  });
});
