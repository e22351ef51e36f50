import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CascadeReport,
  cascade,
  ensemble,
  rollUpClassifier,
} from "../../src/classify/combinators.js";
import { evaluate } from "../../src/classify/evaluate.js";
import type { Prediction, SyncClassifier } from "../../src/classify/types.js";
import { leafCodes } from "../../src/codebook/hierarchy.js";
import { ClassifierError } from "../../src/core/errors.js";
import type { Code, Codebook } from "../../src/core/schemas.js";
import { asAsync, codebook, fakeSync, utt, utterancesArb } from "./_helpers.js";

const us = Array.from({ length: 12 }, (_, i) => utt(i < 6 ? "a" : "b", i % 6, `words number ${i}`));

/** A fixed-answer classifier: code and confidence per utterance id. */
function fixed(
  id: string,
  table: Record<string, [string, number, Record<string, number>?]>,
): SyncClassifier {
  return {
    id,
    mode: "sync",
    codebook: { id: codebook.id, version: codebook.version },
    classify: (xs) =>
      xs.map((u): Prediction => {
        const [codeId, confidence, probabilities] = table[u.id] ?? ["other", 0.5];
        return {
          utteranceId: u.id,
          codeId,
          confidence,
          source: id,
          ...(probabilities ? { probabilities } : {}),
        };
      }),
  };
}

describe("cascade", () => {
  it("sends only low-confidence predictions to the strong classifier and reports how many", () => {
    const fast = fakeSync("fast", 1);
    const seen: string[][] = [];
    const strongBase = fakeSync("strong", 2);
    const strong: SyncClassifier = {
      ...strongBase,
      classify(xs, o) {
        seen.push(xs.map((u) => u.id));
        return strongBase.classify(xs, o);
      },
    };
    const reports: CascadeReport[] = [];
    const c = cascade(fast, strong, { threshold: 0.5, onReport: (r) => reports.push(r) });
    expect(c.mode).toBe("sync");
    const out = c.classify(us);
    const f = fast.classify(us);
    const low = f.filter((p) => p.confidence < 0.5).map((p) => p.utteranceId);
    expect(low.length).toBeGreaterThan(0);
    expect(low.length).toBeLessThan(us.length);
    expect(seen.flat()).toEqual(low);
    expect(reports).toEqual([{ total: 12, escalated: low.length, escalatedIds: low }]);
    out.forEach((p, i) => {
      const fromFast = (f[i] as Prediction).confidence >= 0.5;
      expect(p.source).toBe(fromFast ? "fast" : "strong");
    });
  });

  it("gives the strong classifier the turns before each escalated run as context", () => {
    const contexts: string[][] = [];
    const strong: SyncClassifier = {
      ...fakeSync("strong"),
      classify(xs, o) {
        contexts.push((o?.context ?? []).map((u) => u.id));
        return fakeSync("strong").classify(xs, o);
      },
    };
    const table: Record<string, [string, number]> = Object.fromEntries(
      us.map((u) => [u.id, ["other", u.id === "a:3" ? 0.1 : 0.9]]),
    );
    cascade(fixed("fast", table), strong, { threshold: 0.5 }).classify(us, {
      context: [utt("a", 99, "before")],
    });
    expect(contexts).toEqual([["a:99", "a:0", "a:1", "a:2"]]);
  });

  it("is async when either side is, with the same output", async () => {
    const fast = fakeSync("fast", 1);
    const strong = fakeSync("strong", 2);
    const sync = cascade(fast, strong, { threshold: 0.4 }).classify(us);
    const c = cascade(asAsync(fast, 1), strong, { threshold: 0.4 });
    expect(c.mode).toBe("async");
    expect(await c.classify(us)).toEqual(sync);
    expect(await cascade(fast, asAsync(strong, 1), { threshold: 0.4 }).classify(us)).toEqual(sync);
  });

  it("rejects classifiers of different codebooks and a classifier that breaks its contract", () => {
    const other = { ...fakeSync("x"), codebook: { id: "rapport", version: "1.0.0" } };
    expect(() => cascade(fakeSync("a"), other, { threshold: 0.5 })).toThrow(ClassifierError);
    const broken: SyncClassifier = {
      ...fakeSync("broken"),
      classify: (xs) => fakeSync("b").classify(xs.slice(1)),
    };
    expect(() => cascade(fakeSync("a"), broken, { threshold: 2 }).classify(us)).toThrow(
      /returned 11 predictions for 12 utterances/,
    );
  });
});

describe("ensemble", () => {
  const id = "a:0";
  const one = [utt("a", 0, "x")];

  it("votes by weight, breaking ties by weight × confidence", () => {
    const m1 = fixed("m1", { [id]: ["change", 0.9] });
    const m2 = fixed("m2", { [id]: ["sustain", 0.6] });
    const m3 = fixed("m3", { [id]: ["sustain", 0.5] });
    const e = ensemble([m1, m2, m3], { strategy: "vote" });
    expect(e.classify(one)[0]).toMatchObject({ codeId: "sustain", confidence: (0.6 + 0.5) / 3 });
    const w = ensemble([m1, m2, m3], { weights: [3, 1, 1] });
    expect(w.classify(one)[0]).toMatchObject({ codeId: "change", confidence: (3 * 0.9) / 5 });
    // Tie on weight (1 vs 1): the larger weight × confidence wins.
    expect(ensemble([m2, m1]).classify(one)[0]?.codeId).toBe("change");
  });

  it("averages probability distributions", () => {
    const m1 = fixed("m1", { [id]: ["change", 0.6, { change: 0.6, sustain: 0.4 }] });
    const m2 = fixed("m2", {
      [id]: ["neutral", 0.5, { neutral: 0.5, sustain: 0.45, change: 0.05 }],
    });
    const out = ensemble([m1, m2], { strategy: "mean-probability" }).classify(one)[0];
    expect(out?.codeId).toBe("sustain");
    expect(out?.confidence).toBeCloseTo(0.425, 12);
    const pr = out?.probabilities ?? {};
    expect(Object.keys(pr)).toEqual(["change", "sustain", "neutral"]);
    expect(pr.change).toBeCloseTo(0.325, 12);
    expect(pr.sustain).toBeCloseTo(0.425, 12);
    expect(pr.neutral).toBeCloseTo(0.25, 12);
  });

  it("pools distributions geometrically (logarithmic opinion pool, Genest & Zidek 1986)", () => {
    const m1 = fixed("m1", { [id]: ["change", 0.8, { change: 0.8, sustain: 0.2 }] });
    const m2 = fixed("m2", { [id]: ["sustain", 0.6, { change: 0.4, sustain: 0.6 }] });
    // Equal weights: change ∝ √(0.8 × 0.4), sustain ∝ √(0.2 × 0.6), normalised (by hand:
    // 0.565685 / 0.912096 = 0.620204). The arithmetic mean would give 0.6 / 0.4.
    const eq = ensemble([m1, m2], { strategy: "geometric-mean" }).classify(one)[0];
    expect(eq?.codeId).toBe("change");
    expect(eq?.confidence).toBeCloseTo(0.6202041028867288, 12);
    expect(eq?.probabilities?.sustain).toBeCloseTo(0.3797958971132712, 12);
    // Weights 3 : 1: change ∝ 0.8^0.75 × 0.4^0.25.
    const w = ensemble([m1, m2], { strategy: "geometric-mean", weights: [3, 1] }).classify(one)[0];
    expect(w?.confidence).toBeCloseTo(0.7187671530317197, 12);
    const pr = w?.probabilities ?? {};
    expect((pr.change ?? 0) + (pr.sustain ?? 0)).toBeCloseTo(1, 12);
  });

  it("geometric pooling: a code one member leaves out counts as the floor", () => {
    const m1 = fixed("m1", { [id]: ["change", 0.9, { change: 0.9, neutral: 0.1 }] });
    const m2 = fixed("m2", { [id]: ["sustain", 0.7, { sustain: 0.7, change: 0.3 }] });
    const out = ensemble([m1, m2], { strategy: "geometric-mean", floor: 1e-4 }).classify(one)[0];
    // change ∝ √(0.9 × 0.3); sustain ∝ √(1e-4 × 0.7); neutral ∝ √(0.1 × 1e-4).
    const c = Math.sqrt(0.27);
    const su = Math.sqrt(0.7e-4);
    const n = Math.sqrt(0.1e-4);
    expect(out?.codeId).toBe("change");
    expect(out?.confidence).toBeCloseTo(c / (c + su + n), 12);
    expect(Object.keys(out?.probabilities ?? {})).toEqual(["change", "neutral", "sustain"]);
    expect(() => ensemble([m1, m2], { strategy: "geometric-mean", floor: 0 })).toThrow(
      ClassifierError,
    );
    expect(() => ensemble([m1, m2], { strategy: "median" as unknown as "vote" })).toThrow(
      /geometric-mean/,
    );
  });

  it("is async when any member is, with the same output", async () => {
    const ms = [fakeSync("a", 1), fakeSync("b", 2), fakeSync("c", 3)];
    const sync = ensemble(ms).classify(us);
    const e = ensemble([
      ms[0] as SyncClassifier,
      asAsync(ms[1] as SyncClassifier, 2),
      ms[2] as SyncClassifier,
    ]);
    expect(e.mode).toBe("async");
    expect(await e.classify(us)).toEqual(sync);
  });

  it("rejects bad weights", () => {
    const ms = [fakeSync("a"), fakeSync("b")];
    expect(() => ensemble(ms, { weights: [1] })).toThrow(/expected 2 weights/);
    expect(() => ensemble(ms, { weights: [1, -1] })).toThrow(/weights\[1\]/);
    expect(() => ensemble(ms, { weights: [0, 0] })).toThrow(/> 0/);
    expect(() => ensemble([])).toThrow(ClassifierError);
  });
});

describe("rollUpClassifier", () => {
  const three = us.slice(0, 3);
  const leafy = fixed("leafy", {
    "a:0": [
      "reflection.simple",
      0.4,
      { "reflection.simple": 0.4, "reflection.complex": 0.3, "question.open": 0.2, other: 0.1 },
    ],
    "a:1": ["question.closed", 0.5, { "question.closed": 0.5, "question.open": 0.1, other: 0.4 }],
    "a:2": ["change", 0.9],
  });

  it("rolls codes up to their parents, summing probabilities; ids, order and evidence kept", () => {
    const withEvidence: SyncClassifier = {
      ...leafy,
      classify: (xs) =>
        leafy
          .classify(xs)
          .map((p) => ({ ...p, evidence: { features: [{ name: "w:so", weight: 1 }] } })),
    };
    const r = rollUpClassifier(withEvidence, { codebook });
    expect(r.mode).toBe("sync");
    expect(r.id).toBe("rollUp(leafy,0)");
    expect(r.codebook).toEqual(leafy.codebook);
    const out = r.classify(three);
    expect(out.map((p) => p.utteranceId)).toEqual(["a:0", "a:1", "a:2"]);
    expect(out.map((p) => p.codeId)).toEqual(["reflection", "question", "change"]);
    const [p0, p1, p2] = out as [Prediction, Prediction, Prediction];
    expect(p0.probabilities?.reflection).toBeCloseTo(0.7, 12);
    expect(p0.probabilities?.question).toBeCloseTo(0.2, 12);
    expect(p0.probabilities?.other).toBeCloseTo(0.1, 12);
    expect(Object.keys(p0.probabilities ?? {})).toEqual(["reflection", "question", "other"]);
    // Confidence: the new code's summed probability; without a distribution, the classifier's own.
    expect(p0.confidence).toBeCloseTo(0.7, 12);
    expect(p1.confidence).toBeCloseTo(0.6, 12);
    expect(p2.confidence).toBe(0.9);
    expect(p2.probabilities).toBeUndefined();
    expect(p0.evidence).toEqual({ features: [{ name: "w:so", weight: 1 }] });
    expect(out.every((p) => p.source === "rollUp(leafy,0)")).toBe(true);
  });

  it("keeps the classifier's decision: scored as given, it equals the classifier scored at depth 0", () => {
    fc.assert(
      fc.property(utterancesArb, (xs) => {
        const inner = fakeSync("fake", 3);
        const gold = xs.map((u, i) => ({
          utteranceId: u.id,
          codeId: (codebook.codes[(i * 7) % codebook.codes.length] as Code).id,
          confidence: 1,
          source: "gold",
        }));
        const rolled = evaluate(rollUpClassifier(inner, { codebook }).classify(xs), gold, {
          codebook,
          depth: 0,
        });
        const direct = evaluate(inner.classify(xs), gold, { codebook, depth: 0 });
        expect(rolled.confusion).toEqual(direct.confusion);
        expect(rolled.labels).toEqual(direct.labels);
      }),
      { numRuns: 50 },
    );
  });

  it("sums any distribution over leaves into its parents (a property)", () => {
    const leaves = leafCodes(codebook).map((c) => c.id);
    const arb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
      minLength: leaves.length,
      maxLength: leaves.length,
    });
    fc.assert(
      fc.property(arb, fc.nat(leaves.length - 1), (ws, pick) => {
        const total = ws.reduce((a, b) => a + b, 0) || 1;
        const probabilities = Object.fromEntries(
          leaves.map((c, k) => [c, (ws[k] as number) / total]),
        );
        const inner = fixed("p", { "a:0": [leaves[pick] as string, 0.5, probabilities] });
        const [p] = rollUpClassifier(inner, { codebook }).classify(three.slice(0, 1)) as [
          Prediction,
        ];
        const parentOf = (c: string) => codebook.codes.find((x) => x.id === c)?.parent ?? c;
        for (const parent of new Set(leaves.map(parentOf))) {
          const expected = leaves
            .filter((c) => parentOf(c) === parent)
            .reduce((a, c) => a + (probabilities[c] as number), 0);
          expect(p.probabilities?.[parent]).toBeCloseTo(expected, 12);
        }
        expect(p.codeId).toBe(parentOf(leaves[pick] as string));
        expect(p.confidence).toBeGreaterThanOrEqual(0);
        expect(p.confidence).toBeLessThanOrEqual(1);
        expect(p.confidence).toBeCloseTo(p.probabilities?.[p.codeId] as number, 12);
      }),
      { numRuns: 100 },
    );
  });

  it("follows the codebook's parent relation at any depth, not the dots in ids", () => {
    // A three-level codebook whose ids carry no dots: c → b → a.
    const base = codebook.codes[0] as Code;
    const deep = {
      id: codebook.id,
      codes: [
        { ...base, id: "a", parent: undefined },
        { ...base, id: "b", parent: "a" },
        { ...base, id: "c", parent: "b" },
        { ...base, id: "x.y", parent: undefined },
      ],
    } as Pick<Codebook, "id" | "codes">;
    const inner = fixed("deep", {
      "a:0": ["c", 0.6, { c: 0.6, b: 0.1, "x.y": 0.3 }],
      "a:1": ["x.y", 0.8],
    });
    const at0 = rollUpClassifier(inner, { codebook: deep }).classify(three.slice(0, 2));
    expect(at0.map((p) => p.codeId)).toEqual(["a", "x.y"]);
    expect(at0[0]?.probabilities).toEqual({ a: 0.7, "x.y": 0.3 });
    const at1 = rollUpClassifier(inner, { codebook: deep, depth: 1, id: "d1" }).classify(
      three.slice(0, 2),
    );
    expect(at1.map((p) => p.codeId)).toEqual(["b", "x.y"]);
    expect(at1[0]?.probabilities).toEqual({ b: 0.7, "x.y": 0.3 });
    expect(at1[0]?.source).toBe("d1");
    const at5 = rollUpClassifier(inner, { codebook: deep, depth: 5 }).classify(three.slice(0, 1));
    expect(at5[0]?.codeId).toBe("c");
  });

  it("is async for an async classifier, with the same output", async () => {
    const sync = rollUpClassifier(fakeSync("f", 5), { codebook });
    const async_ = rollUpClassifier(asAsync(fakeSync("f", 5), 1), { codebook });
    expect(async_.mode).toBe("async");
    expect(await async_.classify(us)).toEqual(sync.classify(us));
    // And it pools with a head over parent codes in a geometric ensemble.
    const head = asAsync(
      fixed("head", { "a:0": ["reflection", 0.8, { reflection: 0.8, question: 0.2 }] }),
    );
    const pooled = ensemble([rollUpClassifier(leafy, { codebook }), head], {
      strategy: "geometric-mean",
    });
    const [p] = await pooled.classify(three.slice(0, 1));
    expect(p?.codeId).toBe("reflection");
  });

  it("rejects another codebook, a bad depth, unknown codes and a broken contract", () => {
    const other = { ...codebook, id: "other" };
    expect(() => rollUpClassifier(leafy, { codebook: other })).toThrow(/codebook 'annomi'/);
    expect(() => rollUpClassifier(leafy, { codebook, depth: -1 })).toThrow(/depth/);
    expect(() => rollUpClassifier(leafy, { codebook, depth: 0.5 })).toThrow(ClassifierError);
    const unknown = fixed("u", { "a:1": ["nope", 0.5] });
    expect(() => rollUpClassifier(unknown, { codebook }).classify(three)).toThrow(
      /\[1\]\.codeId.*'nope'/,
    );
    const unknownInDist = fixed("u", { "a:0": ["other", 0.5, { other: 0.5, nope: 0.5 }] });
    expect(() => rollUpClassifier(unknownInDist, { codebook }).classify(three)).toThrow(
      /probabilities/,
    );
    const short: SyncClassifier = { ...leafy, classify: (xs) => leafy.classify(xs).slice(1) };
    expect(() => rollUpClassifier(short, { codebook }).classify(three)).toThrow(ClassifierError);
  });
});
