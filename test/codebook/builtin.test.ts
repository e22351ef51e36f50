import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ancestorsOf,
  annomiCodebook,
  builtinCodebooks,
  CodebookError,
  childrenOf,
  codesForRole,
  getBuiltinCodebook,
  getCode,
  type InferCodeId,
  leafCodes,
  mitiCodebook,
  parseCodebook,
  rapportCodebook,
  rollUp,
} from "../../src/index.js";

describe("built-in codebooks", () => {
  it("have exactly the code ids the issue lists", () => {
    expect(rapportCodebook.codes.map((c) => c.id).sort()).toEqual(
      [
        "reflection",
        "reflection.simple",
        "reflection.complex",
        "summary",
        "question",
        "question.open",
        "question.closed",
        "validation",
        "affirmation",
        "permission",
        "feedback_request",
        "autonomy",
        "information",
        "advice",
        "advice.permitted",
        "advice.unsolicited",
        "self_disclosure",
        "oversharing",
        "judgement",
        "invalidation",
        "facilitation",
        "structuring",
        "other",
        "change_talk",
        "sustain_talk",
        "neutral",
      ].sort(),
    );
    expect(annomiCodebook.codes.map((c) => c.id).sort()).toEqual(
      [
        "reflection",
        "reflection.simple",
        "reflection.complex",
        "question",
        "question.open",
        "question.closed",
        "therapist_input",
        "therapist_input.information",
        "therapist_input.advice",
        "therapist_input.negotiation",
        "therapist_input.options",
        "other",
        "change",
        "neutral",
        "sustain",
      ].sort(),
    );
    expect(mitiCodebook.codes.map((c) => c.id)).toEqual([
      "GI",
      "Persuade",
      "PersuadeWithPermission",
      "Q",
      "SR",
      "CR",
      "AF",
      "Seek",
      "Emphasize",
      "Confront",
    ]);
    expect(mitiCodebook.globals?.map((g) => [g.id, g.min, g.max])).toEqual([
      ["CCT", 1, 5],
      ["SST", 1, 5],
      ["Partnership", 1, 5],
      ["Empathy", 1, 5],
    ]);
    expect(codesForRole(mitiCodebook, "client")).toEqual([]);
  });

  it("every built-in validates as JSON (round trip through parseCodebook)", () => {
    for (const cb of Object.values(builtinCodebooks)) {
      const json = JSON.parse(JSON.stringify(cb));
      expect(parseCodebook(json)).toEqual(cb);
      for (const code of cb.codes) {
        expect(code.examples.length).toBeGreaterThanOrEqual(3);
        expect(code.counterExamples.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it("every crosswalk target exists in the built-in target codebook", () => {
    const missing: string[] = [];
    for (const cb of Object.values(builtinCodebooks)) {
      for (const code of cb.codes) {
        for (const target of ["rapport", "annomi", "miti-4.2.1"] as const) {
          if (target === cb.id) continue;
          const targetCb = getBuiltinCodebook(target);
          for (const t of code.crosswalk?.[target] ?? []) {
            if (!targetCb.codes.some((c) => c.id === t))
              missing.push(`${cb.id}:${code.id} -> ${target}:${t}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("crosswalks rapport<->annomi and both -> miti for every code (an empty list plus a note when none)", () => {
    const pairs: [typeof rapportCodebook | typeof annomiCodebook, string[]][] = [
      [rapportCodebook, ["annomi", "miti-4.2.1", "misc-2.5"]],
      [annomiCodebook, ["rapport", "miti-4.2.1"]],
    ];
    for (const [cb, targets] of pairs) {
      for (const code of cb.codes) {
        for (const t of targets) {
          const list = (code.crosswalk as Record<string, unknown> | undefined)?.[t] as
            | string[]
            | undefined;
          const explained = list !== undefined || code.crosswalk?.note !== undefined;
          expect(explained, `${cb.id}:${code.id} -> ${t}`).toBe(true);
          if (list !== undefined && list.length === 0)
            expect(code.crosswalk?.note, `${cb.id}:${code.id} empty ${t}`).toBeTruthy();
        }
      }
    }
  });

  it("getBuiltinCodebook throws unknown_codebook", () => {
    expect(getBuiltinCodebook("rapport")).toBe(rapportCodebook);
    expect(() => getBuiltinCodebook("nope")).toThrow(CodebookError);
    try {
      getBuiltinCodebook("nope");
    } catch (e) {
      expect((e as CodebookError).issues[0]?.code).toBe("unknown_codebook");
    }
    expect(() => getBuiltinCodebook("__proto__")).toThrow(CodebookError);
  });

  it("hierarchy helpers", () => {
    expect(getCode(rapportCodebook, "validation").valence).toBe("builds");
    expect(() => getCode(rapportCodebook, "nope")).toThrow(/no code 'nope'/);
    expect(childrenOf(rapportCodebook, "question").map((c) => c.id)).toEqual([
      "question.open",
      "question.closed",
    ]);
    expect(ancestorsOf(rapportCodebook, "reflection.simple").map((c) => c.id)).toEqual([
      "reflection",
    ]);
    expect(ancestorsOf(rapportCodebook, "validation")).toEqual([]);
    expect(rollUp(rapportCodebook, "reflection.simple", 0)).toBe("reflection");
    expect(rollUp(rapportCodebook, "reflection.simple", 1)).toBe("reflection.simple");
    expect(rollUp(rapportCodebook, "validation", 0)).toBe("validation");
    expect(rollUp(annomiCodebook, "therapist_input.options", 0)).toBe("therapist_input");
    expect(codesForRole(rapportCodebook, "client").map((c) => c.id)).toEqual([
      "change_talk",
      "sustain_talk",
      "neutral",
    ]);
    expect(leafCodes(rapportCodebook).map((c) => c.id)).not.toContain("reflection");
    expect(leafCodes(rapportCodebook)).toHaveLength(23);
  });

  it("infers the literal code ids", () => {
    expectTypeOf<InferCodeId<typeof rapportCodebook>>().toEqualTypeOf<
      (typeof rapportCodebook.codes)[number]["id"]
    >();
    expectTypeOf<"validation">().toExtend<InferCodeId<typeof rapportCodebook>>();
    expectTypeOf<"GI" | "Confront">().toExtend<InferCodeId<typeof mitiCodebook>>();
    expectTypeOf<"nope">().not.toExtend<InferCodeId<typeof rapportCodebook>>();
  });
});
