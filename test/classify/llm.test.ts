import { describe, expect, it } from "vitest";
import { type LlmReport, llmClassifier } from "../../src/classify/adapters/index.js";
import { ClassifierError } from "../../src/core/errors.js";
import { codebook, hash, utt } from "./_helpers.js";

const SECRET = "my secret drinking story";
const us = [
  utt("s", 0, "How are you today?"),
  utt("s", 1, `Not great, ${SECRET}.`, "client"),
  utt("s", 2, "You feel stuck."),
  utt("s", 3, "What would you like to change?"),
  utt("s", 4, "Maybe drink less.", "client"),
];

/** The ids the prompt asks about, read back from its JSON lines. */
function idsOf(prompt: string): string[] {
  const at = prompt.indexOf("Utterances to code");
  return prompt
    .slice(at)
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => (JSON.parse(l) as { id: string }).id);
}

const codeFor = (id: string) => (id.endsWith("1") || id.endsWith("4") ? "change" : "question.open");
/** The speaker of each utterance a prompt asks about, by id. */
function speakersOf(prompt: string): Map<string, string> {
  const at = prompt.indexOf("Utterances to code");
  const out = new Map<string, string>();
  for (const l of prompt.slice(at).split("\n"))
    if (l.startsWith("{")) {
      const u = JSON.parse(l) as { id: string; speaker: string };
      out.set(u.id, u.speaker);
    }
  return out;
}
/** A correct answer: change talk for the client's turns, open questions for the therapist's. */
const good = (prompt: string) =>
  JSON.stringify(
    [...speakersOf(prompt)].map(([id, speaker]) => ({
      id,
      code: speaker === "client" ? "change" : "question.open",
      confidence: 0.9,
    })),
  );

describe("llmClassifier", () => {
  it("builds a prompt from definitions, examples, counter-examples and context, and parses the answer", async () => {
    const prompts: string[] = [];
    const llm = llmClassifier({
      codebook,
      batchSize: 2,
      complete: async (p) => {
        prompts.push(p);
        return `Sure! \`\`\`json\n${good(p)}\n\`\`\``;
      },
    });
    const out = await llm.classify(us);
    expect(out.map((p) => p.utteranceId)).toEqual(us.map((u) => u.id));
    expect(out.map((p) => p.codeId)).toEqual(us.map((u) => codeFor(u.id)));
    expect(out.every((p) => p.confidence === 0.9 && p.source === llm.id)).toBe(true);
    expect(prompts).toHaveLength(3);
    const q = codebook.codes.find((c) => c.id === "question.open");
    expect(prompts[0]).toContain(q?.definition);
    expect(prompts[0]).toContain(JSON.stringify(q?.examples[0]));
    expect(prompts[0]).toContain(JSON.stringify(q?.counterExamples[0]));
    // The second batch starts at s:2 and sees s:0 and s:1 as context.
    expect(prompts[1]).toContain("Preceding turns");
    expect(prompts[1]).toContain(JSON.stringify(us[1]?.text));
    expect(idsOf(prompts[1] as string)).toEqual(["s:2", "s:3"]);
  });

  it("passes options.context to the first batch's prompt", () => {
    const llm = llmClassifier({ codebook, complete: async () => "[]" });
    const p = llm.buildPrompt([utt("s", 5, "So?")], {
      context: [utt("s", 4, "earlier turn text")],
    });
    expect(p).toContain('"earlier turn text"');
  });

  it("retries a malformed answer and reports the retry", async () => {
    let calls = 0;
    const reports: LlmReport[] = [];
    const llm = llmClassifier({
      codebook,
      complete: async (p) => (++calls === 1 ? "{not json" : good(p)),
      onReport: (r) => reports.push(r),
    });
    const out = await llm.classify(us);
    expect(out.map((p) => p.codeId)).toEqual(us.map((u) => codeFor(u.id)));
    expect(reports).toEqual([{ calls: 2, retried: 5, failures: [] }]);
  });

  it("re-asks only for the ids a partial answer missed", async () => {
    const asked: string[][] = [];
    const llm = llmClassifier({
      codebook,
      complete: async (p) => {
        const ids = idsOf(p);
        asked.push(ids);
        const keep = asked.length === 1 ? ids.filter((_, k) => k % 2 === 0) : ids;
        return JSON.stringify(keep.map((id) => ({ id, code: codeFor(id), confidence: 0.7 })));
      },
    });
    const out = await llm.classify(us);
    expect(out.map((p) => p.utteranceId)).toEqual(us.map((u) => u.id));
    expect(asked).toEqual([us.map((u) => u.id), ["s:1", "s:3"]]);
  });

  it("reports utterances that stay unanswered, per utterance, with a fallback code", async () => {
    const llm = llmClassifier({
      codebook,
      maxRetries: 1,
      fallbackCode: "other",
      // Never answers for s:1; gives an unknown code for s:2; a bad confidence for s:3.
      complete: async (p) =>
        JSON.stringify(
          idsOf(p)
            .filter((id) => id !== "s:1")
            .map((id) =>
              id === "s:2"
                ? { id, code: SECRET, confidence: 0.5 }
                : id === "s:3"
                  ? { id, code: "question.open", confidence: 7 }
                  : { id, code: codeFor(id), confidence: 0.8 },
            ),
        ),
    });
    const { predictions, report } = await llm.classifyDetailed(us);
    expect(predictions.map((p) => p.utteranceId)).toEqual(us.map((u) => u.id));
    expect(predictions[1]).toMatchObject({ codeId: "other", confidence: 0 });
    expect(report.failures).toEqual([
      { utteranceId: "s:1", index: 1, reason: "missing", attempts: 2 },
      { utteranceId: "s:2", index: 2, reason: "unknown_code", attempts: 2 },
      { utteranceId: "s:3", index: 3, reason: "bad_shape", attempts: 2 },
    ]);
    expect(report.calls).toBe(2);
    expect(JSON.stringify(report)).not.toContain("secret");
  });

  it("throws one issue per failed utterance without a fallback, never with utterance text", async () => {
    const llm = llmClassifier({
      codebook,
      maxRetries: 0,
      complete: async () => {
        throw new Error(`upstream said: ${SECRET}`);
      },
    });
    const e = await llm.classify(us).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClassifierError);
    const err = e as ClassifierError;
    expect(err.issues).toHaveLength(5);
    expect(err.issues[1]).toMatchObject({ code: "classifier_failed", path: ["utterances", 1] });
    expect(err.issues[1]?.message).toContain("s:1");
    expect(err.issues[1]?.message).toContain("complete_threw");
    expect(JSON.stringify(err.issues) + err.message).not.toContain("secret");
  });

  it("does not echo JSON parse errors (they can quote the answer)", async () => {
    const llm = llmClassifier({
      codebook,
      maxRetries: 0,
      fallbackCode: "other",
      complete: async () => `[${SECRET}]`,
    });
    const { report } = await llm.classifyDetailed(us);
    expect(report.failures.map((f) => f.reason)).toEqual(Array(5).fill("bad_json"));
  });

  it("times out a slow answer through its AbortSignal, then retries", async () => {
    let aborted = 0;
    let calls = 0;
    const llm = llmClassifier({
      codebook,
      timeoutMs: 20,
      maxRetries: 1,
      fallbackCode: "other",
      complete: (p, { signal }) => {
        calls++;
        if (calls === 2) return Promise.resolve(good(p));
        // A slow model that honours the signal.
        return new Promise((_, reject) => {
          signal.addEventListener("abort", () => {
            aborted++;
            reject(new Error("aborted"));
          });
        });
      },
    });
    const { predictions, report } = await llm.classifyDetailed(us);
    expect(aborted).toBe(1);
    expect(report.failures).toEqual([]);
    expect(predictions.map((p) => p.codeId)).toEqual(us.map((u) => codeFor(u.id)));
  });

  it("stops waiting for a function that ignores the signal", async () => {
    const llm = llmClassifier({
      codebook,
      timeoutMs: 10,
      maxRetries: 0,
      fallbackCode: "other",
      complete: () => new Promise(() => {}),
    });
    const { report } = await llm.classifyDetailed(us.slice(0, 2));
    expect(report.failures.map((f) => f.reason)).toEqual(["timeout", "timeout"]);
  });

  it("honours the caller's signal", async () => {
    const ac = new AbortController();
    const llm = llmClassifier({
      codebook,
      fallbackCode: "other",
      complete: () => {
        ac.abort();
        return new Promise(() => {});
      },
    });
    const { report } = await llm.classifyDetailed(us.slice(0, 2), { signal: ac.signal });
    expect(report.failures.map((f) => f.reason)).toEqual(["aborted", "aborted"]);
    expect(report.calls).toBe(1);
  });

  it("keeps input order with concurrent batches that finish out of order", async () => {
    const many = Array.from({ length: 40 }, (_, i) => utt("s", i, `turn ${i}`));
    const llm = llmClassifier({
      codebook,
      batchSize: 3,
      concurrency: 4,
      complete: async (p) => {
        await new Promise((r) => setTimeout(r, hash(p) % 15));
        return good(p);
      },
    });
    const out = await llm.classify(many);
    expect(out.map((p) => p.utteranceId)).toEqual(many.map((u) => u.id));
  });

  it("codes repeated ids and ignores ids it did not ask about", async () => {
    const dup = [utt("s", 0, "a"), utt("s", 0, "b")];
    const llm = llmClassifier({
      codebook,
      complete: async () =>
        JSON.stringify([
          { id: "zzz", code: "other", confidence: 1 },
          { id: "s:0", code: "question.closed" },
        ]),
    });
    const out = await llm.classify(dup);
    expect(out.map((p) => [p.utteranceId, p.codeId, p.confidence])).toEqual([
      ["s:0", "question.closed", 0.5],
      ["s:0", "question.closed", 0.5],
    ]);
  });

  it("rejects a fallback code outside the codebook", () => {
    expect(() =>
      llmClassifier({ codebook, complete: async () => "", fallbackCode: "nope" }),
    ).toThrow(ClassifierError);
  });
});
