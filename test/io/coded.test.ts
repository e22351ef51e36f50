import { describe, expect, it } from "vitest";
import {
  type CodedRow,
  codedRowsToCodedTranscripts,
  readCodedRows,
  writeCodedCsv,
  writeCodedJsonl,
} from "../../src/io/index.js";
import { parseError } from "./_expect.js";

const rows: CodedRow[] = [
  {
    id: "s:0",
    session: "s",
    index: 0,
    speaker: "therapist",
    code: "question.open",
    confidence: 0.91,
    text: 'What, "exactly"\nhappened?',
  },
  {
    id: "s:1",
    session: "s",
    index: 1,
    speaker: "client",
    code: "",
    confidence: 0,
    text: "Nothing.",
  },
  {
    id: "t:0",
    session: "t",
    index: 0,
    speaker: "therapist",
    code: "reflection.simple",
    confidence: 1,
    text: "You're tired.",
  },
];

describe("coded rows", () => {
  it("writes the CSV header exactly and reads both formats back", () => {
    const csv = writeCodedCsv(rows);
    expect(csv.split("\n")[0]).toBe("id,session,index,speaker,code,confidence,text");
    expect(readCodedRows(csv, { format: "csv" })).toEqual(rows);
    expect(readCodedRows(writeCodedJsonl(rows), { format: "jsonl" })).toEqual(rows);
  });

  it("writes confidences rounded to 4 decimals (CSV and JSONL)", () => {
    const long: CodedRow = { ...(rows[0] as CodedRow), confidence: 0.9242555229336087 };
    const tiny: CodedRow = { ...(rows[2] as CodedRow), confidence: 0.00000412 };
    const csv = writeCodedCsv([long, tiny]);
    expect(csv).toContain(",question.open,0.9243,");
    expect(csv).toContain(",reflection.simple,0,");
    const back = readCodedRows(writeCodedJsonl([long, tiny]), { format: "jsonl" });
    expect(back.map((r) => r.confidence)).toEqual([0.9243, 0]);
  });

  it("groups rows into coded transcripts, uncoded rows without codings", () => {
    const ct = codedRowsToCodedTranscripts(rows, { id: "annomi", version: "1.0.0" }, "rules");
    expect(
      ct.map((c) => [c.transcript.id, c.transcript.utterances.length, c.codings.length]),
    ).toEqual([
      ["s", 2, 1],
      ["t", 1, 1],
    ]);
    expect(ct[0]?.codings[0]).toEqual({
      utteranceId: "s:0",
      codeId: "question.open",
      confidence: 0.91,
      source: "rules",
    });
    expect(ct[0]?.transcript.utterances[1]).toMatchObject({ speaker: "client", role: "client" });
  });

  it("names the line and field of a bad row", () => {
    const e = parseError(() =>
      readCodedRows(
        "id,session,index,speaker,code,confidence,text\ns:0,s,0,therapist,x,1.5,secret\n",
        { format: "csv", file: "c.csv" },
      ),
    );
    expect(e.issues[0]).toMatchObject({ line: 2, path: ["confidence"], file: "c.csv" });
    expect(e.message).not.toContain("secret");
    expect(parseError(() => readCodedRows("id,text\n", { format: "csv" })).issues[0]?.code).toBe(
      "missing_column",
    );
    expect(
      parseError(() => readCodedRows('{"id":1}\n{', { format: "jsonl" })).issues[0]?.line,
    ).toBe(1);
  });
});
