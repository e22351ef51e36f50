/** codeTranscript keeps a prediction's second behaviour on the coding, so the scores can count it. */
import { describe, expect, it } from "vitest";
import { codeTranscript } from "../../src/classify/session.js";
import type { SyncClassifier } from "../../src/classify/types.js";
import { rapportProfile } from "../../src/score/index.js";

const transcript = {
  id: "s",
  utterances: [
    { id: "s:0", session: "s", index: 0, speaker: "T", role: "therapist" as const, text: "a" },
    { id: "s:1", session: "s", index: 1, speaker: "T", role: "therapist" as const, text: "b" },
  ],
};
const withSecond: SyncClassifier = {
  id: "two",
  mode: "sync",
  codebook: { id: "rapport", version: "1" },
  classify: (us) =>
    us.map((u, i) => ({
      utteranceId: u.id,
      codeId: "validation",
      confidence: 0.8,
      source: "two",
      ...(i === 0 ? { secondary: { codeId: "advice.unsolicited", confidence: 0.65 } } : {}),
    })),
};

describe("codeTranscript and second behaviours", () => {
  it("copies prediction.secondary onto the coding, and only where there is one", () => {
    const coded = codeTranscript(withSecond, transcript);
    expect(coded.codings[0]?.secondary).toEqual({ codeId: "advice.unsolicited", confidence: 0.65 });
    expect(coded.codings[1]).not.toHaveProperty("secondary");
    // …so that rapportProfile({ secondary: true }) counts it.
    const task = rapportProfile(coded, { secondary: true }).task.contributions;
    expect(task.map((c) => c.codeId)).toEqual(["advice.unsolicited"]);
  });
});
