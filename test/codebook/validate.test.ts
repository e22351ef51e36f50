import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  annomiCodebook,
  type Codebook,
  CodebookError,
  crosswalk,
  defineCodebook,
  extendCodebook,
  formatIssue,
  type InferCodeId,
  mitiCodebook,
  parseCodebook,
  rapportCodebook,
  safeParseCodebook,
  toJsonSchema,
} from "../../src/index.js";

const code = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: id,
  definition: `The ${id} code.`,
  role: "therapist",
  valence: "neutral",
  examples: ["one", "two", "three"],
  counterExamples: ["no", "nope"],
  ...extra,
});
const book = (codes: unknown[], extra: Record<string, unknown> = {}) => ({
  id: "t",
  version: "1",
  label: "Test",
  codes,
  ...extra,
});

function issuesOf(input: unknown) {
  const r = safeParseCodebook(input);
  expect(r.success).toBe(false);
  if (r.success) throw new Error("expected failure");
  expect(r.error).toBeInstanceOf(CodebookError);
  return r.error.issues;
}

describe("parseCodebook", () => {
  it("names the location of a duplicate code id", () => {
    const issues = issuesOf(book([code("a"), code("b"), code("a")]));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe("duplicate_code_id");
    expect(issues[0]?.path).toEqual(["codes", 2, "id"]);
    expect(formatIssue(issues[0] as never)).toBe(
      "codes[2].id: duplicate code id 'a' (first defined at codes[0].id)",
    );
    expect(() => parseCodebook(book([code("a"), code("a")]))).toThrow(/codes\[1\]\.id/);
  });

  it("names the location of a __proto__ key (as JSON.parse makes it)", () => {
    const input = JSON.parse(
      '{"id":"t","version":"1","label":"T","codes":[{"id":"a","label":"A","definition":"d","role":"therapist","valence":"neutral","examples":["1","2","3"],"counterExamples":["1","2"],"crosswalk":{"__proto__":{"x":1}}}]}',
    );
    const issues = issuesOf(input);
    expect(issues[0]?.code).toBe("forbidden_key");
    expect(issues[0]?.path).toEqual(["codes", 0, "crosswalk", "__proto__"]);
    expect(formatIssue(issues[0] as never)).toMatch(/^codes\[0\]\.crosswalk\.__proto__: /);
  });

  it("rejects constructor and prototype keys anywhere", () => {
    const input = book([code("a")], { constructor: 1 });
    expect(issuesOf(input)[0]).toMatchObject({ code: "forbidden_key", path: ["constructor"] });
    const nested = book([code("a", { cues: [{ kind: "phrase", phrases: ["x"], prototype: 1 }] })]);
    expect(issuesOf(nested)[0]).toMatchObject({
      code: "forbidden_key",
      path: ["codes", 0, "cues", 0, "prototype"],
    });
  });

  it("reports unknown parents and cycles", () => {
    expect(issuesOf(book([code("a", { parent: "zzz" })]))[0]).toMatchObject({
      code: "unknown_parent_code",
      path: ["codes", 0, "parent"],
    });
    const cyc = issuesOf(book([code("a", { parent: "b" }), code("b", { parent: "a" }), code("c")]));
    expect(cyc.map((i) => [i.code, i.path.join(".")])).toEqual([
      ["parent_cycle", "codes.0.parent"],
      ["parent_cycle", "codes.1.parent"],
    ]);
    expect(issuesOf(book([code("a", { parent: "a" })]))[0]?.code).toBe("parent_cycle");
  });

  it("rejects cues that fail the schema, with their path", () => {
    const bad = issuesOf(book([code("a", { cues: [{ kind: "phrase", phrases: [] }] })]));
    expect(bad[0]?.code).toBe("bad_cue");
    expect(bad[0]?.path.slice(0, 4)).toEqual(["codes", 0, "cues", 0]);
    const kind = issuesOf(book([code("a", { cues: [{ kind: "regex", re: ".*" }] })]));
    expect(kind[0]).toMatchObject({ code: "bad_cue" });
    const len = issuesOf(book([code("a", { cues: [{ kind: "length", min: 5, max: 2 }] })]));
    expect(len[0]).toMatchObject({ code: "bad_cue", path: ["codes", 0, "cues", 0, "min"] });
    const stars = issuesOf(book([code("a", { cues: [{ kind: "tokens", pattern: ["*", "*"] }] })]));
    expect(stars[0]).toMatchObject({ code: "bad_cue", path: ["codes", 0, "cues", 0, "pattern"] });
  });

  it("reports zod issues with paths (too few examples)", () => {
    const issues = issuesOf(book([code("a", { examples: ["x"] })]));
    expect(issues[0]?.path).toEqual(["codes", 0, "examples"]);
  });

  it("never puts example text into messages of semantic issues", () => {
    const issues = issuesOf(
      book([code("a", { examples: ["SECRET1", "SECRET2", "SECRET3"] }), code("a")]),
    );
    for (const i of issues) expect(i.message).not.toMatch(/SECRET/);
  });
});

describe("defineCodebook", () => {
  const cb = defineCodebook({
    id: "mini",
    version: "1.0.0",
    label: "Mini",
    codes: [
      {
        id: "ask",
        label: "Ask",
        definition: "A question.",
        role: "therapist",
        valence: "neutral",
        examples: ["What brings you here?", "How was the week?", "When did it start?"],
        counterExamples: ["That sounds hard.", "Okay."],
      },
      {
        id: "ask.open",
        parent: "ask",
        label: "Open",
        definition: "An open question.",
        role: "therapist",
        valence: "builds",
        examples: ["What brings you here?", "How was the week?", "Tell me more."],
        counterExamples: ["Did you go?", "Okay."],
      },
    ],
  });

  it("infers the literal union of code ids without as const", () => {
    expectTypeOf<InferCodeId<typeof cb>>().toEqualTypeOf<"ask" | "ask.open">();
    expectTypeOf(cb.codes[0]?.id).toEqualTypeOf<"ask" | "ask.open" | undefined>();
    expect(cb.codes[0]?.include).toEqual([]); // defaults applied
  });

  it("throws a CodebookError for an invalid definition", () => {
    expect(() =>
      defineCodebook({
        id: "x",
        version: "1",
        label: "X",
        codes: [code("a") as never, code("a") as never],
      }),
    ).toThrow(CodebookError);
  });
});

describe("extendCodebook", () => {
  it("adds, overrides and removes codes", () => {
    const { codebook, conflicts } = extendCodebook(rapportCodebook, {
      id: "rapport-clinic",
      version: "1.0.0",
      add: [code("humour") as never],
      override: [{ id: "validation", label: "Validating" }],
      remove: ["oversharing"],
    });
    expect(conflicts).toEqual([]);
    expect(codebook.id).toBe("rapport-clinic");
    expect(codebook.codes.map((c) => c.id)).toContain("humour");
    expect(codebook.codes.map((c) => c.id)).not.toContain("oversharing");
    expect(codebook.codes.find((c) => c.id === "validation")?.label).toBe("Validating");
    expect(codebook.codes.find((c) => c.id === "validation")?.definition).toBe(
      rapportCodebook.codes.find((c) => c.id === "validation")?.definition,
    );
    expect(rapportCodebook.codes.find((c) => c.id === "validation")?.label).toBe("Validation");
  });

  it("reports every conflict and never applies it silently", () => {
    const { codebook, conflicts } = extendCodebook(rapportCodebook, {
      add: [code("validation") as never],
      override: [{ id: "nope", label: "x" }],
      remove: ["missing", "reflection"],
    });
    expect(conflicts.map((c) => [c.kind, c.codeId, c.path.join(".")])).toEqual([
      ["override_missing", "nope", "override.0.id"],
      ["remove_missing", "missing", "remove.0"],
      ["remove_parent", "reflection", "remove.1"],
      ["add_existing", "validation", "add.0.id"],
    ]);
    expect(codebook.codes).toHaveLength(rapportCodebook.codes.length);
    expect(codebook.version).toBe("1.0.0-ext");
  });

  it("removes a parent together with its children", () => {
    const { codebook, conflicts } = extendCodebook(rapportCodebook, {
      remove: ["question", "question.open", "question.closed"],
    });
    expect(conflicts).toEqual([]);
    expect(codebook.codes.some((c) => c.id.startsWith("question"))).toBe(false);
  });

  it("throws when the result is invalid (unknown parent of an added code)", () => {
    expect(() =>
      extendCodebook(rapportCodebook, { add: [code("x", { parent: "zz" }) as never] }),
    ).toThrow(/codes\[26\]\.parent/);
  });
});

describe("crosswalk", () => {
  const c = (utteranceId: string, codeId: string) => ({
    utteranceId,
    codeId,
    confidence: 0.9,
    source: "coder-a",
  });

  it("maps rapport to annomi, reporting lossy, one-to-many and unmapped", () => {
    const r = crosswalk(
      [
        c("u1", "reflection.simple"),
        c("u2", "validation"),
        c("u3", "self_disclosure"),
        c("u4", "change_talk"),
        c("u5", "not-a-code"),
      ],
      rapportCodebook,
      annomiCodebook,
    );
    expect(r.codings.map((x) => [x.utteranceId, x.codeId])).toEqual([
      ["u1", "reflection.simple"],
      ["u2", "reflection.complex"],
      ["u3", "therapist_input.information"],
      ["u4", "change"],
    ]);
    // The crosswalk lists AnnoMI codes most frequent first, as measured in data/annomi-rapport.
    expect(r.oneToMany.map((x) => [x.utteranceId, x.to])).toEqual([
      ["u2", ["reflection.complex", "reflection.simple", "therapist_input.information", "other"]],
      ["u3", ["therapist_input.information", "other"]],
    ]);
    expect(r.lossy.map((x) => x.utteranceId)).toEqual(["u2", "u3"]);
    expect(r.unmapped.map((x) => x.utteranceId)).toEqual(["u5"]);
    expect(r.codings[0]).toMatchObject({ confidence: 0.9, source: "coder-a" });
  });

  it("every input coding is in codings or unmapped (rapport -> miti)", () => {
    const all = rapportCodebook.codes.map((code, i) => c(`u${i}`, code.id));
    const r = crosswalk(all, rapportCodebook, mitiCodebook);
    expect(r.codings.length + r.unmapped.length).toBe(all.length);
    const map = Object.fromEntries(r.codings.map((x) => [x.utteranceId, x.codeId]));
    const idx = (id: string) => `u${rapportCodebook.codes.findIndex((x) => x.id === id)}`;
    expect(map[idx("judgement")]).toBe("Confront");
    expect(map[idx("advice.unsolicited")]).toBe("Persuade");
    expect(map[idx("advice.permitted")]).toBe("PersuadeWithPermission");
    expect(map[idx("question.open")]).toBe("Q");
    expect(r.unmapped.map((x) => x.from)).toContain("change_talk");
    expect(r.unmapped.map((x) => x.from)).toContain("self_disclosure");
  });

  it("follows the parent when a child has no entry, and says so", () => {
    const base = extendCodebook(rapportCodebook, {
      add: [code("question.socratic", { parent: "question" }) as never],
    }).codebook;
    const r = crosswalk([c("u1", "question.socratic")], base as Codebook, annomiCodebook);
    expect(r.codings[0]?.codeId).toBe("question");
    expect(r.lossy[0]?.reason).toMatch(/via parent 'question'/);
  });

  it("uses reverse entries of the target when the source has none", () => {
    const es = defineCodebook({
      id: "esconv",
      version: "1",
      label: "ESConv strategies",
      codes: [code("Self-disclosure") as never],
    });
    const r = crosswalk([c("u1", "Self-disclosure")], es, rapportCodebook);
    expect(r.codings[0]?.codeId).toBe("self_disclosure");
    expect(r.oneToMany[0]?.to).toEqual(["self_disclosure", "oversharing"]);
    expect(r.lossy[0]?.reason).toMatch(/reverse/);
  });

  it("maps annomi -> rapport and annomi -> miti", () => {
    const r = crosswalk(
      [c("a", "therapist_input.advice"), c("b", "sustain")],
      annomiCodebook,
      rapportCodebook,
    );
    expect(r.codings.map((x) => x.codeId)).toEqual(["advice.unsolicited", "sustain_talk"]);
    expect(r.oneToMany[0]?.to).toEqual(["advice.unsolicited", "advice.permitted"]);
    const m = crosswalk(
      [c("a", "reflection.complex"), c("b", "change")],
      annomiCodebook,
      mitiCodebook,
    );
    expect(m.codings.map((x) => x.codeId)).toEqual(["CR"]);
    expect(m.unmapped.map((x) => x.from)).toEqual(["change"]);
  });

  it("maps a codebook to itself (or another version of itself) code for code", () => {
    const r = crosswalk([c("a", "validation"), c("b", "nope")], rapportCodebook, rapportCodebook);
    expect(r.codings.map((x) => x.codeId)).toEqual(["validation"]);
    expect(r.unmapped.map((x) => x.from)).toEqual(["nope"]);
    const v2 = extendCodebook(rapportCodebook, {
      version: "2.0.0",
      remove: ["oversharing"],
    }).codebook;
    const r2 = crosswalk([c("a", "oversharing")], rapportCodebook, v2 as Codebook);
    expect(r2.unmapped[0]?.reason).toMatch(/missing from 'rapport'/);
  });

  it("maps to a scheme given only by id (misc-2.5)", () => {
    const r = crosswalk([c("a", "reflection.simple"), c("b", "judgement")], rapportCodebook, {
      id: "misc-2.5",
    });
    expect(r.codings.map((x) => x.codeId)).toEqual(["SR", "CO"]);
  });
});

describe("properties", () => {
  it("safeParseCodebook never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = safeParseCodebook(v);
        expect(r.success).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("crosswalk keeps every coding: in codings or in unmapped, never both", () => {
    const books = [rapportCodebook, annomiCodebook, mitiCodebook] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...books),
        fc.constantFrom(...books),
        fc.array(fc.nat(), { maxLength: 30 }),
        (from, to, picks) => {
          const codings = picks.map((k, i) => ({
            utteranceId: `u${i}`,
            codeId: (from.codes[k % from.codes.length] as { id: string }).id,
            confidence: 1,
            source: "x",
          }));
          const r = crosswalk(codings, from as Codebook, to as Codebook);
          const mapped = new Set(r.codings.map((c) => c.utteranceId));
          const unmapped = new Set(r.unmapped.map((c) => c.utteranceId));
          expect(mapped.size + unmapped.size).toBe(codings.length);
          for (const u of unmapped) expect(mapped.has(u)).toBe(false);
          const ids = new Set<string>(to.codes.map((c) => c.id));
          for (const c of r.codings) expect(ids.has(c.codeId)).toBe(true);
        },
      ),
    );
  });
});

describe("toJsonSchema", () => {
  it("has the codebook's code ids as the codeId enum", () => {
    for (const cb of [rapportCodebook, annomiCodebook, mitiCodebook]) {
      const s = toJsonSchema(cb);
      expect(s.properties.codeId.enum).toEqual(cb.codes.map((x) => x.id));
      expect(s.$schema).toMatch(/2020-12/);
      expect(s.required).toContain("codeId");
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    }
  });
});
