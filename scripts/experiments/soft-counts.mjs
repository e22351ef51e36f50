// Experiment, not part of `npm run eval`: would session scores from predicted codes agree better
// with scores from human codes if each utterance counted as its predicted distribution
// (probabilistic classify-and-count: Bella, Ferri, Hernández-Orallo & Ramírez-Quintana 2010,
// "Quantification via probability estimators", ICDM) instead of as its top code?
//
// The library's session scores take one code per utterance, so each utterance is repeated N
// times here, its copies coded in proportion to its out-of-fold probabilities (largest
// remainder); human and top-code scores get N copies of their one code, so all three see the same
// utterance list. Ratios and per-100 rates are unchanged by the repetition; counts (MIA, MINA)
// scale by N, which Spearman's ρ ignores. Out of fold, 5 folds grouped by session, one seed.
//   node --import tsx scripts/experiments/soft-counts.mjs [seed]
import { linearClassifier, trainLinear } from "../../src/classify/linear/index.js";
import { rapportCueTagger } from "../../src/model/rapport.js";
import { groupedFolds } from "../annomi-data.mjs";
import { spearman } from "../rank-stats.mjs";
import {
  loadAnnomiRapport,
  loadWritten,
  RAPPORT_MODEL_OPTIONS,
  withTags,
} from "../rapport-data.mjs";
import { SCORES, sessionScores, strip } from "../session-scores.mjs";

const tagger = rapportCueTagger();
const annomi = withTags(loadAnnomiRapport(), tagger);
const written = withTags(loadWritten(), tagger);
const all = [...annomi, ...written];
const seed = Number(process.argv[2] ?? 1);
const preds = new Map();
for (const test of groupedFolds(all, 5, seed)) {
  const model = trainLinear(
    all.filter((t) => !test.has(t.session)),
    RAPPORT_MODEL_OPTIONS,
  );
  const tt = all.filter((t) => test.has(t.session));
  linearClassifier(model, { tagger, evidence: 0, probabilities: true })
    .classify(tt.map(strip))
    .forEach((p, i) => {
      preds.set(tt[i].id, p);
    });
}
const N = 100;
const human = sessionScores(annomi, (t) => t.label, "rapport", N);
const hard = sessionScores(annomi, (t) => preds.get(t.id).codeId, "rapport", N);
const soft = sessionScores(
  annomi,
  (t) => {
    const p = preds.get(t.id);
    const probs = Object.entries(p.probabilities ?? { [p.codeId]: 1 });
    // largest remainder into N copies
    const base = probs.map(([c, v]) => [c, Math.floor(v * N), v * N - Math.floor(v * N)]);
    const left = N - base.reduce((a, b) => a + b[1], 0);
    base.sort((a, b) => b[2] - a[2]);
    for (let i = 0; i < left; i++) base[i][1]++;
    return base.filter((b) => b[1] > 0).map((b) => [b[0], b[1]]);
  },
  "rapport",
  N,
);
for (const k of SCORES) {
  const rho = (pred) => {
    const a = [],
      b = [];
    for (const [s, h] of human) {
      const x = pred.get(s)[k];
      if (x == null || h[k] == null) continue;
      a.push(x);
      b.push(h[k]);
    }
    return spearman(a, b);
  };
  const r1 = rho(hard),
    r2 = rho(soft);
  console.log(k.padEnd(8), "hard", r1.toFixed(3), "soft", r2.toFixed(3));
}
