import { describe, expect, it } from "vitest";
import { csvField, readCsv, writeCsv } from "../../src/io/index.js";
import { parseError } from "./_expect.js";
import { fixture, SESSION_CSV_COLUMNS } from "./_fixtures.js";

describe("readCsv", () => {
  const text = fixture("session.csv");
  const columns = SESSION_CSV_COLUMNS;

  it("reads sessions, roles, times (seconds and hh:mm:ss) and multi-line quoted text", () => {
    const r = readCsv(text, { columns, file: "session.csv" });
    expect(r.warnings).toEqual([]);
    expect(r.transcripts.map((t) => t.id)).toEqual(["s1", "s2"]);
    const [s1, s2] = r.transcripts;
    expect(s1?.utterances).toEqual([
      {
        id: "s1:0",
        session: "s1",
        index: 0,
        speaker: "Therapist",
        role: "therapist",
        text: "What brings you in today?",
        start: 0,
        end: 2.5,
      },
      {
        id: "s1:1",
        session: "s1",
        index: 1,
        speaker: "Client",
        role: "client",
        text: 'Well, my doctor said I should "cut down" on drinking.',
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
    ]);
    expect(s2?.utterances.map((u) => [u.id, u.role, u.start])).toEqual([
      ["s2:0", "therapist", undefined],
      ["s2:1", "client", undefined],
    ]);
  });

  it("counts indices within each session in input order, sessions interleaved", () => {
    const r = readCsv("session,speaker,text\na,T,1\nb,C,2\na,C,3\nb,T,4\n");
    expect(r.transcripts.map((t) => t.utterances.map((u) => u.id))).toEqual([
      ["a:0", "a:1"],
      ["b:0", "b:1"],
    ]);
  });

  it("uses the id column when mapped, and one default session without a session column", () => {
    const r = readCsv("uid,text\nx1,hello\nx2,bye\n", {
      columns: { id: "uid", text: "text" },
      session: "file",
      role: "therapist",
    });
    expect(r.transcripts).toHaveLength(1);
    expect(
      r.transcripts[0]?.utterances.map((u) => [u.id, u.session, u.index, u.role, u.speaker]),
    ).toEqual([
      ["x1", "file", 0, "therapist", "therapist"],
      ["x2", "file", 1, "therapist", "therapist"],
    ]);
  });

  it("keeps a context column as metadata.context", () => {
    const r = readCsv("client,reply\nI feel stuck,You feel stuck.\n", {
      columns: { text: "reply", context: "client" },
      role: "therapist",
    });
    expect(r.transcripts[0]?.utterances[0]?.metadata).toEqual({ context: "I feel stuck" });
  });

  it("reads a code column as codings (source human by default)", () => {
    const r = readCsv("speaker,text,code,confidence\nT,How so?,question.open,0.8\nC,Hm.,,\n", {
      session: "s",
    });
    expect(r.codings).toEqual([
      { utteranceId: "s:0", codeId: "question.open", confidence: 0.8, source: "human" },
    ]);
    expect(
      readCsv("speaker,text,code\nT,x,other\n", { source: "coder:A" }).codings[0]?.source,
    ).toBe("coder:A");
  });

  it("a role column wins over the speaker map, --speaker (role) over both", () => {
    const r = readCsv("speaker,role,text\nSam,client,hi\nT,,yo\n");
    expect(r.transcripts[0]?.utterances.map((u) => u.role)).toEqual(["client", "therapist"]);
    const forced = readCsv("speaker,role,text\nSam,client,hi\n", { role: "therapist" });
    expect(forced.transcripts[0]?.utterances[0]?.role).toBe("therapist");
  });

  it("keeps an unmapped speaker with role other and warns once per name, with the line", () => {
    const r = readCsv("speaker,text\nNarrator,secret words\nT,x\nNarrator,more secret\n", {
      file: "f.csv",
    });
    const u = r.transcripts[0]?.utterances ?? [];
    expect(u).toHaveLength(3);
    expect(u[0]).toMatchObject({ speaker: "Narrator", role: "other" });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: "unknown_speaker", line: 2, file: "f.csv" });
    expect(r.warnings[0]?.message).not.toContain("secret");
    // The label itself is not repeated either: it can be a person's name.
    expect(r.warnings[0]?.message).not.toContain("Narrator");
    expect(r.warnings[0]?.message).toContain("line 2");
  });

  it("does not repeat a speaker label that is really utterance text shifted into the column", () => {
    const r = readCsv('speaker,text\n"I told nobody about it",x\n', { file: "f.csv" });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]?.message).not.toContain("told nobody");
    expect(r.warnings[0]?.message).toContain("22 characters");
  });

  it("errors on a missing mapped column, naming it and line 1", () => {
    const e = parseError(() =>
      readCsv("speaker,words\nT,secret\n", { columns: { text: "text" }, file: "x.csv" }),
    );
    expect(e.issues[0]).toMatchObject({
      code: "missing_column",
      line: 1,
      file: "x.csv",
      path: ["columns", "text"],
    });
    expect(e.message).toContain('"text"');
    expect(e.message).toContain("x.csv:1");
    expect(e.format).toBe("csv");
    expect(e.line).toBe(1);
    expect(e.message).not.toContain("secret");
  });

  it("errors on a row with the wrong number of fields, with its line", () => {
    const e = parseError(() =>
      readCsv("speaker,text\nT,fine\nC,top secret,extra\n", { file: "y.csv" }),
    );
    expect(e.issues[0]).toMatchObject({ code: "bad_row", line: 3, file: "y.csv" });
    expect(e.message).not.toContain("secret");
  });

  it("errors on an unclosed quote with a line", () => {
    const e = parseError(() => readCsv('speaker,text\nT,"never closed secret\n'));
    expect(e.issues[0]?.code).toBe("bad_csv");
    expect(e.line).toBeGreaterThanOrEqual(2);
    expect(e.message).not.toContain("secret");
  });

  it("errors on a bad time with line and column name", () => {
    const e = parseError(() => readCsv("speaker,text,start\nT,a,1\nT,secret,12:xx\n"));
    expect(e.issues[0]).toMatchObject({ code: "bad_timestamp", line: 3, path: ["start"] });
    expect(e.message).not.toContain("secret");
  });

  it("gives the first line of a multi-line row after a multi-line row", () => {
    const e = parseError(() => readCsv('speaker,text,start\nT,"a\nb\nc",1\nC,ok,bad\n'));
    expect(e.line).toBe(5);
  });

  it("with onError skip, leaves bad rows out and reports each with its line", () => {
    const r = readCsv("speaker,text,start\nT,a,1\nC,b,c,d\nT,c,oops\nC,d,4\n", { onError: "skip" });
    expect(r.transcripts[0]?.utterances.map((u) => [u.id, u.text])).toEqual([
      ["session:0", "a"],
      ["session:1", "d"],
    ]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([
      ["bad_row", 3],
      ["bad_timestamp", 4],
    ]);
  });

  it("accepts a BOM and CRLF line ends", () => {
    const r = readCsv("\ufeffspeaker,text\r\nT,a\r\nC,b\r\n");
    expect(r.transcripts[0]?.utterances.map((u) => u.text)).toEqual(["a", "b"]);
  });

  it("refuses an empty input (no header row) as empty_input at line 1", () => {
    expect(() => readCsv("")).toThrow(/^1: csv: the input is empty/);
    expect(readCsv("speaker,text\n").transcripts).toEqual([]);
  });
});

describe("writeCsv", () => {
  it("quotes what needs quoting and writes only the optional columns in use", () => {
    const out = writeCsv([
      {
        id: "s",
        utterances: [
          {
            id: "s:0",
            session: "s",
            index: 0,
            speaker: "T",
            role: "therapist",
            text: 'He said "hi", then\nleft',
          },
        ],
      },
    ]);
    expect(out).toBe(
      'id,session,index,speaker,role,text\ns:0,s,0,T,therapist,"He said ""hi"", then\nleft"\n',
    );
    expect(csvField("plain")).toBe("plain");
  });
});
