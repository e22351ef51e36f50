/**
 * Every user mistake exits non-zero — 1 for bad input, 2 for a usage error — with ONE line on
 * stderr starting `rapportkit:`, and no stack trace.
 */
import "../helpers/no-color.js";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainLinear } from "../../src/classify/linear/train.js";
import { commands } from "../../src/cli/commands/index.js";
import { type CliRun, hasStackTrace, runCli } from "../helpers/cli.js";

let dir: string;
const p = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-cli-mistakes-"));
  writeFileSync(
    p("ok.csv"),
    "session,speaker,text\ns1,Therapist,What brings you in?\ns1,Client,My doctor sent me.\n",
  );
  writeFileSync(p("bad-row.csv"), "session,speaker,text\ns1,Therapist,Hi,extra\n");
  writeFileSync(p("bad-quote.csv"), 'session,speaker,text\ns1,Therapist,a "quoted" word\n');
  writeFileSync(p("bad.jsonl"), '{"speaker":"T","text":"x"}\n{not json}\n');
  writeFileSync(p("bad.json"), '{"id":"s","utterances":[{"speaker":"T","text":1}]}');
  writeFileSync(p("bad.vtt"), "WEBVTT\n\n00:00:01.000 --> nonsense\nT: hi\n");
  writeFileSync(p("unknown.xyz"), "hello\n");
  writeFileSync(p("not-json.json"), "{ this is not json");
  writeFileSync(
    p("not-a-model.json"),
    JSON.stringify({ format: "rapportkit/linear@1", labels: [] }),
  );
  writeFileSync(p("future-model.json"), JSON.stringify({ format: "rapportkit/linear@9" }));
  const annomiModel = trainLinear(
    [
      { session: "a", role: "therapist", text: "What now?", label: "question" },
      { session: "a", role: "therapist", text: "You feel stuck.", label: "reflection" },
      { session: "a", role: "client", text: "I will stop.", label: "change" },
      { session: "a", role: "client", text: "I won't.", label: "sustain" },
    ],
    { codebook: { id: "annomi", version: "1" }, minCount: 1, calibrationHoldout: 0 },
  );
  writeFileSync(p("annomi-model.json"), JSON.stringify(annomiModel));
  const foreignLabels = trainLinear(
    [
      { session: "a", role: "therapist", text: "What now?", label: "no_such_code" },
      { session: "a", role: "therapist", text: "You feel stuck.", label: "other_nonsense" },
    ],
    { codebook: { id: "rapport", version: "1" }, minCount: 1, calibrationHoldout: 0 },
  );
  writeFileSync(p("foreign-labels.json"), JSON.stringify(foreignLabels));
  mkdirSync(p("a-directory"));
  writeFileSync(p("unclosed.csv"), 'id,code\n1,a\n2,"b\n');
  writeFileSync(p("ragged.csv"), "item,r1,r2\n1,a,b\n2,a\n");
  writeFileSync(p("deep.json"), `${"[".repeat(100_000)}${"]".repeat(100_000)}`);
  writeFileSync(p("proto.json"), '{"__proto__":{"polluted":1},"id":"x"}');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The contract of every mistake. */
function expectOneLine(r: CliRun, exit: 1 | 2): void {
  const lines = r.err.split("\n").filter((l) => l !== "");
  expect(r.code, r.err).toBe(exit);
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^rapportkit: \S/);
  expect(hasStackTrace(r.err)).toBe(false);
  expect(r.err).not.toContain("internal error");
}

const INPUT_MISTAKES: [string, () => string[], RegExp][] = [
  ["a missing file", () => ["code", p("nope.csv")], /nope\.csv.*no such file/],
  ["a directory as input", () => ["code", p("a-directory"), "--format", "csv"], /a-directory/],
  [
    "an unknown codebook",
    () => ["code", p("ok.csv"), "--codebook", "nope"],
    /unknown codebook 'nope'/,
  ],
  ["a bad column name", () => ["code", p("ok.csv"), "--text-column", "words"], /"words"/],
  ["a bad session column", () => ["code", p("ok.csv"), "--session-column", "conv"], /"conv"/],
  [
    "a missing model file",
    () => ["code", p("ok.csv"), "--classifier", p("no-model.json")],
    /model/,
  ],
  [
    "a model file that is not JSON",
    () => ["code", p("ok.csv"), "--classifier", p("not-json.json")],
    /not valid JSON/,
  ],
  [
    "a model file of the wrong shape",
    () => ["code", p("ok.csv"), "--classifier", p("not-a-model.json")],
    /not-a-model\.json/,
  ],
  [
    "a model of a newer format",
    () => ["code", p("ok.csv"), "--classifier", p("future-model.json")],
    /format/,
  ],
  [
    "a model for another codebook",
    () => ["code", p("ok.csv"), "--classifier", p("annomi-model.json")],
    /annomi/,
  ],
  [
    "a model whose labels are not codes of the codebook",
    () => ["code", p("ok.csv"), "--classifier", p("foreign-labels.json")],
    /no_such_code|other_nonsense/,
  ],
  ["a CSV row with a field too many", () => ["code", p("bad-row.csv")], /bad-row\.csv:2/],
  ["a CSV quote in an unquoted field", () => ["code", p("bad-quote.csv")], /bad-quote\.csv:2/],
  ["a JSONL line that is not JSON", () => ["code", p("bad.jsonl")], /bad\.jsonl:2/],
  [
    "a JSON utterance of the wrong type",
    () => ["convert", p("bad.json"), "--to", "csv"],
    /bad\.json/,
  ],
  ["a VTT cue with a bad timestamp", () => ["convert", p("bad.vtt"), "--to", "csv"], /bad\.vtt:3/],
  ["convert: a missing file", () => ["convert", p("nope.srt"), "--to", "csv"], /nope\.srt/],
  ["report: a missing file", () => ["report", p("nope.csv")], /nope\.csv/],
  ["score: a missing file", () => ["score", p("nope.csv")], /nope\.csv/],
  ["eval: a missing file", () => ["eval", p("nope.csv")], /nope\.csv/],
  ["agree: a missing file", () => ["agree", p("nope.csv"), p("ok.csv")], /nope\.csv/],
  ["agree: an unclosed quote", () => ["agree", p("unclosed.csv"), p("ok.csv")], /unclosed\.csv:3/],
  ["agree: a ragged ratings matrix", () => ["agree", "--matrix", p("ragged.csv")], /ragged\.csv:3/],
  ["codebook show: an unknown codebook", () => ["codebook", "show", "nope"], /nope/],
  [
    "codebook show: a file that is not JSON",
    () => ["codebook", "show", p("not-json.json")],
    /not-json\.json/,
  ],
  ["codebook show: 100,000-deep JSON", () => ["codebook", "show", p("deep.json")], /deep\.json/],
  ["codebook show: a __proto__ key", () => ["codebook", "show", p("proto.json")], /__proto__/],
  [
    "code: a 100,000-deep model file",
    () => ["code", p("ok.csv"), "--classifier", p("deep.json")],
    /deep\.json/,
  ],
];

const USAGE_MISTAKES: [string, () => string[], RegExp][] = [
  ["an unknown command", () => ["cod"], /unknown command 'cod'/],
  [
    "an unknown option",
    () => ["code", p("ok.csv"), "--wrokers", "2"],
    /unknown option '--wrokers'/,
  ],
  ["a missing input file argument", () => ["code"], /missing input file/],
  ["an unknown format", () => ["code", p("ok.csv"), "--format", "docx"], /--format/],
  ["a format that cannot be guessed", () => ["code", p("unknown.xyz")], /--format/],
  ["--workers 0", () => ["code", p("ok.csv"), "--workers", "0"], /--workers/],
  ["--workers many", () => ["code", p("ok.csv"), "--workers", "many"], /--workers/],
  ["--on-error ignore", () => ["code", p("ok.csv"), "--on-error", "ignore"], /--on-error/],
  ["--speaker nobody", () => ["code", p("ok.csv"), "--speaker", "nobody"], /--speaker/],
  ["--speaker-map without =", () => ["code", p("ok.csv"), "--speaker-map", "Lee"], /--speaker-map/],
  ["--out-format xml", () => ["code", p("ok.csv"), "--out-format", "xml"], /--out-format/],
  ["convert --to xml", () => ["convert", p("ok.csv"), "--to", "xml"], /--to/],
  [
    "a column option with a non-CSV format",
    () => ["code", p("bad.jsonl"), "--text-column", "t"],
    /csv only/,
  ],
  ["an option without its value", () => ["code", p("ok.csv"), "--codebook"], /--codebook/],
  ["agree with nothing to compare", () => ["agree"], /--matrix|--pairs/],
  ["survey without its input", () => ["survey"], /INPUT|input/i],
  ["train without --codebook", () => ["train", p("ok.csv")], /--codebook/],
];

describe("input mistakes exit 1 with one line", () => {
  it.each(INPUT_MISTAKES)("%s", async (_name, argv, message) => {
    const r = await runCli(argv());
    expectOneLine(r, 1);
    expect(r.err).toMatch(message);
  });
});

describe("usage mistakes exit 2 with one line", () => {
  it.each(USAGE_MISTAKES)("%s", async (_name, argv, message) => {
    const r = await runCli(argv());
    expectOneLine(r, 2);
    expect(r.err).toMatch(message);
  });

  it.each(Object.keys(commands))("%s --no-such-option", async (name) => {
    const r = await runCli([name, "--no-such-option"]);
    expectOneLine(r, 2);
    expect(r.err).toMatch(/--no-such-option|unknown/);
  });
});

describe("the happy path stays quiet", () => {
  it("code on a good file exits 0 with nothing on stderr", async () => {
    const r = await runCli(["code", p("ok.csv")]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe("");
    expect(r.out.split("\n")[0]).toBe("id,session,index,speaker,code,confidence,text");
  });
});
