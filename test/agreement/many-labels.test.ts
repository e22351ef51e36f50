/**
 * Issue #15, item 8: agreement is linear in what it reads. Label maps and sparse tallies instead
 * of dense K × K tables, and bounded CLI output: 200,000 distinct labels finish (or refuse a part
 * cleanly, with a note) in seconds, never a RangeError, an out-of-memory abort or a 175 MB print.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AgreementInputError,
  type Coding,
  classificationReport,
  codingAgreement,
  cohenKappa,
  coincidenceMatrix,
  confusionMatrix,
  MAX_BOOTSTRAP_CATEGORIES,
  MAX_DENSE_CATEGORIES,
  perCodeAgreement,
} from "../../src/index.js";
import { hasStackTrace, runCli } from "../helpers/cli.js";

/** n pairs over `labels` distinct labels: the first side cycles through them, the second agrees 70%. */
function pairs(n: number, labels: number): { gold: string[]; pred: string[] } {
  let s = 12345;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const gold: string[] = [];
  const pred: string[] = [];
  for (let i = 0; i < n; i++) {
    const g = `l${i % labels}`;
    gold.push(g);
    pred.push(rand() < 0.7 ? g : `l${Math.floor(rand() * labels)}`);
  }
  return { gold, pred };
}

/** Cohen's (weighted) kappa straight from its definition over the dense L × L table. */
function denseKappa(a: number[], b: number[], weights: "unweighted" | "linear" | "quadratic") {
  const cats = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const L = cats.length;
  const pos = new Map(cats.map((c, i) => [c, i]));
  const n = a.length;
  const t = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  a.forEach((x, i) => {
    const row = t[pos.get(x) as number] as number[];
    const j = pos.get(b[i] as number) as number;
    row[j] = (row[j] as number) + 1;
  });
  const r = t.map((row) => row.reduce((s, x) => s + x, 0));
  const c = cats.map((_, j) => t.reduce((s, row) => s + (row[j] as number), 0));
  const d = (i: number, j: number) =>
    i === j
      ? 0
      : weights === "unweighted"
        ? 1
        : weights === "linear"
          ? Math.abs(i - j) / (L - 1)
          : ((i - j) / (L - 1)) ** 2;
  let po = 0;
  let pe = 0;
  for (let i = 0; i < L; i++)
    for (let j = 0; j < L; j++) {
      po += (d(i, j) * ((t[i] as number[])[j] as number)) / n;
      pe += (d(i, j) * (r[i] as number) * (c[j] as number)) / (n * n);
    }
  return pe > 0 ? 1 - po / pe : null;
}

// A guard against quadratic work, not a speed target (that is the bench's): the dense code took
// minutes at these sizes; linear code takes about a second, so even a heavily loaded machine stays
// far below the bound.
const LINEAR_GUARD_MS = 60_000;

describe("the library is linear in the number of labels", { timeout: 180_000 }, () => {
  it("property: kappa from sparse tallies equals the dense definition (all weights)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (ps) => {
          const a = ps.map((p) => p[0]);
          const b = ps.map((p) => p[1]);
          for (const w of ["unweighted", "linear", "quadratic"] as const) {
            const want = denseKappa(a, b, w);
            const got = cohenKappa(a, b, { weights: w }).value;
            if (want === null || new Set([...a, ...b]).size < 2) expect(got, w).toBeNull();
            else expect(got as number, w).toBeCloseTo(want, 12);
          }
        },
      ),
      { seed: 20_261_126, numRuns: 300 },
    );
  });

  it("cohenKappa on 200,000 distinct labels: every weighting, in seconds", () => {
    const { gold, pred } = pairs(200_000, 200_000);
    const t0 = performance.now();
    for (const weights of ["unweighted", "linear", "quadratic"] as const)
      expect(cohenKappa(gold, pred, { weights }).value).toBeTypeOf("number");
    expect(performance.now() - t0).toBeLessThan(LINEAR_GUARD_MS);
  });

  it("classificationReport on 200,000 labels: every label scored, the confusion as sparse cells", () => {
    const { gold, pred } = pairs(200_000, 200_000);
    const t0 = performance.now();
    const r = classificationReport(gold, pred);
    expect(performance.now() - t0).toBeLessThan(LINEAR_GUARD_MS);
    expect(Object.keys(r.perClass)).toHaveLength(r.confusion.labels.length);
    expect(r.confusion.matrix).toBeNull();
    expect(r.confusion.cells.reduce((s, c) => s + c[2], 0)).toBe(r.nUsed);
    const tp = r.confusion.cells.filter((c) => c[0] === c[1]).reduce((s, c) => s + c[2], 0);
    expect(r.accuracy).toBeCloseTo(tp / r.nUsed, 12);
  });

  it("the sparse cells and the dense matrix agree where both are given", () => {
    const { gold, pred } = pairs(500, 40);
    const r = classificationReport(gold, pred);
    const m = r.confusion.matrix as number[][];
    const fromCells = m.map((row) => row.map(() => 0));
    for (const [g, p, n] of r.confusion.cells) (fromCells[g] as number[])[p] = n;
    expect(fromCells).toEqual(m);
    expect(confusionMatrix(gold, pred)).toEqual(r.confusion);
  });

  it(`the dense matrix is given up to MAX_DENSE_CATEGORIES labels`, () => {
    const n = MAX_DENSE_CATEGORIES + 1;
    const { gold, pred } = pairs(n, n);
    expect(confusionMatrix(gold, pred).matrix).toBeNull();
    const few = pairs(MAX_DENSE_CATEGORIES, MAX_DENSE_CATEGORIES);
    expect(confusionMatrix(few.gold, few.pred).matrix).toHaveLength(MAX_DENSE_CATEGORIES);
  });

  it("coincidenceMatrix (dense by design) refuses more than MAX_DENSE_CATEGORIES categories", () => {
    const { gold, pred } = pairs(MAX_DENSE_CATEGORIES + 5, MAX_DENSE_CATEGORIES + 5);
    const m = gold.map((g, i) => [g, pred[i] as string]);
    expect(() => coincidenceMatrix(m)).toThrow(AgreementInputError);
    expect(() => coincidenceMatrix(m)).toThrow(/at most 1,000 categories/);
  });

  it("perCodeAgreement on 20,000 codes and codingAgreement on 200,000: seconds, one pass", () => {
    const p = pairs(20_000, 20_000);
    const t0 = performance.now();
    const pc = perCodeAgreement(p.gold.map((a, i) => ({ a, b: p.pred[i] as string })));
    expect(Object.keys(pc).length).toBeGreaterThan(19_000);
    expect(performance.now() - t0).toBeLessThan(LINEAR_GUARD_MS);

    const big = pairs(200_000, 200_000);
    const c = (side: string[]): Coding[] =>
      side.map((codeId, i) => ({ utteranceId: `u${i}`, codeId, source: "x", confidence: 1 }));
    const t1 = performance.now();
    const r = codingAgreement(c(big.gold), c(big.pred));
    expect(performance.now() - t1).toBeLessThan(LINEAR_GUARD_MS);
    expect(r.overall.cohenKappa.value).toBeTypeOf("number");
  });

  it("per-code kappa from counts equals Cohen's kappa of the one-vs-rest columns", () => {
    const { gold, pred } = pairs(300, 12);
    const pc = perCodeAgreement(gold.map((a, i) => ({ a, b: pred[i] as string })));
    for (const [label, x] of Object.entries(pc)) {
      const k = cohenKappa(
        gold.map((g) => (g === label ? 1 : 0)),
        pred.map((g) => (g === label ? 1 : 0)),
        { categories: [0, 1] },
      ).value;
      if (k === null) expect(x.kappa.value).toBeNull();
      else expect(x.kappa.value as number).toBeCloseTo(k, 12);
    }
  });
});

// No wall-clock assertions (speed belongs to the bench, bench/agreement-scale.mjs): the quadratic
// code this guards against ran past 120 s at 20,000 labels, so the per-test timeout below catches it
// on any machine, while a loaded machine cannot fail a test that does linear work.
describe("rapportkit agree with 200,000 distinct labels: bounded output", {
  timeout: 120_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "rk-labels-"));
  const { gold, pred } = pairs(200_000, 200_000);
  writeFileSync(
    join(dir, "pairs.csv"),
    `gold,pred\n${gold.map((g, i) => `${g},${pred[i]}`).join("\n")}\n`,
  );
  writeFileSync(
    join(dir, "matrix.csv"),
    `item,r1,r2\n${gold.map((g, i) => `${i},${g},${pred[i]}`).join("\n")}\n`,
  );
  const coded = (side: string[]) => `id,code\n${side.map((c, i) => `u${i},${c}`).join("\n")}\n`;
  writeFileSync(join(dir, "a.csv"), coded(gold));
  writeFileSync(join(dir, "b.csv"), coded(pred));

  const timed = async (argv: string[]) => {
    const t0 = performance.now();
    const r = await runCli(argv, { cwd: dir });
    return { ...r, ms: performance.now() - t0 };
  };

  it("--pairs (default resamples): per-class rows capped with a note, no confusion table", async () => {
    const r = await timed(["agree", "--pairs", "pairs.csv"]);
    expect(r.code).toBe(0);
    expect(hasStackTrace(r.err)).toBe(false);
    expect(r.out.length).toBeLessThan(64 * 1024);
    expect(r.out).toMatch(/more labels not shown/);
    expect(r.out).toMatch(/confusion table not printed/);
    expect(r.out).toMatch(
      new RegExp(`no bootstrap interval.*${MAX_BOOTSTRAP_CATEGORIES.toLocaleString("en-US")}`),
    );
  });

  it("--pairs --json: every label in per_class, the confusion as cells", async () => {
    const r = await timed(["agree", "--pairs", "pairs.csv", "--json", "--resamples", "0"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.per_class)).toHaveLength(j.confusion.labels.length);
    expect(j.confusion.matrix).toBeNull();
    expect(j.confusion.cells.length).toBeGreaterThan(0);
  });

  it("--matrix with 200,000 categories and two raters: values, no stack, in seconds", async () => {
    const r = await timed(["agree", "--matrix", "matrix.csv"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Cohen's kappa \(unweighted\)\s+\d/);
    expect(r.out).toMatch(/no bootstrap interval/);
  });

  it("two coded files: per-code rows capped with a note", async () => {
    const r = await timed(["agree", "a.csv", "b.csv"]);
    expect(r.code).toBe(0);
    expect(r.out.length).toBeLessThan(64 * 1024);
    expect(r.out).toMatch(/more codes not shown/);
  });
});
