import { describe, expect, it } from "vitest";
import { detectFormat, readCsv, readTranscript, readVtt } from "../../src/io/index.js";
import { parseError } from "./_expect.js";
import { fixture } from "./_fixtures.js";

describe("readTranscript and detectFormat", () => {
  it("dispatches by format name", () => {
    const vtt = fixture("session.vtt");
    expect(readTranscript(vtt, { format: "vtt", session: "s1" })).toEqual(
      readVtt(vtt, { session: "s1" }),
    );
    const csv = fixture("session.csv");
    const columns = { text: "utterance" };
    expect(readTranscript(csv, { format: "csv", columns })).toEqual(readCsv(csv, { columns }));
    expect(readTranscript("T: hi\n", { format: "txt" }).transcripts[0]?.utterances[0]?.role).toBe(
      "therapist",
    );
    expect(
      parseError(() => readTranscript("", { format: "xml" as never })).issues[0]?.path,
    ).toEqual(["format"]);
  });

  it("detects formats from names and content", () => {
    expect(detectFormat("a.CSV")).toBe("csv");
    expect(detectFormat("a.jsonl")).toBe("jsonl");
    expect(detectFormat("a.ndjson")).toBe("jsonl");
    expect(detectFormat("a.json")).toBe("json");
    expect(detectFormat("a.vtt")).toBe("vtt");
    expect(detectFormat("a.srt")).toBe("srt");
    expect(detectFormat("a.txt")).toBe("txt");
    expect(detectFormat("a.bin")).toBeUndefined();
    expect(detectFormat("a.csv", fixture("annomi-mini.csv"))).toBe("annomi");
    expect(detectFormat("noext", "WEBVTT\n")).toBe("vtt");
    expect(detectFormat("noext", '{"a":1}\n{"a":2}\n')).toBe("jsonl");
    expect(detectFormat("noext", '{"id":"x",\n"utterances":[]}')).toBe("json");
  });
});
