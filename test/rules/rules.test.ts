import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  annomiCodebook,
  defineCodebook,
  extendCodebook,
  type MitiCodeId,
  matchCues,
  mitiCodebook,
  type RapportCodeId,
  rapportCodebook,
  rulesClassifier,
  type Utterance,
} from "../../src/index.js";

const utt = (
  text: string,
  role: Utterance["role"] = "therapist",
  index = 0,
  session = "s",
): Utterance => ({ id: `${session}:${index}`, session, index, speaker: role, role, text });

const rules = rulesClassifier(rapportCodebook);
const codeOf = (text: string, before?: string) => {
  const batch = before ? [utt(before, "client", 0), utt(text, "therapist", 1)] : [utt(text)];
  return rules.classify(batch).at(-1);
};

describe("rulesClassifier", () => {
  it("has a versioned id and names its codebook", () => {
    expect(rules.id).toBe("rules@rapport-1.0.0");
    expect(rules.mode).toBe("sync");
    expect(rules.codebook).toEqual({ id: "rapport", version: "1.0.0" });
    expect(rulesClassifier(mitiCodebook).id).toBe("rules@miti-4.2.1-4.2.1");
  });

  it("is typed with the codebook's code ids", () => {
    expectTypeOf(rules.classify([])).toEqualTypeOf<
      import("../../src/index.js").Prediction<RapportCodeId>[]
    >();
    expectTypeOf(rulesClassifier(mitiCodebook).classify([])[0]?.codeId).toEqualTypeOf<
      MitiCodeId | undefined
    >();
  });

  it("reads question syntax: wh-words open, auxiliary inversion closed", () => {
    expect(codeOf("What brings you here today?")?.codeId).toBe("question.open");
    expect(codeOf("So, how do you feel about that?")?.codeId).toBe("question.open");
    expect(codeOf("Tell me more about your week.")?.codeId).toBe("question.open");
    expect(codeOf("Do you smoke?")?.codeId).toBe("question.closed");
    expect(codeOf("Is it every day?")?.codeId).toBe("question.closed");
    expect(codeOf("Have you tried the patches?")?.codeId).toBe("question.closed");
    expect(codeOf("How many cigarettes a day?")?.codeId).toBe("question.closed");
    // an unpunctuated final question still counts
    expect(codeOf("okay and what happened then")?.codeId).toBe("question.open");
  });

  it("uses verbal mirroring of the client's previous turn for reflections", () => {
    const client = "I've been arguing with my brother about money constantly.";
    const p = codeOf("Arguing with your brother about money, constantly.", client);
    expect(p?.codeId).toBe("reflection.simple");
    const spans = p?.evidence?.spans ?? [];
    expect(spans.some((s) => s.cue?.includes("mirroring"))).toBe(true);
    // the same words without that context are not a reflection by mirroring
    const alone = codeOf("Arguing with your brother about money, constantly.");
    expect(alone?.evidence?.spans?.some((s) => s.cue?.includes("mirroring")) ?? false).toBe(false);
  });

  it("takes mirroring context from options.context when the batch starts mid-session", () => {
    const ctx = [utt("I hate the night shifts at the warehouse.", "client", 0)];
    const [p] = rules.classify([utt("The night shifts at the warehouse.", "therapist", 1)], {
      context: ctx,
    });
    expect(p?.evidence?.spans?.some((s) => s.cue?.includes("mirroring"))).toBe(true);
  });

  it("mirrors only a client turn among the last 3 turns of the same session", () => {
    const client = utt("I hate the night shifts at the warehouse.", "client", 0);
    const t = (i: number, session = "s") =>
      utt("The night shifts at the warehouse.", "therapist", i, session);
    const mirrored = (p: { evidence?: { spans?: { cue?: string }[] } } | undefined) =>
      p?.evidence?.spans?.some((s) => s.cue?.includes("mirroring")) ?? false;
    const out = rules.classify([client, t(1), t(2, "other"), t(3), t(4), t(5)]);
    expect(out.map(mirrored)).toEqual([false, true, false, true, true, false]);
  });

  it("stays linear when every utterance is its own session", () => {
    const batch = Array.from({ length: 40_000 }, (_, i) =>
      utt(
        i % 2 ? "You feel stuck at work." : "I feel stuck at work.",
        i % 2 ? "therapist" : "client",
        0,
        `s${i}`,
      ),
    );
    const t0 = performance.now();
    expect(rules.classify(batch)).toHaveLength(batch.length);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it("codes the rapport codes AnnoMI lacks", () => {
    expect(codeOf("It makes sense that you'd be upset after that.")?.codeId).toBe("validation");
    expect(codeOf("Well done, that took real courage.")?.codeId).toBe("affirmation");
    expect(codeOf("That's a selfish way to behave.")?.codeId).toBe("judgement");
    expect(codeOf("You shouldn't feel that way about it.")?.codeId).toBe("invalidation");
    expect(codeOf("Would you like my advice, or would you rather I just listen?")?.codeId).toBe(
      "permission",
    );
    expect(codeOf("What did or didn't work for you in therapy before?")?.codeId).toBe(
      "feedback_request",
    );
  });

  it("is role-aware: client utterances get client codes, with neutral as fallback", () => {
    const [a, b, c] = rules.classify([
      utt("I really want to cut down for my kids.", "client", 0),
      utt("I'm not going to give up my Friday pint.", "client", 1),
      utt("We live near the station.", "client", 2),
    ]);
    expect([a?.codeId, b?.codeId, c?.codeId]).toEqual(["change_talk", "sustain_talk", "neutral"]);
    expect(c?.confidence).toBe(0.3);
    expect(c?.evidence?.features?.[0]?.name).toBe("fallback");
    const therapistFallback = codeOf("The car park by the old station in town.");
    expect(therapistFallback?.codeId).toBe("other");
  });

  it("gives MITI client utterances zero confidence (MITI does not code clients)", () => {
    const miti = rulesClassifier(mitiCodebook);
    const [t, c] = miti.classify([
      utt("You should stop tonight.", "therapist", 0),
      utt("I don't want to.", "client", 1),
    ]);
    expect(t?.codeId).toBe("Persuade");
    expect(c?.confidence).toBe(0);
    expect(c?.evidence?.features?.[0]?.name).toBe("no_code_for_role:client");
  });

  it("codes with the annomi codebook", () => {
    const a = rulesClassifier(annomiCodebook);
    const out = a.classify([
      utt("What worries you most?", "therapist", 0),
      utt("Do you drink every day?", "therapist", 1),
      utt("You should talk to your GP.", "therapist", 2),
      utt("I want to stop.", "client", 3),
    ]);
    expect(out.map((p) => p.codeId)).toEqual([
      "question.open",
      "question.closed",
      "therapist_input.advice",
      "change",
    ]);
  });

  it("gives spans inside the text, named by cue and never quoting the text", () => {
    const text = "Honestly, it makes sense that anyone would feel wiped out.";
    const p = codeOf(text);
    expect(p?.codeId).toBe("validation");
    const spans = p?.evidence?.spans ?? [];
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeLessThanOrEqual(text.length);
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.cue?.startsWith("validation:")).toBe(true);
      expect(s.cue).not.toContain("wiped");
    }
    expect(text.slice(spans[0]?.start, spans[0]?.end).toLowerCase()).toBe("makes sense");
  });

  it("one prediction per input, same ids and order, codes of the codebook, deterministic", () => {
    const leafIds = new Set(rapportCodebook.codes.map((c) => c.id));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            text: fc.string({ maxLength: 80 }),
            role: fc.constantFrom("therapist", "client", "other") as fc.Arbitrary<
              Utterance["role"]
            >,
            session: fc.constantFrom("a", "b"),
          }),
          { maxLength: 20 },
        ),
        (rows) => {
          const batch = rows.map((r, i) => ({ ...utt(r.text, r.role, i, r.session), id: `u${i}` }));
          const out = rules.classify(batch);
          expect(out.map((p) => p.utteranceId)).toEqual(batch.map((u) => u.id));
          for (const p of out) {
            expect(leafIds.has(p.codeId)).toBe(true);
            expect(p.confidence).toBeGreaterThanOrEqual(0);
            expect(p.confidence).toBeLessThanOrEqual(1);
            expect(p.source).toBe(rules.id);
          }
          expect(rules.classify(batch)).toEqual(out);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("codes a 1 MB utterance quickly (smoke test; the bench measures speed)", () => {
    const chunk = "It makes sense that you feel tired, would you like to talk about it? Mm-hmm. ";
    const big = chunk.repeat(Math.ceil(1_000_000 / chunk.length));
    const t0 = performance.now();
    const [p] = rules.classify([utt(big)]);
    const ms = performance.now() - t0;
    expect(p?.codeId).toBeDefined();
    expect((p?.evidence?.spans ?? []).length).toBeLessThan(200);
    expect(ms).toBeLessThan(2000);
  });

  it("handles adversarial repetitive input in linear time", () => {
    const cb = defineCodebook({
      id: "adv",
      version: "1",
      label: "Adversarial",
      codes: [
        {
          id: "x",
          label: "X",
          definition: "x",
          role: "therapist",
          valence: "neutral",
          examples: ["a", "b", "c"],
          counterExamples: ["d", "e"],
          cues: [
            { kind: "tokens", pattern: ["a", "*", "a", "*", "a", "*", "a", "*", "b"] },
            { kind: "phrase", phrases: ["a a a a a a a a a a a a b"] },
          ],
        },
      ],
    });
    const c = rulesClassifier(cb);
    const t0 = performance.now();
    c.classify([utt("a ".repeat(100_000))]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe("codebook authors' own cues", () => {
  it("a code added with extendCodebook is coded from its cues, with evidence", () => {
    const { codebook, conflicts } = extendCodebook(rapportCodebook, {
      id: "rapport-clinic",
      version: "1.0.0",
      add: [
        {
          id: "humour",
          label: "Humour",
          definition: "The therapist uses light, shared humour.",
          role: "therapist",
          valence: "builds",
          examples: [
            "Ha, your cat clearly runs the house.",
            "Well, that's one way to do it!",
            "Sounds like a sitcom.",
          ],
          counterExamples: ["That sounds hard.", "What happened next?"],
          cues: [{ kind: "phrase", phrases: ["ha", "sitcom", "runs the house"], weight: 3 }],
        },
      ],
      override: [
        { id: "structuring", cues: [{ kind: "phrase", phrases: ["homework review"], weight: 3 }] },
      ],
    });
    expect(conflicts).toEqual([]);
    const c = rulesClassifier(codebook);
    expect(c.id).toBe("rules@rapport-clinic-1.0.0");
    const [a, b] = c.classify([
      utt("Ha, your cat clearly runs the house.", "therapist", 0),
      utt("Time for the homework review.", "therapist", 1),
    ]);
    expect(a?.codeId).toBe("humour");
    expect(a?.evidence?.spans?.map((s) => s.cue)).toContain('humour:phrase "ha"');
    expect(b?.codeId).toBe("structuring");
  });
});

describe("matchCues", () => {
  it("matches phrases on tokens, case-insensitively, with start/end anchors", () => {
    expect(
      matchCues([{ kind: "phrase", phrases: ["makes sense"] }], "That MAKES sense.").score,
    ).toBe(1);
    expect(
      matchCues([{ kind: "phrase", phrases: ["makes sense"] }], "That makes-sense.").score,
    ).toBe(0);
    const start = { kind: "phrase" as const, phrases: ["would you like"], at: "start" as const };
    expect(matchCues([start], "So, would you like a break?").score).toBe(1);
    expect(matchCues([start], "What would you like to change?").score).toBe(0);
    const end = { kind: "phrase" as const, phrases: ["right"], at: "end" as const, weight: 2 };
    expect(matchCues([end], "You went, right?").score).toBe(2);
    expect(matchCues([end], "Right, you went.").score).toBe(0);
  });

  it("matches token patterns with * wildcards", () => {
    const cue = { kind: "tokens" as const, pattern: ["you", "*", "to"] };
    const r = matchCues([cue], "I think you want to stop.");
    expect(r.score).toBe(1);
    expect(r.fired[0]?.spans[0]).toMatchObject({ start: 8, end: 19 });
    expect(matchCues([cue], "you to").score).toBe(0);
  });

  it("counts pronouns, length and mirroring", () => {
    expect(
      matchCues([{ kind: "pronoun", person: "first", min: 2 }], "I think my plan is fine.").score,
    ).toBe(1);
    expect(matchCues([{ kind: "pronoun", person: "second", min: 2 }], "You said so.").score).toBe(
      0,
    );
    expect(matchCues([{ kind: "length", max: 2 }], "Mm-hmm, right.").score).toBe(1);
    const mirror = [{ kind: "mirroring" as const, min: 0.5 }];
    expect(
      matchCues(mirror, "Your garden keeps you sane.", {
        previousClientText: "Gardening is what keeps me sane.",
      }).score,
    ).toBe(1);
    expect(matchCues(mirror, "Your garden keeps you sane.").score).toBe(0);
  });
});
