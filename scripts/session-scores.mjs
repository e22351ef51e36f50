// Session scores of the evaluation scripts: the `rapport` profile and the MITI summary of each
// session of a list of turns, from one code per turn (or, with `copies`, a turn repeated and its
// copies coded as given: see scripts/experiments/soft-counts.mjs).
import { mitiSummary, rapportProfile } from "../src/score/index.js";

/** The scores compared between predicted and human codes. */
export const SCORES = ["overall", "goal", "task", "bond", "rq", "pctCR", "mia", "mina"];

/** A turn as an utterance: without the corpus fields (gold label, second code, item, cue tags). */
export const strip = ({ label, also, item, tags, ...u }) => u;

/**
 * Scores per session (Map session → scores and the session's `quality`). `codeOf(t)` gives a
 * turn's code (or undefined: uncoded); with `copies` > 1 every turn is repeated that many times
 * and `codeOf` may also give `[code, count]` pairs whose counts add up to `copies`.
 */
export function sessionScores(turns, codeOf, codebook, copies = 1) {
  const bySession = new Map();
  for (const t of turns) {
    if (!bySession.has(t.session)) bySession.set(t.session, []);
    bySession.get(t.session).push(t);
  }
  const out = new Map();
  for (const [s, ts] of bySession) {
    const utterances = [];
    const codings = [];
    for (const t of ts) {
      const c = codeOf(t);
      const parts = Array.isArray(c) ? c : [[c, copies]];
      let j = 0;
      for (const [code, n] of parts)
        for (let k = 0; k < n; k++, j++) {
          const id = copies === 1 ? t.id : `${t.id}~${j}`;
          utterances.push({ ...strip(t), id });
          if (code) codings.push({ utteranceId: id, codeId: code, confidence: 1, source: "x" });
        }
    }
    const coded = {
      transcript: { id: s, utterances },
      codebook: { id: codebook, version: "1.0.0" },
      codings,
    };
    const p = rapportProfile(coded);
    const m = mitiSummary(coded);
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
