import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codeTranscript } from "../../src/classify/session.js";
import { readText } from "../../src/io/index.js";
import { defaultClassifier } from "../../src/model/index.js";
import { sessionScores } from "../../src/score/index.js";
import { runCli } from "../helpers/cli.js";

const FIX = fileURLToPath(new URL("../fixtures/score/", import.meta.url));
const run = (argv: string[]) => runCli(argv, { cwd: FIX });

describe("rapportkit score --counting", () => {
  it("expected: codes an uncoded file with probabilities and scores expected counts, as the library does", async () => {
    const top = await run(["score", "raw-session.txt", "--json"]);
    const exp = await run(["score", "raw-session.txt", "--json", "--counting", "expected"]);
    expect([top.code, exp.code]).toEqual([0, 0]);
    const [t] = JSON.parse(top.out);
    const [e] = JSON.parse(exp.out);
    // Top codes count whole utterances; expected counts are sums of probabilities.
    expect(Number.isInteger(t.miti.mi_adherent)).toBe(true);
    expect(Number.isInteger(e.miti.mi_adherent)).toBe(false);
    // The library, called directly, gives the same numbers.
    const { transcripts } = readText(readFileSync(`${FIX}raw-session.txt`, "utf8"), {
      session: e.session,
    });
    const clf = defaultClassifier({ codebook: "rapport", probabilities: true });
    const lib = sessionScores(codeTranscript(clf, transcripts[0] as never), {
      counting: "expected",
    });
    expect(e.rapport.overall).toBeCloseTo(lib.profile.overall.value as number, 12);
    expect(e.miti.mi_adherent).toBeCloseTo(lib.miti.mia, 12);
    expect(e.miti.rq_ratio).toBeCloseTo(lib.miti.rq.value as number, 12);
    // Printed as text, an expected count has one decimal.
    const text = await run(["score", "raw-session.txt", "--counting", "expected"]);
    expect(text.out).toMatch(/MIA \d+\.\d\b/);
  });

  it("says when the codes carry no probabilities, and scores them as top codes", async () => {
    const top = await run(["score", "coded.csv", "--json"]);
    const exp = await run(["score", "coded.csv", "--json", "--counting", "expected"]);
    expect(exp.code).toBe(0);
    expect(exp.err).toMatch(/--counting expected: the codes carry no probabilities/);
    expect(JSON.parse(exp.out)).toEqual(JSON.parse(top.out));
  });

  it("refuses an unknown counting, and expected counts with volley rules (exit 2)", async () => {
    const bad = await run(["score", "coded.csv", "--counting", "soft"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--counting must be top or expected/);
    const volley = await run(["score", "coded.csv", "--counting", "expected", "--volley"]);
    expect(volley.code).toBe(2);
    expect(volley.err).toMatch(/--volley/);
  });
});
