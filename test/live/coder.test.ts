import { describe, expect, it } from "vitest";
import type { AsyncClassifier, ClassifyOptions, Prediction } from "../../src/classify/types.js";
import { ValidationError } from "../../src/core/errors.js";
import type { Utterance } from "../../src/core/schemas.js";
import {
  createLiveCoder,
  LiveDisposedError,
  LiveQueueFullError,
  type NudgeRule,
} from "../../src/live/index.js";
import { scripted } from "./_helpers.js";

const SECRET = "my secret health detail";

function spy() {
  const seen: string[][] = [];
  return {
    seen,
    clf: {
      id: "spy",
      mode: "sync" as const,
      codebook: { id: "rapport", version: "1" },
      classify(us: readonly Utterance[], o?: ClassifyOptions): Prediction[] {
        seen.push((o?.context ?? []).map((u) => u.id));
        return us.map((u) => ({
          utteranceId: u.id,
          codeId: u.role === "therapist" ? "other" : "neutral",
          confidence: 1,
          source: "spy",
        }));
      },
    },
  };
}

describe("createLiveCoder", () => {
  it("passes the last contextTurns turns and, before them, the latest turn of each role", () => {
    const { seen, clf } = spy();
    const live = createLiveCoder({ classifier: clf, contextTurns: 2, nudges: [] });
    live.push({ role: "client", text: "a" }); // live:0
    live.push({ role: "therapist", text: "b" }); // live:1
    live.push({ role: "therapist", text: "c" }); // live:2
    live.push({ role: "therapist", text: "d" }); // live:3
    live.push({ role: "therapist", text: "e" }); // live:4
    expect(seen).toEqual([
      [],
      ["live:0"],
      ["live:0", "live:1"],
      ["live:0", "live:1", "live:2"],
      // the client's last turn (live:0) stays, before the last two turns
      ["live:0", "live:2", "live:3"],
    ]);
  });

  it("fills in ids, session, index and speaker; rejects a duplicate id and bad fields by path", () => {
    const live = createLiveCoder({ classifier: spy().clf, session: "s9", nudges: [] });
    const r = live.push({ role: "client", text: "hello" });
    expect(r.utterance).toMatchObject({ id: "s9:0", session: "s9", index: 0, speaker: "client" });
    live.push({ id: "x", role: "therapist", text: "hi" });
    let err: unknown;
    try {
      live.push({ id: "x", role: "therapist", text: SECRET });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/utterance\.id.*'x' is used twice/);
    expect((err as Error).message).not.toContain(SECRET);
    expect(() => live.push({ role: "coach" as never, text: SECRET })).toThrow(/utterance\.role/);
    expect(() => live.push({ role: "client", text: "t", start: 5, end: 2 })).toThrow(
      /utterance\.end/,
    );
    // nothing was recorded for the rejected pushes
    expect(live.snapshot().summary.utterances.total).toBe(2);
  });

  it("checks its options and nudge rules, naming the field", () => {
    expect(() => createLiveCoder({ classifier: {} as never })).toThrow(
      /classifier: expected a classifier/,
    );
    expect(() => createLiveCoder({ classifier: spy().clf, contextTurns: -1 })).toThrow(
      /contextTurns/,
    );
    const bad = [
      {
        id: "a",
        metric: "judgement",
        threshold: -1,
        window: { turns: 3 },
        cooldown: { turns: 1 },
        message: "k",
      },
    ];
    expect(() => createLiveCoder({ classifier: spy().clf, nudges: bad as NudgeRule[] })).toThrow(
      /nudges\[0\]\.threshold/,
    );
    const noWindow = [
      { id: "a", metric: "judgement", threshold: 1, cooldown: { turns: 1 }, message: "k" },
    ];
    expect(() =>
      createLiveCoder({ classifier: spy().clf, nudges: noWindow as NudgeRule[] }),
    ).toThrow(/nudges\[0\]\.window/);
  });

  it("dispose drops everything; later calls throw LiveDisposedError", () => {
    const live = createLiveCoder({ classifier: spy().clf });
    live.push({ role: "client", text: SECRET });
    live.dispose();
    expect(() => live.snapshot()).toThrow(LiveDisposedError);
    expect(() => live.push({ role: "client", text: "x" })).toThrow(LiveDisposedError);
    expect(() => live.transcript()).toThrow(LiveDisposedError);
  });

  it("async: keeps push order whatever the latency, and rejects when the queue is full", async () => {
    const order: string[] = [];
    const clf: AsyncClassifier = {
      id: "slow",
      mode: "async",
      codebook: { id: "rapport", version: "1" },
      async classify(us, o) {
        // later pushes answer faster: order must still be kept
        await new Promise((r) => setTimeout(r, 20 - (us[0] as Utterance).index * 5));
        order.push(`${(us[0] as Utterance).id}<${(o?.context ?? []).map((u) => u.id).join(",")}>`);
        return us.map((u) => ({
          utteranceId: u.id,
          codeId: "reflection.simple",
          confidence: 1,
          source: "slow",
        }));
      },
    };
    const live = createLiveCoder({ classifier: clf, queue: { max: 3 }, nudges: [] });
    const ps = [0, 1, 2].map((i) => live.push({ role: "therapist", text: `t${i}` }));
    expect(live.pending).toBe(3);
    await expect(live.push({ role: "client", text: "x" })).rejects.toBeInstanceOf(
      LiveQueueFullError,
    );
    const rs = await Promise.all(ps);
    expect(rs.map((r) => r.utterance.id)).toEqual(["live:0", "live:1", "live:2"]);
    expect(rs.map((r) => r.scores.utterances)).toEqual([1, 2, 3]);
    expect(order).toEqual(["live:0<>", "live:1<live:0>", "live:2<live:0,live:1>"]);
    await live.idle();
    expect(live.pending).toBe(0);
    // after draining, pushing works again
    await expect(live.push({ role: "client", text: "x" })).resolves.toMatchObject({
      scores: { utterances: 4 },
    });
  });

  it("async: a failed classification rejects that push only; the session goes on", async () => {
    let n = 0;
    const clf: AsyncClassifier = {
      id: "flaky",
      mode: "async",
      codebook: { id: "rapport", version: "1" },
      async classify(us) {
        if (n++ === 1) throw new Error("LLM down");
        return us.map((u) => ({
          utteranceId: u.id,
          codeId: "neutral",
          confidence: 1,
          source: "flaky",
        }));
      },
    };
    const live = createLiveCoder({ classifier: clf, nudges: [] });
    const a = live.push({ role: "client", text: "a" });
    const b = live.push({ role: "client", text: "b" });
    const c = live.push({ role: "client", text: "c" });
    await expect(a).resolves.toBeDefined();
    await expect(b).rejects.toThrow("LLM down");
    await expect(c).resolves.toBeDefined();
    expect(live.transcript().utterances.map((u) => u.text)).toEqual(["a", "c"]);
  });

  it("a codebook without mappings: scores it cannot give are absent, with reasons", () => {
    const clf = scripted("mine", [{ codeId: "x" }]);
    const live = createLiveCoder({ classifier: clf });
    live.push({ role: "therapist", text: "hi" });
    const s = live.snapshot();
    expect(s.miti).toBeUndefined();
    expect(s.profile).toBeUndefined();
    expect(s.notComputed.map((x) => x.score)).toEqual(["miti", "profile", "flags"]);
    expect(s.nudgesNotEvaluated.map((x) => x.rule).sort()).toEqual([
      "judgement",
      "oversharing",
      "questions-in-a-row",
      "reflection-to-question",
      "unsolicited-advice",
    ]);
  });
});
