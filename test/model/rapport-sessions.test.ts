import { describe, expect, it } from "vitest";
import type { Prediction, SyncClassifier } from "../../src/classify/types.js";
import type { Utterance } from "../../src/core/schemas.js";
import { annomiClassifier, rapportClassifier } from "../../src/model/index.js";
import { utt } from "../classify/_helpers.js";

// Two sessions, interleaved: the rapport default codes them session by session internally.
const batch: Utterance[] = [
  utt("a", 0, "What brings you in today?", "therapist"),
  utt("b", 0, "It sounds like you've been really stressed.", "therapist"),
  utt("a", 1, "I want to cut down on drinking, I think.", "client"),
  utt("b", 1, "I don't see why I should change anything.", "client"),
  utt("a", 2, "You want to cut down on drinking.", "therapist"),
  utt("b", 2, "Would it be okay if I shared some information?", "therapist"),
];

describe("rapport default, session by session", () => {
  it("gives each utterance what coding its session alone gives, in input order", () => {
    const clf = rapportClassifier(annomiClassifier({ evidence: 3, probabilities: false }));
    const all = clf.classify(batch);
    expect(all.map((p) => p.utteranceId)).toEqual(batch.map((x) => x.id));
    const bySession = new Map<string, Prediction>();
    for (const s of ["a", "b"]) {
      for (const p of clf.classify(batch.filter((x) => x.session === s)))
        bySession.set(p.utteranceId, p);
    }
    expect(all).toEqual(batch.map((x) => bySession.get(x.id)));
  });

  it("reports an error with the utterance's index in the caller's batch", () => {
    const base = annomiClassifier({ evidence: 3, probabilities: false });
    // A linear stand-in that fails on one utterance, naming its index in the batch it was given.
    const failing: SyncClassifier = {
      ...base,
      classify(utterances, opts) {
        const i = utterances.findIndex((x) => x.text.startsWith("Would it be okay"));
        if (i >= 0) throw new Error(`failed at utterances[${i}]`);
        return base.classify(utterances, opts);
      },
    };
    expect(() => rapportClassifier(failing).classify(batch)).toThrow("failed at utterances[5]");
  });
});
