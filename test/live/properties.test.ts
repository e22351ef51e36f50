/**
 * Live against batch: after pushing every utterance of a session, `snapshot()` equals the batch
 * scores (`summarizeSession`, `mitiSummary`, `rapportProfile`, `flagSession`) of the same coded
 * transcript — over generated sessions (every code of the codebook, times or none, speaker
 * changes, second behaviours, the scores' options) and over real ones (test/live/real.test.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annomiCodebook, mitiCodebook, rapportCodebook } from "../../src/codebook/builtin/index.js";
import { codesForRole } from "../../src/codebook/hierarchy.js";
import type { Codebook, SpeakerRole } from "../../src/core/schemas.js";
import { createLiveCoder } from "../../src/live/index.js";
import type { LiveScoreOptions } from "../../src/live/scores.js";
import { batchScores, codedOf, scoresOf, scripted } from "./_helpers.js";

const TEXTS = [
  "What brings you here today?",
  "You feel stuck-",
  "Is it okay if I share an idea?",
  "What should I do?",
  "How about you, do you have kids?",
  "And you? Did you ever go through this yourself?",
  "You always do that, you know?",
  "I want to stop...",
  "Mm-hmm.",
  "yeah",
  "When I was your age I went through exactly the same thing with my own father and it took me years to get over it and I still think about it every single day of my life honestly, it changed everything for me.",
  "",
];

const CODEBOOKS: readonly Codebook[] = [rapportCodebook, annomiCodebook, mitiCodebook];

interface Row {
  role: SpeakerRole;
  speaker: string;
  code: string;
  secondary?: string;
  text: string;
  start?: number;
  dur?: number;
}

function rowsArb(cb: (typeof CODEBOOKS)[number]) {
  const byRole = (r: SpeakerRole) => {
    const ids = codesForRole(cb, r).map((c) => c.id);
    return ids.length > 0 ? ids : codesForRole(cb, "therapist").map((c) => c.id);
  };
  // Every code, and the flag-raising ones again so that flags (pivots, runs) are common.
  const all = byRole("therapist");
  const hot = ["self_disclosure", "oversharing", "judgement", "invalidation", "advice.unsolicited"];
  const T = [...all, ...hot.filter((c) => all.includes(c)), ...hot.filter((c) => all.includes(c))];
  const C = byRole("client");
  const O = byRole("other");
  const row: fc.Arbitrary<Row> = fc
    .record({
      role: fc.constantFrom<SpeakerRole>("therapist", "therapist", "client", "client", "other"),
      second: fc.boolean(),
      text: fc.constantFrom(...TEXTS),
      gap: fc.integer({ min: -3, max: 20 }),
      dur: fc.integer({ min: 0, max: 15 }),
      pick: fc.nat(),
      pick2: fc.option(fc.nat(), { nil: undefined }),
    })
    .map((r) => {
      const codes = r.role === "therapist" ? T : r.role === "client" ? C : O;
      return {
        role: r.role,
        speaker: r.second ? `${r.role}-2` : r.role,
        code: codes[r.pick % codes.length] as string,
        ...(r.pick2 !== undefined && r.role === "therapist"
          ? { secondary: T[r.pick2 % T.length] as string }
          : {}),
        text: r.text,
        start: r.gap,
        dur: r.dur,
      };
    });
  return fc.array(row, { minLength: 0, maxLength: 60 });
}

const optionsArb: fc.Arbitrary<LiveScoreOptions> = fc.record(
  {
    volleyRules: fc.boolean(),
    secondary: fc.boolean(),
    permissionWindow: fc.integer({ min: 0, max: 6 }),
    judgementRun: fc.record({
      count: fc.integer({ min: 1, max: 3 }),
      window: fc.integer({ min: 1, max: 6 }),
    }),
    selfDisclosure: fc.record({
      maxPer100: fc.integer({ min: 0, max: 20 }),
      minCount: fc.integer({ min: 0, max: 3 }),
      maxWords: fc.integer({ min: 0, max: 50 }),
      promptWindow: fc.integer({ min: 0, max: 4 }),
      pivotWindow: fc.integer({ min: 0, max: 3 }),
    }),
    scale: fc.integer({ min: 1, max: 40 }),
    globals: fc.record({
      CCT: fc.integer({ min: 1, max: 5 }),
      SST: fc.integer({ min: 1, max: 5 }),
      Partnership: fc.integer({ min: 1, max: 5 }),
      Empathy: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { requiredKeys: [] },
);

/** Times: none, start only, or start and end (a negative gap is an overlap). */
const timingArb = fc.constantFrom("none", "start", "both", "mixed");

function run(
  cb: (typeof CODEBOOKS)[number],
  rows: readonly Row[],
  timing: string,
  o: LiveScoreOptions,
): { live: ReturnType<typeof scoresOf>; batch: ReturnType<typeof batchScores> } {
  const clf = scripted(
    cb.id,
    rows.map((r) => ({ codeId: r.code, ...(r.secondary ? { secondary: r.secondary } : {}) })),
  );
  const live = createLiveCoder({ classifier: clf, scores: o, nudges: [] });
  let t = 0;
  rows.forEach((r, i) => {
    t = Math.max(0, t + (r.start ?? 0));
    const times =
      timing === "none" || (timing === "mixed" && i % 3 === 1)
        ? {}
        : timing === "start"
          ? { start: t }
          : { start: t, end: t + (r.dur ?? 0) };
    live.push({ role: r.role, speaker: r.speaker, text: r.text, ...times });
    t += r.dur ?? 0;
  });
  const snap = live.snapshot();
  const batch = batchScores(codedOf(live, clf.codebook), o);
  return { live: scoresOf(snap), batch };
}

describe("live snapshot equals the batch scores (fast-check, seeded)", () => {
  for (const cb of CODEBOOKS) {
    it(`codebook ${cb.id}: every score, every option`, () => {
      fc.assert(
        fc.property(rowsArb(cb), timingArb, optionsArb, (rows, timing, o) => {
          const { live, batch } = run(cb, rows, timing, o);
          expect(live).toEqual(batch);
        }),
        { seed: 20261216, numRuns: 150 },
      );
    });
  }

  it("the snapshot after every prefix equals the batch scores of that prefix", () => {
    fc.assert(
      fc.property(rowsArb(rapportCodebook), timingArb, (rows, timing) => {
        for (let n = 0; n <= rows.length; n += 7) {
          const { live, batch } = run(rapportCodebook, rows.slice(0, n), timing, {});
          expect(live).toEqual(batch);
        }
      }),
      { seed: 7, numRuns: 40 },
    );
  });
});
