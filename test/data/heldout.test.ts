/**
 * The held-out sets (data/written/heldout.jsonl; the natural text chats, data/chat/heldout.jsonl)
 * are tests only if the shipped model never saw them:
 * no conversation is in both files, and no held-out helper turn (nor client turn of more than eight
 * words) is among the training fingerprints the shipped `rapport` model records
 * (`training.fingerprint`).
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fingerprintOf, readFingerprint } from "../../src/classify/linear/fingerprint.js";

const read = (path: string) =>
  readFileSync(new URL(path, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { conv: string; seeker: string; helper: string; code: string });

const HELD_OUT = ["../../data/written/heldout.jsonl", "../../data/chat/heldout.jsonl"].filter((f) =>
  existsSync(new URL(f, import.meta.url)),
);

describe.each(HELD_OUT)("the held-out set %s", (file) => {
  const train = read("../../data/written/written.jsonl");
  const held = read(file);
  it("shares no conversation with the training corpus", () => {
    expect(held.length).toBeGreaterThan(0);
    const convs = new Set(train.map((x) => x.conv));
    expect(held.filter((x) => convs.has(x.conv))).toEqual([]);
  });
  it("is not in the shipped rapport model's training fingerprint, which holds the corpus's turns", () => {
    const model = JSON.parse(
      readFileSync(new URL("../../src/model/rapport-en.json", import.meta.url), "utf8"),
    ) as { training: unknown };
    const fp = readFingerprint(model.training);
    expect(fp).toBeDefined();
    const hashes = fp?.hashes ?? new Set<number>();
    // The check can fail: the training corpus's own long turns are found.
    const trained = train.map((x) => fingerprintOf(x.helper)).filter((h) => h !== undefined);
    expect(trained.length).toBeGreaterThan(1000);
    expect(trained.filter((h) => !hashes.has(h))).toEqual([]);
    const inTraining = (t: string) => {
      const h = fingerprintOf(t);
      return h !== undefined && hashes.has(h);
    };
    expect(held.filter((x) => inTraining(x.helper))).toEqual([]);
    // A client's short stock phrase can recur by chance ("Yeah. That's about the size of it." is
    // in both, in different conversations by different authors); a longer one would be a copy.
    const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
    expect(held.filter((x) => inTraining(x.seeker) && words(x.seeker) > 8)).toEqual([]);
  });
});
