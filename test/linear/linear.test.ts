import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isRapportkitError,
  type LinearExample,
  linearClassifier,
  ModelError,
  parseLinearModel,
  safeParseLinearModel,
  trainLinear,
  type Utterance,
} from "../../src/index.js";
import {
  extractFeatures,
  FeatureBuffer,
  hashFeatureName,
  resolveFeatureOptions,
} from "../../src/text/features.js";

const codebook = { id: "toy", version: "1" };

// A small hand-written training set (two roles, a two-level therapist label set).
const T = (session: string, text: string, label: string): LinearExample => ({
  session,
  role: "therapist",
  text,
  label,
});
const C = (session: string, text: string, label: string): LinearExample => ({
  session,
  role: "client",
  text,
  label,
});
const examples: LinearExample[] = [];
for (let s = 0; s < 8; s++) {
  const id = `s${s}`;
  examples.push(
    T(id, "What brings you here today?", "question.open"),
    C(id, "I want to cut down on drinking.", "change"),
    T(id, "You want to cut down on drinking.", "reflection"),
    C(id, "I don't think I have a problem though.", "sustain"),
    T(id, "Do you drink every day?", "question.closed"),
    C(id, "Yes, most days.", "neutral"),
    T(id, "How would your life be different without it?", "question.open"),
    C(id, "I would sleep better and I could save money.", "change"),
    T(id, "Drinking less would help you sleep.", "reflection"),
    { session: id, role: "other", text: "Sorry, wrong room." },
    C(id, "I like having a beer with friends.", "sustain"),
    T(id, "Is it okay if I share some information?", "question.closed"),
    C(id, "Okay.", "neutral"),
  );
}
const labels = [
  { id: "reflection", role: "therapist" as const },
  { id: "question", role: "therapist" as const },
  { id: "question.open", role: "therapist" as const, parent: "question" },
  { id: "question.closed", role: "therapist" as const, parent: "question" },
  { id: "change", role: "client" as const },
  { id: "neutral", role: "client" as const },
  { id: "sustain", role: "client" as const },
];
const opts = {
  codebook,
  labels,
  fallback: { other: "reflection" },
  minCount: 1,
  epochs: 5,
  seed: 7,
};
const model = trainLinear(examples, opts);

function utt(i: number, role: Utterance["role"], text: string, session = "x"): Utterance {
  return { id: `${session}:${i}`, session, index: i, speaker: role, role, text };
}

describe("features", () => {
  it("emits the FNV-1a hash of each feature's name", () => {
    const opt = resolveFeatureOptions({ charNgrams: [2, 5] });
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.option(fc.string({ maxLength: 40 })), (a, b) => {
        const buf = extractFeatures(
          a,
          { role: "therapist", ...(b === null ? {} : { previousText: b }), codes: ["T=x"] },
          opt,
          new FeatureBuffer(8, true),
        );
        expect(buf.names?.length).toBe(buf.length);
        for (let i = 0; i < buf.length; i++) {
          expect(buf.hashes[i]).toBe(hashFeatureName(buf.names?.[i] as string));
        }
      }),
    );
  });

  it("names the cues it finds: question syntax and overlap with the previous turn", () => {
    const buf = extractFeatures(
      "So you want to quit smoking?",
      {
        role: "therapist",
        previousText: "I want to quit smoking.",
        previousSameText: "Do you smoke?",
      },
      resolveFeatureOptions({ charNgrams: [2, 5] }),
      new FeatureBuffer(8, true),
    );
    expect(buf.names).toContain("q:end?");
    expect(buf.names).toContain("w:quit");
    expect(buf.names).toContain("b:quit smoking");
    expect(buf.names).toContain("c:<qu");
    expect(buf.names).toContain("c:ng>");
    expect(buf.names).toContain("s:smoke");
    expect(buf.names).toContain("p:smoking");
    expect(buf.names).toContain("ov:n3"); // "want", "quit", "smoking" are shared content words
  });

  it("extracts a 1 MB utterance in well under a second, in time linear in its length", () => {
    const unit = "why do you want to change that? ";
    const time = (reps: number) => {
      const text = unit.repeat(reps);
      const t0 = performance.now();
      const buf = extractFeatures(text, { role: "therapist", previousText: "I want to change." });
      expect(buf.length).toBeGreaterThan(reps * 8);
      return performance.now() - t0;
    };
    time(1024); // warm up
    const small = time(3_277); // ~100 kB
    const big = time(32_768); // ~1 MB
    expect(big).toBeLessThan(1000);
    expect(big / Math.max(small, 1)).toBeLessThan(30); // 10× the input, far from 100× (quadratic)
  });
});

describe("trainLinear", () => {
  it("is deterministic for a seed: the same JSON out", () => {
    const again = trainLinear(examples, opts);
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
    const other = trainLinear(examples, { ...opts, seed: 8 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(model));
  });

  it("learns the toy data and keeps the two-level label set", () => {
    const clf = linearClassifier(model);
    const out = clf.classify([
      utt(0, "therapist", "What brings you here today?"),
      utt(1, "client", "I want to cut down on drinking."),
      utt(2, "therapist", "Do you drink every day?"),
    ]);
    expect(out.map((p) => p.codeId)).toEqual(["question.open", "change", "question.closed"]);
    expect(model.labels.find((l) => l.id === "question.open")?.parent).toBe("question");
  });

  it("averages the iterates: the averaged model is the mean of the models after each update", () => {
    // One labelled turn, so each pass is one update and the model after pass t (trained with
    // epochs = t, average off) is iterate t. Unpruned, uncalibrated, no context codes.
    const one: LinearExample[] = [
      { session: "a", role: "therapist", text: "you want to stop", label: "r" },
    ];
    const base = {
      codebook,
      labels: [
        { id: "r", role: "therapist" as const },
        { id: "q", role: "therapist" as const },
      ],
      minCount: 1,
      prune: 0,
      calibrationHoldout: 0,
      contextCodes: "none" as const,
    };
    const dense = (m: ReturnType<typeof trainLinear>) => {
      const out = new Map<string, number>();
      m.vocabulary.forEach((name, f) => {
        for (let k = 0; k < 2; k++) out.set(`${name}/${k}`, (m.weights[f * 2 + k] ?? 0) * m.scale);
      });
      return { w: out, b: m.bias, scale: m.scale };
    };
    const iterates = [1, 2, 3, 4].map((epochs) =>
      dense(trainLinear(one, { ...base, epochs, average: false })),
    );
    const averaged = trainLinear(one, { ...base, epochs: 4 });
    expect(averaged.training?.average).toBe(true);
    const avg = dense(averaged);
    expect(avg.w.size).toBeGreaterThan(4);
    const last = iterates[3] as (typeof iterates)[number];
    let differs = false;
    for (const [key, w] of avg.w) {
      const mean = iterates.reduce((s, it) => s + (it.w.get(key) ?? 0), 0) / 4;
      // Stored weights are quantised to a step of `scale`; compare within two steps.
      expect(Math.abs(w - mean)).toBeLessThanOrEqual(2 * Math.max(avg.scale, last.scale));
      if (Math.abs(w - (last.w.get(key) ?? 0)) > 4 * avg.scale) differs = true;
    }
    expect(differs).toBe(true);
    for (let k = 0; k < 2; k++) {
      const mean = iterates.reduce((s, it) => s + (it.b[k] ?? 0), 0) / 4;
      expect(avg.b[k]).toBeCloseTo(mean, 3);
    }
  });

  it("balances class weights per role when given an object: each head as if trained alone with that setting", () => {
    // Neutral client turns outnumber change and sustain 3:1 here, so balancing changes the client head.
    const skewed = [
      ...examples,
      ...Array.from({ length: 24 }, (_, i) =>
        C(`n${i % 8}`, `Yes ${i % 3 ? "sure" : "fine"}.`, "neutral"),
      ),
    ];
    const base = { ...opts, prune: 0, calibrationHoldout: 0 };
    const columns = (m: ReturnType<typeof trainLinear>, role: string) => {
      const ks = m.labels.flatMap((l, k) => (l.role === role ? [k] : []));
      const out: Record<string, number> = {};
      m.vocabulary.forEach((name, f) => {
        for (const k of ks) {
          const w = (m.weights[f * m.labels.length + k] ?? 0) * m.scale;
          if (w !== 0) out[`${name}/${k}`] = w;
        }
      });
      for (const k of ks) out[`bias/${k}`] = m.bias[k] ?? 0;
      return out;
    };
    const none = trainLinear(skewed, { ...base, classWeights: "none" });
    const all = trainLinear(skewed, { ...base, classWeights: "balanced" });
    const clientOnly = trainLinear(skewed, { ...base, classWeights: { client: "balanced" } });
    // The client head balanced, the therapist head not: its columns match the two uniform models'.
    expect(Object.keys(columns(none, "client")).length).toBeGreaterThan(10);
    expect(columns(clientOnly, "client")).not.toEqual(columns(none, "client"));
    for (const [k, w] of Object.entries(columns(all, "client")))
      expect(columns(clientOnly, "client")[k] ?? 0).toBeCloseTo(w, 2);
    for (const [k, w] of Object.entries(columns(none, "therapist")))
      expect(columns(clientOnly, "therapist")[k] ?? 0).toBeCloseTo(w, 2);
    // Every role named: the same model as the string form.
    const both = trainLinear(skewed, {
      ...base,
      classWeights: { client: "balanced", therapist: "balanced" },
    });
    expect(both.weights).toEqual(all.weights);
    expect(both.bias).toEqual(all.bias);
    expect(clientOnly.training?.classWeights).toEqual({ client: "balanced" });
  });

  it("weights a turn's gradient by its weight (LinearExample.weight)", () => {
    // The same client text labelled two ways, in equal numbers: the weight decides which wins.
    const torn = (wChange: number, wSustain: number): LinearExample[] =>
      Array.from({ length: 6 }, (_, s) => [
        { ...C(`t${s}`, "I might drink less at weekends.", "change"), weight: wChange },
        { ...C(`u${s}`, "I might drink less at weekends.", "sustain"), weight: wSustain },
        C(`v${s}`, "Yes.", "neutral"),
      ]).flat();
    const code = (m: ReturnType<typeof trainLinear>) =>
      linearClassifier(m).classify([utt(0, "client", "I might drink less at weekends.")])[0]
        ?.codeId;
    const o = { ...opts, contextCodes: "none" as const };
    expect(code(trainLinear(torn(3, 1), o))).toBe("change");
    expect(code(trainLinear(torn(1, 3), o))).toBe("sustain");
    // Weight 1 everywhere is the model without weights.
    const plain = trainLinear(torn(1, 1), o);
    const unweighted = trainLinear(
      torn(1, 1).map(({ weight: _w, ...e }) => e),
      o,
    );
    expect(plain.weights).toEqual(unweighted.weights);
  });

  it("rejects a weight that is not a number > 0, naming where", () => {
    for (const weight of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const bad = [...examples, { ...T("z", "Hello there.", "reflection"), weight }];
      try {
        trainLinear(bad, opts);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ModelError);
        expect((e as ModelError).issues[0]?.path).toEqual([bad.length - 1, "weight"]);
      }
    }
  });

  it("rejects a label that is not among options.labels, naming where", () => {
    const bad = [...examples, T("z", "Hello there.", "greeting")];
    try {
      trainLinear(bad, opts);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      expect((e as ModelError).issues[0]?.path).toEqual([bad.length - 1, "label"]);
    }
  });
});

describe("linearClassifier", () => {
  const clf = linearClassifier(model);
  const roles: Utterance["role"][] = ["therapist", "client", "other"];
  const arbUtterances = fc
    .array(fc.tuple(fc.constantFrom(...roles), fc.string({ maxLength: 60 }), fc.nat(2)), {
      maxLength: 30,
    })
    .map((xs) => xs.map(([role, text, s], i) => utt(i, role, text, `s${s}`)));

  it("gives one prediction per input, same ids and order, codes of the model, probabilities summing to 1", () => {
    const allowed = new Set(labels.map((l) => l.id));
    fc.assert(
      fc.property(arbUtterances, (us) => {
        const out = clf.classify(us);
        expect(out.map((p) => p.utteranceId)).toEqual(us.map((u) => u.id));
        for (const [i, p] of out.entries()) {
          expect(allowed.has(p.codeId)).toBe(true);
          expect(p.confidence).toBeGreaterThanOrEqual(0);
          expect(p.confidence).toBeLessThanOrEqual(1);
          if (us[i]?.role === "other") {
            expect(p.codeId).toBe("reflection");
            continue;
          }
          const probs = Object.values(p.probabilities ?? {});
          expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
          expect(p.probabilities?.[p.codeId]).toBe(p.confidence);
        }
        // Same model and input: same output.
        expect(clf.classify(us)).toEqual(out);
      }),
    );
  });

  it("gives the same codes and confidences without probabilities or evidence (the fast path)", () => {
    const fast = linearClassifier(model, { probabilities: false, evidence: 0 });
    fc.assert(
      fc.property(arbUtterances, (us) => {
        const a = clf.classify(us);
        const b = fast.classify(us);
        expect(b.map((p) => [p.codeId, p.confidence])).toEqual(
          a.map((p) => [p.codeId, p.confidence]),
        );
        for (const p of b) expect(p.probabilities).toBeUndefined();
      }),
    );
  });

  it("gives feature names and weights as evidence when asked, never the utterance text", () => {
    const text = "Do you drink every day?";
    expect(clf.classify([utt(0, "therapist", text)])[0]?.evidence).toBeUndefined();
    const [p] = linearClassifier(model, { evidence: 3 }).classify([utt(0, "therapist", text)]);
    const feats = p?.evidence?.features ?? [];
    expect(feats.length).toBeGreaterThan(0);
    for (const f of feats) {
      expect(f.weight).toBeGreaterThan(0);
      expect(f.name).not.toBe(text);
      expect(model.vocabulary).toContain(f.name);
    }
  });

  it("uses options.context as the preceding turns", () => {
    const ctx = [utt(0, "client", "I want to cut down on drinking.", "c")];
    const a = clf.classify([utt(1, "therapist", "You want to cut down.", "c")], { context: ctx });
    const b = clf.classify([...ctx, utt(1, "therapist", "You want to cut down.", "c")]);
    expect(a[0]).toEqual(b[1]);
  });

  it("checks the codebook: a different codebook id is a model_mismatch", () => {
    const other = {
      id: "annomi",
      version: "1",
      codes: labels.map((l) => ({ id: l.id })),
    } as unknown as Parameters<typeof linearClassifier>[1] extends infer O
      ? O extends { codebook?: infer C }
        ? C
        : never
      : never;
    try {
      linearClassifier(model, { codebook: other });
      expect.unreachable();
    } catch (e) {
      expect(isRapportkitError(e)).toBe(true);
      expect((e as ModelError).issues[0]).toMatchObject({
        code: "model_mismatch",
        path: ["codebook", "id"],
      });
    }
  });
});

describe("model JSON", () => {
  it("round-trips through JSON", () => {
    const back = parseLinearModel(JSON.parse(JSON.stringify(model)));
    expect(back).toEqual(model);
    const u = [utt(0, "therapist", "How are you?"), utt(1, "client", "I could stop.")];
    expect(linearClassifier(back).classify(u)).toEqual(linearClassifier(model).classify(u));
  });

  it("fails on a corrupted model with a located ModelError", () => {
    const cases: [unknown, (string | number)[]][] = [
      [{ ...model, weights: model.weights.slice(1) }, ["weights"]],
      [{ ...model, bias: [...model.bias, 1] }, ["bias"]],
      [
        { ...model, labels: model.labels.map((l, i) => (i === 1 ? { ...l, role: "x" } : l)) },
        ["labels", 1, "role"],
      ],
      [{ ...model, weights: model.weights.map((w, i) => (i === 5 ? 0.5 : w)) }, ["weights", 5]],
      [{ ...model, format: "rapportkit/linear@2" }, ["format"]],
      [{ ...model, vocabulary: undefined }, ["vocabulary"]],
    ];
    for (const [input, path] of cases) {
      const r = safeParseLinearModel(input);
      expect(r.success).toBe(false);
      expect(r.error).toBeInstanceOf(ModelError);
      expect(r.error?.issues[0]?.path).toEqual(path);
      expect(r.error?.issues[0]?.code).toBe("model_invalid");
      expect(() => parseLinearModel(input)).toThrow(ModelError);
    }
  });

  it("rejects two feature names with one hash slot as a located error at load", () => {
    const dup = {
      ...model,
      vocabulary: [model.vocabulary[0], ...model.vocabulary.slice(1, -1), model.vocabulary[0]],
    };
    expect(() => linearClassifier(dup)).toThrow(ModelError);
  });
});
