/**
 * The long-form set (data/longform/heldout.jsonl): long helper answers coded sentence by
 * sentence (coding manual §1). It is a test of the shipped model only if the model never saw it,
 * and its gold codes line up with rapportkit's sentence units only if the segmenter still cuts the
 * answers where the coders saw them cut.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fingerprintOf, readFingerprint } from "../../src/classify/linear/fingerprint.js";
import { sentenceSpans } from "../../src/text/segment.js";

interface Thread {
  conv: string;
  seeker: string;
  helper: string;
  sentences: {
    id: string;
    text: string;
    code: string;
    coder1: { code: string };
    coder2: { code: string };
  }[];
}
const FILE = new URL("../../data/longform/heldout.jsonl", import.meta.url);
const threads: Thread[] = existsSync(FILE)
  ? readFileSync(FILE, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l))
  : [];

describe.runIf(threads.length > 0)("the long-form set", () => {
  it("has its sentences where sentenceSpans cuts the answers today", () => {
    for (const t of threads)
      expect(
        t.sentences.map((s) => s.text),
        t.conv,
      ).toEqual(sentenceSpans(t.helper).map((s) => s.text));
  });

  it("is coded twice, blind, on every sentence, with ids in order", () => {
    for (const t of threads)
      t.sentences.forEach((s, k) => {
        expect(s.id).toBe(`${t.conv}#${k + 1}`);
        expect(s.coder1.code).toBeTruthy();
        expect(s.coder2.code).toBeTruthy();
      });
  });

  it("shares no conversation with the training corpus and is not in the model's fingerprint", () => {
    const train = readFileSync(new URL("../../data/written/written.jsonl", import.meta.url), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { conv: string });
    const convs = new Set(train.map((x) => x.conv));
    expect(threads.filter((t) => convs.has(t.conv))).toEqual([]);
    // Nor with the long answers trained on (data/longform/train.jsonl), sentence by sentence.
    const trainFile = new URL("../../data/longform/train.jsonl", import.meta.url);
    if (existsSync(trainFile)) {
      const lf = readFileSync(trainFile, "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Thread);
      expect(lf.length).toBeGreaterThan(0);
      const lfConvs = new Set(lf.map((t) => t.conv));
      expect(threads.filter((t) => lfConvs.has(t.conv))).toEqual([]);
      const lfTexts = new Set(lf.flatMap((t) => t.sentences.map((s) => s.text.toLowerCase())));
      expect(
        threads
          .flatMap((t) => t.sentences)
          .filter((s) => lfTexts.has(s.text.toLowerCase()) && s.text.split(/\s+/).length > 8)
          .map((s) => s.id),
      ).toEqual([]);
    }
    const model = JSON.parse(
      readFileSync(new URL("../../src/model/rapport-en.json", import.meta.url), "utf8"),
    ) as { training: unknown };
    const hashes = readFingerprint(model.training)?.hashes ?? new Set<number>();
    expect(hashes.size).toBeGreaterThan(1000);
    const seen = (text: string) => {
      const h = fingerprintOf(text);
      return h !== undefined && hashes.has(h);
    };
    expect(threads.filter((t) => seen(t.helper) || seen(t.seeker)).map((t) => t.conv)).toEqual([]);
    const sentences = threads.flatMap((t) => t.sentences);
    // Short stock sentences ("Hope this helps!") may recur anywhere; longer ones would be copies.
    expect(
      sentences.filter((s) => seen(s.text) && s.text.split(/\s+/).length > 8).map((s) => s.id),
    ).toEqual([]);
  });
});
