// Classification speed and held-out accuracy: rapportkit's rules, linear model and rapport default
// against natural's BayesClassifier and LogisticRegressionClassifier and
// wink-naive-bayes-text-classifier, all trained and run on the same AnnoMI data in this run.
// Imports the built package (run `npx tsup` first; `npm run bench` builds). RAPPORTKIT_DIST names
// another build directory with index.js and model.js (e.g. a private build, so as not to touch
// dist/ while others use it). The machine's load average is printed: other processes on the same
// cores depress every absolute figure, not the ratios between classifiers of one run.
//   node bench/classify.mjs [--json FILE] [--quick]
//   RAPPORTKIT_DIST=/tmp/build node bench/classify.mjs
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import natural from "natural";
import winkNB from "wink-naive-bayes-text-classifier";
import winkUtils from "wink-nlp-utils";
import { groupedFolds, loadAnnomi } from "../scripts/annomi-data.mjs";
import { MODEL_OPTIONS } from "../scripts/model-options.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
// natural's LogisticRegressionClassifier is dense batch gradient descent: its training time grows
// quickly with the data, so it is trained on a seeded sample of this many utterances per task.
const LR_SAMPLE = Number(process.env.BENCH_LR_SAMPLE ?? 300);
// The rapport default's linear model computes no probabilities (defaultClassifier does not ask
// for them); BENCH_RAPPORT_PROBABILITIES=1 reproduces the configuration before it stopped.
const RAPPORT_PROBABILITIES = process.env.BENCH_RAPPORT_PROBABILITIES === "1";
const DIST = process.env.RAPPORTKIT_DIST
  ? pathToFileURL(`${path.resolve(process.env.RAPPORTKIT_DIST)}/`)
  : new URL("../dist/", import.meta.url);
const { annomiCodebook, rulesClassifier, trainLinear, linearClassifier } = await import(
  new URL("index.js", DIST).href
);
const { annomiClassifier, rapportClassifier } = await import(new URL("model.js", DIST).href);
const loadBefore = os.loadavg();

const THERAPIST4 = ["reflection", "question", "therapist_input", "other"];
const CLIENT3 = ["change", "neutral", "sustain"];
const parent = (c) => c.split(".")[0];

/** AnnoMI 4-way / 3-way class of a rapport code (for scoring the rapport default on AnnoMI). */
function rapportToAnnomi(code) {
  if (code === "change_talk") return "change";
  if (code === "sustain_talk") return "sustain";
  if (code === "neutral") return "neutral";
  const p = parent(code);
  if (p === "reflection" || p === "summary" || p === "validation") return "reflection";
  if (p === "question" || p === "feedback_request" || p === "permission") return "question";
  if (["information", "advice", "autonomy", "structuring"].includes(p)) return "therapist_input";
  return "other";
}

function macroF1(gold, pred, classes) {
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === c && gold[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (gold[i] === c) fn++;
    }
    sum += tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  }
  return sum / classes.length;
}

/** Runs fn over the test set repeatedly (≥ minMs, ≥ 3 runs); utterances per second (wall, CPU). */
function speed(fn, n, minMs = quick ? 300 : 1500) {
  // Warm up (JIT, and the garbage left by training just before) for a fifth of the time.
  const w0 = performance.now();
  do fn();
  while (performance.now() - w0 < minMs / 5);
  const walls = [];
  const cpus = [];
  const start = performance.now();
  while (walls.length < 3 || performance.now() - start < minMs) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    walls.push((n / ms) * 1000);
    cpus.push((n / ((c.user + c.system) / 1000)) * 1000);
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  // The best run is the one least disturbed by other processes on the machine.
  return { wall: med(walls), cpu: med(cpus), best: Math.max(...walls), runs: walls.length };
}

const { turns } = loadAnnomi();
const folds = groupedFolds(turns, 5, 1);
const test = folds[0];
const trainTurns = turns.filter((t) => !test.has(t.session));
const testTurns = turns.filter((t) => test.has(t.session));
const gold = testTurns.map((t) => (t.role === "therapist" ? parent(t.label) : t.label));
const th = testTurns.map((t) => t.role === "therapist");
const utterances = testTurns.map((t) => ({
  id: t.id,
  session: t.session,
  index: t.index,
  speaker: t.speaker,
  role: t.role,
  text: t.text,
}));

function scoreOf(pred) {
  const g4 = [];
  const p4 = [];
  const g3 = [];
  const p3 = [];
  for (let i = 0; i < gold.length; i++) {
    if (th[i]) {
      g4.push(gold[i]);
      p4.push(pred[i]);
    } else {
      g3.push(gold[i]);
      p3.push(pred[i]);
    }
  }
  return { therapist4: macroF1(g4, p4, THERAPIST4), client3: macroF1(g3, p3, CLIENT3) };
}

const results = [];
function record(name, kind, train, predictAll, trainNote) {
  const pred = predictAll();
  const s = speed(predictAll, utterances.length);
  const r = { name, kind, ...scoreOf(pred), ...s, trainSeconds: train, trainNote };
  results.push(r);
  process.stderr.write(`${name}: ${Math.round(s.wall)} utt/s\n`);
}

// --- rapportkit ---------------------------------------------------------------------------
const t0 = performance.now();
const heldOutModel = trainLinear(trainTurns, MODEL_OPTIONS);
const trainLinearS = (performance.now() - t0) / 1000;
const linear = linearClassifier(heldOutModel, { evidence: 0, probabilities: false });
const linearEv = linearClassifier(heldOutModel);
record("rapportkit linear (annomi)", "ours", trainLinearS, () =>
  linear.classify(utterances).map((p) => parent(p.codeId)),
);
record("rapportkit linear, with evidence + probabilities", "ours", trainLinearS, () =>
  linearEv.classify(utterances).map((p) => parent(p.codeId)),
);
const rules = rulesClassifier(annomiCodebook);
record("rapportkit rules (annomi)", "ours", 0, () =>
  rules.classify(utterances).map((p) => parent(p.codeId)),
);
// Configured as defaultClassifier({ codebook: "rapport" }) configures it, over the held-out model.
const rapport = rapportClassifier(
  linearClassifier(heldOutModel, { evidence: 3, probabilities: RAPPORT_PROBABILITIES }),
);
record("rapportkit rapport default", "ours", trainLinearS, () =>
  rapport.classify(utterances).map((p) => rapportToAnnomi(p.codeId)),
);
const shipped = annomiClassifier({ evidence: 0, probabilities: false });
const shippedSpeed = speed(() => shipped.classify(utterances), utterances.length);

// --- peers: one classifier per role, text only ----------------------------------------------
function peer(name, make, learn, finish, predict, sample) {
  const models = {};
  const t = performance.now();
  for (const role of ["therapist", "client"]) {
    let data = trainTurns.filter((x) => x.role === role);
    if (sample && data.length > sample) {
      // Seeded, evenly spaced sample.
      const step = data.length / sample;
      data = Array.from({ length: sample }, (_, i) => data[Math.floor(i * step)]);
    }
    const m = make();
    for (const x of data) learn(m, x.text, role === "therapist" ? parent(x.label) : x.label);
    finish(m);
    models[role] = m;
  }
  const trainS = (performance.now() - t) / 1000;
  record(
    name,
    "peer",
    trainS,
    () => testTurns.map((x) => predict(models[x.role], x.text)),
    sample ? `trained on ${sample} utterances per role (dense batch gradient descent)` : undefined,
  );
}

peer(
  "natural BayesClassifier",
  () => new natural.BayesClassifier(),
  (m, text, label) => m.addDocument(text, label),
  (m) => m.train(),
  (m, text) => m.classify(text),
);
peer(
  "wink-naive-bayes-text-classifier",
  () => {
    const nb = winkNB();
    nb.definePrepTasks([winkUtils.string.tokenize0, winkUtils.tokens.stem]);
    nb.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
    return nb;
  },
  (m, text, label) => m.learn(text, label),
  (m) => m.consolidate(),
  (m, text) => m.predict(text),
);
if (!quick) {
  peer(
    "natural LogisticRegressionClassifier",
    () => new natural.LogisticRegressionClassifier(),
    (m, text, label) => m.addDocument(text, label),
    (m) => m.train(),
    (m, text) => m.classify(text),
    LR_SAMPLE,
  );
}

// --- model file and cold load ---------------------------------------------------------------
const modelText = readFileSync(new URL("../src/model/annomi-en.json", import.meta.url));
const coldScript = `const t0 = performance.now();
const m = await import(${JSON.stringify(new URL("model.js", DIST).href)});
const t1 = performance.now();
const c = m.annomiClassifier();
c.classify([{ id: "a", session: "s", index: 0, speaker: "T", role: "therapist", text: "How are you?" }]);
console.log(JSON.stringify({ importMs: t1 - t0, firstPredictionMs: performance.now() - t0 }));`;
const colds = [];
for (let i = 0; i < 5; i++) {
  colds.push(
    JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", coldScript]).toString(),
    ),
  );
}
const medCold = (k) => colds.map((c) => c[k]).sort((a, b) => a - b)[2];

const peers = results.filter((r) => r.kind === "peer");
const fastest = peers.reduce((a, b) => (b.wall > a.wall ? b : a));
const loadAfter = os.loadavg();
const out = {
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
    dist: DIST.href,
  },
  data: `AnnoMI dev, grouped split: ${trainTurns.length} training / ${testTurns.length} held-out utterances (transcript fold 1 of 5, seed 1)`,
  results: results.map((r) => ({ ...r, ratioToFastestPeer: r.wall / fastest.wall })),
  fastestPeer: fastest.name,
  shippedModel: {
    utterancesPerSecond: shippedSpeed.wall,
    utterancesPerCpuSecond: shippedSpeed.cpu,
    utterancesPerSecondBestRun: shippedSpeed.best,
    rawBytes: modelText.length,
    gzipBytes: gzipSync(modelText).length,
    coldImportMs: medCold("importMs"),
    coldFirstPredictionMs: medCold("firstPredictionMs"),
  },
};

const f = (x, d = 3) => x.toFixed(d);
console.log(`\n## Classification (${out.data})\n`);
console.log(
  "| classifier | utt/s (wall) | utt/s (CPU) | utt/s (best run) | × fastest peer | therapist 4-way macro-F1 | client 3-way macro-F1 | training s |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of out.results) {
  console.log(
    `| ${r.name}${r.trainNote ? ` (${r.trainNote})` : ""} | ${Math.round(r.wall).toLocaleString("en")} | ${Math.round(r.cpu).toLocaleString("en")} | ${Math.round(r.best).toLocaleString("en")} | ${f(r.ratioToFastestPeer, 1)}× | ${f(r.therapist4)} | ${f(r.client3)} | ${f(r.trainSeconds, 1)} |`,
  );
}
const s = out.shippedModel;
console.log(
  `\nShipped model src/model/annomi-en.json: ${(s.rawBytes / 1024).toFixed(0)} KiB raw, ${(s.gzipBytes / 1024).toFixed(0)} KiB gzip; ` +
    `cold import of rapportkit/model ${f(s.coldImportMs, 0)} ms, first prediction after ${f(s.coldFirstPredictionMs, 0)} ms (median of 5 fresh processes); ` +
    `${Math.round(s.utterancesPerSecond).toLocaleString("en")} utt/s (best run ${Math.round(s.utterancesPerSecondBestRun).toLocaleString("en")}).`,
);
const la = (l) => l.map((x) => x.toFixed(2)).join(" / ");
console.log(
  `\nMachine: ${out.machine.cpus} cores (${out.machine.cpuModel}), Node ${out.machine.node}; load average (1 / 5 / 15 min) ${la(loadBefore)} at start, ${la(loadAfter)} at end${RAPPORT_PROBABILITIES ? "; rapport default with probabilities (BENCH_RAPPORT_PROBABILITIES=1)" : ""}.`,
);
console.log(
  "\nOne core, one thread; wall = median of repeated runs over the held-out set; CPU = the same per CPU-second of this process; best run = the fastest of those runs. Ours use the previous turns as context; peers see the utterance text only.",
);
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(out, null, 2)}\n`);
