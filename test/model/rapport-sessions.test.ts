import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { linearClassifier } from "../../src/classify/linear/index.js";
import type { Prediction } from "../../src/classify/types.js";
import type { Utterance } from "../../src/core/schemas.js";
import { readText } from "../../src/io/index.js";
import {
  defaultClassifier,
  rapportClassifier,
  rapportCueTagger,
  rapportModel,
} from "../../src/model/index.js";
import { sentencesOf } from "../../src/model/rapport.js";
import { utt } from "../classify/_helpers.js";

// Two sessions, interleaved.
const batch: Utterance[] = [
  utt("a", 0, "What brings you in today?", "therapist"),
  utt("b", 0, "It sounds like you've been really stressed.", "therapist"),
  utt("a", 1, "I want to cut down on drinking, I think.", "client"),
  utt("b", 1, "I don't see why I should change anything.", "client"),
  utt("a", 2, "You want to cut down on drinking.", "therapist"),
  utt("b", 2, "Would it be okay if I shared some information?", "therapist"),
];

/** A client turn, then the therapist's line: the default's code for the line. */
function codeAfter(client: string, line: string, evidence = 0): Prediction {
  const out = defaultClassifier({ codebook: "rapport", evidence }).classify([
    utt("s", 0, client, "client"),
    utt("s", 1, line, "therapist"),
  ]);
  return out[1] as Prediction;
}

describe("rapport default", () => {
  it("gives each utterance what coding its session alone gives, in input order", () => {
    const clf = defaultClassifier({ codebook: "rapport" });
    const all = clf.classify(batch);
    expect(all.map((p) => p.utteranceId)).toEqual(batch.map((x) => x.id));
    const bySession = new Map<string, Prediction>();
    for (const s of ["a", "b"]) {
      for (const p of clf.classify(batch.filter((x) => x.session === s)))
        bySession.set(p.utteranceId, p);
    }
    expect(all).toEqual(batch.map((x) => bySession.get(x.id)));
  });

  it("is the linear model with the cue tagger: the same codes as linearClassifier with it", () => {
    const a = defaultClassifier({ codebook: "rapport" }).classify(batch);
    const b = linearClassifier(rapportModel, {
      tagger: rapportCueTagger(),
      evidence: 3,
      probabilities: false,
    }).classify(batch);
    expect(a.map((p) => [p.codeId, p.confidence])).toEqual(b.map((p) => [p.codeId, p.confidence]));
  });

  it("gives every therapist code's probability on request, and the same codes", () => {
    const plain = defaultClassifier({ codebook: "rapport" }).classify(batch);
    const withP = defaultClassifier({ codebook: "rapport", probabilities: true }).classify(batch);
    expect(plain[0]).not.toHaveProperty("probabilities");
    expect(withP.map((p) => [p.codeId, p.confidence])).toEqual(
      plain.map((p) => [p.codeId, p.confidence]),
    );
    const t = withP[0]?.probabilities as Record<string, number>;
    expect(Object.keys(t)).toContain("validation");
    expect(Object.keys(t)).not.toContain("change_talk");
    expect(Object.values(t).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(t[withP[0]?.codeId as string]).toBe(withP[0]?.confidence);
  });

  it("tags a helper's turn after a request for advice, or after a turn declining it (rapport-cues@6)", () => {
    const tag = (client: string, context = false) => {
      const c = utt("s", 0, client, "client");
      const h = utt("s", 1, "Try a wind-down hour.", "therapist");
      const tags = context
        ? rapportCueTagger().tag([h], { context: [c] })
        : rapportCueTagger().tag([c, h]);
      return tags.at(-1) as string[];
    };
    expect(tag("I can't sleep. What should I do?")).toContain("ctx:advice_asked");
    expect(tag("Any tips for sleeping on night shifts?")).toContain("ctx:advice_asked");
    // From a context turn too (as --context-column gives it).
    expect(tag("I can't sleep. What should I do?", true)).toContain("ctx:advice_asked");
    // A statement, or a question that asks for no advice, is not a request.
    expect(tag("I can't sleep and I should sleep more.")).not.toContain("ctx:advice_asked");
    expect(tag("Is this normal?")).not.toContain("ctx:advice_asked");
    // An outright request needs no question mark; a turn that wants only to be heard is tagged so.
    expect(tag("honestly any advice appreciated")).toContain("ctx:advice_asked");
    expect(tag("Not looking for advice, just needed to vent.")).toEqual(
      expect.arrayContaining(["ctx:advice_declined"]),
    );
    expect(tag("Not looking for advice, just needed to vent.")).not.toContain("ctx:advice_asked");
    expect(tag("What should I do?")).not.toContain("ctx:advice_declined");
    // Client turns themselves are never tagged with it.
    const [clientTags] = rapportCueTagger().tag([utt("s", 0, "What should I do?", "client")]);
    expect(clientTags).not.toContain("ctx:advice_asked");
  });

  it("refuses to run the rapport model without its tagger", () => {
    expect(() => linearClassifier(rapportModel)).toThrow(/tagger "rapport-cues@6"/);
  });

  // The lines of issue #12, written for it: the previous default coded the first two as
  // complex reflections.
  it("codes unsolicited advice as advice.unsolicited", () => {
    const p = codeAfter(
      "I keep checking my work email at midnight and then I can't sleep.",
      "You should just stop checking your email after dinner.",
    );
    expect(p.codeId).toBe("advice.unsolicited");
  });

  it("codes a put-down of the client's thinking as judgement", () => {
    const p = codeAfter(
      "I think if I don't answer straight away they'll decide I'm useless.",
      "That's a silly way to think about it.",
    );
    expect(p.codeId).toBe("judgement");
  });

  // Advice phrased as a question is advice (coding manual §3). Two other probe lines of session 9
  // ("Why don't you just tell her how you feel?" as advice, "What helped me was making a list every
  // morning." as self-disclosure) held with that model and not with session 10's, which codes both
  // as open questions by a small margin; the model card lists them under "The lines".
  it("codes advice phrased as a question as advice", () => {
    const asked = codeAfter(
      "I can't stop checking my work email at night.",
      "Have you tried talking to your manager about it?",
    );
    expect(asked.codeId).toBe("advice.unsolicited");
  });

  it("does not code the therapist's story about their own work in the demo as judgement", () => {
    const text = readFileSync(new URL("../../examples/demo-session.txt", import.meta.url), "utf8");
    const us = readText(text, { session: "demo" }).transcripts[0]?.utterances ?? [];
    const out = defaultClassifier({ codebook: "rapport" }).classify(us);
    const story = us.findIndex((u) => u.text.startsWith("You know, when I was starting out"));
    expect(story).toBeGreaterThanOrEqual(0);
    expect(out[story]?.codeId).not.toBe("judgement");
  });

  it("explains a code with its cue tags and words, never the text", () => {
    const line = "You should just stop checking your email after dinner.";
    // Evidence is opt-in: none by default, and the same code with it.
    expect(codeAfter("I can't sleep.", line).evidence).toBeUndefined();
    const p = codeAfter("I can't sleep.", line, 3);
    expect(p.codeId).toBe(codeAfter("I can't sleep.", line).codeId);
    const names = (p.evidence?.features ?? []).map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.some((n) => n.startsWith("k:cue"))).toBe(true);
  });
});

describe("secondary codes", () => {
  it("splits sentences after terminal punctuation", () => {
    expect(sentencesOf("That's hard. What helped? Mm… ok!")).toEqual([
      "That's hard.",
      "What helped?",
      "Mm…",
      "ok!",
    ]);
    expect(sentencesOf("   ")).toEqual([]);
  });

  it("are off by default, and with secondary on keep the primary codes unchanged", () => {
    const lines: Utterance[] = [
      utt("s", 0, "My boss keeps piling work on me and I just freeze.", "client"),
      utt(
        "s",
        1,
        "That sounds exhausting, anyone would freeze under that. You need to tell him no tomorrow.",
        "therapist",
      ),
    ];
    const plain = rapportClassifier(rapportModel).classify(lines);
    expect(plain.some((p) => p.secondary !== undefined)).toBe(false);
    const withSecond = rapportClassifier(rapportModel, {
      secondary: true,
      secondaryThreshold: 0,
    }).classify(lines);
    expect(withSecond.map((p) => p.codeId)).toEqual(plain.map((p) => p.codeId));
    const s = withSecond[1]?.secondary;
    expect(s).toBeDefined();
    // Another family than the primary code.
    expect(s?.codeId.split(".")[0]).not.toBe(withSecond[1]?.codeId.split(".")[0]);
  });
});
