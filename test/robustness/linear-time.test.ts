/**
 * A smoke test against catastrophic backtracking or quadratic scans: the tokenizer, the rules
 * classifier and a linear model finish each 1 MB adversarial input within a generous bound. Not a
 * timing claim: `bench/linear-time.mjs` measures how time grows from 1 kB to 1 MB.
 */
import { describe, expect, it } from "vitest";
import { linearClassifier } from "../../src/classify/linear/classifier.js";
import { trainLinear } from "../../src/classify/linear/train.js";
import { rulesClassifier } from "../../src/classify/rules/classifier.js";
import { builtinCodebooks } from "../../src/codebook/builtin/index.js";
import type { Codebook, Utterance } from "../../src/core/schemas.js";
import { defaultClassifier } from "../../src/model/index.js";
import { tokenize } from "../../src/text/tokenize.js";
import { adversarialFamilies } from "../helpers/adversarial.js";

const MB = 1_000_000;
const BOUND_MS = 5000;

function timed(fn: () => unknown): { ms: number; value: unknown } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

const turn = (text: string, role: "therapist" | "client", index: number): Utterance => ({
  id: `s:${index}`,
  session: "s",
  index,
  speaker: role === "therapist" ? "T" : "C",
  role,
  text,
});

describe("1 MB adversarial inputs finish (rules classifier)", () => {
  const rapport = builtinCodebooks.rapport as unknown as Codebook;
  const rules = rulesClassifier(rapport);

  it.each(Object.entries(adversarialFamilies(rapport)))("rapport codebook: %s", (_name, gen) => {
    const text = gen(MB);
    expect(text.length).toBe(MB);
    // A client turn, then a therapist turn mirroring it (the mirroring cue compares the two).
    const { ms, value } = timed(() =>
      rules.classify([turn(text, "client", 0), turn(text, "therapist", 1)]),
    );
    expect(ms).toBeLessThan(BOUND_MS);
    expect((value as unknown[]).length).toBe(2);
  });

  // Each codebook's own cue phrases, less their last word, back to back.
  it.each(Object.values(builtinCodebooks).map((cb) => [cb.id, cb] as const))(
    "%s codebook: near-misses of its cue phrases",
    (_id, cb) => {
      const codebook = cb as unknown as Codebook;
      const text = adversarialFamilies(codebook)["cue near-misses"]?.(MB) ?? "";
      expect(text.length).toBe(MB);
      const clf = rulesClassifier(codebook);
      const { ms } = timed(() => clf.classify([turn(text, "therapist", 0)]));
      expect(ms).toBeLessThan(BOUND_MS);
    },
  );
});

describe("1 MB adversarial inputs finish (tokenizer, linear model)", () => {
  const codebook = builtinCodebooks.rapport as unknown as Codebook;
  const families = Object.entries(adversarialFamilies(codebook));

  it.each(families)("tokenize: %s", (_name, gen) => {
    const text = gen(MB);
    const { ms, value } = timed(() => tokenize(text));
    expect(ms).toBeLessThan(BOUND_MS);
    const tokens = value as { start: number; end: number }[];
    // Spans stay inside the text and in order: the pass really covered it.
    expect(
      tokens.every((t, i) => t.end <= MB && (i === 0 || t.start >= (tokens[i - 1]?.end ?? 0))),
    ).toBe(true);
  });

  // A small model with every feature group on (char n-grams, word bigrams, context).
  const model = trainLinear(
    [
      { session: "a", role: "client", text: "I want to stop drinking.", label: "change" },
      {
        session: "a",
        role: "therapist",
        text: "What would help you stop?",
        label: "open_question",
      },
      { session: "a", role: "therapist", text: "You want to stop.", label: "simple_reflection" },
      { session: "b", role: "client", text: "It is hard.", label: "sustain" },
      { session: "b", role: "therapist", text: "How hard is it?", label: "open_question" },
      { session: "b", role: "therapist", text: "It feels hard.", label: "simple_reflection" },
    ],
    { codebook: { id: "mini", version: "1" }, minCount: 1, calibrationHoldout: 0 },
  );
  const linear = linearClassifier(model);

  it.each(families)("linear classifier: %s", (_name, gen) => {
    const text = gen(MB);
    const { ms, value } = timed(() =>
      linear.classify([turn(text, "client", 0), turn(text, "therapist", 1)]),
    );
    expect(ms).toBeLessThan(BOUND_MS);
    expect((value as unknown[]).length).toBe(2);
  });
});

describe("1 MB adversarial inputs finish (the default classifier: pretrained model + rules)", () => {
  const clf = defaultClassifier();
  const families = adversarialFamilies(builtinCodebooks.rapport as unknown as Codebook);
  // The two slowest families for the rules and the model (the bench covers the rest).
  it.each(["cue near-misses", "nested quotes"])("%s", (name) => {
    const text = families[name]?.(MB) ?? "";
    expect(text.length).toBe(MB);
    const { ms, value } = timed(() =>
      clf.classify([turn(text, "client", 0), turn(text, "therapist", 1)]),
    );
    expect(ms).toBeLessThan(BOUND_MS);
    expect((value as unknown[]).length).toBe(2);
  });
});

describe("hash flooding the tokenizer's intern table", () => {
  /** FNV-1a over the lower-cased code units and the table's slot (as src/text/tokenize.ts does). */
  const slot = (w: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619);
    return (h ^ (h >>> 16)) & 0xffff;
  };
  let s = 0x9e3779b9;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const word = () => {
    let w = "";
    for (let i = 0; i < 8; i++) w += String.fromCharCode(97 + Math.floor(rand() * 26));
    return w;
  };

  it("words crafted to share slots neither take long nor slow later texts down", () => {
    // 49,152 distinct words whose slots all fall in the first 2,048 (of 65,536).
    const crafted = new Set<string>();
    while (crafted.size < 49_152) {
      const w = word();
      if (slot(w) < 2048) crafted.add(w);
    }
    const flood = [...crafted].join(" ");
    const fresh = Array.from({ length: 110_000 }, word).join(" ");
    const a = timed(() => tokenize(flood));
    const b = timed(() => tokenize(fresh));
    // Unbounded probing took 4 s and then 7 s per MB; a bounded table takes tens of ms.
    expect(a.ms).toBeLessThan(1500);
    expect(b.ms).toBeLessThan(1500);
    expect((b.value as unknown[]).length).toBe(110_000);
  });
});
