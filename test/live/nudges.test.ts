/**
 * Nudges: the sliding-window engine against a brute-force oracle that recomputes every window from
 * the whole history (batch mapping of the codes), over generated sessions and rules; and hand-made
 * cases for each metric, the cool-down and privacy.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rapportCodebook } from "../../src/codebook/builtin/index.js";
import { codesForRole } from "../../src/codebook/hierarchy.js";
import type { SpeakerRole } from "../../src/core/schemas.js";
import {
  createLiveCoder,
  DEFAULT_NUDGE_RULES,
  formatNudge,
  type LiveCoder,
  type Nudge,
  type NudgeMetric,
  type NudgeRule,
} from "../../src/live/index.js";
import { mapUnits, prepare } from "../../src/score/_session.js";
import { codedOf, scripted } from "./_helpers.js";

const T = codesForRole(rapportCodebook, "therapist").map((c) => c.id);
const C = codesForRole(rapportCodebook, "client").map((c) => c.id);
const HOT = [
  "advice.unsolicited",
  "judgement",
  "oversharing",
  "question.open",
  "question.closed",
  "reflection.simple",
  "reflection.complex",
];
const TEXTS = [
  "What now?",
  "You feel tired.",
  "Is it okay if I share an idea?",
  "What should I do?",
  "ok",
  "I think so, I guess, maybe not really.",
];

interface Row {
  role: SpeakerRole;
  code: string;
  text: string;
  dt: number;
  dur: number | undefined;
}

const rowArb: fc.Arbitrary<Row> = fc
  .record({
    therapist: fc.boolean(),
    pick: fc.nat(),
    hot: fc.boolean(),
    text: fc.constantFrom(...TEXTS),
    dt: fc.integer({ min: 0, max: 8 }),
    dur: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined, freq: 5 }),
  })
  .map((r) => ({
    role: r.therapist ? "therapist" : "client",
    code: r.therapist
      ? ((r.hot ? HOT : T)[r.pick % (r.hot ? HOT : T).length] as string)
      : (C[r.pick % C.length] as string),
    text: r.text,
    dt: r.dt,
    dur: r.dur,
  }));

const METRICS: NudgeMetric[] = [
  "unsolicitedAdvice",
  "judgement",
  "oversharing",
  "reflectionToQuestion",
  "therapistTalkShare",
  "questionsWithoutReflection",
];
const spanArb = fc.oneof(
  fc.record({ turns: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ seconds: fc.integer({ min: 0, max: 40 }) }),
);
const ruleArb: fc.Arbitrary<NudgeRule> = fc.record({
  id: fc.constant("r"),
  metric: fc.constantFrom(...METRICS),
  threshold: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 1, noNaN: true })),
  window: spanArb,
  cooldown: spanArb,
  minCount: fc.integer({ min: 0, max: 4 }),
  message: fc.constant("k"),
});

/** Recomputes each rule at each utterance from the whole history. */
function oracle(rows: readonly Row[], rule: NudgeRule, live: LiveCoder): Nudge[] {
  const coded = codedOf(live, { id: "rapport", version: "1" });
  const session = prepare(coded);
  const miti = mapUnits(session, "miti-4.2.1", {}).mapped;
  const rap = mapUnits(session, "rapport", {}).mapped;
  const units = session.units;
  const times: number[] = [];
  let t = 0;
  for (const r of rows) {
    t += r.dt;
    times.push(t);
  }
  const out: Nudge[] = [];
  let lastTurn = Number.NEGATIVE_INFINITY;
  let lastTime = Number.NEGATIVE_INFINITY;
  let run = 0;
  for (let k = 0; k < units.length; k++) {
    const u = units[k] as (typeof units)[number];
    const th = u.role === "therapist";
    const w = rule.window as { turns?: number; seconds?: number };
    const inWin: number[] = [];
    for (let j = 0; j <= k; j++)
      if (
        w.turns !== undefined
          ? k - j < w.turns
          : (times[k] as number) - (times[j] as number) <= (w.seconds as number)
      )
        inWin.push(j);
    const tcount = (f: (j: number) => boolean) =>
      inWin.filter((j) => units[j]?.role === "therapist" && f(j)).length;
    let value: number | undefined;
    let fires = false;
    switch (rule.metric) {
      case "unsolicitedAdvice":
      case "judgement":
      case "oversharing": {
        const is = (j: number) =>
          rule.metric === "unsolicitedAdvice"
            ? rap[j] === "advice.unsolicited"
            : rule.metric === "judgement"
              ? rap[j] === "judgement" || rap[j] === "invalidation"
              : rap[j] === "oversharing";
        if (th && is(k)) {
          value = tcount(is);
          fires = value >= rule.threshold;
        }
        break;
      }
      case "reflectionToQuestion": {
        const q = tcount((j) => miti[j] === "Q");
        const r = tcount((j) => miti[j] === "SR" || miti[j] === "CR");
        if (th && q > 0 && q >= (rule.minCount ?? 1)) {
          value = r / q;
          fires = value < rule.threshold;
        }
        break;
      }
      case "therapistTalkShare": {
        const timed = inWin.every((j) => units[j]?.utterance.end !== undefined);
        const amt = (j: number) => {
          const x = units[j]?.utterance;
          return timed
            ? (x?.end as number) - (x?.start as number)
            : (units[j]?.wordCount as number);
        };
        let all = 0;
        let mine = 0;
        for (const j of inWin) {
          all += amt(j);
          if (units[j]?.role === "therapist") mine += amt(j);
        }
        if (timed && all === 0) {
          all = 0;
          mine = 0;
          for (const j of inWin) {
            all += units[j]?.wordCount as number;
            if (units[j]?.role === "therapist") mine += units[j]?.wordCount as number;
          }
        }
        if (th && all > 0 && inWin.length >= (rule.minCount ?? 1)) {
          value = mine / all;
          fires = value > rule.threshold;
        }
        break;
      }
      case "questionsWithoutReflection":
        if (th && (miti[k] === "SR" || miti[k] === "CR")) run = 0;
        if (th && miti[k] === "Q") {
          run++;
          value = run;
          fires = run >= rule.threshold;
        }
        break;
    }
    const c = rule.cooldown as { turns?: number; seconds?: number };
    const cooling =
      c.turns !== undefined
        ? k - lastTurn < c.turns
        : (times[k] as number) - lastTime < (c.seconds as number);
    if (fires && value !== undefined && !cooling) {
      lastTurn = k;
      lastTime = times[k] as number;
      out.push({
        rule: rule.id,
        metric: rule.metric,
        message: rule.message,
        value,
        threshold: rule.threshold,
        utteranceId: u.utterance.id,
        turn: k,
        time: times[k] as number,
      });
    }
  }
  return out;
}

function push(rows: readonly Row[], rules: readonly NudgeRule[]) {
  const live = createLiveCoder({
    classifier: scripted(
      "rapport",
      rows.map((r) => ({ codeId: r.code })),
    ),
    nudges: rules,
  });
  const nudges: Nudge[] = [];
  let t = 0;
  for (const r of rows) {
    t += r.dt;
    nudges.push(
      ...live.push({
        role: r.role,
        text: r.text,
        start: t,
        ...(r.dur !== undefined ? { end: t + r.dur } : {}),
      }).nudges,
    );
  }
  return { live, nudges };
}

describe("nudges", () => {
  it("the sliding windows match a brute-force recomputation (fast-check, seeded)", () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 80 }), ruleArb, (rows, rule) => {
        const { live, nudges } = push(rows, [rule]);
        const want = oracle(rows, rule, live);
        expect(nudges.map((n) => ({ ...n, value: n.value.toFixed(9) }))).toEqual(
          want.map((n) => ({ ...n, value: n.value.toFixed(9) })),
        );
      }),
      { seed: 1612, numRuns: 400 },
    );
  });

  it("unsolicited advice: fires at the second in ten turns, then keeps quiet for the cool-down", () => {
    const A = "advice.unsolicited";
    const seq = [
      A,
      "neutral",
      "other",
      "neutral",
      A,
      "neutral",
      A,
      "neutral",
      "other",
      "neutral",
      "other",
      "neutral",
      "other",
      "neutral",
      A,
      "neutral",
      A,
    ];
    const rows: Row[] = seq.map((code, i) => ({
      role: i % 2 === 0 ? "therapist" : "client",
      code,
      text: "Just stop it.",
      dt: 5,
      dur: undefined,
    }));
    const rule = DEFAULT_NUDGE_RULES.find((r) => r.id === "unsolicited-advice") as NudgeRule;
    const { nudges } = push(rows, [rule]);
    // turn 4 (2 in the last 10); turn 6 is within the cool-down; turn 14 has the advice at 6
    // still in its window (3 in 10: 6, 14 → 2) after the cool-down; turn 16 cools down again.
    expect(nudges.map((n) => [n.turn, n.value])).toEqual([
      [4, 2],
      [14, 2],
    ]);
  });

  it("nudges carry ids, numbers and a message key, never utterance text", () => {
    const secret = "my secret health detail?";
    const rows: Row[] = Array.from({ length: 12 }, (_, i) => ({
      role: i % 2 ? "client" : "therapist",
      code: i % 2 ? "neutral" : "question.closed",
      text: secret,
      dt: 1,
      dur: undefined,
    }));
    const { live, nudges } = push(rows, DEFAULT_NUDGE_RULES);
    expect(nudges.map((n) => n.rule)).toContain("questions-in-a-row");
    expect(nudges.map((n) => n.rule)).toContain("reflection-to-question");
    expect(JSON.stringify(nudges)).not.toContain("secret");
    expect(JSON.stringify(live.snapshot())).not.toContain("secret");
    const q = nudges.find((n) => n.rule === "questions-in-a-row") as Nudge;
    expect(formatNudge(q)).toBe("3 questions in a row without a reflection.");
    expect(
      formatNudge({ ...q, message: "app.custom" }, { "app.custom": "{value}/{threshold}" }),
    ).toBe("3/3");
  });
});
