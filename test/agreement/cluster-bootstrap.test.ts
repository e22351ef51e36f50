/**
 * Issue #14, item 3: agreement that scales and respects sessions. The bootstrap of
 * `codingAgreement` is one pass per resample (linear in utterances), resamples whole sessions
 * when they are known (a cluster bootstrap), names its method, and reports progress.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { delayedProgress } from "../../src/cli/_progress.js";
import { main } from "../../src/cli/main.js";
import {
  AgreementInputError,
  bootstrap,
  type Coding,
  codingAgreement,
  cohenKappaMatrix,
  gwetAc1,
  krippendorffAlpha,
  perCodeAgreement,
  percentAgreement,
} from "../../src/index.js";
import { runCli } from "../helpers/cli.js";

const CODES = ["question", "reflection", "therapist_input", "other", "change", "neutral"];

/** `sessions` sessions of `size` utterances; the second coder agrees with p = 0.75. */
function coded(sessions: number, size: number, seed = 3) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const a: Coding[] = [];
  const b: Coding[] = [];
  const sessionOf = new Map<string, string>();
  for (let k = 0; k < sessions; k++)
    for (let i = 0; i < size; i++) {
      const id = `s${k}:${i}`;
      sessionOf.set(id, `s${k}`);
      const code = CODES[Math.floor(rand() * CODES.length)] as string;
      const other = rand() < 0.75 ? code : (CODES[Math.floor(rand() * CODES.length)] as string);
      a.push({ utteranceId: id, codeId: code, source: "human", confidence: 1 });
      b.push({ utteranceId: id, codeId: other, source: "model", confidence: 1 });
    }
  return { a, b, sessionOf };
}

describe("the utterance bootstrap of codingAgreement", () => {
  it("gives exactly the intervals of bootstrap() on each statistic (same seed, same draws)", () => {
    const { a, b } = coded(12, 40);
    const r = codingAgreement(a, b, { resamples: 300, seed: 9 });
    expect(r.interval).toEqual({
      method: "percentile bootstrap",
      unit: "utterance",
      resamples: 300,
      seed: 9,
    });
    const m = a.map((x, i) => [x.codeId, b[i]?.codeId as string]);
    const opts = { resamples: 300, seed: 9 };
    const pairs: [typeof r.overall.cohenKappa, ReturnType<typeof bootstrap>][] = [
      [r.overall.percentAgreement, bootstrap((x) => percentAgreement(x), m, opts)],
      [r.overall.cohenKappa, bootstrap((x) => cohenKappaMatrix(x), m, opts)],
      [r.overall.krippendorffAlpha, bootstrap((x) => krippendorffAlpha(x), m, opts)],
      [r.overall.gwetAc1, bootstrap((x) => gwetAc1(x), m, opts)],
    ];
    for (const [fast, generic] of pairs) {
      expect(fast.value as number).toBeCloseTo(generic.value as number, 12);
      expect(fast.ci95?.[0] as number).toBeCloseTo(generic.ci95?.[0] as number, 12);
      expect(fast.ci95?.[1] as number).toBeCloseTo(generic.ci95?.[1] as number, 12);
    }
    const q = r.perCode.question;
    const binary = m.map(([x, y]) => [x === "question" ? 1 : 0, y === "question" ? 1 : 0]);
    const g = bootstrap((x) => cohenKappaMatrix(x, { categories: [0, 1] }), binary, opts);
    expect(q?.kappa.ci95?.[0] as number).toBeCloseTo(g.ci95?.[0] as number, 12);
    expect(q?.kappa.ci95?.[1] as number).toBeCloseTo(g.ci95?.[1] as number, 12);
  });

  it("is linear in the number of utterances (4× the utterances, at most ~10× the time) and fast", () => {
    const run = (sessions: number) => {
      const { a, b } = coded(sessions, 100);
      const t0 = performance.now();
      codingAgreement(a, b, { resamples: 200 });
      return performance.now() - t0;
    };
    run(20); // warm up
    const small = Math.min(run(100), run(100));
    const large = Math.min(run(400), run(400));
    expect(large / small).toBeLessThan(4 * 2.5);
    // 40,000 utterances × 200 resamples: one pass per resample, well under a few seconds.
    expect(large).toBeLessThan(5000);
  });
});

describe("the cluster bootstrap (sessions)", () => {
  it("is the default when every utterance's session is known, and is named", () => {
    const { a, b, sessionOf } = coded(30, 20);
    const r = codingAgreement(a, b, { resamples: 200, sessionOf: (id) => sessionOf.get(id) });
    expect(r.interval).toEqual({
      method: "percentile bootstrap",
      unit: "session",
      resamples: 200,
      seed: 1,
      clusters: 30,
    });
    expect(r.overall.cohenKappa.ci95).toBeDefined();
    // Deterministic for a seed.
    expect(codingAgreement(a, b, { resamples: 200, sessionOf: (id) => sessionOf.get(id) })).toEqual(
      r,
    );
    // resampleBy "utterance" overrides it.
    const u = codingAgreement(a, b, {
      resamples: 200,
      sessionOf: (id) => sessionOf.get(id),
      resampleBy: "utterance",
    });
    expect(u.interval?.unit).toBe("utterance");
  });

  it("resamples whole sessions: with sessions that agree or disagree as a block, the interval is wider", () => {
    // 40 sessions of 25 utterances; in half of them the coders agree on everything, in the other
    // half on nothing. Utterances are far from independent: the utterance bootstrap is too narrow.
    const a: Coding[] = [];
    const b: Coding[] = [];
    const session = new Map<string, string>();
    for (let k = 0; k < 40; k++)
      for (let i = 0; i < 25; i++) {
        const id = `s${k}:${i}`;
        session.set(id, `s${k}`);
        const code = CODES[(k + i) % 4] as string;
        a.push({ utteranceId: id, codeId: code, source: "h", confidence: 1 });
        b.push({
          utteranceId: id,
          codeId: k % 2 === 0 ? code : (CODES[(k + i + 1) % 4] as string),
          source: "m",
          confidence: 1,
        });
      }
    const width = (c: { ci95?: readonly [number, number] }) =>
      (c.ci95?.[1] as number) - (c.ci95?.[0] as number);
    const bySession = codingAgreement(a, b, {
      resamples: 500,
      sessionOf: (id) => session.get(id),
    });
    const byUtterance = codingAgreement(a, b, { resamples: 500, resampleBy: "utterance" });
    expect(bySession.overall.percentAgreement.value).toBe(0.5);
    expect(width(bySession.overall.percentAgreement)).toBeGreaterThan(
      3 * width(byUtterance.overall.percentAgreement),
    );
    // The session interval matches the spread of a mean of 40 sessions that are 1 or 0 (sd 0.5/√40
    // ≈ 0.079, 95% width ≈ 0.31), not of 1,000 independent utterances (width ≈ 0.062).
    expect(width(bySession.overall.percentAgreement)).toBeGreaterThan(0.25);
    expect(width(bySession.overall.percentAgreement)).toBeLessThan(0.4);
  });

  it("perCodeAgreement takes each pair's session", () => {
    const { a, b, sessionOf } = coded(20, 10);
    const pairs = a.map((x, i) => ({
      a: x.codeId,
      b: b[i]?.codeId as string,
      session: sessionOf.get(x.utteranceId) as string,
    }));
    const withSessions = perCodeAgreement(pairs, { resamples: 100 });
    const without = perCodeAgreement(
      pairs.map(({ a: x, b: y }) => ({ a: x, b: y })),
      { resamples: 100 },
    );
    expect(withSessions.question?.kappa.ci95).not.toEqual(without.question?.kappa.ci95);
  });

  it('resampleBy "session" without every session known is an error naming the pair', () => {
    const { a, b } = coded(3, 5);
    expect(() =>
      codingAgreement(a, b, { resamples: 10, resampleBy: "session", sessionOf: () => undefined }),
    ).toThrow(AgreementInputError);
  });

  it("one session cannot be resampled: no interval, with the reason", () => {
    const { a, b } = coded(1, 50);
    const r = codingAgreement(a, b, { resamples: 50, sessionOf: () => "only" });
    expect(r.overall.cohenKappa.ci95).toBeUndefined();
    expect(r.interval?.note).toMatch(/two or more sessions/);
  });

  it("reports progress", () => {
    const { a, b, sessionOf } = coded(10, 10);
    const seen: number[] = [];
    codingAgreement(a, b, {
      resamples: 400,
      sessionOf: (id) => sessionOf.get(id),
      onProgress: (done, total) => {
        expect(total).toBe(400);
        seen.push(done);
      },
    });
    expect(seen.at(-1)).toBe(400);
    expect(seen.length).toBeGreaterThan(50);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  });
});

describe("rapportkit agree on two coded files with a session column", () => {
  const dir = mkdtempSync(join(tmpdir(), "rk-cluster-"));
  const { a, b, sessionOf } = coded(25, 12);
  const file = (cs: Coding[]) =>
    `id,session,code\n${cs.map((c) => `${c.utteranceId},${sessionOf.get(c.utteranceId)},${c.codeId}`).join("\n")}\n`;
  writeFileSync(join(dir, "a.csv"), file(a));
  writeFileSync(join(dir, "b.csv"), file(b));

  it("resamples sessions by default and says so (text and JSON)", async () => {
    const t = await runCli(["agree", "a.csv", "b.csv", "--resamples", "200"], { cwd: dir });
    expect(t.code).toBe(0);
    expect(t.out).toMatch(
      /95% intervals: percentile bootstrap, 200 resamples, 25 sessions resampled with all their utterances \(cluster bootstrap\), seed 1/,
    );
    const j = JSON.parse(
      (await runCli(["agree", "a.csv", "b.csv", "--resamples", "200", "--json"], { cwd: dir })).out,
    );
    expect(j.interval).toEqual({
      method: "percentile bootstrap",
      unit: "session",
      resamples: 200,
      seed: 1,
      sessions: 25,
    });
  });

  it("--resample-by utterance resamples utterances; a bad value is a usage error", async () => {
    const j = JSON.parse(
      (
        await runCli(
          ["agree", "a.csv", "b.csv", "--resamples", "50", "--json", "--resample-by", "utterance"],
          { cwd: dir },
        )
      ).out,
    );
    expect(j.interval.unit).toBe("utterance");
    const bad = await runCli(["agree", "a.csv", "b.csv", "--resample-by", "item"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--resample-by must be session or utterance/);
  });

  it("draws a progress bar on a terminal's stderr (forced here), never on stdout", async () => {
    let out = "";
    let err = "";
    const code = await main(["agree", "a.csv", "b.csv", "--resamples", "300", "--progress"], {
      out: (x) => {
        out += x;
      },
      err: (x) => {
        err += x;
      },
      cwd: dir,
      isTTY: true,
    });
    expect(code).toBe(0);
    expect(out).not.toMatch(/\r|\[#/);
    // The run is shorter than the 2 s delay: a quick run prints nothing at all.
    expect(err).toBe("");
  });
});

describe("the progress bar", () => {
  const io = (sink: string[], isTTY = true) => ({
    out: () => undefined,
    err: (x: string) => {
      sink.push(x);
    },
    cwd: ".",
    isTTY,
  });

  it("appears only after 2 s, redraws at most every 100 ms, and erases itself", () => {
    let t = 0;
    const lines: string[] = [];
    const p = delayedProgress(io(lines), "bootstrap", 1000, { now: () => t });
    p.update(10);
    t = 1999;
    p.update(300);
    expect(lines).toEqual([]);
    t = 2000;
    p.update(400);
    t = 2050;
    p.update(450); // within 100 ms: not redrawn
    t = 2100;
    p.update(500);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\rbootstrap \[#{12}\.{18}\] {2}40% {2}400\/1000 {2}~3 s left$/);
    expect(lines[1]).toMatch(/ 50% {2}500\/1000/);
    p.done();
    expect(lines.at(-1)).toBe("\r\u001b[2K");
  });

  it("stays silent when stderr is not a terminal, unless forced", () => {
    let t = 0;
    const lines: string[] = [];
    const p = delayedProgress(io(lines, false), "x", 10, { now: () => t });
    t = 5000;
    p.update(5);
    p.done();
    expect(lines).toEqual([]);
    const forced = delayedProgress(io(lines, false), "x", 10, { now: () => t, force: true });
    t = 8000;
    forced.update(5);
    expect(lines).toHaveLength(1);
  });
});
