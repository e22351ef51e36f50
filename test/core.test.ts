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

describe("precedingTurns", async () => {
  const { precedingTurns } = await import("../src/index.js");
  const mk = (session: string, index: number) => ({
    id: `${session}:${index}`,
    session,
    index,
    speaker: "x",
    role: "client" as const,
    text: "",
  });

  it("returns earlier turns of the same session, oldest first, after the context", () => {
    const batch = [mk("a", 2), mk("b", 0), mk("a", 3), mk("b", 1), mk("a", 4)];
    const context = [mk("a", 0), mk("b", 5), mk("a", 1)];
    expect(precedingTurns(batch, 4, { context }).map((u) => u.id)).toEqual([
      "a:0",
      "a:1",
      "a:2",
      "a:3",
    ]);
    expect(precedingTurns(batch, 4, { context }, 2).map((u) => u.id)).toEqual(["a:2", "a:3"]);
    expect(precedingTurns(batch, 3).map((u) => u.id)).toEqual(["b:0"]);
    expect(precedingTurns(batch, 0).map((u) => u.id)).toEqual([]);
  });

  it("matches a naive scan on random interleavings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 40 }),
        fc.nat(12),
        (sessions, max) => {
          const batch = sessions.map((s, i) => mk(s, i));
          batch.forEach((u, i) => {
            const naive = batch
              .slice(0, i)
              .filter((p) => p.session === u.session)
              .slice(-max);
            expect(max === 0 ? [] : precedingTurns(batch, i, undefined, max)).toEqual(
              max === 0 ? [] : naive,
            );
          });
        },
      ),
    );
  });

  it("stays linear when every utterance is its own session", () => {
    const batch = Array.from({ length: 50_000 }, (_, i) => mk(`s${i}`, 0));
    const t0 = performance.now();
    for (let i = 0; i < batch.length; i++) precedingTurns(batch, i);
    // A smoke bound that only a quadratic scan (~1.25e9 steps) would break.
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
