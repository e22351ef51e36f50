import { describe, expect, it } from "vitest";
import {
  embeddingClassifier,
  parseSoftmaxHead,
  softmaxProbabilities,
  trainSoftmaxHead,
} from "../../src/classify/adapters/index.js";
import { ClassifierError, ModelError } from "../../src/core/errors.js";
import { codebook, hash, utt } from "./_helpers.js";

const DIM = 32;
/** A fake deterministic embedding: hashed bag of words, L2-normalised. */
async function embed(texts: string[]): Promise<number[][]> {
  return texts.map((t) => {
    const v = new Array<number>(DIM).fill(0);
    for (const w of t.toLowerCase().split(/\s+/))
      if (w) v[hash(w) % DIM] = (v[hash(w) % DIM] ?? 0) + 1;
    const n = Math.sqrt(v.reduce((a, b) => a + b * b, 0)) || 1;
    return v.map((x) => x / n);
  });
}

const questions = [
  "how do you feel",
  "what do you want",
  "how is it going",
  "what would help",
  "how was the week",
];
const changes = [
  "i want to stop",
  "i will cut down",
  "i can quit",
  "i want to change",
  "i will try less",
];
const examples = [
  ...questions.map((text) => ({ text, codeId: "question.open" })),
  ...changes.map((text) => ({ text, codeId: "change" })),
];

describe("softmax head", () => {
  it("separates linearly separable data and is deterministic (sgd)", () => {
    const x = [
      [0, 0],
      [0, 1],
      [3, 3],
      [3, 4],
    ];
    const y = ["a", "a", "b", "b"];
    const o = { codes: ["a", "b"], codebook: { id: "t", version: "1" }, solver: "sgd" as const };
    const h1 = trainSoftmaxHead(x, y, o);
    const h2 = trainSoftmaxHead(x, y, o);
    expect(h1).toEqual(h2);
    expect(softmaxProbabilities(h1, [0, 0.5])[0]).toBeGreaterThan(0.8);
    expect(softmaxProbabilities(h1, [3, 3.5])[1]).toBeGreaterThan(0.8);
    // A different seed shuffles differently: still fits, and the head survives JSON.
    const h3 = trainSoftmaxHead(x, y, { ...o, seed: 7 });
    expect(parseSoftmaxHead(JSON.parse(JSON.stringify(h3)))).toEqual(h3);
  });

  it("balanced class weights move the boundary towards the common class (rare class recalled, sgd)", () => {
    // 9 points of "a" near 0 and 1 of "b" near 1, overlapping: unweighted, the middle goes to "a";
    // balanced (b's loss weighted 9×), it goes to "b".
    const x = [[0], [0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8], [0.9]];
    const y = ["a", "a", "a", "a", "a", "a", "a", "a", "b", "a"];
    const o = {
      codes: ["a", "b"],
      codebook: { id: "t", version: "1" },
      solver: "sgd" as const,
      epochs: 300,
    };
    const plain = trainSoftmaxHead(x, y, o);
    const balanced = trainSoftmaxHead(x, y, { ...o, classWeights: "balanced" });
    const pb = (h: typeof plain) => softmaxProbabilities(h, [0.8])[1] as number;
    expect(pb(plain)).toBeLessThan(0.5);
    expect(pb(balanced)).toBeGreaterThan(0.5);
    expect(trainSoftmaxHead(x, y, { ...o, classWeights: "none" })).toEqual(plain);
  });

  it("rejects a head whose shapes do not fit", () => {
    const h = trainSoftmaxHead([[1], [2]], ["a", "b"], {
      codes: ["a", "b"],
      codebook: { id: "t", version: "1" },
    });
    expect(() => parseSoftmaxHead({ ...h, bias: [0] })).toThrow(ModelError);
    expect(() => parseSoftmaxHead({ ...h, weights: [[1], [1, 2]] })).toThrow(/weights\[1\]/);
    expect(() => parseSoftmaxHead({ ...h, format: "x" })).toThrow(ModelError);
  });
});

describe("embeddingClassifier", () => {
  it("trains a head on embeddings and classifies held-out utterances", async () => {
    const f = embeddingClassifier({ codebook, embed, batchSize: 3 });
    const c = await f.train(examples);
    expect(c.mode).toBe("async");
    const out = await c.classify([
      utt("s", 0, "how do you feel today"),
      utt("s", 1, "i will stop", "client"),
    ]);
    expect(out.map((p) => p.codeId)).toEqual(["question.open", "change"]);
    for (const p of out) {
      expect(p.confidence).toBeGreaterThan(0.5);
      expect(Object.values(p.probabilities ?? {}).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    }
    // JSON round trip gives the same predictions.
    const again = f.fromHead(JSON.parse(JSON.stringify(c.head)));
    expect(await again.classify([utt("s", 0, "how do you feel today")])).toEqual(out.slice(0, 1));
  });

  it("is deterministic: same examples, same head", async () => {
    const a = await embeddingClassifier({ codebook, embed }).train(examples);
    const b = await embeddingClassifier({ codebook, embed }).train(examples);
    expect(a.head).toEqual(b.head);
  });

  it("names the utterance when embed returns the wrong dimension", async () => {
    const c = await embeddingClassifier({ codebook, embed }).train(examples);
    const bad = embeddingClassifier({
      codebook,
      embed: async (t) => t.map(() => [1, 2, 3]),
    }).fromHead(c.head);
    const e = await bad.classify([utt("s", 3, "hello there")]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClassifierError);
    expect((e as ClassifierError).message).toContain("utterance s:3");
    expect((e as ClassifierError).message).toContain("dimension 3, expected 32");
    expect((e as ClassifierError).message).not.toContain("hello");
  });

  it("reports a failing embed, a short answer and non-finite numbers", async () => {
    const c = await embeddingClassifier({ codebook, embed }).train(examples);
    const throwing = embeddingClassifier({
      codebook,
      embed: async () => {
        throw new TypeError("quota exceeded for 'hello there'");
      },
    }).fromHead(c.head);
    const e1 = (await throwing
      .classify([utt("s", 0, "hello there")])
      .catch((x: unknown) => x)) as ClassifierError;
    expect(e1).toBeInstanceOf(ClassifierError);
    expect(e1.message).toContain("embed() threw (TypeError)");
    expect(e1.message).not.toContain("hello");
    const short = embeddingClassifier({ codebook, embed: async () => [] }).fromHead(c.head);
    await expect(short.classify([utt("s", 0, "x")])).rejects.toThrow(/must return 1 vectors/);
    const nan = embeddingClassifier({
      codebook,
      embed: async (t) => t.map(() => new Array(DIM).fill(Number.NaN)),
    }).fromHead(c.head);
    await expect(nan.classify([utt("s", 0, "x")])).rejects.toThrow(/non-finite/);
  });

  it("rejects training codes outside the codebook and heads of another codebook", async () => {
    const f = embeddingClassifier({ codebook, embed });
    await expect(f.train([{ text: "x", codeId: "nope" }])).rejects.toThrow(/examples\[0\]\.codeId/);
    await expect(f.train([])).rejects.toThrow(ClassifierError);
    const c = await f.train(examples);
    expect(() => f.fromHead({ ...c.head, codebook: { id: "rapport", version: "1.0.0" } })).toThrow(
      /rapport/,
    );
    expect(() => f.fromHead({ ...c.head, codes: ["nope", "change"] })).toThrow(/nope/);
  });
});

describe("embeddingClassifier with context", () => {
  // The same client words are change talk after one question and sustain talk after another: only
  // the previous (therapist) turn tells them apart.
  const why = "why do you want to change";
  const like = "what do you like about drinking";
  const reply = "well a lot of things really";
  const examples = [
    ...Array.from({ length: 6 }, () => ({ text: reply, codeId: "change", previousText: why })),
    ...Array.from({ length: 6 }, () => ({ text: reply, codeId: "sustain", previousText: like })),
  ];
  const session = [
    utt("s", 0, why, "therapist"),
    utt("s", 1, reply, "client"),
    utt("s", 2, like, "therapist"),
    utt("s", 3, reply, "client"),
  ];

  it("reads the previous turns, which the utterance alone cannot", async () => {
    const withCtx = await embeddingClassifier({ codebook, embed, context: true }).train(examples);
    expect(withCtx.head.inputs).toBe("utterance+context");
    expect(withCtx.head.dim).toBe(3 * DIM);
    const out = await withCtx.classify(session);
    expect(out.map((p) => p.utteranceId)).toEqual(["s:0", "s:1", "s:2", "s:3"]);
    expect(out[1]?.codeId).toBe("change");
    expect(out[3]?.codeId).toBe("sustain");
    // The same context given through options.context, the batch holding only the client turn.
    const [only] = await withCtx.classify([session[3] as (typeof session)[number]], {
      context: session.slice(0, 3),
    });
    expect(only?.codeId).toBe("sustain");
    // Without context the two replies are one input: one code for both.
    const plain = await embeddingClassifier({ codebook, embed }).train(examples);
    const p = await plain.classify(session);
    expect(p[1]?.codeId).toBe(p[3]?.codeId);
  });

  it("embeds each distinct text once and names context turns in errors", async () => {
    const calls: string[][] = [];
    const counting = async (texts: string[]) => {
      calls.push(texts);
      return embed(texts);
    };
    const clf = await embeddingClassifier({ codebook, embed: counting, context: true }).train(
      examples,
    );
    expect(calls.flat().sort()).toEqual([like, reply, why].sort());
    calls.length = 0;
    await clf.classify(session.slice(2), { context: session.slice(0, 2) });
    // The two utterances, then the context turns outside the batch, once each: s:1 (the client
    // turn before s:2) and s:0 (the therapist turn before s:2). s:3's context is s:2 and s:1.
    expect(calls.flat()).toEqual([like, reply, reply, why]);
    const failing = embeddingClassifier({
      codebook,
      context: true,
      embed: async (texts) => texts.map((t) => (t === why ? [Number.NaN] : [1])),
    });
    const head = JSON.parse(JSON.stringify(clf.head));
    const err = await failing
      .fromHead({
        ...head,
        dim: 3,
        mean: [0, 0, 0],
        scale: [1, 1, 1],
        weights: head.weights.map(() => [0, 0, 0]),
      })
      .classify(session.slice(1), { context: session.slice(0, 1) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClassifierError);
    expect(String((err as Error).message)).toMatch(/context s:0 of utterance s:1/);
    expect(String((err as Error).message)).not.toContain(why);
    expect((err as ClassifierError).issues[0]?.path).toEqual(["utterances", 0, "context"]);
    // In training, a text shared by several examples is embedded once; an error about a later,
    // distinct text still points at its own example.
    const bad = await embeddingClassifier({
      codebook,
      embed: async (texts) => texts.map((t) => (t === "boom" ? [Number.NaN] : [1])),
    })
      .train([
        { text: "same", codeId: "change" },
        { text: "same", codeId: "sustain" },
        { text: "boom", codeId: "change" },
      ])
      .catch((e: unknown) => e);
    expect((bad as ClassifierError).issues[0]?.path).toEqual(["examples", 2]);
    expect(String((bad as Error).message)).toContain("example 2");
  });

  it("refuses a head trained with context in a classifier without it, and the reverse", async () => {
    const withCtx = await embeddingClassifier({ codebook, embed, context: true }).train(examples);
    const plain = await embeddingClassifier({ codebook, embed }).train(examples);
    expect(() => embeddingClassifier({ codebook, embed }).fromHead(withCtx.head)).toThrow(
      /trained with context/,
    );
    expect(() =>
      embeddingClassifier({ codebook, embed, context: true }).fromHead(plain.head),
    ).toThrow(/trained without context/);
    const again = embeddingClassifier({ codebook, embed, context: true }).fromHead(
      JSON.parse(JSON.stringify(withCtx.head)),
    );
    expect(await again.classify(session)).toEqual(await withCtx.classify(session));
  });
});
