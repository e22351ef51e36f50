import { describe, expect, it } from "vitest";
import { readText, writeText } from "../../src/io/index.js";
import { fixture } from "./_fixtures.js";

describe("readText", () => {
  it("reads Speaker: lines, appends continuation lines, ignores blank lines", () => {
    const r = readText(fixture("session.txt"), { session: "s" });
    expect(r.warnings).toEqual([]);
    expect(r.transcripts[0]?.utterances).toEqual([
      {
        id: "s:0",
        session: "s",
        index: 0,
        speaker: "Counsellor",
        role: "therapist",
        text: "What brings you in today?",
      },
      {
        id: "s:1",
        session: "s",
        index: 1,
        speaker: "Patient",
        role: "client",
        text: "Well, my doctor said I should cut down.\nIt was not my idea.",
      },
      {
        id: "s:2",
        session: "s",
        index: 2,
        speaker: "Counsellor",
        role: "therapist",
        text: "So it was your doctor's idea, not yours.",
      },
    ]);
  });

  it("does not take a sentence with a colon or a clock time for a speaker", () => {
    const r = readText("T: We met at\n10:30 as planned.\nHere is the thing, though: it works.\n");
    expect(r.transcripts[0]?.utterances).toHaveLength(1);
  });

  it("keeps text before any speaker as an utterance with no speaker, and warns", () => {
    const r = readText("secret preface\nT: hi\n", { file: "p.txt" });
    expect(r.transcripts[0]?.utterances[0]).toMatchObject({
      speaker: "",
      role: "other",
      text: "secret preface",
    });
    expect(r.warnings[0]).toMatchObject({ code: "unknown_speaker", line: 1, file: "p.txt" });
    expect(r.warnings[0]?.message).not.toContain("secret");
  });

  it("writeText output reads back", () => {
    const t = readText(fixture("session.txt"), { session: "s" }).transcripts[0];
    if (!t) throw new Error("no transcript");
    expect(readText(writeText(t), { session: "s" }).transcripts).toEqual([t]);
  });
});
