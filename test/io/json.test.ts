import { describe, expect, it } from "vitest";
import { readJson, readJsonl, writeJson, writeJsonl } from "../../src/io/index.js";
import { parseError } from "./_expect.js";
import { fixture } from "./_fixtures.js";

describe("readJson", () => {
  it("reads one transcript, filling session, index, id and role", () => {
    const r = readJson(fixture("session.json"));
    expect(r.transcripts).toEqual([
      {
        id: "s1",
        metadata: { site: "demo" },
        utterances: [
          {
            id: "s1:0",
            session: "s1",
            index: 0,
            speaker: "Therapist",
            role: "therapist",
            text: "What brings you in today?",
          },
          {
            id: "s1:1",
            session: "s1",
            index: 1,
            speaker: "Client",
            role: "client",
            text: "Well, my doctor said I should cut down.",
            start: 3,
          },
        ],
      },
    ]);
  });

  it("reads an array and {transcripts: [...]}", () => {
    const t = { id: "a", utterances: [{ speaker: "C", text: "x" }] };
    expect(readJson(JSON.stringify([t, { ...t, id: "b" }])).transcripts.map((x) => x.id)).toEqual([
      "a",
      "b",
    ]);
    expect(readJson(JSON.stringify({ transcripts: [t] })).transcripts[0]?.utterances[0]?.role).toBe(
      "client",
    );
  });

  it("fills a missing transcript id from options.session, and options.role overrides roles", () => {
    const r = readJson('{"utterances":[{"speaker":"C","role":"client","text":"x"}]}', {
      role: "therapist",
    });
    expect(r.transcripts[0]?.id).toBe("session");
    expect(r.transcripts[0]?.utterances[0]).toMatchObject({ id: "session:0", role: "therapist" });
  });

  it("reads coded transcripts and returns their codings", () => {
    const coded = {
      transcript: { id: "a", utterances: [{ speaker: "T", text: "x" }] },
      codebook: { id: "annomi", version: "1" },
      codings: [{ utteranceId: "a:0", codeId: "other", confidence: 1, source: "me" }],
    };
    const r = readJson(JSON.stringify(coded));
    expect(r.codings).toHaveLength(1);
    expect(r.codebookId).toBe("annomi");
  });

  it("names the path of a value of the wrong shape", () => {
    const e = parseError(() =>
      readJson(
        JSON.stringify({ transcripts: [{ id: "a", utterances: [{ speaker: "T", text: 5 }] }] }),
        { file: "t.json" },
      ),
    );
    expect(e.issues[0]?.path).toEqual(["transcripts", 0, "utterances", 0, "text"]);
    expect(e.message).toContain("t.json");
    expect(e.message).toContain("transcripts[0].utterances[0].text");
  });

  it("gives line and column of a syntax error without quoting the input", () => {
    const e = parseError(() =>
      readJson('{\n  "id": "secret",\n  "utterances": [ "a" "b" ]\n}', { file: "t.json" }),
    );
    expect(e.issues[0]).toMatchObject({ code: "bad_json", line: 3, column: 23, file: "t.json" });
    expect(e.message).not.toContain("secret");
  });
});

describe("readJsonl", () => {
  it("groups by session in order of first appearance, counting indices per session, skipping blank lines", () => {
    const r = readJsonl(fixture("session.jsonl"));
    expect(r.transcripts.map((t) => [t.id, t.utterances.map((u) => u.id)])).toEqual([
      ["s1", ["s1:0", "s1:1", "s1:2"]],
      ["s2", ["s2:0"]],
    ]);
    expect(r.transcripts[0]?.utterances[0]).toMatchObject({
      role: "therapist",
      start: 0,
      end: 2.5,
    });
  });

  it("errors with the line number of a line that is not JSON", () => {
    const e = parseError(() =>
      readJsonl('{"speaker":"T","text":"a"}\n{"speaker":"C","text":"secret"\n', {
        file: "u.jsonl",
      }),
    );
    expect(e.issues[0]).toMatchObject({ code: "bad_json", line: 2, file: "u.jsonl" });
    expect(e.message).toMatch(/^u\.jsonl:2:\d+: /);
    expect(e.message).not.toContain("secret");
  });

  it("errors with line and path for an object of the wrong shape", () => {
    const e = parseError(() =>
      readJsonl('{"speaker":"T","text":"a"}\n{"speaker":"T","text":"b","start":-1}\n'),
    );
    expect(e.issues[0]).toMatchObject({ line: 2, path: ["start"] });
    const e2 = parseError(() => readJsonl("[1,2]\n"));
    expect(e2.issues[0]).toMatchObject({ code: "bad_row", line: 1 });
  });

  it("skips bad lines with onError skip, reporting each", () => {
    const r = readJsonl('{"speaker":"T","text":"a"}\nnot json\n{"speaker":"C","text":"b"}\n', {
      onError: "skip",
    });
    expect(r.transcripts[0]?.utterances.map((u) => u.text)).toEqual(["a", "b"]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["bad_json", 2]]);
  });

  it("reads code and confidence keys as codings", () => {
    const r = readJsonl(
      '{"session":"s","speaker":"therapist","text":"a","code":"question.open","confidence":0.7}\n',
    );
    expect(r.codings).toEqual([
      { utteranceId: "s:0", codeId: "question.open", confidence: 0.7, source: "human" },
    ]);
    expect(r.transcripts[0]?.utterances[0]).not.toHaveProperty("code");
  });
});

describe("writeJsonl / writeJson", () => {
  const t = {
    id: "s",
    utterances: [
      {
        id: "s:0",
        session: "s",
        index: 0,
        speaker: "T",
        role: "therapist" as const,
        text: "a",
        start: 1,
      },
    ],
  };
  it("writes one object per utterance with the keys in order", () => {
    expect(writeJsonl([t])).toBe(
      '{"id":"s:0","session":"s","index":0,"speaker":"T","role":"therapist","text":"a","start":1}\n',
    );
  });
  it("writes JSON that reads back", () => {
    expect(readJson(writeJson([t])).transcripts).toEqual([t]);
  });
});
