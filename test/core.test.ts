import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatIssue,
  parseTranscript,
  parseUtterance,
  safeParseCoding,
  safeParseUtterance,
  ValidationError,
} from "../src/index.js";

const utt = {
  id: "s1:0",
  session: "s1",
  index: 0,
  speaker: "T",
  role: "therapist",
  text: "Hello.",
};

describe("data model", () => {
  it("parses a valid utterance and keeps optional fields", () => {
    expect(parseUtterance({ ...utt, start: 1, end: 2 })).toEqual({ ...utt, start: 1, end: 2 });
  });

  it("reports the path of a bad field", () => {
    const r = safeParseUtterance({ ...utt, role: "doctor" });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error).toBeInstanceOf(ValidationError);
      expect(r.error.issues[0]?.path).toEqual(["role"]);
    }
  });

  it("rejects an end before the start", () => {
    const r = safeParseUtterance({ ...utt, start: 5, end: 2 });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual(["end"]);
  });

  it("gives nested paths inside a transcript", () => {
    try {
      parseTranscript({ id: "s1", utterances: [utt, { ...utt, index: -1 }] });
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toEqual(["utterances", 1, "index"]);
      expect((e as Error).message).toContain("utterances[1].index");
    }
  });

  it("bounds confidence to [0, 1]", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (c) => {
        const r = safeParseCoding({
          utteranceId: "u",
          codeId: "x",
          confidence: c,
          source: "rules",
        });
        return r.success === (c >= 0 && c <= 1);
      }),
    );
  });

  it("formats locations as file:line:column", () => {
    expect(
      formatIssue({
        code: "bad_row",
        path: [],
        message: "expected 3 fields",
        file: "a.csv",
        line: 4,
        column: 2,
      }),
    ).toBe("a.csv:4:2: expected 3 fields");
  });
});
