/**
 * Issue 14: `convert` keeps every code and metadata column of an AnnoMI file — the annotators'
 * codes and label columns, `mi_quality`, `topic`, the video title and URL — in CSV and JSONL, and
 * `--to annomi` gives the file's rows back, directly or through CSV/JSONL.
 */
import "../helpers/no-color.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

let dir: string;
const p = (name: string) => join(dir, name);
const ANNOMI_DEV = new URL("../../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url);
let original: string[][];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rk-cli-convert-annomi-"));
  // The first 400 rows (several transcripts) and transcript 7, whose utterances were coded by
  // several annotators.
  const rows = parse(readFileSync(ANNOMI_DEV, "utf8")) as string[][];
  const t = (rows[0] as string[]).indexOf("transcript_id");
  original = [...rows.slice(0, 401), ...rows.slice(401).filter((r) => r[t] === "7")];
  const cell = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  writeFileSync(p("annomi.csv"), `${original.map((r) => r.map(cell).join(",")).join("\n")}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sorted = (rows: string[][]) => rows.map((r) => JSON.stringify(r)).sort();

async function convert(input: string, out: string, to?: string): Promise<void> {
  const r = await runCli(["convert", input, ...(to ? ["--to", to] : []), "--out", out]);
  expect(r.code, r.err).toBe(0);
}

describe("convert an AnnoMI file", () => {
  it("to CSV: every annotator's code, the label columns and the session's metadata", async () => {
    await convert(p("annomi.csv"), p("a.csv"));
    const rows = parse(readFileSync(p("a.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    const header = Object.keys(rows[0] ?? {});
    expect(header).toEqual([
      "id",
      "session",
      "index",
      "speaker",
      "role",
      "text",
      "start",
      "end",
      "metadata",
      "code",
    ]);
    const first = rows[0] as Record<string, string>;
    const md = JSON.parse(first.metadata as string);
    const src = original[1] as string[];
    const col = (name: string) => src[(original[0] as string[]).indexOf(name)];
    expect(md.mi_quality).toBe(col("mi_quality"));
    expect(md.topic).toBe(col("topic"));
    expect(md.video_title).toBe(col("video_title"));
    expect(md.video_url).toBe(col("video_url"));
    expect(md.annomi[0]).toMatchObject({
      annotator_id: col("annotator_id"),
      main_therapist_behaviour: col("main_therapist_behaviour"),
      question_exists: col("question_exists"),
    });
    expect(Object.keys(md.codes)).toEqual([`annotator:${col("annotator_id")}`]);
    expect(first.code).toBe(md.codes[`annotator:${col("annotator_id")}`]);
    // An utterance coded by several annotators keeps every one of their codes.
    const multi = rows.find((r) => Object.keys(JSON.parse(r.metadata as string).codes).length > 1);
    expect(multi).toBeDefined();
  });

  it("to annomi: the file's rows back, directly and through CSV and JSONL", async () => {
    await convert(p("annomi.csv"), p("back.csv"), "annomi");
    const back = parse(readFileSync(p("back.csv"), "utf8")) as string[][];
    expect(back[0]).toEqual(original[0]);
    expect(sorted(back)).toEqual(sorted(original));
    await convert(p("annomi.csv"), p("a2.csv"));
    await convert(p("a2.csv"), p("back-csv.csv"), "annomi");
    expect(sorted(parse(readFileSync(p("back-csv.csv"), "utf8")))).toEqual(sorted(original));
    await convert(p("annomi.csv"), p("a.jsonl"));
    await convert(p("a.jsonl"), p("back-jsonl.csv"), "annomi");
    expect(sorted(parse(readFileSync(p("back-jsonl.csv"), "utf8")))).toEqual(sorted(original));
  });

  it("to annomi from a coded CSV: AnnoMI's label columns from the codes", async () => {
    writeFileSync(
      p("coded.csv"),
      "session,speaker,text,code\n7,Therapist,What brings you in?,question.open\n7,Client,My doctor sent me.,neutral\n",
    );
    await convert(p("coded.csv"), p("coded-annomi.csv"), "annomi");
    const rows = parse(readFileSync(p("coded-annomi.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows[0]).toMatchObject({
      transcript_id: "7",
      utterance_id: "0",
      interlocutor: "therapist",
      question_exists: "True",
      question_subtype: "open",
      reflection_exists: "False",
      main_therapist_behaviour: "question",
      client_talk_type: "n/a",
    });
    expect(rows[1]).toMatchObject({ interlocutor: "client", client_talk_type: "neutral" });
  });

  it("to annomi refuses a code that is not AnnoMI's, in one line naming the utterance", async () => {
    writeFileSync(
      p("rapport.csv"),
      "session,speaker,text,code\n7,Therapist,Well done.,affirmation\n",
    );
    const r = await runCli(["convert", p("rapport.csv"), "--to", "annomi"]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/utterance 7:0 has code "affirmation", not an annomi code/);
    expect(r.err).not.toContain("Well done");
  });
});
