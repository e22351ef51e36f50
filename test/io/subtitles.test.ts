import { describe, expect, it } from "vitest";
import { readSrt, readVtt, writeSrt, writeVtt } from "../../src/io/index.js";
import { parseError } from "./_expect.js";
import { fixture } from "./_fixtures.js";

describe("readVtt", () => {
  it("reads cues: voice spans, identifiers as ids, timings, entities, multi-line payloads", () => {
    const r = readVtt(fixture("session.vtt"), { session: "s1" });
    expect(r.warnings).toEqual([]);
    expect(r.transcripts).toEqual([
      {
        id: "s1",
        utterances: [
          {
            id: "1",
            session: "s1",
            index: 0,
            speaker: "Therapist",
            role: "therapist",
            text: "What brings you in today?",
            start: 0,
            end: 2.5,
          },
          {
            id: "2",
            session: "s1",
            index: 1,
            speaker: "Client",
            role: "client",
            text: 'Well, my doctor said I should "cut down" & so here I am.',
            start: 3,
            end: 7.25,
          },
          {
            id: "s1:2",
            session: "s1",
            index: 2,
            speaker: "Therapist",
            role: "therapist",
            text: "So it was your doctor's idea,\nnot yours.",
            start: 8,
            end: 10,
          },
        ],
      },
    ]);
  });

  it("accepts mm:ss.ttt timings and Speaker: prefixes when there is no voice span", () => {
    const r = readVtt("WEBVTT\n\n01:02.500 --> 01:03.000\nClient: Fine.\n");
    expect(r.transcripts[0]?.utterances[0]).toMatchObject({
      speaker: "Client",
      role: "client",
      text: "Fine.",
      start: 62.5,
      end: 63,
    });
  });

  it("errors on a broken timestamp with line and column, without the cue text", () => {
    const text =
      "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v T>ok\n\n2\n00:00:03.000 --> 00:00:4.000\n<v C>secret\n";
    const e = parseError(() => readVtt(text, { file: "s.vtt" }));
    expect(e.issues[0]).toMatchObject({
      code: "bad_timestamp",
      line: 8,
      column: 18,
      file: "s.vtt",
    });
    expect(e.message).toMatch(/^s\.vtt:8:18: /);
    expect(e.message).not.toContain("secret");
    expect(
      parseError(() => readVtt("WEBVTT\n\n00:00:0x.000 --> 00:00:02.000\nhi\n")).issues[0],
    ).toMatchObject({ line: 3, column: 1 });
  });

  it("errors without the WEBVTT header, and on a cue with no timing line", () => {
    expect(
      parseError(() => readVtt("00:00:01.000 --> 00:00:02.000\nhi\n")).issues[0],
    ).toMatchObject({ code: "bad_cue", line: 1 });
    expect(parseError(() => readVtt("WEBVTT\n\nid\nno timing here\n")).issues[0]).toMatchObject({
      code: "bad_cue",
      line: 4,
    });
  });

  it("warns on an unmapped voice and keeps it as other", () => {
    const r = readVtt("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Narrator>secret\n", {
      file: "n.vtt",
    });
    expect(r.transcripts[0]?.utterances[0]).toMatchObject({ speaker: "Narrator", role: "other" });
    expect(r.warnings[0]).toMatchObject({ code: "unknown_speaker", line: 3, file: "n.vtt" });
    expect(r.warnings[0]?.message).not.toContain("secret");
  });

  it("writeVtt output reads back", () => {
    const t = readVtt(fixture("session.vtt"), { session: "s1" }).transcripts[0];
    if (!t) throw new Error("no transcript");
    expect(readVtt(writeVtt(t), { session: "s1" }).transcripts).toEqual([t]);
  });
});

describe("readSrt", () => {
  it("reads blocks with speaker prefixes; a block without one continues the previous speaker", () => {
    const r = readSrt(fixture("session.srt"), { session: "s" });
    expect(
      r.transcripts[0]?.utterances.map((u) => [u.id, u.speaker, u.role, u.text, u.start, u.end]),
    ).toEqual([
      ["s:0", "THERAPIST", "therapist", "What brings you in today?", 0, 2.5],
      ["s:1", "Client", "client", "Well, my doctor said I should cut down.", 3, 7.25],
      ["s:2", "Client", "client", "It was not my idea.", 7.25, 9],
      ["s:3", "THERAPIST", "therapist", "So it was your doctor's idea.", 9.5, 11],
    ]);
  });

  it("errors on a broken timestamp with line and column", () => {
    const e = parseError(() =>
      readSrt(
        "1\n00:00:01,000 --> 00:00:02,000\nT: a\n\n2\n00:00:03.000 --> 00:00:04,000\nC: secret\n",
        { file: "x.srt" },
      ),
    );
    expect(e.issues[0]).toMatchObject({ code: "bad_timestamp", line: 6, column: 1 });
    expect(e.message).not.toContain("secret");
  });

  it("errors on a block without a timing line", () => {
    expect(parseError(() => readSrt("1\nT: hello\n")).issues[0]).toMatchObject({
      code: "bad_cue",
      line: 2,
    });
  });

  it("writeSrt output reads back", () => {
    const t = readSrt(fixture("session.srt"), { session: "s" }).transcripts[0];
    if (!t) throw new Error("no transcript");
    expect(readSrt(writeSrt(t), { session: "s" }).transcripts).toEqual([t]);
  });
});
