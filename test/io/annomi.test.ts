import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { annomiCodebook } from "../../src/codebook/builtin/annomi.js";
import { annomiCode, readAnnomi } from "../../src/io/index.js";
import { parseError } from "./_expect.js";
import { ANNOMI_DEV, fixture } from "./_fixtures.js";

describe("readAnnomi (fixture)", () => {
  const r = readAnnomi(fixture("annomi-mini.csv"), { file: "mini.csv" });

  it("collapses rows repeated per annotator into one utterance, ordered by utterance_id", () => {
    expect(r.transcripts.map((t) => t.id)).toEqual(["7", "9"]);
    expect(r.transcripts[0]?.utterances).toEqual([
      {
        id: "7:0",
        session: "7",
        index: 0,
        speaker: "therapist",
        role: "therapist",
        text: "What would you like to change?",
        start: 1,
      },
      {
        id: "7:1",
        session: "7",
        index: 1,
        speaker: "client",
        role: "client",
        text: "I guess I could try.",
        start: 5,
      },
    ]);
    expect(r.transcripts[0]?.metadata).toEqual({
      mi_quality: "high",
      topic: "smoking",
      video_title: 'Demo "A"',
      video_url: "https://example.org/a",
    });
  });

  it("keeps every annotator's label as a human coding with the most specific annomi code", () => {
    expect(r.codebookId).toBe("annomi");
    const of = (id: string) =>
      r.codings
        .filter((c) => c.utteranceId === id)
        .map((c) => [c.source, c.codeId])
        .sort();
    expect(of("7:0")).toEqual([
      ["annotator:2", "question"],
      ["annotator:4", "question.open"],
    ]);
    expect(of("7:1")).toEqual([
      ["annotator:2", "neutral"],
      ["annotator:4", "change"],
    ]);
    expect(of("9:0")).toEqual([["annotator:1", "therapist_input.advice"]]);
    expect(of("9:1")).toEqual([["annotator:1", "sustain"]]);
    expect(of("9:2")).toEqual([["annotator:1", "reflection.simple"]]);
    expect(of("9:3")).toEqual([["annotator:1", "other"]]);
    expect(r.codings.every((c) => c.confidence === 1)).toBe(true);
  });

  it("maps labels to codes", () => {
    expect(annomiCode("therapist", "question", { question_subtype: "closed" })).toBe(
      "question.closed",
    );
    expect(annomiCode("therapist", "reflection", { reflection_subtype: "n/a" })).toBe("reflection");
    expect(annomiCode("therapist", "n/a", {})).toBeUndefined();
    expect(annomiCode("client", "n/a", { client_talk_type: "sustain" })).toBe("sustain");
  });

  it("errors on a missing required column at line 1", () => {
    const e = parseError(() =>
      readAnnomi("transcript_id,utterance_id,interlocutor\n1,0,client\n", { file: "a.csv" }),
    );
    expect(e.issues[0]).toMatchObject({
      code: "missing_column",
      line: 1,
      path: ["columns", "utterance_text"],
    });
  });

  it("errors on a bad interlocutor with its line, or skips it", () => {
    const text =
      "transcript_id,utterance_id,interlocutor,utterance_text\n1,0,client,ok\n1,1,narrator,secret\n";
    const e = parseError(() => readAnnomi(text));
    expect(e.issues[0]).toMatchObject({ code: "bad_row", line: 3 });
    expect(e.message).not.toContain("secret");
    const s = readAnnomi(text, { onError: "skip" });
    expect(s.transcripts[0]?.utterances).toHaveLength(1);
    expect(s.warnings.some((w) => w.code === "bad_row" && w.line === 3)).toBe(true);
  });
});

describe("readAnnomi (AnnoMI-full development split)", () => {
  const text = readFileSync(ANNOMI_DEV, "utf8");
  const r = readAnnomi(text, { file: ANNOMI_DEV });
  const utterances = r.transcripts.flatMap((t) => t.utterances);

  it("gives 106 sessions and 7,438 utterances, each distinct (transcript, utterance) once", () => {
    expect(r.transcripts).toHaveLength(106);
    expect(utterances).toHaveLength(7438);
    expect(new Set(utterances.map((u) => u.id)).size).toBe(7438);
    for (const t of r.transcripts)
      t.utterances.forEach((u, i) => {
        expect(u.index).toBe(i);
        expect(u.id).toBe(`${t.id}:${u.id.split(":")[1]}`);
      });
  });

  it("keeps one coding per input row (10,669), and matches the README's first-annotator counts", () => {
    expect(r.codings).toHaveLength(10669);
    // First annotator = lowest annotator_id per utterance, as the README counts it.
    const first = new Map<string, { a: number; code: string }>();
    for (const c of r.codings) {
      const a = Number(c.source.slice("annotator:".length));
      const prev = first.get(c.utteranceId);
      if (!prev || a < prev.a) first.set(c.utteranceId, { a, code: c.codeId });
    }
    const counts: Record<string, number> = {};
    for (const { code } of first.values()) {
      const main = code.split(".")[0] as string;
      counts[main] = (counts[main] ?? 0) + 1;
    }
    expect(counts).toEqual({
      question: 1150,
      other: 1108,
      reflection: 1002,
      therapist_input: 486,
      neutral: 2388,
      change: 907,
      sustain: 397,
    });
  });

  it("gives only codes of the built-in annomi codebook, for the matching speaker role", () => {
    const codes = new Map(annomiCodebook.codes.map((c) => [c.id as string, c.role]));
    const roles = new Map(utterances.map((u) => [u.id, u.role]));
    for (const c of r.codings) {
      expect(codes.has(c.codeId), c.codeId).toBe(true);
      expect(codes.get(c.codeId)).toBe(roles.get(c.utteranceId));
    }
  });

  it("reports the one malformed timestamp as a warning and keeps the utterance", () => {
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["bad_timestamp", 2414]]);
    expect(utterances.find((u) => u.id === "38:67")?.start).toBeUndefined();
    expect(r.transcripts.filter((t) => t.metadata?.mi_quality === "high")).toHaveLength(88);
  });
});
