/**
 * Live against batch on real sessions: the bundled demo and AnnoMI transcripts, coded by the
 * default classifier one push at a time. The live codings equal `codeTranscript` over the whole
 * transcript (the context the coder passes is what the classifier reads), and the final snapshot
 * equals the batch scores of that coded transcript.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeTranscript } from "../../src/classify/session.js";
import type { Transcript } from "../../src/core/schemas.js";
import { readAnnomi } from "../../src/io/annomi.js";
import { readText } from "../../src/io/text.js";
import { createLiveCoder } from "../../src/live/index.js";
import { defaultClassifier } from "../../src/model/index.js";
import { batchScores, codedOf, scoresOf, scripted } from "./_helpers.js";

const ROOT = join(import.meta.dirname, "../..");
const ANNOMI = "/work/shared/data/annomi/AnnoMI-full.dev.csv";

function demo(): Transcript {
  const r = readText(readFileSync(join(ROOT, "examples/demo-session.txt"), "utf8"), {
    session: "demo",
  });
  return r.transcripts[0] as Transcript;
}

function liveCode(t: Transcript, codebook: "rapport" | "annomi") {
  const clf = defaultClassifier({ codebook });
  const live = createLiveCoder({ classifier: clf, session: t.id });
  for (const u of t.utterances)
    live.push({
      id: u.id,
      role: u.role,
      speaker: u.speaker,
      text: u.text,
      ...(u.start !== undefined ? { start: u.start } : {}),
      ...(u.end !== undefined ? { end: u.end } : {}),
    });
  return { live, clf };
}

describe("live coding of real sessions", () => {
  it("the demo session: same codings as codeTranscript, snapshot = batch scores", () => {
    const t = demo();
    const { live, clf } = liveCode(t, "rapport");
    const batch = codeTranscript(clf, t);
    expect(live.transcript().codings).toEqual(batch.codings);
    expect(scoresOf(live.snapshot())).toEqual(batchScores(codedOf(live, clf.codebook), {}));
  });

  const annomi = existsSync(ANNOMI)
    ? readAnnomi(readFileSync(ANNOMI, "utf8"), { file: "AnnoMI-full.dev.csv" })
    : undefined;
  // A few transcripts of different lengths (the longest has hundreds of utterances).
  const picks = annomi
    ? [...annomi.transcripts]
        .sort((a, b) => b.utterances.length - a.utterances.length)
        .filter((_, i, all) => i === 0 || i === Math.floor(all.length / 2) || i === all.length - 1)
    : [];

  it.skipIf(!annomi)("AnnoMI transcripts, default rapport classifier: live = batch", () => {
    expect(picks.length).toBe(3);
    for (const t of picks) {
      const { live, clf } = liveCode(t, "rapport");
      const batch = codeTranscript(clf, t);
      expect(live.transcript().codings).toEqual(batch.codings);
      expect(scoresOf(live.snapshot())).toEqual(batchScores(codedOf(live, clf.codebook), {}));
    }
  });

  it.skipIf(!annomi)("AnnoMI transcripts with their gold codes (start times): live = batch", () => {
    const gold = new Map(annomi?.codings.map((c) => [c.utteranceId, c.codeId]));
    for (const t of picks) {
      const clf = scripted(
        "annomi",
        t.utterances.map((u) => ({ codeId: gold.get(u.id) ?? "other" })),
      );
      const live = createLiveCoder({ classifier: clf, session: t.id, nudges: [] });
      for (const u of t.utterances)
        live.push({ id: u.id, role: u.role, speaker: u.speaker, text: u.text, start: u.start });
      const o = { volleyRules: true };
      const liveO = createLiveCoder({ classifier: clf, session: t.id, scores: o, nudges: [] });
      for (const u of t.utterances)
        liveO.push({ id: u.id, role: u.role, speaker: u.speaker, text: u.text, start: u.start });
      expect(scoresOf(live.snapshot())).toEqual(batchScores(codedOf(live, clf.codebook), {}));
      expect(scoresOf(liveO.snapshot())).toEqual(batchScores(codedOf(liveO, clf.codebook), o));
      expect(live.snapshot().summary.durationSeconds.value).toBeGreaterThan(0);
    }
  });
});
