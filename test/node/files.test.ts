import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAnnomi, readCsv, readJsonl, readVtt } from "../../src/io/index.js";
import {
  readAnnomiStream,
  readTranscriptFile,
  sessionNameOf,
  writeTranscriptFile,
} from "../../src/node/index.js";
import { ANNOMI_DEV, fixture, fixturePath, SESSION_CSV_COLUMNS } from "../io/_fixtures.js";

describe("readTranscriptFile / writeTranscriptFile", () => {
  it("detects the format from the extension and names the session after the file", async () => {
    const r = await readTranscriptFile(fixturePath("session.vtt"));
    expect(r).toEqual(
      readVtt(fixture("session.vtt"), { session: "session", file: fixturePath("session.vtt") }),
    );
    expect(sessionNameOf("/a/b/s01.final.csv")).toBe("s01.final");
  });

  it("detects AnnoMI from a .csv header", async () => {
    const r = await readTranscriptFile(fixturePath("annomi-mini.csv"));
    expect(r.codebookId).toBe("annomi");
    expect(r.transcripts.map((t) => t.id)).toEqual(["7", "9"]);
  });

  it("reads CSV through the stream with readCsv's result", async () => {
    const columns = SESSION_CSV_COLUMNS;
    const p = fixturePath("session.csv");
    expect(await readTranscriptFile(p, { columns })).toEqual(
      readCsv(fixture("session.csv"), { columns, file: p, session: "session" }),
    );
  });

  it("puts the path on errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-io-"));
    const p = join(dir, "bad.jsonl");
    writeFileSync(p, '{"speaker":"T","text":"ok"}\n{nope\n');
    await expect(readTranscriptFile(p)).rejects.toMatchObject({
      issues: [{ file: p, line: 2, code: "bad_json" }],
    });
    const q = join(dir, "what.bin");
    writeFileSync(q, "\u0000\u0001");
    await expect(readTranscriptFile(q)).rejects.toMatchObject({
      issues: [{ code: "invalid_input", path: ["format"] }],
    });
  });

  it("writes CSV, JSONL and JSON files that read back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-io-"));
    const { transcripts } = await readTranscriptFile(fixturePath("session.jsonl"));
    for (const ext of ["csv", "jsonl", "json"]) {
      const p = join(dir, `out.${ext}`);
      await writeTranscriptFile(p, transcripts);
      expect((await readTranscriptFile(p)).transcripts, ext).toEqual(transcripts);
    }
    expect(readJsonl(readFileSync(join(dir, "out.jsonl"), "utf8")).transcripts).toEqual(
      transcripts,
    );
  });
});

describe("tab-separated files", () => {
  it("reads a .tsv file with a tab delimiter", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-io-"));
    const p = join(dir, "s.tsv");
    writeFileSync(p, "speaker\ttext\nT\tHi, you.\nC\tYes.\n");
    const r = await readTranscriptFile(p);
    expect(r.transcripts[0]?.utterances.map((u) => [u.role, u.text])).toEqual([
      ["therapist", "Hi, you."],
      ["client", "Yes."],
    ]);
  });
});

describe("readAnnomiStream", () => {
  it("gives exactly readAnnomi's result on AnnoMI-full.dev.csv, and readTranscriptFile uses it", async () => {
    const text = readFileSync(ANNOMI_DEV, "utf8");
    const sync = readAnnomi(text, { file: ANNOMI_DEV });
    const streamed = await readAnnomiStream(ANNOMI_DEV);
    expect(streamed).toEqual(sync);
    expect(await readTranscriptFile(ANNOMI_DEV)).toEqual(
      readAnnomi(text, { file: ANNOMI_DEV, session: "AnnoMI-full.dev" }),
    );
    expect(streamed.transcripts).toHaveLength(106);
  });

  it("skips and reports bad rows like readAnnomi", async () => {
    const text =
      "transcript_id,utterance_id,interlocutor,utterance_text\n1,0,client,ok\n1,1,narrator,x\n1,2,client,a,b\n";
    const opts = { onError: "skip" as const, file: "m.csv" };
    expect(await readAnnomiStream([Buffer.from(text)], opts)).toEqual(readAnnomi(text, opts));
    const sync = (() => {
      try {
        readAnnomi(text);
      } catch (e) {
        return e as Error;
      }
    })();
    await expect(readAnnomiStream([Buffer.from(text)])).rejects.toMatchObject({
      name: "TranscriptParseError",
      message: sync?.message,
    });
  });
});
