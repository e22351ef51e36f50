import { describe, expect, it } from "vitest";
import type { CodedTranscript } from "../../src/core/schemas.js";
import { rapportProfile } from "../../src/score/index.js";

const u = (i: number, role: "therapist" | "client", text: string) => ({
  id: `u${i}`,
  session: "s",
  index: i,
  speaker: role === "therapist" ? "T" : "C",
  role,
  text,
});

const coded: CodedTranscript = {
  transcript: {
    id: "s",
    utterances: [
      u(0, "client", "My boss keeps piling work on me."),
      u(1, "therapist", "That sounds exhausting. You need to tell him no tomorrow."),
    ],
  },
  codebook: { id: "rapport", version: "1.0.0" },
  codings: [
    {
      utteranceId: "u1",
      codeId: "validation",
      confidence: 0.8,
      source: "coder",
      secondary: { codeId: "advice.unsolicited", confidence: 0.7 },
    },
  ],
};

describe("rapportProfile with second behaviours", () => {
  it("counts only the primary code by default", () => {
    const p = rapportProfile(coded);
    expect(p.task.contributions).toEqual([]);
    expect(p.bond.contributions.map((c) => c.codeId)).toEqual(["validation"]);
  });

  it("with secondary: true counts the second code too, at its weight, per 100 utterances", () => {
    const p = rapportProfile(coded, { secondary: true });
    expect(p.task.contributions).toEqual([
      { codeId: "advice.unsolicited", count: 1, per100: 100, weight: -3, contribution: -300 },
    ]);
    // Task: net −300 on the logistic scale of 20.
    expect(p.task.value).toBeCloseTo(100 / (1 + Math.exp(300 / 20)), 10);
    expect(p.bond.contributions.map((c) => c.codeId)).toEqual(["validation"]);
  });
});
