/**
 * Issue 14: `agree` and `eval` set up wrongly fail (or warn) with one line that says how to fix
 * it — two files of different codebooks, an ambiguous `--pairs` file, evaluating on training data —
 * and the label mapping (`--map`) and codebook inference that fix them.
 */
import "../helpers/no-color.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, hasStackTrace, runCli } from "../helpers/cli.js";

let dir: string;
const p = (name: string) => join(dir, name);
const ANNOMI_DEV = new URL("../../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url);
const SECRET = "zebra";

const HEAD = "id,session,index,speaker,code,confidence,text";
const coded = (codes: string[]) =>
  `${HEAD}\n${codes.map((c, i) => `s:${i},s,${i},${c.includes("talk") || ["change", "sustain", "neutral"].includes(c) ? "client" : "therapist"},${c},1,${SECRET} ${i}`).join("\n")}\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-cli-agree-eval-"));
  writeFileSync(
    p("annomi.csv"),
    coded(["question.open", "change", "sustain", "therapist_input.advice", "reflection.simple"]),
  );
  writeFileSync(
    p("rapport.csv"),
    coded(["question.open", "change_talk", "neutral", "advice.unsolicited", "reflection.simple"]),
  );
  writeFileSync(
    p("shared.csv"),
    coded(["question.open", "question.closed", "reflection.simple", "reflection.complex", "other"]),
  );
  writeFileSync(p("pairs3.csv"), "item,gold,pred\n1,a,a\n2,b,a\n3,b,b\n4,a,a\n");
  writeFileSync(p("pairs2.csv"), "gold,pred\na,a\nb,a\nb,b\na,a\n");
  writeFileSync(p("map.csv"), "from,to\nchange,change_talk\nsustain,sustain_talk\n");
  writeFileSync(
    p("map.json"),
    JSON.stringify({
      change: "change_talk",
      sustain: "sustain_talk",
      "therapist_input.advice": "advice",
    }),
  );
  // An AnnoMI file of the data the shipped model was trained on: its first 60 rows.
  writeFileSync(
    p("annomi-train.csv"),
    `${readFileSync(ANNOMI_DEV, "utf8").split("\n").slice(0, 61).join("\n")}\n`,
  );
  // Held-out data in AnnoMI's format, in words the model never saw.
  const rows = [
    "mi_quality,transcript_id,video_title,video_url,topic,utterance_id,interlocutor,timestamp,utterance_text,annotator_id,therapist_input_exists,therapist_input_subtype,reflection_exists,reflection_subtype,question_exists,question_subtype,main_therapist_behaviour,client_talk_type",
    "high,900,t,u,x,0,therapist,00:00:01,What would you most like to change about the garden this spring then?,1,False,n/a,False,n/a,True,open,question,n/a",
    "high,900,t,u,x,1,client,00:00:05,I would like to stop letting the weeds win every single summer.,1,False,n/a,False,n/a,False,n/a,n/a,change",
    "high,900,t,u,x,2,therapist,00:00:09,You are tired of the weeds taking over your tomatoes every single year.,1,False,n/a,True,complex,False,n/a,reflection,n/a",
    "high,900,t,u,x,3,client,00:00:12,Yes and the neighbours keep telling me it looks untidy from their window.,1,False,n/a,False,n/a,False,n/a,n/a,neutral",
  ];
  writeFileSync(p("annomi-new.csv"), `${rows.join("\n")}\n`);
  // Gold codes of another scheme, mapped with --map.
  writeFileSync(
    p("other-scheme.csv"),
    "speaker,text,code\nTherapist,What brings you in today?,OQ\nClient,My doctor sent me here.,FN\nTherapist,Did you drive here yourself today?,CQ\n",
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oneLine(r: CliRun, exit: number): string {
  const lines = r.err.split("\n").filter((l) => l !== "");
  expect(r.code, r.err).toBe(exit);
  expect(lines, r.err).toHaveLength(1);
  expect(hasStackTrace(r.err)).toBe(false);
  expect(r.err).not.toContain(SECRET);
  return lines[0] as string;
}

describe("agree: two files coded with different codebooks", () => {
  it("is refused in one line naming both codebooks and how to map them", async () => {
    const line = oneLine(
      await runCli(["agree", p("annomi.csv"), p("rapport.csv"), "--resamples", "0"]),
      1,
    );
    expect(line).toMatch(
      /^rapportkit: .*annomi\.csv and .*rapport\.csv are coded with different codebooks/,
    );
    expect(line).toContain("annomi.csv: annomi;");
    expect(line).toContain("rapport.csv: rapport)");
    expect(line).toContain("--codebook rapport");
    expect(line).toContain("--map from=to");
  });
  it("is refused even at --depth 0 when the top-level codes differ too", async () => {
    const line = oneLine(
      await runCli([
        "agree",
        p("annomi.csv"),
        p("rapport.csv"),
        "--resamples",
        "0",
        "--depth",
        "0",
      ]),
      1,
    );
    expect(line).toContain("even at --depth 0");
  });
  it("runs with --codebook (a crosswalk), saying so on stderr", async () => {
    const r = await runCli([
      "agree",
      p("annomi.csv"),
      p("rapport.csv"),
      "--resamples",
      "0",
      "--codebook",
      "rapport",
      "--json",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("codes crosswalked from 'annomi' to 'rapport'");
    expect(JSON.parse(r.out).n_used).toBe(5);
  });
  it("runs with --map inline, from a .csv and from a .json file", async () => {
    for (const map of ["change=change_talk,sustain=sustain_talk", p("map.csv"), p("map.json")]) {
      const r = await runCli([
        "agree",
        p("annomi.csv"),
        p("rapport.csv"),
        "--resamples",
        "0",
        "--map",
        map,
        "--json",
      ]);
      expect(r.code, `${map}: ${r.err}`).toBe(0);
      expect(JSON.parse(r.out).per_code).toHaveProperty("change_talk");
    }
  });
  it("warns in one line about --map entries that matched no label", async () => {
    const r = await runCli([
      "agree",
      p("shared.csv"),
      p("shared.csv"),
      "--resamples",
      "0",
      "--map",
      "chnage=x",
    ]);
    expect(oneLine({ ...r, code: 0 }, 0)).toBe(
      'rapportkit: warning: --map: 1 of 1 entries matched no label ("chnage")',
    );
    expect(r.code, r.err).toBe(0);
  });
  it("warns in one line when a partial --map leaves codes outside the other file's codebook", async () => {
    const r = await runCli([
      "agree",
      p("annomi.csv"),
      p("rapport.csv"),
      "--resamples",
      "0",
      "--map",
      "change=change_talk",
    ]);
    expect(r.code, r.err).toBe(0);
    const line = oneLine({ ...r, code: 0 }, 0);
    expect(line).toMatch(
      /^rapportkit: warning: .*annomi\.csv: after --map, 2 code\(s\) are not in 'rapport', the codebook of .*rapport\.csv \("sustain", "therapist_input\.advice"\); they count as disagreements$/,
    );
  });
  it("a codebook column, when the files have one, says which codebook each is in", async () => {
    const withCol = (cb: string) =>
      `${HEAD},codebook\ns:0,s,0,therapist,question.open,1,a,${cb}\ns:1,s,1,therapist,other,1,b,${cb}\n`;
    writeFileSync(p("cb-annomi.csv"), withCol("annomi"));
    writeFileSync(p("cb-rapport.csv"), withCol("rapport"));
    const line = oneLine(
      await runCli(["agree", p("cb-annomi.csv"), p("cb-rapport.csv"), "--resamples", "0"]),
      1,
    );
    expect(line).toContain("cb-annomi.csv: annomi;");
    const same = await runCli([
      "agree",
      p("cb-annomi.csv"),
      p("cb-annomi.csv"),
      "--resamples",
      "0",
    ]);
    expect(same.code, same.err).toBe(0);
  });
  it("files whose codes fit one codebook are compared as they are", async () => {
    const r = await runCli(["agree", p("shared.csv"), p("annomi.csv"), "--resamples", "0"]);
    expect(r.code, r.err).toBe(0);
  });
  it("a malformed --map is one line", async () => {
    const line = oneLine(
      await runCli(["agree", p("annomi.csv"), p("rapport.csv"), "--map", "change"]),
      2,
    );
    expect(line).toContain("--map takes a .csv or .json file, or from=to pairs");
  });
});

describe("agree --pairs: which columns hold the labels", () => {
  it("a file of 3 columns without --gold-column/--pred-column is refused in one line", async () => {
    const line = oneLine(await runCli(["agree", "--pairs", p("pairs3.csv")]), 2);
    expect(line).toContain("3 columns");
    expect(line).toContain("--gold-column and --pred-column");
    expect(line).toContain("columns: item, gold, pred");
  });
  it("--gold-column and --pred-column pick the columns", async () => {
    const r = await runCli([
      "agree",
      "--pairs",
      p("pairs3.csv"),
      "--gold-column",
      "gold",
      "--pred-column",
      "pred",
      "--resamples",
      "0",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("4 pairs used (gold 'gold', predicted 'pred')");
  });
  it("only one of them on a 3-column file names the other", async () => {
    const line = oneLine(
      await runCli(["agree", "--pairs", p("pairs3.csv"), "--gold-column", "gold"]),
      2,
    );
    expect(line).toContain("name them with --pred-column");
  });
  it("a column that does not exist says did you mean", async () => {
    const line = oneLine(
      await runCli([
        "agree",
        "--pairs",
        p("pairs3.csv"),
        "--gold-column",
        "gold",
        "--pred-column",
        "prd",
      ]),
      1,
    );
    expect(line).toContain('no column "prd" (--pred-column); did you mean "pred"?');
  });
  it("a two-column file needs neither", async () => {
    const r = await runCli(["agree", "--pairs", p("pairs2.csv"), "--resamples", "0"]);
    expect(r.code, r.err).toBe(0);
  });
  it("--gold-column outside --pairs is a usage error", async () => {
    const line = oneLine(
      await runCli(["agree", p("shared.csv"), p("shared.csv"), "--gold-column", "code"]),
      2,
    );
    expect(line).toContain("--gold-column applies to --pairs only");
  });
});

describe("eval: codebook inference, --map and the training data", () => {
  it("infers annomi for an AnnoMI file, as score does, and warns that it is training data", async () => {
    const r = await runCli(["eval", p("annomi-train.csv"), "--json"]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.codebook).toBe("annomi");
    expect(j.trainingOverlap.inTraining).toBeGreaterThan(0);
    expect(j.trainingOverlap.inTraining).toBe(j.trainingOverlap.checked);
    const line = oneLine({ ...r, code: 0 }, 0);
    expect(line).toMatch(
      /^rapportkit: warning: .*annomi-train\.csv: \d+ of the \d+ coded utterances checked \(100%\) are in the data the shipped model linear@annomi-en was trained on, so these figures overstate how it does on new data/,
    );
    // No utterance text in the warning.
    expect(line).not.toMatch(/Thanks for filling/);
  });
  it("score and eval infer the same codebook from a coded file's codes", async () => {
    const s = await runCli(["score", p("annomi.csv"), "--json"]);
    expect(s.code, s.err).toBe(0);
    expect(JSON.parse(s.out)[0].codebook).toBe("annomi");
    const e = await runCli(["eval", p("annomi.csv"), "--classifier", "rules", "--json"]);
    expect(e.code, e.err).toBe(0);
    expect(JSON.parse(e.out).codebook).toBe("annomi");
    // Codes both codebooks have: rapport, as before.
    const r = await runCli(["score", p("shared.csv"), "--json"]);
    expect(JSON.parse(r.out)[0].codebook).toBe("rapport");
  });
  it("does not warn on data the model has not seen", async () => {
    const r = await runCli(["eval", p("annomi-new.csv"), "--json"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe("");
    expect(JSON.parse(r.out).trainingOverlap).toEqual({ checked: 4, inTraining: 0 });
  });
  it("the rapport default is checked against its own training data", async () => {
    const r = await runCli([
      "eval",
      p("annomi-train.csv"),
      "--codebook",
      "rapport",
      "--map",
      "change=change_talk,sustain=sustain_talk,therapist_input.information=information,therapist_input.advice=advice,therapist_input.options=autonomy,therapist_input.negotiation=structuring",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain("the shipped model default@rapport was trained on");
  });
  it("codes of another scheme fail in one line that names --codebook and --map …", async () => {
    const line = oneLine(await runCli(["eval", p("other-scheme.csv")]), 1);
    expect(line).toContain('code "OQ"');
    expect(line).toContain("--map from=to");
  });
  it("… and --map maps them", async () => {
    const r = await runCli([
      "eval",
      p("other-scheme.csv"),
      "--map",
      "OQ=question.open,CQ=question.closed,FN=neutral",
      "--json",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).matched).toBe(3);
  });
});
