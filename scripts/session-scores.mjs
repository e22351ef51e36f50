// Session scores of the evaluation scripts: the `rapport` profile and the MITI summary of each
// session of a list of turns, scored by the library's own functions.
import { mitiSummary, rapportProfile } from "../src/score/index.js";

/** The scores compared between predicted and human codes. */
export const SCORES = ["overall", "goal", "task", "bond", "rq", "pctCR", "mia", "mina"];

/** A turn as an utterance: without the corpus fields (gold label, second code, item, cue tags). */
export const strip = ({ label, also, item, tags, ...u }) => u;

/**
 * Scores per session (Map session → scores and the session's `quality`). `codeOf(t)` gives a
 * turn's code, or a prediction (`{ codeId, probabilities }`, whose probabilities the coding
 * keeps), or undefined (uncoded). `options` go to the score functions (e.g. `{ counting:
 * "expected" }`).
 */
export function sessionScores(turns, codeOf, codebook, options = {}) {
  const bySession = new Map();
  for (const t of turns) {
    if (!bySession.has(t.session)) bySession.set(t.session, []);
    bySession.get(t.session).push(t);
  }
  const out = new Map();
  for (const [s, ts] of bySession) {
    const codings = [];
    for (const t of ts) {
      const c = codeOf(t);
      if (!c) continue;
      const { codeId, probabilities } = typeof c === "string" ? { codeId: c } : c;
      codings.push({
        utteranceId: t.id,
        codeId,
        confidence: 1,
        source: "x",
        ...(probabilities ? { probabilities } : {}),
      });
    }
    const coded = {
      transcript: { id: s, utterances: ts.map(strip) },
      codebook: { id: codebook, version: "1.0.0" },
      codings,
    };
    const p = rapportProfile(coded, options);
    const m = mitiSummary(coded, options);
    out.set(s, {
      quality: ts[0].quality,
      overall: p.overall.value,
      goal: p.goal.value,
      task: p.task.value,
      bond: p.bond.value,
      rq: m.rq.value,
      pctCR: m.pctCR.value,
      mia: m.mia,
      mina: m.mina,
    });
  }
  return out;
}
