import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/classify/evaluate.js";
import { linearClassifier, parseLinearModel } from "../../src/classify/linear/index.js";
import { annomiCodebook } from "../../src/codebook/index.js";
import type { Codebook, Coding, Transcript } from "../../src/core/schemas.js";
import { csvField } from "../../src/io/csv.js";
import { annomi, run, tmp } from "./_cli.js";

let dir: string;
let coded: string;
let sessions: Transcript[];

/** A coded CSV: session, speaker, text and the first annotator's code in a column named `label`. */
function writeCoded(path: string, ts: readonly Transcript[]): void {
  const { gold } = annomi();
  let s = "session,speaker,text,label\n";
  for (const t of ts)
    for (const u of t.utterances)
      s += `${csvField(u.session)},${u.role},${csvField(u.text)},${gold.get(u.id) ?? ""}\n`;
  writeFileSync(path, s);
}

beforeAll(() => {
  dir = tmp();
  sessions = annomi().transcripts.slice(0, 6);
  coded = join(dir, "coded.csv");
  writeCoded(coded, sessions);
}, 60_000);

describe("rapportkit train", () => {
  it("trains a model JSON that loads and codes", async () => {
    const out = join(dir, "trained.json");
    const r = await run([
      "train",
      coded,
      "--codebook",
      "annomi",
      "--out",
      out,
      "--session-column",
      "session",
      "--code-column",
      "label",
      "--epochs",
      "2",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const n = sessions.reduce((a, t) => a + t.utterances.length, 0);
    expect(r.out).toContain(`trained on ${n} coded utterances`);
    const model = parseLinearModel(JSON.parse(readFileSync(out, "utf8")));
    expect(model.codebook.id).toBe("annomi");
    // Deterministic: the same command gives the same file.
    const out2 = join(dir, "trained2.json");
    await run([
      "train",
      coded,
      "--codebook",
      "annomi",
      "--out",
      out2,
      "--session-column",
      "session",
      "--code-column",
      "label",
      "--epochs",
      "2",
    ]);
    expect(readFileSync(out2, "utf8")).toBe(readFileSync(out, "utf8"));
    const c = await run([
      "code",
      coded,
      "--session-column",
      "session",
      "--codebook",
      "annomi",
      "--classifier",
      out,
    ]);
    expect(c.code).toBe(0);
    expect(c.out.split("\n")[0]).toBe("id,session,index,speaker,code,confidence,text");
  }, 120_000);

  it("fails with one line for user mistakes", async () => {
    const noCode = join(dir, "nocode.csv");
    writeFileSync(noCode, "speaker,text\ntherapist,hello\n");
    const wrong = join(dir, "wrong.csv");
    writeFileSync(
      wrong,
      "speaker,text,code\ntherapist,hello,question.open\ntherapist,hi,not-a-code\n",
    );
    const cases: [string[], RegExp, number][] = [
      [["train", coded, "--codebook", "nope", "--out", join(dir, "x.json")], /unknown codebook/, 1],
      [["train", coded, "--codebook", "annomi"], /--out is required/, 2],
      [["train", coded, "--out", join(dir, "x.json")], /--codebook is required/, 2],
      [
        ["train", noCode, "--codebook", "annomi", "--out", join(dir, "x.json")],
        /no coded utterances/,
        1,
      ],
      [
        ["train", wrong, "--codebook", "annomi", "--out", join(dir, "x.json")],
        /wrong\.csv: utterance wrong:1 has code "not-a-code"/,
        1,
      ],
      [
        [
          "train",
          coded,
          "--codebook",
          "annomi",
          "--out",
          join(dir, "x.json"),
          "--code-column",
          "nope",
        ],
        /no column "nope"/,
        1,
      ],
      [
        ["train", coded, "--codebook", "annomi", "--out", join(dir, "x.json"), "--epochs", "0"],
        /--epochs/,
        2,
      ],
    ];
    for (const [argv, msg, code] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).toBe(code);
      expect(r.err, argv.join(" ")).toMatch(msg);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});

describe("rapportkit eval", () => {
  let modelPath: string;
  beforeAll(() => {
    modelPath = join(dir, "trained.json");
  });

  it("prints the confusion matrix and per-code F1, and --json matches evaluate()", async () => {
    const held = join(dir, "held.csv");
    const heldSessions = annomi().transcripts.slice(6, 9);
    writeCoded(held, heldSessions);
    const argv = [
      "eval",
      held,
      "--session-column",
      "session",
      "--code-column",
      "label",
      "--codebook",
      "annomi",
      "--classifier",
      modelPath,
    ];
    const text = await run(argv);
    expect(text.code).toBe(0);
    expect(text.out).toContain("Confusion matrix (rows: gold, columns: predicted");
    expect(text.out).toMatch(/code\s+precision\s+recall\s+f1\s+support/);
    expect(text.out).toContain("macro F1");
    const json = await run([...argv, "--json"]);
    const report = JSON.parse(json.out) as {
      accuracy: { value: number };
      macroF1: { value: number };
      matched: number;
    };
    // The same numbers straight from the library.
    const clf = linearClassifier(JSON.parse(readFileSync(modelPath, "utf8")));
    const { gold } = annomi();
    const goldCodings: Coding[] = [];
    const preds = heldSessions.flatMap((t) =>
      clf.classify(t.utterances.map((u) => ({ ...u, id: `${u.session}:${u.index}` }))),
    );
    for (const t of heldSessions)
      for (const u of t.utterances) {
        const g = gold.get(u.id);
        if (g)
          goldCodings.push({
            utteranceId: `${u.session}:${u.index}`,
            codeId: g,
            confidence: 1,
            source: "human",
          });
      }
    const expected = evaluate(
      preds.filter((p) => goldCodings.some((g) => g.utteranceId === p.utteranceId)),
      goldCodings,
      {
        codebook: annomiCodebook as unknown as Codebook,
      },
    );
    expect(report.matched).toBe(expected.matched);
    expect(report.accuracy.value).toBeCloseTo(expected.accuracy.value as number, 12);
    expect(report.macroF1.value).toBeCloseTo(expected.macroF1.value as number, 12);
    const top = JSON.parse((await run([...argv, "--json", "--depth", "0"])).out) as {
      labels: string[];
    };
    expect(top.labels.every((l) => !l.includes("."))).toBe(true);
  });

  it("rejects a model of another codebook with one line", async () => {
    const r = await run([
      "eval",
      coded,
      "--code-column",
      "label",
      "--codebook",
      "rapport",
      "--classifier",
      modelPath,
    ]);
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toContain("trained.json");
  });
});
