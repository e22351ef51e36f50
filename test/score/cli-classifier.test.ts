import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";

// Stand-in for the default model (not yet in src/model): the rules classifier over `rapport`.
vi.mock("../../src/model/index.js", async () => {
  const { rulesClassifier } = await import("../../src/classify/rules/index.js");
  const { rapportCodebook } = await import("../../src/codebook/index.js");
  return { defaultClassifier: () => rulesClassifier(rapportCodebook) };
});

const { runCli } = await import("../helpers/cli.js");
const FIX = fileURLToPath(new URL("../fixtures/score/", import.meta.url));

describe("rapportkit score on a raw transcript (codes it with the default classifier first)", () => {
  it("codes, then scores, each session", async () => {
    const { code, out, err } = await runCli(["score", "raw.txt", "--json"], { cwd: FIX });
    // One line on stderr says the file is being coded, and with which classifier and codebook.
    expect(err).toMatch(
      /^rapportkit: note: raw\.txt has no codes; coding it with classifier \S+ \(codebook rapport \S+\) before scoring[^\n]*\n$/,
    );
    expect(code).toBe(0);
    const [s] = JSON.parse(out);
    expect(s.codebook).toBe("rapport");
    expect(s.summary.utterances).toMatchObject({ therapist: 1, client: 1, coded: 2 });
    expect(typeof s.rapport.overall).toBe("number");
  });
  it("refuses a --codebook the classifier does not code in", async () => {
    const { code, err } = await runCli(["score", "raw.txt", "--codebook", "annomi"], { cwd: FIX });
    expect(code).toBe(2);
    expect(err).toMatch(/the default classifier codes in 'rapport'/);
  });
});
