/**
 * Issue #15, item 14: cue weights are finite and bounded when a codebook or cue set is built (an
 * error naming the field), and the rules' scoring never turns a winner into confidence 0 or an
 * Infinity that `summarizeSession` and `rapportProfile` then reject.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Codebook,
  CodebookError,
  type Cue,
  extendCodebook,
  MAX_CUE_WEIGHT,
  matchCues,
  parseCodebook,
  rapportCodebook,
  rapportProfile,
  rulesClassifier,
  safeParseCodebook,
  summarizeSession,
  type Utterance,
} from "../../src/index.js";

const TEXT = "It makes sense that you'd feel angry.";
const utt: Utterance = {
  id: "u1",
  session: "s",
  index: 0,
  speaker: "T",
  role: "therapist",
  text: TEXT,
};

/** The rapport codebook with `validation`'s cues replaced (not validated: as a caller might pass it). */
function withCues(cues: Cue[]): { codebook: Codebook; at: number } {
  const codebook = structuredClone(rapportCodebook) as Codebook;
  const at = codebook.codes.findIndex((c) => c.id === "validation");
  (codebook.codes[at] as { cues?: Cue[] }).cues = cues;
  return { codebook, at };
}

function codebookError(fn: () => unknown): CodebookError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CodebookError);
    return e as CodebookError;
  }
  throw new Error("expected a CodebookError");
}

const HUGE: Cue[] = [
  { kind: "phrase", phrases: ["makes sense"], weight: 1e308 },
  { kind: "phrase", phrases: ["angry"], weight: 1e308 },
];

describe("cue weights are validated when a codebook or cue set is built", () => {
  it("parseCodebook: a weight beyond the bound is a bad_cue naming codes[i].cues[j].weight", () => {
    const { codebook, at } = withCues(HUGE);
    const r = safeParseCodebook(JSON.parse(JSON.stringify(codebook)));
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.issues[0]?.path).toEqual(["codes", at, "cues", 0, "weight"]);
    expect(r.error.issues[0]?.code).toBe("bad_cue");
    expect(r.error.message).toMatch(
      new RegExp(String(MAX_CUE_WEIGHT).replace(/\B(?=(\d{3})+$)/g, ",?")),
    );
  });

  it("extendCodebook: an added code's huge weight is an error naming the field", () => {
    const e = codebookError(() =>
      extendCodebook(rapportCodebook, {
        add: [
          {
            id: "humour",
            label: "Gentle humour",
            definition: "A light joke.",
            role: "therapist",
            valence: "builds",
            examples: ["a", "b", "c"],
            counterExamples: ["x", "y"],
            cues: HUGE,
          },
        ],
      }),
    );
    expect(e.issues[0]?.path).toEqual(["codes", rapportCodebook.codes.length, "cues", 0, "weight"]);
  });

  it("rulesClassifier on an unvalidated codebook rejects a huge or non-finite weight, naming it", () => {
    for (const w of [1e308, Number.POSITIVE_INFINITY, Number.NaN, -1e300, MAX_CUE_WEIGHT * 2]) {
      const { codebook, at } = withCues([{ kind: "phrase", phrases: ["angry"], weight: w }]);
      const e = codebookError(() => rulesClassifier(codebook));
      expect(e.issues[0]?.path, String(w)).toEqual(["codes", at, "cues", 0, "weight"]);
    }
  });

  it("matchCues rejects it too, naming cues[i].weight", () => {
    const e = codebookError(() => matchCues(HUGE, TEXT));
    expect(e.issues[0]?.path).toEqual(["cues", 0, "weight"]);
  });

  it("weights at the bound are accepted", () => {
    const { codebook } = withCues([
      { kind: "phrase", phrases: ["makes sense"], weight: MAX_CUE_WEIGHT },
      { kind: "phrase", phrases: ["angry"], weight: -MAX_CUE_WEIGHT },
    ]);
    expect(() => parseCodebook(JSON.parse(JSON.stringify(codebook)))).not.toThrow();
    expect(() => rulesClassifier(codebook)).not.toThrow();
  });
});

describe("scoring stays usable whatever the (valid) weights", () => {
  it("many cues at the bound all firing: a confident winner, and the session scores work", () => {
    const cues: Cue[] = Array.from({ length: 200 }, () => ({
      kind: "phrase" as const,
      phrases: ["angry"],
      weight: MAX_CUE_WEIGHT,
    }));
    const rules = rulesClassifier(withCues(cues).codebook);
    const [p] = rules.classify([utt]);
    expect(p?.codeId).toBe("validation");
    expect(p?.confidence).toBeGreaterThan(0.5);
    for (const f of p?.evidence?.features ?? []) expect(Number.isFinite(f.weight)).toBe(true);
    const coded = {
      transcript: { id: "s", utterances: [utt] },
      codings: [p as NonNullable<typeof p>],
      codebook: { id: "rapport", version: "1.0.0" },
    };
    expect(() => summarizeSession(coded)).not.toThrow();
    expect(() => rapportProfile(coded)).not.toThrow();
  });

  it("property: a winner's confidence is in [0.01, 0.99] and every feature weight is finite", () => {
    const weight = fc.oneof(
      fc.double({ min: -MAX_CUE_WEIGHT, max: MAX_CUE_WEIGHT, noNaN: true }),
      fc.constantFrom(MAX_CUE_WEIGHT, -MAX_CUE_WEIGHT, 0, Number.MIN_VALUE, 1e-300),
    );
    fc.assert(
      fc.property(fc.array(weight, { minLength: 1, maxLength: 6 }), (ws) => {
        const cues: Cue[] = ws.map((w, i) => ({
          kind: "phrase",
          phrases: [i % 2 === 0 ? "angry" : "makes sense"],
          weight: w,
        }));
        const [p] = rulesClassifier(withCues(cues).codebook).classify([utt]);
        expect(p?.confidence).toBeGreaterThanOrEqual(0.01);
        expect(p?.confidence).toBeLessThanOrEqual(0.99);
        for (const f of p?.evidence?.features ?? []) expect(Number.isFinite(f.weight)).toBe(true);
      }),
      { seed: 20_261_126, numRuns: 100 },
    );
  });
});
