import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const FIX = fileURLToPath(new URL("../fixtures/score/", import.meta.url));

const run = (argv: string[], stdin?: string) => runCli(argv, { cwd: FIX, stdin });

const L = (net: number) => 100 / (1 + Math.exp(-net / 20));

describe("rapportkit score", () => {
  it("--json on coded CSV: one object per session with rapport, miti and flags", async () => {
    const r = await run(["score", "coded.csv", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.map((s: { session: string }) => s.session)).toEqual(["a", "b"]);
    const [a, b] = j;
    // Session a: 6 therapist utterances; the advice follows "Is it okay if I share…?" → PwP.
    expect(a.miti).toMatchObject({
      rq_ratio: 1,
      pct_complex_reflections: 50,
      mi_adherent: 1,
      mi_non_adherent: 0,
    });
    expect(a.miti.counts.PersuadeWithPermission).toBe(1);
    expect(a.rapport.bond).toBeCloseTo(L(100 / 6 + 1.5 * (100 / 6) + 2 * (100 / 6)), 9);
    expect(a.rapport.task).toBeCloseTo(L(100 / 6), 9);
    expect(a.rapport.goal).toBeCloseTo(L(100 / 6 + 25), 9); // open question + 1 of 4 client turns change talk
    expect(a.rapport.overall).toBeCloseTo(
      (a.rapport.goal + a.rapport.task + a.rapport.bond) / 3,
      9,
    );
    expect(a.flags).toEqual([]);
    // Session b: judgement + invalidation run, unsolicited advice, unprompted disclosure that pivots.
    expect(b.miti).toMatchObject({
      rq_ratio: 0,
      pct_complex_reflections: null,
      mi_adherent: 0,
      mi_non_adherent: 3,
    });
    expect(b.miti.undefined.pct_complex_reflections).toMatch(/no reflections/);
    expect(
      b.flags.map((f: { kind: string; utteranceIds: string[] }) => [f.kind, f.utteranceIds]),
    ).toEqual([
      ["self_disclosure.unprompted", ["b:6"]],
      ["self_disclosure.pivot", ["b:6", "b:7"]],
      ["advice.unsolicited", ["b:3"]],
      ["judgement.run", ["b:2", "b:5"]],
    ]);
    expect(r.out).not.toMatch(/NaN|Infinity/);
  });

  it("reads the same rows as JSONL, and from stdin", async () => {
    const csv = JSON.parse((await run(["score", "coded.csv", "--json"])).out)[0];
    const jl = JSON.parse((await run(["score", "coded.jsonl", "--json"])).out)[0];
    expect(jl.rapport).toEqual(csv.rapport);
    expect(jl.miti).toEqual(csv.miti);
    const stdin = readFileSync(`${FIX}coded.jsonl`, "utf8");
    const s = JSON.parse((await run(["score", "-", "--json"], stdin)).out)[0];
    expect(s.miti).toEqual(csv.miti);
  });

  it("prints a readable summary without --json", async () => {
    const r = await run(["score", "coded.csv"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/session a \(rapport; 6 therapist, 4 client utterances, 1 uncoded\)/);
    expect(r.out).toMatch(/R:Q 1\.00 \(fair\)\s+%CR 50\.0% \(good\)/);
    expect(r.out).toMatch(/flag judgement\.run: .* \[b:2, b:5\]/);
    expect(r.out).not.toMatch(/drink diary|excuse/); // no utterance text
  });

  it("scores AnnoMI gold codes (first annotator) with the annomi mapping", async () => {
    const r = await run(["score", "annomi-mini.csv", "--format", "annomi", "--json"]);
    expect(r.code).toBe(0);
    const [s] = JSON.parse(r.out);
    expect(s.codebook).toBe("annomi");
    expect(
      s.miti.counts.Q +
        s.miti.counts.GI +
        s.miti.counts.Persuade +
        s.miti.counts.PersuadeWithPermission,
    ).toBeGreaterThan(0);
    expect(s.flags_not_evaluated.map((n: { kind: string }) => n.kind)).toContain("self_disclosure");
  });

  it("codes a raw transcript with the default classifier first (rapport, or --codebook annomi)", async () => {
    const r = await run(["score", "raw.txt", "--json"]);
    expect(r.code, r.err).toBe(0);
    const [s] = JSON.parse(r.out);
    expect(s).toMatchObject({ session: "raw", codebook: "rapport" });
    expect(s.summary.utterances).toMatchObject({ therapist: 1, client: 1, coded: 2 });
    const a = JSON.parse((await run(["score", "raw.txt", "--json", "--codebook", "annomi"])).out);
    expect(a[0].codebook).toBe("annomi");
    const m = await run(["score", "raw.txt", "--codebook", "miti-4.2.1"]);
    expect(m.code).toBe(2);
    expect(m.err).toMatch(/--codebook miti-4\.2\.1: no default classifier for codebook/);
  });

  it("applies volley rules with --volley", async () => {
    const j = JSON.parse((await run(["score", "coded.csv", "--json", "--volley"])).out);
    expect(j[0].miti.volley_rules).toBe(true);
  });

  it("errors: unknown codebook, missing file, unknown codes", async () => {
    const cb = await run(["score", "coded.csv", "--codebook", "nope"]);
    expect(cb.code).toBe(2);
    const nf = await run(["score", "missing.csv"]);
    expect(nf.code).toBe(1);
    expect(nf.err).toMatch(/missing\.csv: no such file/);
    const wrong = await run(["score", "coded.csv", "--codebook", "annomi", "--json"]);
    expect(wrong.code).toBe(0);
    expect(wrong.err).toMatch(
      /warning: a: code 'affirmation' \(1×\) has no entry in the MITI mapping/,
    );
  });
});

describe("rapportkit survey", () => {
  it("scores SRS rows, flagging totals at or below 36", async () => {
    const r = await run(["survey", "srs.csv", "--instrument", "srs", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.map((x: { total: number }) => x.total)).toEqual(
      [37, 35, 39.3].map((v) => expect.closeTo(v, 9)),
    );
    expect(j.map((x: { flags: unknown[] }) => x.flags.length)).toEqual([0, 1, 0]);
    expect(j[0]).toMatchObject({ line: 2, client: "p1", date: "2026-01-05", instrument: "srs" });
  });
  it("--cutoff changes the concern threshold", async () => {
    const j = JSON.parse(
      (await run(["survey", "srs.csv", "--instrument", "srs", "--cutoff", "37", "--json"])).out,
    );
    expect(j.map((x: { flags: unknown[] }) => x.flags.length)).toEqual([1, 1, 0]);
  });
  it("scores WAI-SR subscales and prorates a missing item", async () => {
    const r = await run(["survey", "wai.csv", "--instrument", "wai-sr"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      "w1: WAI-SR total 39 (mean 3.25)  task 14  bond 10  goal 15\n" +
        "w2: WAI-SR total 38.18 (mean 3.18)  task 14  bond 8  goal 15  [prorated]\n",
    );
  });
  it("reads a scoring key from JSON", async () => {
    const r = await run(
      ["survey", "-", "--instrument", "key.json", "--json"],
      "id,1,2,3\nx,1,1,4\n",
    );
    const [x] = JSON.parse(r.out);
    expect(x).toMatchObject({ id: "x", total: 2, subscales: { a: 2 } }); // item 3 reversed: 0 + 4 − 4
    expect(x.flags[0].cutoff).toBe("low");
  });
  it("names file:line:column for an out-of-range answer, and the path for a bad key", async () => {
    const r = await run(["survey", "srs-bad.csv", "--instrument", "srs"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "rapportkit: srs-bad.csv:3:3 (answers.item2): item 2: expected a number from 0 to 10\n",
    );
    const k = await run(["survey", "srs.csv", "--instrument", "key-bad.json"]);
    expect(k.code).toBe(1);
    expect(k.err).toMatch(/key-bad\.json \(subscales\.a\[1\]\): item numbers run from 1 to 3/);
    const m = await run(["survey", "wai.csv", "--instrument", "srs"]);
    expect(m.err).toMatch(/wai\.csv:1:6 \(columns\.item5\): column .item5.: srs has items 1 to 4/);
    const u = await run(["survey", "wai.csv", "--instrument", "bogus"]);
    expect(u.code).toBe(2);
  });
});
