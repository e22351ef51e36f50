// The encoder experiment of the model card, through rapportkit's own API: the linear model, an
// embeddingClassifier with context over Universal Sentence Encoder vectors, and the two pooled by
// ensemble(..., { strategy: "geometric-mean" }) after rollUpClassifier has summed the linear
// model's subtypes into their behaviour, in the same 5-fold CV grouped by transcript as
// `npm run eval`. Needs the vectors from scripts/embed-annomi.mjs (see there).
//   npm run eval:encoder -- [--vectors out/annomi-use.f32] [--seeds 1,2,3] [--solver lbfgs|sgd]
//                           [--l2 0.3 (lbfgs) | 0.1 (sgd)] [--epochs 30 (sgd only)]
//                           [--cascade 0.6,0.8,0.9]
// --cascade also codes with cascade(linear, pooled, { threshold }) for each threshold: only the
// utterances the linear model (rolled up to behaviours) is less sure of than the threshold go to
// the pooled coder, i.e. need an embedding; it prints the share that went and the macro-F1.
// Seeds 2 / 3, thresholds 0.5, 0.6, 0.7, 0.8, 0.9: 32 / 26 %, 53 / 46 %, 67 / 62 %, 78 / 73 %,
// 87 / 84 % sent; therapist 0.754 / 0.760, 0.764 / 0.770, 0.767 / 0.774, 0.769 / 0.775, 0.769 /
// 0.775 (docs/guides/app-developers.md has the table).
// The heads are fitted by L-BFGS (trainSoftmaxHead's default solver) with L2 0.3, chosen on seed 1
// among 1e-3, 1e-2, 3e-2, 0.1, 0.3 and 1 (encoder heads alone, therapist / client macro-F1:
// 0.685 / 0.448, 0.707 / 0.467, 0.726 / 0.474, 0.744 / 0.488, 0.749 / 0.492, 0.749 / 0.497; pooled:
// 0.724 / 0.460, 0.747 / 0.480, 0.759 / 0.493, 0.767 / 0.498, 0.773 / 0.504, 0.771 / 0.506).
// Seeds 2 and 3 are the fresh check: pooled 0.769 / 0.524 and 0.775 / 0.512 (encoder alone
// 0.748 / 0.508 and 0.754 / 0.501), against 0.758 / 0.502 and 0.767 / 0.474 (encoder alone
// 0.723 / 0.469 and 0.731 / 0.441) for the earlier mini-batch SGD heads (`--solver sgd`: L2 0.1,
// 30 epochs, chosen on seed 1 among 1e-4 … 0.1), with the same linear model (0.744 / 0.497 and
// 0.743 / 0.475 alone). A seed took 71–80 s with L-BFGS and 41–55 s with SGD on a shared 2-core
// machine.
import { existsSync, readFileSync } from "node:fs";
import { embeddingClassifier } from "../src/classify/adapters/index.js";
import { cascade, ensemble, rollUpClassifier } from "../src/classify/combinators.js";
import { linearClassifier, trainLinear } from "../src/classify/linear/index.js";
import { annomiCodebook } from "../src/codebook/index.js";
import {
  asUtterance,
  BEHAVIOURS,
  CLIENT_LABELS,
  groupedFolds,
  loadAnnomi,
  macroF1,
  parent,
} from "./annomi-data.mjs";
import { MODEL_OPTIONS } from "./model-options.mjs";

const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const file = opt("--vectors", "out/annomi-use.f32");
const seeds = opt("--seeds", "1,2,3").split(",").map(Number);
const solver = opt("--solver", "lbfgs");
if (solver !== "lbfgs" && solver !== "sgd") {
  console.error(`--solver: expected lbfgs or sgd, got ${solver}`);
  process.exit(2);
}
const l2 = Number(opt("--l2", solver === "sgd" ? 0.1 : 0.3));
const thresholds = opt("--cascade", "")
  .split(",")
  .filter((x) => x !== "")
  .map(Number);
if (thresholds.some((t) => !(t > 0 && t <= 1))) {
  console.error("--cascade: expected thresholds in (0, 1], comma-separated");
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(`${file} not found: run scripts/embed-annomi.mjs first (see its header)`);
  process.exit(1);
}
const { turns } = loadAnnomi();
const raw = readFileSync(file);
const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const DIM = all.length / turns.length;
if (!Number.isInteger(DIM)) throw new Error(`${file}: not ${turns.length} vectors`);
// The "user's embed function": the precomputed vector of each text.
const byText = new Map();
turns.forEach((t, i) => {
  if (!byText.has(t.text)) byText.set(t.text, Array.from(all.subarray(i * DIM, (i + 1) * DIM)));
});
const embed = async (texts) =>
  texts.map((x) => {
    const v = byText.get(x);
    if (!v) throw new Error("text without a precomputed vector");
    return v;
  });

/** Training examples with the previous turns of another and of the same role, per session. */
function examplesOf(ts) {
  const last = new Map();
  const out = [];
  for (const t of ts) {
    const st = last.get(t.session) ?? {};
    last.set(t.session, st);
    const other = t.role === "client" ? "therapist" : "client";
    out.push({
      text: t.text,
      codeId: t.role === "therapist" ? parent(t.label) : t.label,
      ...(st[other] !== undefined ? { previousText: st[other] } : {}),
      ...(st[t.role] !== undefined ? { previousSameText: st[t.role] } : {}),
    });
    st[t.role] = t.text;
  }
  return out;
}

for (const seed of seeds) {
  const started = performance.now();
  const pred = { linear: new Map(), encoder: new Map(), pooled: new Map() };
  const escalated = {};
  for (const t of thresholds) {
    pred[`cascade ${t}`] = new Map();
    escalated[`cascade ${t}`] = 0;
  }
  for (const test of groupedFolds(turns, 5, seed)) {
    const train = turns.filter((t) => !test.has(t.session));
    const held = turns.filter((t) => test.has(t.session)).map(asUtterance);
    const linear = linearClassifier(trainLinear(train, MODEL_OPTIONS), { evidence: 0 });
    // One head per speaker role (as the linear model has), each coding every utterance so that
    // it sees the previous turns of both roles; the role's own head answers for its utterances.
    const heads = {};
    const examples = examplesOf(train);
    for (const role of ["therapist", "client"]) {
      heads[role] = await embeddingClassifier({
        codebook: annomiCodebook,
        embed,
        context: true,
        batchSize: 1024,
        train: {
          classWeights: "balanced",
          solver,
          l2,
          ...(solver === "sgd" ? { epochs: Number(opt("--epochs", 30)) } : {}),
        },
      }).train(examples.filter((_, i) => train[i].role === role));
    }
    const encoder = {
      ...heads.therapist,
      id: "encoder",
      async classify(us, o) {
        const [a, b] = [await heads.therapist.classify(us, o), await heads.client.classify(us, o)];
        return us.map((u, i) => (u.role === "client" ? b[i] : a[i]));
      },
    };
    // The linear model's distribution is over leaf codes (subtypes, and "other"); the encoder's
    // over the 4 behaviours and 3 talk types: roll the subtypes up into their behaviour first.
    const linearTop = rollUpClassifier(linear, { codebook: annomiCodebook });
    const pooled = ensemble([linearTop, encoder], { strategy: "geometric-mean" });
    const cascades = Object.fromEntries(
      thresholds.map((t) => [
        `cascade ${t}`,
        cascade(linearTop, pooled, {
          threshold: t,
          onReport: (r) => {
            escalated[`cascade ${t}`] += r.escalated;
          },
        }),
      ]),
    );
    for (const [name, clf] of Object.entries({ linear, encoder, pooled, ...cascades })) {
      const out = await clf.classify(held);
      for (const p of out) pred[name].set(p.utteranceId, p.codeId);
    }
  }
  const th = turns.filter((t) => t.role === "therapist");
  const cl = turns.filter((t) => t.role === "client");
  const line = Object.entries(pred).map(([name, m]) => {
    const t4 = macroF1(
      th.map((t) => parent(t.label)),
      th.map((t) => parent(m.get(t.id))),
      BEHAVIOURS,
    );
    const c3 = macroF1(
      cl.map((t) => t.label),
      cl.map((t) => m.get(t.id)),
      CLIENT_LABELS,
    );
    const sent =
      name in escalated ? ` (${((100 * escalated[name]) / turns.length).toFixed(0)} % sent)` : "";
    return `${name} ${t4.toFixed(3)} / ${c3.toFixed(3)}${sent}`;
  });
  const secs = ((performance.now() - started) / 1000).toFixed(0);
  console.log(
    `seed ${seed} (therapist 4-way / client 3-way macro-F1): ${line.join("; ")} [${solver}, l2 ${l2}, ${secs} s]`,
  );
}
