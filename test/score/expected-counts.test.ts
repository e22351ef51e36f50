import { describe, expect, it } from "vitest";
import { codeTranscript } from "../../src/classify/session.js";
import type { SyncClassifier } from "../../src/classify/types.js";
import type { CodedTranscript } from "../../src/core/schemas.js";
import {
  miscSummary,
  mitiSummary,
  rapportProfile,
  sessionScores,
  summarizeSession,
} from "../../src/score/index.js";
import { build, issuesOf, type Row } from "./_build.js";

/** A session whose therapist utterances carry the given distributions (top code = the largest). */
function withDistributions(
  dists: readonly Readonly<Record<string, number>>[],
  client = "I think it has been hard for me lately.",
): CodedTranscript {
  const rows: Row[] = [];
  for (const d of dists) {
    const top = Object.entries(d).sort((a, b) => b[1] - a[1])[0]?.[0];
    rows.push(["therapist", top, "Tell me more about that."]);
    rows.push(["client", undefined, client]);
  }
  const coded = build(rows);
  return {
    ...coded,
    codings: coded.codings.map((c, i) => ({
      ...c,
      confidence: Math.max(...Object.values(dists[i] as Record<string, number>)),
      probabilities: dists[i],
    })),
  };
}

/** The same session with each utterance repeated `n` times, copies coded in proportion to its distribution. */
function asCopies(dists: readonly Readonly<Record<string, number>>[], n: number): CodedTranscript {
  const rows: Row[] = [];
  for (const d of dists)
    for (const [code, p] of Object.entries(d))
      for (let k = 0; k < Math.round(p * n); k++) {
        rows.push(["therapist", code, "Tell me more about that."]);
        rows.push(["client", undefined, "I think it has been hard for me lately."]);
      }
  return build(rows);
}

const DISTS: readonly Readonly<Record<string, number>>[] = [
  { "reflection.simple": 0.6, "question.open": 0.4 },
  { "reflection.complex": 0.9, "advice.unsolicited": 0.1 },
  { "question.closed": 0.7, validation: 0.2, judgement: 0.1 },
  { affirmation: 0.5, "reflection.complex": 0.3, "question.open": 0.2 },
];

describe('counting: "expected"', () => {
  it("counts each code by its probability (MITI counts worked by hand)", () => {
    const m = mitiSummary(withDistributions(DISTS), { counting: "expected" });
    // SR 0.6; CR 0.9 + 0.3; Q 0.4 + 0.7 + 0.2; AF 0.5; Persuade 0.1; Confront 0.1.
    expect(m.counts.SR).toBeCloseTo(0.6, 12);
    expect(m.counts.CR).toBeCloseTo(1.2, 12);
    expect(m.counts.Q).toBeCloseTo(1.3, 12);
    expect(m.counts.AF).toBeCloseTo(0.5, 12);
    expect(m.rq.value).toBeCloseTo(1.8 / 1.3, 12);
    expect(m.pctCR.value).toBeCloseTo((100 * 1.2) / 1.8, 12);
  });

  it("ignores probabilities by default: the top code counts 1", () => {
    const m = mitiSummary(withDistributions(DISTS));
    expect(m.counts).toMatchObject({ SR: 1, CR: 1, Q: 1, AF: 1 });
    expect(m.rq.value).toBe(2);
  });

  it("gives the scores of a session where each utterance is repeated in proportion to its distribution", () => {
    // Rates and ratios do not change when every utterance is repeated the same number of times,
    // so the expected-count scores must equal the top-code scores of the copies.
    const soft = sessionScores(withDistributions(DISTS), { counting: "expected" });
    const copies = sessionScores(asCopies(DISTS, 10));
    expect(soft.miti.rq.value).toBeCloseTo(copies.miti.rq.value as number, 12);
    expect(soft.miti.pctCR.value).toBeCloseTo(copies.miti.pctCR.value as number, 12);
    for (const d of ["goal", "task", "bond"] as const)
      expect(soft.profile[d].value).toBeCloseTo(copies.profile[d].value as number, 10);
    expect(soft.profile.overall.value).toBeCloseTo(copies.profile.overall.value as number, 10);
    const rate = (s: typeof soft, code: string) =>
      s.summary.codes.find((c) => c.codeId === code && c.role === "therapist")?.per100.value;
    for (const code of ["reflection", "reflection.complex", "question", "validation", "judgement"])
      expect(rate(soft, code)).toBeCloseTo(rate(copies, code) as number, 10);
    const share = (s: typeof soft) => s.summary.questionShare.value as number;
    expect(share(soft)).toBeCloseTo(share(copies), 12);
  });

  it("counts a coding without probabilities (a human coder's) as 1 for its code", () => {
    const human = build([
      ["therapist", "reflection.simple", "So it has been hard."],
      ["client", undefined, "Yes."],
      ["therapist", "question.open", "What else?"],
    ]);
    expect(mitiSummary(human, { counting: "expected" }).counts).toEqual(mitiSummary(human).counts);
    expect(rapportProfile(human, { counting: "expected" })).toEqual(rapportProfile(human));
  });

  it("normalises probabilities that do not sum to 1, and rejects one outside [0, 1]", () => {
    const a = mitiSummary(withDistributions([{ "reflection.simple": 0.3, "question.open": 0.2 }]), {
      counting: "expected",
    });
    expect(a.counts.SR).toBeCloseTo(0.6, 12);
    expect(a.counts.Q).toBeCloseTo(0.4, 12);
    const coded = withDistributions([{ "reflection.simple": 0.3 }]);
    const first = coded.codings[0] as CodedTranscript["codings"][number];
    const bad: CodedTranscript = {
      ...coded,
      codings: [{ ...first, probabilities: { "reflection.simple": 1.5 } }],
    };
    const issues = issuesOf(() => mitiSummary(bad, { counting: "expected" }));
    expect(issues[0]?.path).toEqual(["codings", 0, "probabilities", "reflection.simple"]);
  });

  it("applies the advice context rule to each code of the distribution", () => {
    const rows: Row[] = [
      ["therapist", "permission", "Would it be okay if I shared an idea?"],
      ["client", undefined, "Sure."],
      ["therapist", "advice", "You could try a walk after dinner."],
    ];
    const coded = build(rows);
    const withProbs: CodedTranscript = {
      ...coded,
      codings: coded.codings.map((c) =>
        c.codeId === "advice" ? { ...c, probabilities: { advice: 0.5, information: 0.5 } } : c,
      ),
    };
    const m = mitiSummary(withProbs, { counting: "expected" });
    expect(m.counts.PersuadeWithPermission).toBeCloseTo(0.5, 12);
    expect(m.counts.Persuade).toBe(0);
    const misc = miscSummary(withProbs, { counting: "expected" });
    expect(misc.counts.ADP).toBeCloseTo(0.5, 12);
  });

  it("reports a code of the distribution that the mapping lacks, by id", () => {
    const m = mitiSummary(withDistributions([{ "reflection.simple": 0.7, "no.such.code": 0.3 }]), {
      counting: "expected",
    });
    expect(m.counts.SR).toBeCloseTo(0.7, 12);
    expect(m.warnings.join("\n")).toContain("'no.such.code'");
  });

  it("refuses an unknown counting, and volley rules with expected counts", () => {
    const coded = withDistributions(DISTS);
    const bad = issuesOf(() => mitiSummary(coded, { counting: "soft" as unknown as "expected" }));
    expect(bad[0]?.path).toEqual(["counting"]);
    const volley = issuesOf(() => mitiSummary(coded, { counting: "expected", volleyRules: true }));
    expect(volley[0]?.path).toEqual(["counting"]);
    expect(mitiSummary(coded, { counting: "top", volleyRules: true }).counts.CR).toBe(1);
  });

  it("summarizeSession counts each code by its probability, rolled up to its parent", () => {
    const s = summarizeSession(withDistributions(DISTS), { counting: "expected" });
    const count = (code: string) =>
      s.codes.find((c) => c.codeId === code && c.role === "therapist")?.count;
    expect(count("reflection.complex")).toBeCloseTo(1.2, 12);
    expect(count("reflection")).toBeCloseTo(1.8, 12);
    expect(count("question")).toBeCloseTo(1.3, 12);
  });

  it("codeTranscript keeps a classifier's probabilities in the codings", () => {
    const clf: SyncClassifier = {
      id: "fixed",
      mode: "sync",
      codebook: { id: "rapport", version: "1.0.0" },
      classify: (us) =>
        us.map((u) => ({
          utteranceId: u.id,
          codeId: "reflection.simple",
          confidence: 0.6,
          source: "fixed",
          probabilities: { "reflection.simple": 0.6, "question.open": 0.4 },
        })),
    };
    const coded = codeTranscript(clf, withDistributions([{ validation: 1 }]).transcript);
    expect(coded.codings[0]?.probabilities).toEqual({
      "reflection.simple": 0.6,
      "question.open": 0.4,
    });
    const m = mitiSummary(coded, { counting: "expected" });
    // Both utterances (therapist and client) are coded; only the therapist's count for MITI.
    expect(m.counts.SR).toBeCloseTo(0.6, 12);
    expect(m.counts.Q).toBeCloseTo(0.4, 12);
  });
});
