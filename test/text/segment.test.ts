/**
 * Sentence units for long helper turns (coding manual §1, "Long turns coded sentence by
 * sentence"): `sentenceSpans`, `segmentTurns`, `turnSegmenter`.
 */
import { describe, expect, it } from "vitest";
import type { Utterance } from "../../src/index.js";
import { segmentTurns, sentenceSpans, turnSegmenter } from "../../src/index.js";

const texts = (t: string) => sentenceSpans(t).map((s) => s.text);

describe("sentenceSpans", () => {
  it("splits after sentence ends and at line breaks, keeping list markers with their item", () => {
    expect(texts("Hi there.\n\n1. Talk to him. 2. Wait.\n- no rush\n- or call")).toEqual([
      "Hi there.",
      "1. Talk to him.",
      "2. Wait.",
      "- no rush",
      "- or call",
    ]);
  });

  it("does not split after abbreviations or initials, but does after 'I'", () => {
    expect(texts("Ask Dr. Lee, e.g. on Monday. J. Smith agrees. So do I. Okay")).toEqual([
      "Ask Dr. Lee, e.g. on Monday.",
      "J. Smith agrees.",
      "So do I.",
      "Okay",
    ]);
  });

  it("ends a sentence after closing quotes and repeated marks; letterless pieces join a neighbour", () => {
    expect(texts('She said "stop." Then?! 🙂\n💪')).toEqual(['She said "stop."', "Then?! 🙂\n💪"]);
    expect(texts("🙂 👍")).toEqual(["🙂 👍"]);
    expect(texts("   \n ")).toEqual([]);
  });

  it("spans point into the text and cover every character but white space", () => {
    const t = "  Wow.  That's hard!!\r\n\r\n- one\n2) two… three ?  ok. ";
    const spans = sentenceSpans(t);
    for (const s of spans) expect(t.slice(s.start, s.end)).toBe(s.text);
    const covered = new Set<number>();
    for (const s of spans) for (let i = s.start; i < s.end; i++) covered.add(i);
    for (let i = 0; i < t.length; i++)
      if (!/\s/.test(t[i] as string)) expect(covered.has(i), `character ${i}`).toBe(true);
    for (let k = 1; k < spans.length; k++)
      expect(spans[k]?.start).toBeGreaterThan(spans[k - 1]?.end as number);
  });
});

const turns: Utterance[] = [
  {
    id: "c1",
    session: "s",
    index: 10,
    speaker: "Sam",
    role: "client",
    text: "I can't sleep. Help.",
  },
  {
    id: "h1",
    session: "s",
    index: 11,
    speaker: "Ana",
    role: "therapist",
    text: "That sounds exhausting.\n\nHave you tried a wind-down routine? It helped me.",
    start: 5,
    end: 15,
    metadata: { context: "x" },
  },
  { id: "h2", session: "t", index: 0, speaker: "Ana", role: "therapist", text: "Mm-hmm." },
  { id: "h3", session: "s", index: 12, speaker: "Ana", role: "therapist", text: "Okay." },
];

describe("segmentTurns", () => {
  const out = segmentTurns(turns);

  it("splits the helper's multi-sentence turns only, and renumbers each session in order", () => {
    expect(out.map((u) => [u.id, u.session, u.index, u.text])).toEqual([
      ["c1", "s", 0, "I can't sleep. Help."],
      ["h1#1", "s", 1, "That sounds exhausting."],
      ["h1#2", "s", 2, "Have you tried a wind-down routine?"],
      ["h1#3", "s", 3, "It helped me."],
      ["h2", "t", 0, "Mm-hmm."],
      ["h3", "s", 4, "Okay."],
    ]);
    expect(turns[1]?.id).toBe("h1"); // the input is left as it was
  });

  it("says where each segment came from, beside the turn's own metadata", () => {
    const t = turns[1]?.text as string;
    for (const u of out.filter((x) => x.id.startsWith("h1#"))) {
      const seg = u.metadata?.segment as { of: string; start: number; end: number; count: number };
      expect(seg.of).toBe("h1");
      expect(seg.count).toBe(3);
      expect(t.slice(seg.start, seg.end)).toBe(u.text);
      expect(u.metadata?.context).toBe("x");
    }
  });

  it("shares a timed turn's time among its sentences, so talk time is unchanged", () => {
    const parts = out.filter((u) => u.id.startsWith("h1#"));
    expect(parts[0]?.start).toBe(5);
    expect(parts.at(-1)?.end).toBe(15);
    for (let k = 1; k < parts.length; k++) expect(parts[k]?.start).toBe(parts[k - 1]?.end);
    const total = parts.reduce((n, u) => n + ((u.end as number) - (u.start as number)), 0);
    expect(total).toBeCloseTo(10, 10);
    // In proportion to length: the longest sentence gets the most time.
    const len = parts.map((u) => (u.end as number) - (u.start as number));
    expect(len[1]).toBeGreaterThan(len[0] as number);
    expect(len[0]).toBeGreaterThan(len[2] as number);
  });

  it("splits other roles when asked", () => {
    expect(segmentTurns(turns, { roles: ["client"] }).map((u) => u.id)).toEqual([
      "c1#1",
      "c1#2",
      "h1",
      "h2",
      "h3",
    ]);
  });

  it("turnSegmenter gives the same units one turn at a time", () => {
    const split = turnSegmenter();
    expect(turns.flatMap((u) => split(u))).toEqual(out);
  });
});
