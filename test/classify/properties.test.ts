import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { embeddingClassifier, llmClassifier } from "../../src/classify/adapters/index.js";
import { cascade, ensemble } from "../../src/classify/combinators.js";
import { evaluate } from "../../src/classify/evaluate.js";
import { rulesClassifier } from "../../src/classify/rules/index.js";
import type { Classifier, SyncClassifier } from "../../src/classify/types.js";
import { rapportCodebook } from "../../src/codebook/index.js";
import type { Codebook, Utterance } from "../../src/core/schemas.js";
import { asAsync, codebook, codeIds, fakeSync, hash, utterancesArb } from "./_helpers.js";

const codes = new Set(codeIds);

/** A fake LLM: answers every id it is asked about with a code that depends only on the id. */
async function fakeComplete(prompt: string): Promise<string> {
  const at = prompt.indexOf("Utterances to code");
  const ids = prompt
    .slice(at)
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => (JSON.parse(l) as { id: string }).id);
  // Drop every seventh id on the first try, to exercise retries.
  const answer = ids
    .filter((id) => hash(id + prompt.length) % 7 !== 0)
    .map((id) => ({
      id,
      code: codeIds[hash(id) % codeIds.length],
      confidence: (hash(id) % 100) / 100,
    }));
  return JSON.stringify(answer);
}

async function embed(texts: string[]): Promise<number[][]> {
  return texts.map((t) => Array.from({ length: 8 }, (_, d) => (hash(t, d + 1) % 1000) / 1000));
}

async function classifiers(): Promise<[string, Classifier][]> {
  const a = fakeSync("a", 1);
  const b = fakeSync("b", 2);
  const c = fakeSync("c", 3);
  const emb = await embeddingClassifier({ codebook, embed, train: { maxIterations: 20 } }).train(
    codeIds.flatMap((code, k) =>
      [0, 1, 2].map((j) => ({ text: `${code} example ${j} ${k}`, codeId: code })),
    ),
  );
  const llm = llmClassifier({
    codebook,
    complete: fakeComplete,
    batchSize: 4,
    maxRetries: 5,
    fallbackCode: "other",
  });
  return [
    ["fake", a],
    ["cascade sync", cascade(a, b, { threshold: 0.5 })],
    ["cascade async", cascade(asAsync(a), b, { threshold: 0.5 })],
    ["ensemble vote", ensemble([a, b, c])],
    [
      "ensemble mean-probability",
      ensemble([a, b, c], { strategy: "mean-probability", weights: [1, 2, 0.5] }),
    ],
    ["ensemble async", ensemble([a, asAsync(b), c], { strategy: "mean-probability" })],
    [
      "ensemble geometric-mean",
      ensemble([a, b, c], { strategy: "geometric-mean", weights: [1, 2, 0.5] }),
    ],
    ["llm", llm],
    ["embedding", emb],
    ["cascade(fake, llm)", cascade(a, llm, { threshold: 0.3 })],
    ["ensemble(embedding, fake)", ensemble([emb, a as SyncClassifier])],
  ];
}

/** The same properties with the rules classifier of the rapport codebook, alone and combined. */
async function rapportClassifiers(): Promise<[string, Classifier][]> {
  const cb = rapportCodebook as unknown as Codebook;
  const rules = rulesClassifier(cb);
  const ids = cb.codes.map((c) => c.id);
  const llm = llmClassifier({
    codebook: cb,
    complete: async (prompt) => {
      const at = prompt.indexOf("Utterances to code");
      const asked = prompt
        .slice(at)
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { id: string; speaker: string });
      // A code that fits the speaker (the adapter refuses a client code for a therapist turn).
      return JSON.stringify(
        asked.map(({ id, speaker }) => {
          const fits = cb.codes.filter((c) => c.role === speaker || c.role === "any");
          return { id, code: fits[hash(id) % fits.length]?.id, confidence: 0.9 };
        }),
      );
    },
  });
  const emb = await embeddingClassifier({
    codebook: cb,
    embed,
    train: { maxIterations: 20 },
  }).train(ids.map((code, k) => ({ text: `${code} ${k}`, codeId: code })));
  return [
    ["rules", rules],
    ["cascade(rules, llm)", cascade(rules, llm, { threshold: 0.6 })],
    ["ensemble(rules, embedding)", ensemble([rules, emb], { strategy: "mean-probability" })],
    ["ensemble(rules, rules) vote", ensemble([rules, rules], { weights: [1, 3] })],
  ];
}

describe("classifier contract (property)", async () => {
  const all = await classifiers();
  const rapportCodes = new Set<string>(rapportCodebook.codes.map((c) => c.id));
  for (const [name, clf] of await rapportClassifiers()) {
    it(`rapport ${name}: one output per input, same ids and order, codes of the codebook, deterministic`, async () => {
      await fc.assert(
        fc.asyncProperty(utterancesArb, async (us: Utterance[]) => {
          const out = await clf.classify(us);
          expect(out.map((p) => p.utteranceId)).toEqual(us.map((u) => u.id));
          for (const p of out) expect(rapportCodes.has(p.codeId)).toBe(true);
          expect(await clf.classify(us)).toEqual(out);
        }),
        { numRuns: 40 },
      );
    });
  }
  for (const [name, clf] of all) {
    it(`${name}: one output per input, same ids and order, codes of the codebook, deterministic`, async () => {
      await fc.assert(
        fc.asyncProperty(utterancesArb, async (us: Utterance[]) => {
          const out = await clf.classify(us);
          expect(out.map((p) => p.utteranceId)).toEqual(us.map((u) => u.id));
          for (const p of out) {
            expect(codes.has(p.codeId)).toBe(true);
            expect(p.confidence).toBeGreaterThanOrEqual(0);
            expect(p.confidence).toBeLessThanOrEqual(1);
          }
          expect(await clf.classify(us)).toEqual(out);
        }),
        { numRuns: 40 },
      );
    });
  }

  it("evaluate: the confusion matrix sums to the matched items and its trace gives accuracy", () => {
    const a = fakeSync("a", 1);
    const b = fakeSync("b", 2);
    fc.assert(
      fc.property(utterancesArb, fc.integer({ min: -1, max: 1 }), (us, depth) => {
        const r = evaluate(a.classify(us), b.classify(us), depth < 0 ? {} : { codebook, depth });
        const total = r.confusion.flat().reduce((x, y) => x + y, 0);
        expect(total).toBe(us.length);
        const trace = r.confusion.reduce((s, row, k) => s + (row[k] as number), 0);
        if (us.length) expect(r.accuracy.value).toBeCloseTo(trace / us.length, 12);
        else expect(r.accuracy.value).toBeNull();
        for (const s of [r.macroF1, r.weightedF1, r.accuracy])
          if (s.value !== null) expect(s.value >= 0 && s.value <= 1).toBe(true);
        // Against itself, everything is perfect.
        const self = evaluate(a.classify(us), a.classify(us), { codebook, depth: 0 });
        if (us.length) expect(self.macroF1.value).toBe(1);
      }),
    );
  });
});
