import { describe, expect, it } from "vitest";
import { evaluate, formatEvaluation } from "../../src/classify/evaluate.js";
import { codeTranscript, codeTranscriptAsync } from "../../src/classify/session.js";
import type { CodedTranscript, Coding, Transcript } from "../../src/core/schemas.js";
import { asAsync, codebook, fakeSync, utt } from "./_helpers.js";

const c = (utteranceId: string, codeId: string, source = "gold"): Coding => ({
  utteranceId,
  codeId,
  confidence: 1,
  source,
});

describe("evaluate", () => {
  // Worked example, by hand (same definitions as scikit-learn's classification_report):
  // gold a a a b b c, predicted a a b b c c.
  const gold = ["a", "a", "a", "b", "b", "c"].map((x, i) => c(`u${i}`, x));
  const pred = ["a", "a", "b", "b", "c", "c"].map((x, i) => c(`u${i}`, x, "model"));

  it("computes the confusion matrix and per-code, macro and weighted scores", () => {
    const r = evaluate(pred, gold);
    expect(r.labels).toEqual(["a", "b", "c"]);
    expect(r.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const [a, b, cc] = r.perCode;
    expect(a?.precision.value).toBe(1);
    expect(a?.recall.value).toBeCloseTo(2 / 3, 12);
    expect(a?.f1.value).toBeCloseTo(0.8, 12);
    expect(b?.f1.value).toBeCloseTo(0.5, 12);
    expect(cc?.precision.value).toBeCloseTo(0.5, 12);
    expect(cc?.recall.value).toBe(1);
    expect(cc?.f1.value).toBeCloseTo(2 / 3, 12);
    expect(r.perCode.map((m) => m.support)).toEqual([3, 2, 1]);
    expect(r.accuracy.value).toBeCloseTo(4 / 6, 12);
    expect(r.macroF1.value).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(r.weightedF1.value).toBeCloseTo((3 * 0.8 + 2 * 0.5 + 2 / 3) / 6, 12);
  });

  it("gives null with a reason instead of dividing by zero", () => {
    const r = evaluate([c("u0", "x", "m"), c("u1", "x", "m")], [c("u0", "x"), c("u1", "y")]);
    const y = r.perCode.find((m) => m.code === "y");
    expect(y?.precision).toEqual({ value: null, reason: "the code was never predicted" });
    expect(y?.recall.value).toBe(0);
    expect(y?.f1.value).toBe(0);
    const empty = evaluate([], []);
    expect(empty.accuracy.value).toBeNull();
    expect(empty.macroF1).toMatchObject({ value: null });
    expect(JSON.stringify(empty)).not.toContain("NaN");
  });

  it("rolls codes up the hierarchy with the codebook, or by the dotted id without one", () => {
    const g = [c("u0", "question.open"), c("u1", "question.closed"), c("u2", "reflection.simple")];
    const p = [
      c("u0", "question.closed"),
      c("u1", "question.closed"),
      c("u2", "reflection.complex"),
    ];
    expect(evaluate(p, g).accuracy.value).toBeCloseTo(1 / 3, 12);
    const top = evaluate(p, g, { codebook, depth: 0 });
    expect(top.labels).toEqual(["reflection", "question"]);
    expect(top.accuracy.value).toBe(1);
    expect(evaluate(p, g, { depth: 0 }).accuracy.value).toBe(1);
    expect(evaluate(p, g, { codebook, depth: 1 }).accuracy.value).toBeCloseTo(1 / 3, 12);
  });

  it("lists items on one side only, and uses the first gold coding per utterance", () => {
    const r = evaluate(
      [c("u0", "a", "m"), c("u9", "a", "m")],
      [c("u0", "a"), c("u0", "b", "other coder"), c("u1", "b")],
    );
    expect(r.matched).toBe(1);
    expect(r.goldWithoutPrediction).toEqual(["u1"]);
    expect(r.predictionWithoutGold).toEqual(["u9"]);
    expect(r.duplicateGold).toBe(1);
    const bySource = evaluate([c("u0", "b", "m")], [c("u0", "a"), c("u0", "b", "other coder")], {
      goldSource: "other coder",
    });
    expect(bySource.accuracy.value).toBe(1);
  });

  it("runs a classifier over gold coded transcripts (sync and async)", async () => {
    const t: Transcript = { id: "s", utterances: [utt("s", 0, "how"), utt("s", 1, "so")] };
    const model = fakeSync("m");
    const goldCoded: CodedTranscript = codeTranscript(model, t);
    const r = evaluate(model, goldCoded);
    expect(r.accuracy.value).toBe(1);
    expect(r.matched).toBe(2);
    const ra = await evaluate(asAsync(model), [goldCoded]);
    expect(ra).toEqual(r);
  });

  it("formats a readable table", () => {
    const text = formatEvaluation(evaluate(pred, gold));
    expect(text).toContain("rows: gold");
    expect(text).toMatch(/a\s+1\.000\s+0\.667\s+0\.800\s+3/);
    expect(text).toContain("macro F1     0.656");
  });
});

describe("codeTranscript", () => {
  const t: Transcript = {
    id: "s",
    utterances: [utt("s", 0, "how are you"), utt("s", 1, "fine", "client")],
  };
  it("gives one coding per utterance with the classifier as source", async () => {
    const m = fakeSync("m");
    const coded = codeTranscript(m, t);
    expect(coded.codebook).toEqual({ id: codebook.id, version: codebook.version });
    expect(coded.codings.map((x) => [x.utteranceId, x.source])).toEqual([
      ["s:0", "m"],
      ["s:1", "m"],
    ]);
    // The prediction's probabilities stay with the coding (scores count them with
    // `counting: "expected"`).
    const [p0] = m.classify(t.utterances);
    expect(p0?.probabilities).toBeDefined();
    expect(coded.codings[0]?.probabilities).toEqual(p0?.probabilities);
    expect(await codeTranscriptAsync(asAsync(m), t)).toEqual(coded);
  });
});
