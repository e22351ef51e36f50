import { describe, expect, it } from "vitest";
import { PreparedSessions, prepare } from "../../src/score/_session.js";
import {
  endsCutOff,
  mitiSummary,
  rapportProfile,
  sessionScores,
  summarizeSession,
} from "../../src/score/index.js";
import { mitiSummaryWith } from "../../src/score/miti.js";
import { rapportProfileWith } from "../../src/score/profile.js";
import { summarizeSessionWith } from "../../src/score/summary.js";
import { build, type Row } from "./_build.js";

// A hand-coded worked example. Words per utterance in comments; times in seconds.
const ROWS: Row[] = [
  ["therapist", "question.closed", "So you came in today because of the drinking?", 0, 4], // 9 words
  ["client", "neutral", "Yes, my wife is worried-", 4, 8], // 5, cut off
  ["therapist", "reflection.complex", "It sounds like she cares about you.", 7, 10], // 7, overlaps (7 < 8)
  ["therapist", "question.open", "What would you like to change?", 10, 12], // 6, same turn
  ["client", "change_talk", "I want to cut down.", 12, 15], // 5
  ["therapist", "reflection.simple", "You want to cut down.", 15, 17], // 5
  ["client", "neutral", "Yeah...", 17, 18], // 1, trailing ellipsis
  ["therapist", "affirmation", "You have done hard things before.", 18, 20], // 6
];

describe("summarizeSession (hand-checked worked example)", () => {
  const s = summarizeSession(build(ROWS));
  const code = (id: string, role = "therapist") =>
    s.codes.find((c) => c.codeId === id && c.role === role);

  it("counts utterances per role", () => {
    expect(s.utterances).toEqual({
      therapist: 5,
      client: 3,
      other: 0,
      total: 8,
      coded: 8,
      uncoded: 0,
    });
    expect(s.durationSeconds).toEqual({ value: 20 }); // last end 20 − first start 0
  });

  it("rates per 100 utterances of the role and per 10 minutes, rolling parents up", () => {
    expect(code("question")).toMatchObject({ count: 2, rolledUp: true, per100: { value: 40 } });
    expect(code("question.open")).toMatchObject({
      count: 1,
      rolledUp: false,
      per100: { value: 20 },
    });
    expect(code("reflection")?.per10min.value).toBeCloseTo(60, 12); // 2 / 20 s × 600
    expect(code("affirmation")?.per100).toEqual({ value: 20 });
    expect(code("neutral", "client")?.per100.value).toBeCloseTo(200 / 3, 12); // 2 of 3 client utterances
    expect(code("change_talk", "client")?.per100.value).toBeCloseTo(100 / 3, 12);
  });

  it("talk-time share from times: T 4+3+2+2+2 = 13 s, C 4+3+1 = 8 s", () => {
    expect(s.talkShare.basis).toBe("time");
    expect(s.talkShare.therapist.value).toBeCloseTo(13 / 21, 12);
    expect(s.talkShare.client.value).toBeCloseTo(8 / 21, 12);
    expect(s.talkShare.other).toEqual({ value: 0 });
  });

  it("turns and mean turn length: T turns [0] [2,3] [5] [7] = 33 words / 4", () => {
    expect(s.turns).toEqual({ therapist: 4, client: 3, other: 0 });
    expect(s.meanTurnWords.therapist).toEqual({ value: 8.25 });
    expect(s.meanTurnWords.client.value).toBeCloseTo(11 / 3, 12);
    expect(s.meanTurnWords.other.value).toBeNull();
  });

  it("interruptions: overlap + cut-off at s1:2 counted once, cut-off before s1:7", () => {
    expect(s.interruptions).toEqual({
      total: 2,
      byRole: { therapist: 2, client: 0, other: 0 },
      overlaps: 1,
      cutOffs: 2,
      utteranceIds: ["s1:2", "s1:7"],
    });
  });

  it("question and reflection ratios (MITI mapping, per utterance)", () => {
    expect(s.questionShare).toEqual({ value: 0.4 });
    expect(s.reflectionShare).toEqual({ value: 0.4 });
    expect(s.reflectionToQuestion).toEqual({ value: 1 });
  });
});

describe("summarizeSession edge cases", () => {
  it("falls back to word counts and leaves per-10-minute rates undefined without times", () => {
    const s = summarizeSession(build(ROWS.map(([r, c, t]) => [r, c, t] as Row)));
    expect(s.talkShare.basis).toBe("words");
    expect(s.talkShare.therapist).toEqual({ value: 0.75 }); // 33 / 44 words
    expect(s.durationSeconds.value).toBeNull();
    expect(s.codes[0]?.per10min).toMatchObject({ value: null });
    expect(s.interruptions.overlaps).toBe(0);
    expect(s.interruptions.cutOffs).toBe(2);
  });

  it("an empty session has no NaN anywhere", () => {
    const s = summarizeSession(build([]));
    expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
    expect(s.talkShare.therapist.value).toBeNull();
    expect(s.reflectionToQuestion).toMatchObject({ value: null });
  });

  it("no questions: reflections to questions is undefined with a reason", () => {
    const s = summarizeSession(build([["therapist", "reflection.simple", "You feel stuck."]]));
    expect(s.reflectionToQuestion.value).toBeNull();
    expect(s.reflectionToQuestion.reason).toMatch(/no questions/);
  });

  it("uses the highest-confidence coding, or the named source", () => {
    const c = build([["therapist", "question.open", "What brings you here?"]]);
    const coded = {
      ...c,
      codings: [
        { utteranceId: "s1:0", codeId: "question.open", confidence: 0.6, source: "model" },
        { utteranceId: "s1:0", codeId: "reflection.simple", confidence: 0.9, source: "human" },
        { utteranceId: "nope", codeId: "affirmation", confidence: 1, source: "human" },
      ],
    };
    expect(summarizeSession(coded).codes.map((x) => x.codeId)).toEqual([
      "reflection",
      "reflection.simple",
    ]);
    const m = summarizeSession(coded, { source: "model" });
    expect(m.codes.map((x) => x.codeId)).toEqual(["question", "question.open"]);
    expect(m.warnings.join(" ")).toMatch(/1 coding\(s\) name utterance ids not in session/);
  });

  it("recognises cut-off endings", () => {
    expect(endsCutOff("I was going to-")).toBe(true);
    expect(endsCutOff("and then\u2014 ")).toBe(true);
    expect(endsCutOff("well...")).toBe(true);
    expect(endsCutOff("well\u2026")).toBe(true);
    expect(endsCutOff("self-care")).toBe(false);
    expect(endsCutOff("")).toBe(false);
  });
});

describe("input validation", () => {
  it("rejects a malformed coded transcript with the path, and duplicate utterance ids", () => {
    const c = build([["therapist", "question.open", "What brings you here?"]]);
    const bad = {
      ...c,
      transcript: {
        ...c.transcript,
        utterances: [{ ...c.transcript.utterances[0], role: "doctor" }],
      },
    };
    expect(() => summarizeSession(bad as never)).toThrow(/transcript\.utterances\[0\]\.role/);
    const dup = build([
      ["therapist", "question.open", "What brings you here?"],
      ["client", "neutral", "Work."],
    ]);
    const d = {
      ...dup,
      transcript: {
        ...dup.transcript,
        utterances: dup.transcript.utterances.map((u) => ({ ...u, id: "x" })),
      },
    };
    expect(() => summarizeSession(d)).toThrow(/utterance id 'x' is used twice/);
  });
});

describe("PreparedSessions (the score command's five scores share one preparation)", () => {
  const coded = build([
    ["therapist", "question.open", "What brings you here?"],
    ["client", "change_talk", "I want to cut down."],
  ]);
  it("prepares a session once per source with a cache, and afresh without", () => {
    const cache = new PreparedSessions();
    const inside = [
      prepare(coded, {}, cache),
      prepare(coded, {}, cache),
      prepare(coded, { source: "gold" }, cache),
    ];
    expect(inside[1]).toBe(inside[0]);
    expect(inside[2]).not.toBe(inside[0]);
    expect(prepare(coded)).not.toBe(prepare(coded));
    expect(prepare(coded, {}, new PreparedSessions())).not.toBe(inside[0]);
    expect(prepare(coded)).toEqual(inside[0]);
  });
  it("gives every score the same result as without it", () => {
    const plain = [summarizeSession(coded), mitiSummary(coded), rapportProfile(coded)];
    const cache = new PreparedSessions();
    const cached = [
      summarizeSessionWith(coded, {}, cache),
      mitiSummaryWith(coded, {}, cache),
      rapportProfileWith(coded, {}, cache),
    ];
    expect(cached).toEqual(plain);
    const scores = sessionScores(coded);
    expect([scores.summary, scores.miti, scores.profile]).toEqual(plain);
  });
});
