import { describe, expect, it } from "vitest";
import { annomiCodebook, rapportCodebook, type Utterance } from "../../src/index.js";
import {
  annomiClassifier,
  annomiModel,
  defaultClassifier,
  rapportClassifier,
  rapportModel,
} from "../../src/model/index.js";
import sample from "./fixtures/annomi-sample.json" with { type: "json" };

const rows = sample.rows as {
  id: string;
  session: string;
  index: number;
  role: "therapist" | "client";
  text: string;
  label: string;
}[];
const utterances: Utterance[] = rows.map((r) => ({
  id: r.id,
  session: r.session,
  index: r.index,
  speaker: r.role,
  role: r.role,
  text: r.text,
}));

describe("the pretrained AnnoMI model", () => {
  it("loads, fits the annomi codebook and is small", () => {
    expect(annomiModel.format).toBe("rapportkit/linear@1");
    expect(annomiModel.codebook.id).toBe("annomi");
    expect(annomiModel.vocabulary.length).toBeGreaterThan(1000);
    expect(JSON.stringify(annomiModel).length).toBeLessThan(2 * 1024 * 1024);
  });

  it("codes a sample of its (in-sample) training transcripts with accuracy >= 0.6", () => {
    const out = annomiClassifier().classify(utterances);
    expect(out.map((p) => p.utteranceId)).toEqual(utterances.map((u) => u.id));
    let ok = 0;
    for (const [i, p] of out.entries()) if (p.codeId === rows[i]?.label) ok++;
    expect(ok / rows.length).toBeGreaterThanOrEqual(0.6);
    const codes = new Set<string>(annomiCodebook.codes.map((c) => c.id));
    for (const p of out) expect(codes.has(p.codeId)).toBe(true);
  });

  it("codes speakers of role other with annomi's other", () => {
    const [p] = annomiClassifier().classify([
      {
        id: "o",
        session: "s",
        index: 0,
        speaker: "nurse",
        role: "other",
        text: "Sorry to interrupt.",
      },
    ]);
    expect(p?.codeId).toBe("other");
  });

  it("the rapport default gives rapport codes, one per input in order", () => {
    const clf = defaultClassifier({ codebook: "rapport" });
    expect(clf.codebook.id).toBe("rapport");
    const out = clf.classify(utterances);
    expect(out.map((p) => p.utteranceId)).toEqual(utterances.map((u) => u.id));
    const codes = new Set<string>(rapportCodebook.codes.map((c) => c.id));
    for (const p of out) expect(codes.has(p.codeId)).toBe(true);
    expect(defaultClassifier().codebook.id).toBe("rapport");
    expect(defaultClassifier({ codebook: annomiCodebook }).codebook.id).toBe("annomi");
  });

  it("the rapport model needs its cue tagger, and refuses another model's", () => {
    expect(rapportModel.codebook.id).toBe("rapport");
    expect(rapportModel.features.tagger).toBe("rapport-cues@6");
    expect(() => rapportClassifier(annomiModel)).toThrow(/not "annomi"|is for codebook/);
  });
});
