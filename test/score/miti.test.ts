import { describe, expect, it } from "vitest";
import { ScoreInputError } from "../../src/core/errors.js";
import { prepare } from "../../src/score/_session.js";
import { miscSummary, mitiSummary, volleys } from "../../src/score/index.js";
import { build, type Row, therapistCodes } from "./_build.js";

const rep = (code: string, n: number) => Array.from({ length: n }, () => code);

describe("mitiSummary: MITI 4.2.1 summary scores (manual §H–I; domain.md §1.4)", () => {
  // 4 SR, 2 CR, 3 Q, AF, Emphasize, Seek (permission), Confront (judgement), Persuade, PwP, GI.
  const coded = therapistCodes([
    ...rep("reflection.simple", 4),
    ...rep("reflection.complex", 2),
    "question.open",
    "question.open",
    "question.closed",
    "affirmation",
    "autonomy",
    "permission",
    "judgement",
    "advice.unsolicited",
    "advice.permitted",
    "information",
  ]);
  const m = mitiSummary(coded);

  it("maps rapport codes to MITI counts", () => {
    expect(m.counts).toEqual({
      GI: 1,
      Persuade: 1,
      PersuadeWithPermission: 1,
      Q: 3,
      SR: 4,
      CR: 2,
      AF: 1,
      Seek: 1,
      Emphasize: 1,
      Confront: 1,
    });
  });

  it("R:Q = (SR + CR) / Q = 6 / 3 = 2 → good (threshold 2:1)", () => {
    expect(m.rq).toEqual({ value: 2 });
    expect(m.competency.rq).toEqual({ level: "good" });
  });

  it("%CR = CR / (SR + CR) = 2 / 6 = 33.3 % → below fair (40 %)", () => {
    expect(m.pctCR.value).toBeCloseTo(100 / 3, 12);
    expect(m.competency.pctCR).toEqual({ level: "below_fair" });
  });

  it("MIA = Seek + AF + Emphasize = 3; MINA = Confront + Persuade = 2 (PwP in neither)", () => {
    expect(m.mia).toBe(3);
    expect(m.mina).toBe(2);
  });

  it("globals undefined without ratings", () => {
    expect(m.technical.value).toBeNull();
    expect(m.competency.relational).toEqual({ level: null, reason: "no global ratings supplied" });
  });

  it("Technical = (CCT + SST) / 2, Relational = (Partnership + Empathy) / 2; thresholds reached at equality", () => {
    const g = mitiSummary(coded, { globals: { CCT: 3, SST: 4, Partnership: 4, Empathy: 3 } });
    expect(g.technical).toEqual({ value: 3.5 });
    expect(g.relational).toEqual({ value: 3.5 });
    expect(g.competency.technical).toEqual({ level: "fair" }); // 3 ≤ 3.5 < 4
    expect(g.competency.relational).toEqual({ level: "fair" }); // exactly 3.5 = fair
    const h = mitiSummary(coded, { globals: { CCT: 2, SST: 3, Partnership: 4, Empathy: 4 } });
    expect(h.competency.technical).toEqual({ level: "below_fair" }); // 2.5 < 3
    expect(h.competency.relational).toEqual({ level: "good" }); // 4 = good
  });

  it("thresholds are configurable (e.g. a Technical fair cut of 3.5)", () => {
    const g = mitiSummary(coded, {
      globals: { CCT: 3, SST: 3.5, Partnership: 3, Empathy: 3 },
      thresholds: { technical: { fair: 3.5, good: 4 } },
    });
    expect(g.technical).toEqual({ value: 3.25 });
    expect(g.competency.technical).toEqual({ level: "below_fair" });
  });

  it("rejects a global outside 1–5 with its path", () => {
    expect(() =>
      mitiSummary(coded, { globals: { CCT: 6, SST: 3, Partnership: 3, Empathy: 3 } }),
    ).toThrow(ScoreInputError);
    try {
      mitiSummary(coded, { globals: { CCT: 3, SST: 0, Partnership: 3, Empathy: 3 } });
    } catch (e) {
      expect((e as ScoreInputError).issues[0]?.path).toEqual(["globals", "SST"]);
    }
  });

  it("%CR exactly 40 % is fair and 50 % good", () => {
    const at40 = mitiSummary(
      therapistCodes([...rep("reflection.simple", 3), ...rep("reflection.complex", 2)]),
    );
    expect(at40.pctCR).toEqual({ value: 40 });
    expect(at40.competency.pctCR).toEqual({ level: "fair" });
    const at50 = mitiSummary(therapistCodes(["reflection.simple", "reflection.complex"]));
    expect(at50.competency.pctCR).toEqual({ level: "good" });
  });

  it("no questions: R:Q is undefined (not Infinity); no reflections: %CR undefined (not NaN)", () => {
    const r = mitiSummary(therapistCodes(["reflection.simple"]));
    expect(r.rq.value).toBeNull();
    expect(r.rq.reason).toMatch(/Q = 0/);
    expect(r.competency.rq.level).toBeNull();
    const q = mitiSummary(therapistCodes(["question.open"]));
    expect(q.pctCR.value).toBeNull();
    expect(q.rq).toEqual({ value: 0 });
    expect(q.competency.rq).toEqual({ level: "below_fair" });
  });

  it("reads miti-4.2.1 codings directly", () => {
    const r = mitiSummary(therapistCodes(["SR", "CR", "Q", "Seek", "Persuade"], "miti-4.2.1"));
    expect(r.counts.SR + r.counts.CR + r.counts.Q + r.mia + r.mina).toBe(5);
  });

  it("throws for a codebook without a mapping, naming the option to use", () => {
    expect(() => mitiSummary(therapistCodes(["x"], "custom"))).toThrow(/options.mappings/);
    const r = mitiSummary(therapistCodes(["x"], "custom"), {
      mappings: {
        "miti-4.2.1": { from: "custom", to: "miti-4.2.1", entries: { x: { to: "AF" } } },
      },
    });
    expect(r.mia).toBe(1);
  });

  it("reports unknown code ids rather than guessing", () => {
    const r = mitiSummary(therapistCodes(["reflection.simple", "made_up"]));
    expect(r.warnings.join(" ")).toMatch(/code 'made_up' \(1×\) has no entry/);
  });
});

describe("MITI volley rules (manual §1.1: one code per volley; reflection CR if any complex)", () => {
  const rows: Row[] = [
    ["therapist", "reflection.simple", "You are tired."],
    ["client", undefined, "Mm-hmm."], // back-channel: the volley goes on
    ["therapist", "reflection.complex", "And part of you wonders if it is worth it."],
    ["therapist", "question.open", "What would make it worth it?"],
    ["therapist", "question.closed", "Is it the kids?"],
    ["client", undefined, "Mostly the kids, and my health too."],
    ["therapist", "reflection.simple", "Your kids."],
    ["therapist", "reflection.simple", "And your health."],
    ["therapist", "affirmation", "You care a lot."],
    ["therapist", "affirmation", "You have thought hard about this."],
  ];
  it("splits volleys at client speech other than back-channels", () => {
    expect(volleys(prepare(build(rows)).units)).toEqual([
      [0, 2, 3, 4],
      [6, 7, 8, 9],
    ]);
  });
  it("counts each code once per volley", () => {
    const on = mitiSummary(build(rows), { volleyRules: true });
    expect(on.counts).toMatchObject({ SR: 1, CR: 1, Q: 1, AF: 1 });
    expect(on.rq).toEqual({ value: 2 });
    expect(on.pctCR).toEqual({ value: 50 });
    const off = mitiSummary(build(rows));
    expect(off.counts).toMatchObject({ SR: 3, CR: 1, Q: 2, AF: 2 });
    expect(off.pctCR).toEqual({ value: 25 });
  });
});

describe("volley rules: Persuade and Persuade with Permission", () => {
  it("a volley with advice with and without permission counts one Persuade (MINA)", () => {
    const rows: Row[] = [
      ["therapist", "advice.permitted", "One option is a diary."],
      ["therapist", "advice.unsolicited", "And you must stop on weekdays."],
      ["client", undefined, "I will think about the diary."],
      ["therapist", "advice.permitted", "Another option is an app."],
      ["therapist", "advice.permitted", "Or a friend to check in with."],
    ];
    const m = mitiSummary(build(rows), { volleyRules: true });
    expect(m.counts).toMatchObject({ Persuade: 1, PersuadeWithPermission: 1 });
    expect(m.mina).toBe(1);
  });
});

describe("advice context rule (MITI: Persuade vs Persuade with Permission)", () => {
  const rows: Row[] = [
    ["therapist", "question.closed", "Is it okay if I share some ideas?"],
    ["client", "neutral", "Sure."],
    ["therapist", "therapist_input.advice", "Many people find a drink diary helps."],
    ["client", "neutral", "Okay."],
    ["therapist", "therapist_input.information", "Most guidelines say fourteen units."],
    ["client", "neutral", "Right."],
    ["therapist", "reflection.simple", "That surprises you."],
    ["client", "neutral", "A bit."],
    ["therapist", "therapist_input.advice", "You should stop drinking on weekdays."],
  ];
  it("AnnoMI advice after a permission question is PwP; later advice without one is Persuade", () => {
    const m = mitiSummary(build(rows, "annomi"));
    expect(m.counts.PersuadeWithPermission).toBe(1);
    expect(m.counts.Persuade).toBe(1);
    expect(m.mina).toBe(1);
  });
  it("a client's request for advice also counts as permission", () => {
    const r: Row[] = [
      ["client", "neutral", "What should I do about the cravings?"],
      ["therapist", "therapist_input.advice", "Some people try a walk when cravings hit."],
    ];
    expect(mitiSummary(build(r, "annomi")).counts.PersuadeWithPermission).toBe(1);
  });
  it("the window is configurable", () => {
    const m = mitiSummary(build(rows, "annomi"), { permissionWindow: 1 });
    expect(m.counts.Persuade).toBe(2);
  });
});

describe("miscSummary: MISC 2.5 summaries (CACTI formulas, domain.md §2.3)", () => {
  const rows: Row[] = [
    ...["question.open", "question.open", "question.open", "question.closed"].map(
      (c) => ["therapist", c, "What else?"] as Row,
    ),
    ["therapist", "reflection.simple", "You are worried."],
    ["therapist", "reflection.complex", "You worry it is getting out of hand."],
    ["therapist", "advice.permitted", "One idea is to keep a diary."],
    ["therapist", "affirmation", "You came back."],
    ["therapist", "autonomy", "It is your call."],
    ["therapist", "judgement", "That was careless."],
    ["client", "change_talk", "I want to stop."],
    ["client", "change_talk", "I need to stop."],
    ["client", "change_talk", "I can stop."],
    ["client", "sustain_talk", "But I like it."],
  ];
  const m = miscSummary(build(rows));
  it("MICO = ADP + AF + EC = 3; MIIN = CO = 1; %MIC = 75", () => {
    expect(m.mico).toBe(3);
    expect(m.miin).toBe(1);
    expect(m.pctMIConsistent).toEqual({ value: 75 });
  });
  it("%OQ = 3/4, %CR = 1/2, R:Q = 2/4, %CT = 3/4, T:C = 10/4", () => {
    expect(m.pctOpenQuestions).toEqual({ value: 75 });
    expect(m.pctComplexReflections).toEqual({ value: 50 });
    expect(m.rq).toEqual({ value: 0.5 });
    expect(m.pctChangeTalk).toEqual({ value: 75 });
    expect(m.therapistClientRatio).toEqual({ value: 2.5 });
  });
  it("MITI codes have no open/closed split: %OQ undefined with the reason", () => {
    const r = miscSummary(therapistCodes(["Q", "Q", "SR"], "miti-4.2.1"));
    expect(r.pctOpenQuestions.value).toBeNull();
    expect(r.pctOpenQuestions.reason).toMatch(/no open\/closed subtype/);
    expect(r.rq).toEqual({ value: 0.5 });
    expect(r.pctChangeTalk.value).toBeNull();
  });
});
