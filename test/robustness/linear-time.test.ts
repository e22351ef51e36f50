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
