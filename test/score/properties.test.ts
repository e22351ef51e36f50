import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rapportCodebook } from "../../src/codebook/builtin/index.js";
import { codesForRole } from "../../src/codebook/hierarchy.js";
import { ScoreInputError } from "../../src/core/errors.js";
import type { CodedTranscript } from "../../src/core/schemas.js";
import {
  flagSession,
  haqII,
  miscSummary,
  mitiSummary,
  rapportProfile,
  scoreInstrument,
  summarizeSession,
  trend,
  waiSr,
} from "../../src/score/index.js";
import { build, type Row } from "./_build.js";

// Every code of the built-in rapport codebook, by role, in codebook order (the codebook's own
// tests pin the list).
const T_CODES = codesForRole(rapportCodebook, "therapist").map((c) => c.id);
const C_CODES = codesForRole(rapportCodebook, "client").map((c) => c.id);
const TEXTS = [
  "What brings you here today?",
  "You feel stuck-",
  "Is it okay if I share an idea?",
  "What should I do?",
  "How about you, do you have kids?",
  "I want to stop...",
  "Mm-hmm.",
  "",
];

const rowArb: fc.Arbitrary<Row> = fc.oneof(
  fc.tuple(
    fc.constant("therapist" as const),
    fc.option(fc.constantFrom(...T_CODES), { nil: undefined }),
    fc.constantFrom(...TEXTS),
  ),
  fc.tuple(
    fc.constant("client" as const),
    fc.option(fc.constantFrom(...C_CODES), { nil: undefined }),
    fc.constantFrom(...TEXTS),
  ),
);
const sessionArb = fc.array(rowArb, { minLength: 0, maxLength: 40 });
const SEED = { seed: 20261126, numRuns: 300 };

/** Asserts lo ≤ v ≤ hi. */
function within(v: number, lo: number, hi: number): void {
  expect(v).toBeGreaterThanOrEqual(lo);
  expect(v).toBeLessThanOrEqual(hi);
}

/** Renames every utterance id with `f` (a bijection), in the transcript and the codings. */
function rename(c: CodedTranscript, f: (id: string) => string): CodedTranscript {
  return {
    ...c,
    transcript: {
      ...c.transcript,
      utterances: c.transcript.utterances.map((u) => ({ ...u, id: f(u.id) })),
    },
    codings: c.codings.map((k) => ({ ...k, utteranceId: f(k.utteranceId) })),
  };
}

function allScores(c: CodedTranscript) {
  return {
    summary: summarizeSession(c),
    miti: mitiSummary(c),
    volley: mitiSummary(c, { volleyRules: true }),
    misc: miscSummary(c),
    profile: rapportProfile(c),
    flags: flagSession(c),
  };
}

describe("score properties (fast-check, seeded)", () => {
  it("scores are invariant to renaming utterance ids (ids in flags are renamed too)", () => {
    fc.assert(
      fc.property(sessionArb, fc.string({ minLength: 1, maxLength: 6 }), (rows, salt) => {
        const c = build(rows);
        const f = (id: string) => `${salt}#${id.split("").reverse().join("")}`;
        const a = allScores(c);
        const b = allScores(rename(c, f));
        const renamedFlags = a.flags.flags.map((x) => ({
          ...x,
          utteranceIds: x.utteranceIds.map(f),
        }));
        expect(b.flags.flags).toEqual(renamedFlags);
        expect(b.summary.interruptions.utteranceIds).toEqual(
          a.summary.interruptions.utteranceIds.map(f),
        );
        const strip = (s: ReturnType<typeof allScores>) => ({
          ...s,
          flags: null,
          summary: {
            ...s.summary,
            interruptions: { ...s.summary.interruptions, utteranceIds: [] },
          },
        });
        expect(strip(b)).toEqual(strip(a));
      }),
      SEED,
    );
  });

  it("rates stay within their ranges, and nothing is NaN or Infinity", () => {
    fc.assert(
      fc.property(sessionArb, (rows) => {
        const s = allScores(build(rows));
        expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity|null,"reason":undefined/);
        for (const c of s.summary.codes) {
          if (c.per100.value !== null) expect(c.per100.value).toBeGreaterThanOrEqual(0);
          if (c.per100.value !== null) expect(c.per100.value).toBeLessThanOrEqual(100);
        }
        for (const v of [
          s.summary.talkShare.therapist,
          s.summary.talkShare.client,
          s.summary.questionShare,
          s.summary.reflectionShare,
        ])
          if (v.value !== null) within(v.value, 0, 1);
        for (const v of [
          s.miti.pctCR,
          s.volley.pctCR,
          s.misc.pctOpenQuestions,
          s.misc.pctMIConsistent,
          s.misc.pctChangeTalk,
          s.misc.pctComplexReflections,
        ])
          if (v.value !== null) within(v.value, 0, 100);
        for (const v of [s.miti.rq, s.volley.rq])
          if (v.value !== null) expect(v.value).toBeGreaterThanOrEqual(0);
        for (const d of [s.profile.goal, s.profile.task, s.profile.bond, s.profile.overall])
          if (d.value !== null) within(d.value, 0, 100);
        // Volley rules can only lower counts (each code at most once per volley).
        for (const k of Object.keys(s.miti.counts) as (keyof typeof s.miti.counts)[])
          expect(s.volley.counts[k]).toBeLessThanOrEqual(s.miti.counts[k]);
      }),
      SEED,
    );
  });

  it("adding a judgement never raises the bond score", () => {
    fc.assert(
      fc.property(sessionArb, fc.nat(), (rows, at) => {
        const before = rapportProfile(build(rows)).bond.value;
        const i = rows.length === 0 ? 0 : at % (rows.length + 1);
        const more: Row[] = [
          ...rows.slice(0, i),
          ["therapist", "judgement", "That was careless."],
          ...rows.slice(i),
        ];
        const after = rapportProfile(build(more)).bond.value as number;
        if (before !== null) expect(after).toBeLessThanOrEqual(before + 1e-9);
        // Re-coding an uncoded therapist utterance as judgement never raises it either.
        const j = rows.findIndex((r) => r[0] === "therapist" && r[1] === undefined);
        if (j >= 0 && before !== null) {
          const recoded = rows.map((r, k) =>
            k === j ? (["therapist", "judgement", r[2]] as Row) : r,
          );
          expect(rapportProfile(build(recoded)).bond.value as number).toBeLessThanOrEqual(
            before + 1e-9,
          );
        }
      }),
      SEED,
    );
  });
});

describe("questionnaire and trend properties (fast-check, seeded)", () => {
  const answer = (min: number, max: number) =>
    fc.option(fc.integer({ min, max }), { nil: null, freq: 8 });
  it("WAI-SR / HAq-II totals (prorated or not) stay within items × range, or the input is refused", () => {
    for (const inst of [waiSr, haqII]) {
      fc.assert(
        fc.property(
          fc.array(answer(inst.range.min, inst.range.max), {
            minLength: inst.items,
            maxLength: inst.items,
          }),
          (a) => {
            let s: ReturnType<typeof scoreInstrument>;
            try {
              s = scoreInstrument(inst, a);
            } catch (e) {
              expect(e).toBeInstanceOf(ScoreInputError);
              expect((e as ScoreInputError).issues[0]?.code).toBe("missing_answer");
              return;
            }
            within(s.total.sum, inst.items * inst.range.min, inst.items * inst.range.max);
            within(s.total.mean, inst.range.min, inst.range.max);
            for (const sub of Object.values(s.subscales))
              within(sub.sum, sub.items * inst.range.min, sub.items * inst.range.max);
          },
        ),
        SEED,
      );
    }
  });
  it("trend: change from baseline is 0 at the baseline; every repair comes after its rupture", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 20 }),
        (xs) => {
          const t = trend(xs, { cutoff: 36, dropThreshold: 3, sd: 5, reliability: 0.8 });
          expect(t.points[0]?.change).toBe(0);
          for (const r of t.ruptures)
            if (r.repairedAt !== null) expect(r.repairedAt).toBeGreaterThan(r.at);
          for (const p of t.points) expect(Number.isFinite(p.rci.value)).toBe(true);
        },
      ),
      SEED,
    );
  });
});
