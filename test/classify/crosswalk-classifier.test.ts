import { describe, expect, it } from "vitest";
import { crosswalkClassifier } from "../../src/classify/combinators.js";
import type { Prediction, SyncClassifier } from "../../src/classify/types.js";
import { annomiCodebook } from "../../src/codebook/builtin/annomi.js";
import { rapportCodebook } from "../../src/codebook/builtin/rapport.js";
import { crosswalk } from "../../src/codebook/crosswalk.js";
import { defineCodebook } from "../../src/codebook/define.js";
import { ClassifierError } from "../../src/core/errors.js";
import type { Codebook, Utterance } from "../../src/core/schemas.js";

const utts: Utterance[] = ["u0", "u1", "u2"].map((id, index) => ({
  id,
  index,
  session: "s",
  speaker: "T",
  role: "therapist",
  text: `words ${index}`,
}));

/** A fixed-answer classifier over `cb`: code, confidence and an optional distribution per utterance. */
function fixed(
  cb: Pick<Codebook, "id" | "version">,
  rows: [string, number, Record<string, number>?][],
): SyncClassifier {
  return {
    id: "fixed",
    mode: "sync",
    codebook: { id: cb.id, version: cb.version },
    classify: (xs) =>
      xs.map((u, i): Prediction => {
        const [codeId, confidence, probabilities] = rows[i] ?? ["other", 0.5];
        return {
          utteranceId: u.id,
          codeId,
          confidence,
          source: "fixed",
          ...(probabilities ? { probabilities } : {}),
          ...(i === 0 ? { evidence: { features: [{ name: "w:so", weight: 1 }] } } : {}),
        };
      }),
  };
}

const spread = {
  validation: 0.3,
  "question.open": 0.25,
  "question.closed": 0.25,
  information: 0.2,
};

describe("crosswalkClassifier", () => {
  it("decides by the mass summed in the target codebook, not by the top source code", () => {
    const c = crosswalkClassifier(fixed(rapportCodebook, [["validation", 0.3, spread]]), {
      from: rapportCodebook,
      to: annomiCodebook,
      depth: 0,
    });
    expect(c.mode).toBe("sync");
    expect(c.id).toBe("crosswalk(fixed,annomi)");
    expect(c.codebook).toEqual({ id: annomiCodebook.id, version: annomiCodebook.version });
    const [p] = c.classify(utts.slice(0, 1)) as [Prediction];
    // validation → reflection.complex (0.3); both questions → question (0.5); information → therapist_input.
    expect(p.codeId).toBe("question");
    expect(p.confidence).toBeCloseTo(0.5, 12);
    expect(p.probabilities?.reflection).toBeCloseTo(0.3, 12);
    expect(p.probabilities?.question).toBeCloseTo(0.5, 12);
    expect(p.probabilities?.therapist_input).toBeCloseTo(0.2, 12);
    expect(p.evidence).toEqual({ features: [{ name: "w:so", weight: 1 }] });
    expect(p.source).toBe("crosswalk(fixed,annomi)");
  });

  it("without depth answers with the mapped leaf codes", () => {
    const c = crosswalkClassifier(fixed(rapportCodebook, [["validation", 0.3, spread]]), {
      from: rapportCodebook,
      to: annomiCodebook,
    });
    const [p] = c.classify(utts.slice(0, 1)) as [Prediction];
    expect(p.codeId).toBe("reflection.complex");
    expect(p.confidence).toBeCloseTo(0.3, 12);
    expect(Object.keys(p.probabilities ?? {}).sort()).toEqual([
      "question.closed",
      "question.open",
      "reflection.complex",
      "therapist_input.information",
    ]);
  });

  it("maps a one-hot prediction, or one without a distribution, exactly as crosswalk() maps the coding", () => {
    const therapistCodes = rapportCodebook.codes
      .filter((x) => x.role !== "client")
      .map((x) => x.id);
    const xs = therapistCodes.map(
      (_, index): Utterance => ({
        id: `t${index}`,
        index,
        session: "s",
        speaker: "T",
        role: "therapist",
        text: "x",
      }),
    );
    const expected = crosswalk(
      therapistCodes.map((codeId, i) => ({
        utteranceId: `t${i}`,
        codeId,
        confidence: 1,
        source: "h",
      })),
      rapportCodebook,
      annomiCodebook,
    ).codings.map((x) => x.codeId);
    expect(expected).toHaveLength(therapistCodes.length);
    const oneHot = crosswalkClassifier(
      fixed(
        rapportCodebook,
        therapistCodes.map((code) => [code, 1, { [code]: 1 }]),
      ),
      { from: rapportCodebook, to: annomiCodebook },
    );
    const bare = crosswalkClassifier(
      fixed(
        rapportCodebook,
        therapistCodes.map((code) => [code, 0.7]),
      ),
      { from: rapportCodebook, to: annomiCodebook },
    );
    expect(oneHot.classify(xs).map((p) => p.codeId)).toEqual(expected);
    const bareOut = bare.classify(xs);
    expect(bareOut.map((p) => p.codeId)).toEqual(expected);
    // Without a distribution the classifier's own confidence is kept.
    expect(bareOut.every((p) => p.confidence === 0.7 && p.probabilities === undefined)).toBe(true);
  });

  it("leaves out the mass of codes with no counterpart, and needs a fallback for such a top code", () => {
    const from = defineCodebook({
      id: "mini",
      version: "1",
      label: "Mini",
      codes: [
        {
          id: "ask",
          label: "Ask",
          definition: "A question.",
          role: "therapist",
          valence: "neutral",
          examples: ["What brings you here?", "How was the week?", "When did it start?"],
          counterExamples: ["Okay.", "I see."],
          crosswalk: { annomi: ["question.open"] },
        },
        {
          id: "joke",
          label: "Joke",
          definition: "A joke.",
          role: "therapist",
          valence: "neutral",
          examples: ["Knock knock.", "Why did the chicken cross?", "Walks into a bar."],
          counterExamples: ["Okay.", "I see."],
          crosswalk: { annomi: [] },
        },
      ],
    });
    const inner = fixed(from, [
      ["joke", 0.6, { joke: 0.6, ask: 0.4 }],
      ["joke", 0.9],
    ]);
    const strict = crosswalkClassifier(inner, { from, to: annomiCodebook, depth: 0 });
    // With a distribution the mapped mass decides, even when the top source code is unmapped.
    const [p0] = strict.classify(utts.slice(0, 1)) as [Prediction];
    expect(p0.codeId).toBe("question");
    expect(p0.confidence).toBeCloseTo(0.4, 12);
    expect(p0.probabilities).toEqual({ question: 0.4 });
    // Without one, the unmapped code is an error that names the position, unless a fallback is given.
    let err: unknown;
    try {
      strict.classify(utts.slice(0, 2));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClassifierError);
    expect((err as ClassifierError).issues[0]).toMatchObject({
      code: "crosswalk_target_missing",
      path: [1, "codeId"],
    });
    const lenient = crosswalkClassifier(inner, {
      from,
      to: annomiCodebook,
      depth: 0,
      fallback: "other",
    });
    expect(lenient.classify(utts.slice(0, 2)).map((p) => p.codeId)).toEqual(["question", "other"]);
  });

  it("refuses a classifier of another codebook, a bad depth and an unknown fallback", () => {
    const inner = fixed(rapportCodebook, []);
    expect(() => crosswalkClassifier(inner, { from: annomiCodebook, to: rapportCodebook })).toThrow(
      /uses codebook 'rapport', not 'annomi'/,
    );
    expect(() =>
      crosswalkClassifier(inner, { from: rapportCodebook, to: annomiCodebook, depth: -1 }),
    ).toThrow(ClassifierError);
    expect(() =>
      crosswalkClassifier(inner, { from: rapportCodebook, to: annomiCodebook, fallback: "nope" }),
    ).toThrow(/fallback 'nope' is not a code of 'annomi'/);
  });

  it("is asynchronous when the classifier is", async () => {
    const inner = fixed(rapportCodebook, [["validation", 0.3, spread]]);
    const c = crosswalkClassifier(
      { ...inner, mode: "async", classify: async (xs) => inner.classify(xs) },
      { from: rapportCodebook, to: annomiCodebook, depth: 0 },
    );
    expect(c.mode).toBe("async");
    const [p] = (await c.classify(utts.slice(0, 1))) as [Prediction];
    expect(p.codeId).toBe("question");
  });
});
