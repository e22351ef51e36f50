/**
 * Golden equality: the predictions (code, confidence), evidence and probabilities of the three
 * shipped classifiers on every utterance of AnnoMI dev must stay IDENTICAL across speed work.
 * The hashes below were recorded from the code before any optimisation (commit "golden
 * predictions test"); a change that alters any of them changes what users get.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { rulesClassifier } from "../../src/classify/rules/index.js";
import type { Prediction, SyncClassifier } from "../../src/classify/types.js";
import { rapportCodebook } from "../../src/codebook/index.js";
import type { Evidence, Utterance } from "../../src/core/schemas.js";
import { readAnnomi } from "../../src/io/index.js";
import { annomiClassifier, defaultClassifier } from "../../src/model/index.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const DEV = path.resolve(repoRoot, "../shared/data/annomi/AnnoMI-full.dev.csv");
const haveData = existsSync(DEV);
if (!haveData) {
  // Visible in the test output: the data is outside the repository and may be absent.
  process.stderr.write(`golden-predictions: skipped, ${DEV} not found\n`);
}

const num = (x: number): string => String(Number(x.toPrecision(12)));

function evidenceLine(e: Evidence | undefined): string {
  if (!e) return "-";
  const spans = (e.spans ?? []).map((s) => `${s.start}-${s.end}-${s.cue}`).join("|");
  const feats = (e.features ?? []).map((f) => `${f.name}=${num(f.weight)}`).join("|");
  return `${spans}#${feats}`;
}

function digests(preds: readonly Prediction[]): {
  codes: string;
  evidence: string;
  probabilities: string;
} {
  const codes = createHash("sha256");
  const evidence = createHash("sha256");
  const probabilities = createHash("sha256");
  for (const p of preds) {
    codes.update(`${p.utteranceId}\t${p.codeId}\t${num(p.confidence)}\t${p.source}\n`);
    evidence.update(`${p.utteranceId}\t${evidenceLine(p.evidence)}\n`);
    const pr = p.probabilities
      ? Object.entries(p.probabilities)
          .map(([k, v]) => `${k}=${num(v)}`)
          .join("|")
      : "-";
    probabilities.update(`${p.utteranceId}\t${pr}\n`);
  }
  return {
    codes: codes.digest("hex"),
    evidence: evidence.digest("hex"),
    probabilities: probabilities.digest("hex"),
  };
}

/** Every session in one batch, and each session in two halves with the first as `context`. */
function runBoth(clf: SyncClassifier, sessions: readonly (readonly Utterance[])[]) {
  const all = sessions.flat();
  const whole = clf.classify(all);
  expect(whole.map((p) => p.utteranceId)).toEqual(all.map((u) => u.id));
  const chunked: Prediction[] = [];
  for (const s of sessions) {
    const half = Math.floor(s.length / 2);
    chunked.push(...clf.classify(s.slice(0, half)));
    chunked.push(...clf.classify(s.slice(half), { context: s.slice(0, half) }));
  }
  return { whole: digests(whole), chunked: digests(chunked) };
}

/** No probabilities at all: the hash of one "-" line per utterance. */
const RULES_NO_PROBS = "cc6f268d3c78ed54c7a080f0a8c6d0f05be8bed83b23f271e80182befaf7cc89";
/**
 * Recorded from the model retrained with averaged AdaGrad (session 3; the rules' hashes are those
 * from before the speed work); coding in halves with `context` gives the same.
 */
const GOLDEN = {
  linear: {
    codes: "ca2e64116b90df945f99b41bde0a04b42c92ff20a26b18959389d9a1339b252a",
    evidence: "7c1d9a86060803d7ea64368e41b5e7d9140924d9f056db4538613488623139b0",
    probabilities: "7d1cbad8e9bd352b97f06d80dc7135267a208fd8e27ebb479a1e30ba804b801b",
  },
  // Re-recorded on purpose for issue #12: the rules' judgement, invalidation and unsolicited-advice
  // lexicons grew (recommendations and imperatives; a first-person story weighs against
  // judgement), and the rapport default was retrained (more written data at the harm codes'
  // boundaries; character 4-grams; no position or earlier-code features; rapport-cues@2).
  // Re-recorded again (session 6): the judgement cues weigh a helper's story about themselves
  // more (rapport-cues@3), and the rapport default was retrained with author G's 204 turns at the
  // judgement boundary, features in at least 5 turns and 127 weight levels (a smaller package).
  // Re-recorded again (session 9, issue #12): the rapport default was retrained with authors H-O's
  // 1,729 turns (peer support, advice as a question, "what helped me" disclosure, spoken-session
  // transcripts, crisis chat/coaching/forum boundaries) and features in at least 6 turns, and its
  // tagger (rapport-cues@4) no longer counts negated evaluative words ("it's not silly") as
  // judgement cues; the rules' own codes on AnnoMI did not change.
  // Re-recorded again (session 10, issue #12): the rapport default was retrained with authors Q
  // and R's 480 turns (long peer emotional-support chats, crisis-line chat); tagger and features
  // unchanged.
  // Re-recorded again (session 13, issue #12): the rapport default was retrained with authors P,
  // S and T's 479 forum units and the adjudication of authors Q and R's 16 disagreements, with
  // features seen in at least 7 turns (was 6: a smaller model at the same CV figures); tagger
  // unchanged. Evidence became opt-in the same session; the tests ask for it.
  // Re-recorded again (session 14, issue #12): the rapport default was retrained with class
  // weights balanced in the client head (change / neutral / sustain talk); tagger and data
  // unchanged. Then again, the same session: retrained with authors U-X's 784 spoken MI turns
  // (helper codes and the client's talk type) and features seen in at least 8 turns.
  // Re-recorded again (session 15, issue #12): the rapport default was retrained with long answers
  // coded sentence by sentence (data/longform/train.jsonl, authors AG-AJ, 858 sentences), and its
  // tagger (rapport-cues@5) tags a helper's turn after a turn that asked for advice.
  // Re-recorded again (session 16, issue #12): retrained with authors AK-AN's long answers
  // (862 sentences) and tagger rapport-cues@6 (requests without a question mark; a turn that
  // declines advice), features seen in at least 9 turns; then with the natural text chats of
  // authors BD-BF (274 helper turns); then with the chats of BG-BL (528 turns) and the long
  // answers of AO-AP (413 sentences), features seen in at least 10 turns.
  rules: {
    codes: "9326e5e45a26a3faa42697c841a5f7c6a4e34658816804d331a2b2bd3a3679c7",
    evidence: "eeb6d8f2c0a272301bd5c5bd93e9300857178617363144514c7b426f5fde4ac5",
    probabilities: RULES_NO_PROBS,
  },
  rapport: {
    codes: "d213a2f96536f439fed31d12f554cc4db8fd22980e57649796ac0ec6d07fb541",
    evidence: "fb23eafdd016d8a91e9242e7bc9ccab44836641cf5d9bfb9d088ceca4d0ba6c6",
    probabilities: RULES_NO_PROBS,
  },
};

describe.skipIf(!haveData)("golden predictions on AnnoMI dev (must not change)", () => {
  const sessions = haveData
    ? readAnnomi(readFileSync(DEV, "utf8")).transcripts.map((t) => t.utterances)
    : [];

  it("reads all 7,438 utterances", () => {
    expect(sessions.length).toBe(106);
    expect(sessions.reduce((a, s) => a + s.length, 0)).toBe(7438);
  });

  // Evidence is opt-in (session 13): asked for here, so that its hash still guards it.
  it("annomiClassifier({ evidence: 3 }): codes, confidences, evidence and probabilities unchanged", () => {
    expect(runBoth(annomiClassifier({ evidence: 3 }), sessions)).toEqual({
      whole: GOLDEN.linear,
      chunked: GOLDEN.linear,
    });
  });

  it("rulesClassifier(rapportCodebook): codes, confidences and evidence unchanged", () => {
    expect(runBoth(rulesClassifier(rapportCodebook), sessions)).toEqual({
      whole: GOLDEN.rules,
      chunked: GOLDEN.rules,
    });
  });

  it('defaultClassifier({ codebook: "rapport", evidence: 3 }): codes, confidences and evidence unchanged', () => {
    expect(runBoth(defaultClassifier({ codebook: "rapport", evidence: 3 }), sessions)).toEqual({
      whole: GOLDEN.rapport,
      chunked: GOLDEN.rapport,
    });
  });
});
