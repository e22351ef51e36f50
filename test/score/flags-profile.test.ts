import { describe, expect, it } from "vitest";
import { ScoreInputError } from "../../src/core/errors.js";
import { flagSession, logistic100, rapportProfile } from "../../src/score/index.js";
import { build, type Row, therapistCodes } from "./_build.js";

const LONG = Array.from({ length: 45 }, (_, i) => (i % 2 ? "and" : "then")).join(" ");

describe("flagSession: self-disclosure", () => {
  const rows: Row[] = [
    ["client", "neutral", "How do you cope with stress yourself?"],
    ["therapist", "self_disclosure", "I go running most mornings."], // prompted, brief
    ["client", "neutral", "I hate running."],
    ["therapist", "reflection.simple", "Running is not for you."],
    ["client", "neutral", "No."],
    ["therapist", "self_disclosure", "When I was your age I struggled too."], // unprompted
    ["client", "neutral", "Really? What did you do?"], // pivots to the therapist
    ["therapist", "oversharing", LONG], // prompted by s1:6, but 45 words
    ["client", "neutral", "Okay."],
  ];
  const f = flagSession(build(rows));
  const kind = (k: string) => f.flags.find((x) => x.kind === k);

  it("frequent: 3 disclosures in 4 therapist utterances = 75 per 100 > 5", () => {
    expect(kind("self_disclosure.frequent")?.utteranceIds).toEqual(["s1:1", "s1:5", "s1:7"]);
    expect(kind("self_disclosure.frequent")?.message).toMatch(/75\.0 per 100/);
  });
  it("long (> 40 words), unprompted, pivot and oversharing, with the utterances", () => {
    expect(kind("self_disclosure.long")?.utteranceIds).toEqual(["s1:7"]);
    expect(kind("self_disclosure.unprompted")?.utteranceIds).toEqual(["s1:5"]);
    expect(kind("self_disclosure.pivot")?.utteranceIds).toEqual(["s1:5", "s1:6"]);
    expect(kind("oversharing")?.utteranceIds).toEqual(["s1:7"]);
  });
  it("thresholds are configurable", () => {
    const g = flagSession(build(rows), {
      selfDisclosure: { maxPer100: 80, maxWords: 50, promptWindow: 6 },
    });
    expect(g.flags.map((x) => x.kind)).toEqual(["self_disclosure.pivot", "oversharing"]);
  });
  it("messages never contain utterance text", () => {
    for (const fl of f.flags) expect(fl.message).not.toMatch(/running|struggled|then and/i);
  });
});

describe("flagSession: unsolicited advice and judgement runs", () => {
  it("advice with no permission in the preceding turns is flagged; after 'May I…?' it is not", () => {
    const rows: Row[] = [
      ["therapist", "advice", "Try cutting down on weekdays."],
      ["client", "neutral", "Hm."],
      ["therapist", "question.closed", "May I make a suggestion?"],
      ["client", "neutral", "Yes."],
      ["therapist", "advice", "A drink diary can help."],
      ["therapist", "advice.unsolicited", "And stop buying it."],
    ];
    const f = flagSession(build(rows));
    expect(f.flags).toEqual([
      expect.objectContaining({ kind: "advice.unsolicited", utteranceIds: ["s1:0", "s1:5"] }),
    ]);
  });
  it("≥ 2 judgement/invalidation codes within 5 therapist utterances form a run", () => {
    const f = flagSession(
      therapistCodes([
        "judgement",
        "reflection.simple",
        "invalidation",
        "reflection.simple",
        "reflection.simple",
        "reflection.simple",
        "reflection.simple",
        "judgement", // 5 therapist utterances after the last hit: not in the run
      ]),
    );
    expect(f.flags).toEqual([
      expect.objectContaining({ kind: "judgement.run", utteranceIds: ["s1:0", "s1:4"] }),
    ]);
    const wide = flagSession(
      therapistCodes(["judgement", ...Array(5).fill("other"), "judgement"]),
      {
        judgementRun: { count: 2, window: 7 },
      },
    );
    expect(wide.flags[0]?.utteranceIds).toEqual(["s1:0", "s1:12"]);
  });
  it("says which flags the codebook cannot express (AnnoMI has no self-disclosure code)", () => {
    const f = flagSession(therapistCodes(["reflection.simple"], "annomi"));
    expect(f.notEvaluated.map((n) => n.kind)).toEqual([
      "self_disclosure",
      "oversharing",
      "judgement.run",
    ]);
    expect(flagSession(therapistCodes(["reflection"])).notEvaluated).toEqual([]);
  });
});

describe("rapportProfile (logistic of the net weighted rate; hand-checked)", () => {
  // 10 therapist utterances; 4 client (2 change talk).
  const rows: Row[] = [
    ...[
      "reflection.simple",
      "reflection.simple",
      "reflection.complex",
      "affirmation",
      "judgement",
      "question.open",
      "question.open",
      "summary",
      "permission",
      "advice.unsolicited",
    ].map((c) => ["therapist", c, "Something."] as Row),
    ["client", "change_talk", "I want to."],
    ["client", "change_talk", "I will."],
    ["client", "sustain_talk", "I can't."],
    ["client", "neutral", "Maybe."],
  ];
  const p = rapportProfile(build(rows));
  it("bond: 20×1 + 10×1.5 + 10×2 − 10×3 = 25 → 100/(1+e^(−25/20)) = 77.73", () => {
    expect(p.bond.net).toBeCloseTo(25, 12);
    expect(p.bond.value).toBeCloseTo(77.72998611746911, 10);
    expect(p.bond.contributions.map((c) => [c.codeId, c.count, c.contribution])).toEqual([
      ["judgement", 1, -30],
      ["affirmation", 1, 20],
      ["reflection", 2, 20],
      ["reflection.complex", 1, 15],
    ]);
  });
  it("task: 10×2 − 10×3 = −10 → 37.75", () => {
    expect(p.task.net).toBeCloseTo(-10, 12);
    expect(p.task.value).toBeCloseTo(37.754066879814545, 10);
  });
  it("goal: summary 10×2 + open questions 20×1 + change talk 50 (per 100 client) = 90 → 98.90", () => {
    expect(p.goal.net).toBeCloseTo(90, 12);
    expect(p.goal.value).toBeCloseTo(98.90130573694069, 10);
  });
  it("overall = mean of the three = 71.46", () => {
    expect(p.overall.value).toBeCloseTo(71.46178624474145, 10);
  });
  it("scale and weights are configurable", () => {
    expect(rapportProfile(build(rows), { scale: 10 }).bond.value).toBeCloseTo(
      92.41418199787564,
      10,
    );
    const w = rapportProfile(build(rows), { weights: { bond: { judgement: -1 } } });
    expect(w.bond.net).toBeCloseTo(-10, 12);
    const o = rapportProfile(build(rows), { overallWeights: { goal: 0, task: 0, bond: 1 } });
    expect(o.overall.value).toBeCloseTo(p.bond.value as number, 12);
    expect(() => rapportProfile(build(rows), { scale: 0 })).toThrow(ScoreInputError);
  });
  it("no codes → 50; no therapist utterances → undefined with a reason", () => {
    expect(rapportProfile(therapistCodes(["other"])).bond.value).toBe(50);
    const e = rapportProfile(build([["client", "change_talk", "I want to."]]));
    expect(e.overall).toEqual({ value: null, reason: "no therapist utterances" });
  });
  it("logistic100 stays in [0, 100] for extreme inputs", () => {
    expect(logistic100(1e6, 20)).toBe(100);
    expect(logistic100(-1e6, 20)).toBe(0);
  });
  it("maps AnnoMI codes (negotiation → permission: task)", () => {
    const a = rapportProfile(therapistCodes(["therapist_input.negotiation"], "annomi"));
    expect(a.task.contributions[0]).toMatchObject({ codeId: "permission", per100: 100 });
  });
});
