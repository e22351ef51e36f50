import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCsv } from "../../src/io/index.js";
import { runCli } from "../helpers/cli.js";
import { ANNOMI_DEV, fixturePath } from "../io/_fixtures.js";

const run = (argv: string[], stdin?: string) => runCli(argv, { stdin });

describe("rapportkit convert", () => {
  it("converts AnnoMI-full.dev.csv to 7,438 JSONL lines across 106 sessions, each utterance once", async () => {
    const { code, out, err } = await run([
      "convert",
      ANNOMI_DEV,
      "--format",
      "annomi",
      "--to",
      "jsonl",
    ]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(7438);
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const k of ["id", "session", "index", "speaker", "role", "text"])
      expect(
        objs.every((o) => k in o),
        k,
      ).toBe(true);
    expect(new Set(objs.map((o) => o.session)).size).toBe(106);
    const pairs = objs.map((o) => `${o.session}/${String(o.id).split(":")[1]}`);
    expect(new Set(pairs).size).toBe(7438);
    expect(err).toContain("converted 7438 utterances in 106 sessions");
    // The one malformed AnnoMI timestamp is reported, as file:line, without the utterance text.
    expect(err).toContain(`${ANNOMI_DEV}:2414`);
  });

  it("converts to CSV, into a file with --out, readable again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-convert-"));
    const out = join(dir, "o.csv");
    const r = await run(["convert", fixturePath("session.vtt"), "--to", "csv", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    const back = readCsv(readFileSync(out, "utf8"));
    expect(back.transcripts[0]?.utterances.map((u) => u.speaker)).toEqual([
      "Therapist",
      "Client",
      "Therapist",
    ]);
  });

  it("applies the input options: columns, --speaker, --context-column, --speaker-map, stdin", async () => {
    const csv = "reply,prev,who\nYou feel stuck.,I feel stuck,Sam\n";
    const a = await run(
      [
        "convert",
        "-",
        "--format",
        "csv",
        "--text-column",
        "reply",
        "--context-column",
        "prev",
        "--speaker",
        "therapist",
        "--to",
        "jsonl",
      ],
      csv,
    );
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({
      id: "stdin:0",
      session: "stdin",
      role: "therapist",
      metadata: { context: "I feel stuck" },
    });
    const b = await run(
      [
        "convert",
        "-",
        "--format",
        "csv",
        "--text-column",
        "reply",
        "--speaker-column",
        "who",
        "--speaker-map",
        "Sam=client",
        "--to",
        "jsonl",
      ],
      csv,
    );
    expect(JSON.parse(b.out)).toMatchObject({ speaker: "Sam", role: "client" });
  });

  it("warns about an unmapped speaker on stderr as file:line, without utterance text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-convert-"));
    const p = join(dir, "s.txt");
    writeFileSync(p, "T: hello\nNarrator: top secret words\n");
    const r = await run(["convert", p, "--to", "jsonl"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`${p}:2: txt: the speaker label at line 2`);
    expect(r.err).not.toContain("Narrator");
    expect(r.err).not.toContain("secret");
    expect(r.out).toContain('"role":"other"');
  });

  it("exits 1 with a located one-line message for bad input, 2 for usage errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-convert-"));
    const csv = join(dir, "a.csv");
    writeFileSync(csv, "speaker,words\nT,secret\n");
    const a = await run(["convert", csv, "--to", "jsonl"]);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(
      new RegExp(`^rapportkit: ${csv.replaceAll(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:1 .*"text"`),
    );
    expect(a.err.trimEnd().split("\n")).toHaveLength(1);
    expect(a.err).not.toContain("secret");
    const vtt = join(dir, "b.vtt");
    writeFileSync(vtt, "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\n<v T>secret\n");
    const b = await run(["convert", vtt, "--to", "csv"]);
    expect(b.code).toBe(1);
    expect(b.err).toContain(`${vtt}:3:18:`);
    const jsonl = join(dir, "c.jsonl");
    writeFileSync(jsonl, '{"speaker":"T","text":"ok"}\nsecret\n');
    const c = await run(["convert", jsonl, "--to", "csv"]);
    expect(c.code).toBe(1);
    expect(c.err).toContain(`${jsonl}:2:1:`);
    expect((await run(["convert", join(dir, "missing.csv"), "--to", "csv"])).code).toBe(1);
    expect((await run(["convert", csv, "--to", "xml"])).code).toBe(2);
    expect((await run(["convert", csv, "--to", "csv", "--format", "doc"])).code).toBe(2);
    expect((await run(["convert", csv, "--to", "csv", "--speaker", "boss"])).code).toBe(2);
    expect((await run(["convert", vtt, "--to", "csv", "--text-column", "x"])).code).toBe(2);
    expect((await run(["convert", csv])).code).toBe(2);
  });

  it("keeps input order and every field: CSV -> CSV and CSV -> JSONL read back equal to the input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-convert-"));
    const src = join(dir, "in.csv");
    const text = 'session,speaker,text,start\nb,T,"x, ""y""\nz",1.5\na,C,é 😀,\nb,C,ok,00:01:02\n';
    writeFileSync(src, text);
    const original = readCsv(text, { session: "in" });
    const csv = await run(["convert", src, "--to", "csv"]);
    expect(csv.code).toBe(0);
    expect(csv.out.split("\n")[0]).toBe("id,session,index,speaker,role,text,start,end,metadata");
    expect(readCsv(csv.out).transcripts).toEqual(original.transcripts);
    const jl = await run(["convert", src, "--to", "jsonl"]);
    expect(
      jl.out
        .trimEnd()
        .split("\n")
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(["b:0", "a:0", "b:1"]);
  });

  it("skips malformed rows with --on-error skip and says how many", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-convert-"));
    const csv = join(dir, "m.csv");
    writeFileSync(csv, "speaker,text\nT,a\nC,b,extra\nT,c\n");
    const r = await run(["convert", csv, "--to", "jsonl", "--on-error", "skip"]);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split("\n")).toHaveLength(2);
    expect(r.err).toContain(`${csv}:3:`);
    expect(r.err).toContain("1 malformed row skipped");
  });
});
