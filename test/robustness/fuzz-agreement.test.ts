/**
 * The fuzz suite, agreement and cue-weight part (issue #15, items 8, 10, 11, 14, 21): every
 * statistic on hostile rating matrices (NaN, ±Infinity, 1e308, prototype-named labels, degenerate
 * constant data, many distinct labels) either returns an honest coefficient (a finite value, or
 * `null` with a reason) or throws a located AgreementInputError, quickly and without touching a
 * prototype; codebooks with hostile cue weights load with finite scores or fail naming the weight.
 * Same contract and harness as fuzz.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Coefficient } from "../../src/agreement/types.js";
import {
  classificationReport,
  codingAgreement,
  cohenKappa,
  cronbachAlpha,
  fleissKappa,
  gwetAc1,
  icc,
  krippendorffAlpha,
  parseCodebook,
  perCodeAgreement,
  percentAgreement,
  type Rating,
  rapportCodebook,
  rulesClassifier,
} from "../../src/index.js";
import { checkContract, SEED } from "./_harness.js";

const LABELS = ["__proto__", "constructor", "toString", "hasOwnProperty", "a", "b", ""];

/** A rating as an attacker would pick it. */
const hostileRating: fc.Arbitrary<Rating> = fc.oneof(
  fc.constantFrom<Rating>(
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e308,
    -1e308,
    Number.MIN_VALUE,
    0.1,
    0,
    -0,
  ),
  fc.constantFrom(...LABELS),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: false }),
);

const matrix = (cell: fc.Arbitrary<Rating>) =>
  fc
    .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }))
    .chain(([n, r]) =>
      fc.array(fc.array(cell, { minLength: r, maxLength: r }), { minLength: n, maxLength: n }),
    );

/** A coefficient that says what it is: a finite value, or null with a reason. */
function honest(c: Coefficient, name: string): void {
  if (c.value === null) {
    if (typeof c.reason !== "string" || c.reason === "")
      throw new Error(`${name}: null without a reason`);
  } else if (!Number.isFinite(c.value)) throw new Error(`${name}: value ${c.value}`);
  if (c.ci95 && !(c.ci95[0] <= c.ci95[1])) throw new Error(`${name}: interval ${c.ci95}`);
}

const STATS: [string, (m: Rating[][]) => Coefficient[]][] = [
  ["percentAgreement", (m) => [percentAgreement(m)]],
  ["fleissKappa", (m) => [fleissKappa(m)]],
  ["gwetAc1", (m) => [gwetAc1(m)]],
  [
    "krippendorffAlpha",
    (m) =>
      (["nominal", "ordinal", "interval", "ratio"] as const).map((level) =>
        krippendorffAlpha(m, { level }),
      ),
  ],
  ["icc", (m) => Object.values(icc(m)).filter((v) => v && typeof v === "object" && "F" in v)],
  ["cronbachAlpha", (m) => [cronbachAlpha(m)]],
  [
    "cohenKappa",
    (m) =>
      (["unweighted", "linear", "quadratic"] as const).map((weights) =>
        cohenKappa(
          m.map((r) => r[0]),
          m.map((r) => r[r.length - 1]),
          { weights },
        ),
      ),
  ],
];

describe("agreement statistics on hostile rating matrices", () => {
  for (const [name, fn] of STATS)
    it(`${name}: an honest coefficient or a located AgreementInputError`, () => {
      fc.assert(
        fc.property(matrix(hostileRating), (m) => {
          const out = checkContract(name, fn, m, { maxMs: 500 });
          if (out.ok) for (const c of out.value as Coefficient[]) honest(c, name);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });

  it("constant numeric data is null at every level and in every numeric statistic", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 2, max: 5 }),
        (v, n, k) => {
          const m = Array.from({ length: n }, () => new Array<number>(k).fill(v));
          expect(cronbachAlpha(m).value).toBeNull();
          for (const c of Object.values(icc(m)))
            if (c && typeof c === "object" && "F" in c) expect(c.value).toBeNull();
          for (const level of ["nominal", "ordinal", "interval"] as const)
            expect(krippendorffAlpha(m, { level }).value).toBeNull();
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("classificationReport and per-code agreement keep every label, prototype names included", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...LABELS.slice(0, 6)), fc.constantFrom(...LABELS.slice(0, 6))),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (pairs) => {
          const gold = pairs.map((p) => p[0]);
          const pred = pairs.map((p) => p[1]);
          const used = new Set([...gold, ...pred]);
          const r = checkContract(
            "classificationReport",
            () => classificationReport(gold, pred),
            0,
          );
          if (!r.ok) throw new Error("classificationReport threw on valid labels");
          const rep = r.value as ReturnType<typeof classificationReport>;
          expect(Object.keys(rep.perClass).sort()).toEqual([...used].sort());
          const pc = perCodeAgreement(pairs.map(([a, b]) => ({ a, b })));
          expect(Object.keys(pc).sort()).toEqual([...used].sort());
          const c = (codes: string[]) =>
            codes.map((codeId, i) => ({
              utteranceId: `u${i}`,
              codeId,
              source: "x",
              confidence: 1,
            }));
          const ca = checkContract("codingAgreement", () => codingAgreement(c(gold), c(pred)), 0);
          if (ca.ok)
            expect(
              Object.keys((ca.value as ReturnType<typeof codingAgreement>).perCode).sort(),
            ).toEqual([...used].sort());
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("many distinct labels: linear, within the time bound", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: 60_000 }), (n) => {
        const gold = Array.from({ length: n }, (_, i) => `g${i}`);
        const pred = Array.from({ length: n }, (_, i) => `g${(i * 7) % n}`);
        checkContract("cohenKappa", () => cohenKappa(gold, pred, { weights: "linear" }), 0, {
          maxMs: 3000,
        });
        checkContract("classificationReport", () => classificationReport(gold, pred), 0, {
          maxMs: 3000,
        });
      }),
      { seed: SEED, numRuns: 4 },
    );
  });
});

describe("codebooks with hostile cue weights", () => {
  const weight = fc.oneof(
    fc.constantFrom(
      1e308,
      -1e308,
      Number.MAX_VALUE,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      1e3,
      -1e3,
    ),
    fc.double({ noNaN: false }),
  );
  it("load and classify with finite, bounded confidences, or fail naming the weight", () => {
    fc.assert(
      fc.property(fc.array(weight, { minLength: 1, maxLength: 4 }), (ws) => {
        const cb = JSON.parse(JSON.stringify(rapportCodebook));
        const at = cb.codes.findIndex((c: { id: string }) => c.id === "validation");
        cb.codes[at].cues = ws.map((w, i) => ({
          kind: "phrase",
          phrases: [i % 2 ? "angry" : "makes sense"],
          weight: w,
        }));
        // JSON turns NaN and Infinity into null; the object is passed as a caller might build it.
        const raw = structuredClone(cb);
        raw.codes[at].cues.forEach((c: { weight: number }, i: number) => {
          c.weight = ws[i] as number;
        });
        for (const input of [cb, raw]) {
          const built = checkContract(
            "parseCodebook+rulesClassifier",
            (x: unknown) => rulesClassifier(parseCodebook(x)),
            input,
          );
          const direct = checkContract(
            "rulesClassifier",
            (x: typeof raw) => rulesClassifier(x),
            raw,
          );
          for (const out of [built, direct]) {
            if (!out.ok) continue;
            const [p] = (out.value as ReturnType<typeof rulesClassifier>).classify([
              {
                id: "u",
                session: "s",
                index: 0,
                speaker: "T",
                role: "therapist",
                text: "It makes sense that you'd feel angry.",
              },
            ]);
            expect(p?.confidence).toBeGreaterThanOrEqual(0.01);
            expect(p?.confidence).toBeLessThanOrEqual(0.99);
            for (const f of p?.evidence?.features ?? [])
              expect(Number.isFinite(f.weight)).toBe(true);
          }
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
