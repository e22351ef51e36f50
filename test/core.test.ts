import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
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

/**
 * The schemas are built with zod/mini, which loads no locale: src/core/zod.ts sets English unless
 * the app chose a locale. A bundler honouring rapportkit's "sideEffects": false drops a module none
 * of whose own exports is used, so each module that validates is bundled here on its own, the way
 * an app's bundler would, and run in a fresh realm (a fresh zod config): its messages must be the
 * English ones it gives here, never zod/mini's bare "Invalid input".
 */
describe("validation messages in an app's bundle", () => {
  const src = (p: string) => fileURLToPath(new URL(`../src/${p}`, import.meta.url));
  const issuesOf = (r: unknown) => JSON.parse(JSON.stringify(r)) as { message: string }[];
  const cases: [string, string, string, (m: Record<string, (x: unknown) => unknown>) => unknown][] =
    [
      [
        "core/parse.ts",
        "safeParseUtterance",
        "data model",
        (m) => m.safeParseUtterance?.({ id: 1 }),
      ],
      ["codebook/define.ts", "safeParseCodebook", "codebooks", (m) => m.safeParseCodebook?.({})],
      [
        "classify/linear/model.ts",
        "safeParseLinearModel",
        "linear model",
        (m) => m.safeParseLinearModel?.({ format: "rapportkit/linear@1", labels: [] }),
      ],
      [
        "classify/adapters/softmax.ts",
        "parseSoftmaxHead",
        "softmax head",
        (m) => m.parseSoftmaxHead?.({ format: "rapportkit-softmax-head", dim: 0.5 }),
      ],
      [
        "score/instruments.ts",
        "defineInstrument",
        "instruments",
        (m) => m.defineInstrument?.({ id: "", items: 0, range: {}, extra: 1 }),
      ],
      [
        "classify/adapters/llm.ts",
        "LlmAnswerItemSchema",
        "an exported schema used directly",
        (m) =>
          (m.LlmAnswerItemSchema as unknown as { safeParse(x: unknown): unknown }).safeParse({
            id: 1,
            confidence: 2,
          }),
      ],
    ];
  const run = (call: () => unknown) => {
    try {
      const r = call() as { success?: boolean; error?: { issues: unknown } } | undefined;
      return issuesOf(r?.error?.issues ?? r);
    } catch (e) {
      return issuesOf((e as { issues: unknown }).issues);
    }
  };

  it.each(cases)("%s (%s, %s)", async (file, name, _what, call) => {
    const out = await build({
      stdin: {
        contents: `export { ${name} } from ${JSON.stringify(src(file))};`,
        resolveDir: src("."),
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "rk",
      write: false,
      logLevel: "silent",
    });
    const ctx: Record<string, unknown> = {};
    runInNewContext(out.outputFiles[0]?.text ?? "", ctx);
    const bundled = run(() => call(ctx.rk as Record<string, (x: unknown) => unknown>));
    const mod = (await import(src(file))) as Record<string, (x: unknown) => unknown>;
    expect(bundled.length).toBeGreaterThan(0);
    expect(bundled).toEqual(run(() => call(mod)));
    for (const i of bundled) expect(i.message).not.toBe("Invalid input");
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
