// Classification speed and held-out accuracy: rapportkit's rules, linear model and rapport default
// against natural's BayesClassifier and LogisticRegressionClassifier and
// wink-naive-bayes-text-classifier, all trained and run on the same AnnoMI data in this run.
//
// Method: every classifier, ours and each peer alike, runs in its own fresh Node process (one
// after another, never two at once), so that none is measured on the JIT type feedback, inline
// caches or garbage another one left behind (run in one process, whichever came later paid for
// the earlier ones: the linear model ran at about half its speed after training and the other
// classifiers). Each child process loads the data, trains its classifier on the same training
// split, collects garbage, predicts the held-out set once (macro-F1), then runs the same warm-up
// (a fifth of the timing budget) and the same timing loop (repeated passes over the held-out set,
// at least 1.5 s and 3 passes; 0.3 s with --quick). Wall = median pass, CPU = the same per
// CPU-second of the child, best run = fastest pass. The ratio is against the fastest peer of the
// same run, between medians and between best runs.
//
// Imports the built package (run `npx tsup` first; `npm run bench` builds). RAPPORTKIT_DIST names
// another build directory with index.js and model.js (e.g. a private build, so as not to touch
// dist/ while others use it). The machine's load average is printed: other processes on the same
// cores depress every absolute figure, not the ratios between classifiers of one run.
//   node bench/classify.mjs [--json FILE] [--quick] [--only SUBSTRING] [--rounds N]
// (--rounds N, default 3 (1 with --quick), times every classifier in N interleaved rounds and reports medians over rounds and
// the ratio to the fastest peer round by round: on a machine whose speed drifts, a slow spell then
// hits every classifier instead of one.)
//   RAPPORTKIT_DIST=/tmp/build node bench/classify.mjs
// (--only runs just the classifiers whose name contains SUBSTRING and prints their speeds; the
// child mode, --child NAME --out FILE, is internal.)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import {
  asUtterance,
  BEHAVIOURS,
  CLIENT_LABELS,
  groupedFolds,
  loadAnnomi,
  macroF1,
  parent,
  rapportToAnnomiFrom,
} from "../scripts/annomi-data.mjs";
import { MODEL_OPTIONS } from "../scripts/model-options.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
// natural's LogisticRegressionClassifier is dense batch gradient descent: its training time grows
// quickly with the data, so it is trained on a seeded sample of this many utterances per task.
const LR_SAMPLE = Number(process.env.BENCH_LR_SAMPLE ?? 300);
const DIST = process.env.RAPPORTKIT_DIST
  ? pathToFileURL(`${path.resolve(process.env.RAPPORTKIT_DIST)}/`)
  : new URL("../dist/", import.meta.url);
const loadBefore = os.loadavg();

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

/** utt/s of one first pass over the held-out set, after a warm-up over the training set. */
function unseenSpeed(fn) {
  // At least 5 passes and half the timing budget, so that the JIT has finished optimising (its
  // compiler thread shares the one pinned core).
  const w0 = performance.now();
  let passes = 0;
  do {
    fn(true);
    passes++;
  } while (passes < 5 || performance.now() - w0 < (quick ? 300 : 1500) / 2);
  // No forced gc() here: a full collection right before a pass slows the next few passes down
  // (the linear model coded ~28,000 utt/s in the first pass after one, ~155,000 without).
  const t0 = performance.now();
  fn(false);
  return (utterances.length / (performance.now() - t0)) * 1000;
}

const { turns } = loadAnnomi();
const folds = groupedFolds(turns, 5, 1);
const test = folds[0];
const trainTurns = turns.filter((t) => !test.has(t.session));
const testTurns = turns.filter((t) => test.has(t.session));
const gold = testTurns.map((t) => (t.role === "therapist" ? parent(t.label) : t.label));
const th = testTurns.map((t) => t.role === "therapist");
const utterances = testTurns.map(asUtterance);
// The training split as utterances: the warm-up of the "unseen" measurement (see `unseenSpeed`).
const trainUtterances = trainTurns.map(asUtterance);

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
  return { therapist4: macroF1(g4, p4, BEHAVIOURS), client3: macroF1(g3, p3, CLIENT_LABELS) };
}

// --- two fresh processes per classifier ------------------------------------------------------
// Every classifier, ours and each peer alike, is trained in one child process and saved with its
// library's own serialisation (rapportkit's JSON model format, natural's JSON and `restore`,
// wink's `exportJSON`/`importJSON`), then loaded, warmed up and timed in another, fresh child
// process, one child at a time: no classifier is timed on the JIT type feedback, inline caches or
// garbage that training or another classifier left behind. The timing child loads the saved
// model, predicts the held-out set once (macro-F1, the same predictions as the trained model
// gives), collects garbage (--expose-gc) and runs `speed`: the same warm-up and timing loop for
// every classifier. Classifiers without training (the rules, the shipped model) have only the
// timing child.

const CLASSIFIERS = [
  { name: "rapportkit linear (annomi)", kind: "ours", train: "rapportkit" },
  { name: "rapportkit linear, with evidence + probabilities", kind: "ours", train: "rapportkit" },
  { name: "rapportkit rules (annomi)", kind: "ours" },
  { name: "rapportkit rapport default", kind: "ours", train: "rapportkit-rapport" },
  // The same with the evidence a UI shows (opt-in: the top 3 features of each code).
  { name: "rapportkit rapport default, with evidence", kind: "ours", train: "rapportkit-rapport" },
  { name: "natural BayesClassifier", kind: "peer", train: "natural BayesClassifier" },
  { name: "wink-naive-bayes-text-classifier", kind: "peer", train: "wink" },
  ...(quick
    ? []
    : [
        {
          name: "natural LogisticRegressionClassifier",
          kind: "peer",
          train: "natural LogisticRegressionClassifier",
          trainNote: `trained on ${LR_SAMPLE} utterances per role (dense batch gradient descent)`,
        },
      ]),
  // The shipped model was trained on all of AnnoMI dev, held-out set included: speed only.
  { name: "rapportkit shipped model", kind: "shipped" },
];

const rk = async () => ({
  ...(await import(new URL("index.js", DIST).href)),
  ...(await import(new URL("model.js", DIST).href)),
});
const natural = async () => (await import("natural")).default;
async function winkModel() {
  const winkNB = (await import("wink-naive-bayes-text-classifier")).default;
  const winkUtils = (await import("wink-nlp-utils")).default;
  const nb = winkNB();
  nb.definePrepTasks([winkUtils.string.tokenize0, winkUtils.tokens.stem]);
  return nb;
}

/** Trains with the recipe `key`; returns the saved model (a string). */
async function train(key) {
  if (key === "rapportkit") {
    const { trainLinear } = await rk();
    return JSON.stringify(trainLinear(trainTurns, MODEL_OPTIONS));
  }
  if (key === "rapportkit-rapport") {
    // The rapport default's recipe (scripts/rapport-data.mjs) on the training transcripts' rapport
    // codes plus the written corpus; the held-out transcripts are never seen.
    const { trainLinear, rapportCueTagger } = await rk();
    const { loadAnnomiRapportCodes, loadWritten, RAPPORT_MODEL_OPTIONS, withTags } = await import(
      "../scripts/rapport-data.mjs"
    );
    const codes = loadAnnomiRapportCodes();
    const CLIENT = { change: "change_talk", neutral: "neutral", sustain: "sustain_talk" };
    const annomi = trainTurns.map((t) => {
      const label = t.role === "client" ? CLIENT[t.label] : codes.get(t.id);
      return { ...t, session: `annomi-${t.session}`, label };
    });
    const tagger = rapportCueTagger();
    const turns = [...withTags(annomi, tagger), ...withTags(loadWritten(), tagger)];
    return JSON.stringify(trainLinear(turns, RAPPORT_MODEL_OPTIONS));
  }
  // The peers: one classifier per speaker role, text only.
  const models = {};
  for (const role of ["therapist", "client"]) {
    let data = trainTurns.filter((x) => x.role === role);
    if (key === "natural LogisticRegressionClassifier" && data.length > LR_SAMPLE) {
      // Seeded, evenly spaced sample.
      const step = data.length / LR_SAMPLE;
      data = Array.from({ length: LR_SAMPLE }, (_, i) => data[Math.floor(i * step)]);
    }
    const label = (x) => (role === "therapist" ? parent(x.label) : x.label);
    if (key === "wink") {
      const nb = await winkModel();
      nb.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
      for (const x of data) nb.learn(x.text, label(x));
      nb.consolidate();
      models[role] = nb.exportJSON();
    } else {
      const n = await natural();
      const m =
        key === "natural BayesClassifier"
          ? new n.BayesClassifier()
          : new n.LogisticRegressionClassifier();
      for (const x of data) m.addDocument(x.text, label(x));
      m.train();
      models[role] = JSON.stringify(m);
    }
  }
  return JSON.stringify(models);
}

/** Loads a saved model (or builds an untrained classifier); returns predictAll (coarse labels). */
/**
 * The classifier `name` loaded from `saved`, as a function that codes the held-out set, or the
 * training set when called with `true` (the unseen measurement's warm-up).
 */
async function load(name, saved) {
  const byRole = (predict) => (train) =>
    (train ? trainTurns : testTurns).map((x) => predict(x.role, x.text));
  const us = (train) => (train ? trainUtterances : utterances);
  switch (name) {
    case "rapportkit linear (annomi)": {
      const c = (await rk()).linearClassifier(JSON.parse(saved), {
        evidence: 0,
        probabilities: false,
      });
      return (train) => c.classify(us(train)).map((p) => parent(p.codeId));
    }
    case "rapportkit linear, with evidence + probabilities": {
      const c = (await rk()).linearClassifier(JSON.parse(saved), { evidence: 3 });
      return (train) => c.classify(us(train)).map((p) => parent(p.codeId));
    }
    case "rapportkit rules (annomi)": {
      const { rulesClassifier, annomiCodebook } = await rk();
      const c = rulesClassifier(annomiCodebook);
      return (train) => c.classify(us(train)).map((p) => parent(p.codeId));
    }
    case "rapportkit rapport default":
    case "rapportkit rapport default, with evidence": {
      // Configured as defaultClassifier({ codebook: "rapport" }) configures it (evidence: 3 for the
      // second row), over the held-out model; its rapport codes are rolled up to AnnoMI's
      // behaviours for the accuracy column.
      const { rapportClassifier, rapportCodebook } = await rk();
      const toAnnomi = rapportToAnnomiFrom(rapportCodebook);
      const evidence = name.endsWith("with evidence") ? 3 : undefined;
      const c = rapportClassifier(JSON.parse(saved), { evidence });
      return (train) => c.classify(us(train)).map((p) => toAnnomi(p.codeId));
    }
    case "rapportkit shipped model": {
      const c = (await rk()).annomiClassifier({ evidence: 0, probabilities: false });
      return (train) => c.classify(us(train)).map((p) => parent(p.codeId));
    }
    case "natural BayesClassifier":
    case "natural LogisticRegressionClassifier": {
      const n = await natural();
      const K =
        name === "natural BayesClassifier" ? n.BayesClassifier : n.LogisticRegressionClassifier;
      const json = JSON.parse(saved);
      const m = {
        therapist: K.restore(JSON.parse(json.therapist)),
        client: K.restore(JSON.parse(json.client)),
      };
      return byRole((role, text) => m[role].classify(text));
    }
    case "wink-naive-bayes-text-classifier": {
      const json = JSON.parse(saved);
      const m = {};
      for (const role of ["therapist", "client"]) {
        m[role] = await winkModel();
        m[role].importJSON(json[role]);
        m[role].consolidate();
      }
      return byRole((role, text) => m[role].predict(text));
    }
  }
  throw new Error(`unknown classifier ${name}`);
}

const CHILD = args.includes("--child") ? args[args.indexOf("--child") + 1] : undefined;
const MODEL = args.includes("--model") ? args[args.indexOf("--model") + 1] : undefined;
const OUT = args.includes("--out") ? args[args.indexOf("--out") + 1] : undefined;
if (CHILD !== undefined && args.includes("--train")) {
  // Training child: train with recipe CHILD, save the model to MODEL, the seconds to OUT.
  const t = performance.now();
  const saved = await train(CHILD);
  const trainSeconds = (performance.now() - t) / 1000;
  writeFileSync(MODEL, saved);
  writeFileSync(OUT, JSON.stringify({ trainSeconds }));
  process.exit(0);
}
if (CHILD !== undefined) {
  // Timing child: load, predict once (accuracy), collect garbage, warm up and time.
  const predictAll = await load(
    CHILD,
    MODEL === undefined ? undefined : readFileSync(MODEL, "utf8"),
  );
  // Text the classifier has not seen in this process: warm up on the training split (JIT, and any
  // cache of word forms a classifier keeps), then time the first pass over the held-out set, before
  // anything else codes it. The repeated passes below favour classifiers that cache what they saw.
  const unseen = unseenSpeed(predictAll);
  const pred = predictAll();
  globalThis.gc?.();
  const s = speed(() => predictAll(), utterances.length);
  writeFileSync(OUT, JSON.stringify({ ...scoreOf(pred), ...s, unseen }));
  process.exit(0);
}

// "One core" taken literally: on Linux, with util-linux's taskset, every child process (ours and
// each peer's alike) is pinned to one CPU, so its garbage collector's helper threads share the
// core with it instead of running on another (BENCH_CPU picks the CPU; default the last one;
// BENCH_PIN=0 turns pinning off). Without taskset the children run unpinned, and the output says so.
const PIN_CPU = (() => {
  if (process.env.BENCH_PIN === "0" || process.platform !== "linux") return undefined;
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const cpu = Number(process.env.BENCH_CPU ?? os.cpus().length - 1);
  return Number.isInteger(cpu) && cpu >= 0 ? cpu : undefined;
})();

function child(name, extra) {
  const argv = [
    "--expose-gc",
    fileURLToPath(import.meta.url),
    "--child",
    name,
    ...extra,
    ...(quick ? ["--quick"] : []),
  ];
  execFileSync(
    PIN_CPU === undefined ? process.execPath : "taskset",
    PIN_CPU === undefined ? argv : ["-c", String(PIN_CPU), process.execPath, ...argv],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}

// --only SUBSTRING: run only the classifiers whose name contains it (for development).
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
// --rounds N: time every classifier N times, in N interleaved rounds (all classifiers, then all
// again, ...), so that a slow spell of the machine hits every classifier rather than one. Each
// figure is then the median over rounds (best run: the best over rounds), and the ratio to the
// fastest peer is also given round by round.
const rounds = args.includes("--rounds")
  ? Number(args[args.indexOf("--rounds") + 1])
  : quick
    ? 1
    : 3;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds takes a positive integer");
const tmp = mkdtempSync(path.join(os.tmpdir(), "rk-bench-"));
const trained = new Map();
const chosen = CLASSIFIERS.filter((c) => only === undefined || c.name.includes(only));
const out1 = path.join(tmp, "result.json");
for (const c of chosen) {
  // One training per recipe: the three rapportkit rows share one trained model.
  if (c.train !== undefined && !trained.has(c.train)) {
    const file = path.join(tmp, `model-${trained.size}.json`);
    child(c.train, ["--train", "--model", file, "--out", out1]);
    trained.set(c.train, { file, ...JSON.parse(readFileSync(out1, "utf8")) });
  }
}
/** Per classifier name, one timing result per round. */
const timings = new Map(chosen.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const c of chosen) {
    const model = c.train === undefined ? undefined : trained.get(c.train).file;
    child(c.name, [...(model ? ["--model", model] : []), "--out", out1]);
    const r = JSON.parse(readFileSync(out1, "utf8"));
    timings.get(c.name).push(r);
    process.stderr.write(
      `${rounds > 1 ? `round ${round + 1}: ` : ""}${c.name}: ${Math.round(r.wall)} utt/s (best run ${Math.round(r.best)})\n`,
    );
  }
}
const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};
const results = chosen.map((c) => {
  const ts = timings.get(c.name);
  return {
    name: c.name,
    kind: c.kind,
    ...ts[0],
    wall: median(ts.map((t) => t.wall)),
    cpu: median(ts.map((t) => t.cpu)),
    best: Math.max(...ts.map((t) => t.best)),
    unseen: median(ts.map((t) => t.unseen)),
    runs: ts.reduce((a, t) => a + t.runs, 0),
    rounds: ts.map((t) => ({ wall: t.wall, cpu: t.cpu, best: t.best, unseen: t.unseen })),
    trainSeconds: c.train === undefined ? 0 : trained.get(c.train).trainSeconds,
    trainNote: c.trainNote,
  };
});
rmSync(tmp, { recursive: true, force: true });
if (only !== undefined) {
  for (const r of results)
    console.log(
      `${r.name}: wall ${Math.round(r.wall)}, CPU ${Math.round(r.cpu)}, best ${Math.round(r.best)} utt/s (${r.runs} runs); therapist F1 ${r.therapist4.toFixed(3)}, client F1 ${r.client3.toFixed(3)}`,
    );
  process.exit(0);
}
const shippedSpeed = results.find((r) => r.kind === "shipped");
results.splice(results.indexOf(shippedSpeed), 1);

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
// The same ratio between best runs (each classifier's least disturbed pass, against the peer
// with the fastest best run): less sensitive to other processes on the machine.
const fastestBest = peers.reduce((a, b) => (b.best > a.best ? b : a));
// And on unseen text: the first pass over the held-out set after warming up on the training set.
const fastestUnseen = peers.reduce((a, b) => (b.unseen > a.unseen ? b : a));
const loadAfter = os.loadavg();
const out = {
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    pinnedCpu: PIN_CPU ?? null,
    node: process.version,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
    dist: DIST.href,
  },
  method:
    "each classifier trained, warmed up and timed in its own fresh Node process, one at a time; same data, warm-up and timing loop for all",
  data: `AnnoMI dev, grouped split: ${trainTurns.length} training / ${testTurns.length} held-out utterances (transcript fold 1 of 5, seed 1)`,
  rounds,
  results: results.map((r) => ({
    ...r,
    ratioToFastestPeer: r.wall / fastest.wall,
    ratioToFastestPeerBestRun: r.best / fastestBest.best,
    ratioToFastestPeerUnseen: r.unseen / fastestUnseen.unseen,
    // Round by round: this classifier's median pass against the fastest peer's of the same round.
    ratioToFastestPeerByRound: r.rounds.map(
      (x, i) => x.wall / Math.max(...peers.map((p) => p.rounds[i].wall)),
    ),
  })),
  fastestPeer: fastest.name,
  fastestPeerBestRun: fastestBest.name,
  fastestPeerUnseen: fastestUnseen.name,
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
  "| classifier | utt/s (wall) | utt/s (CPU) | utt/s (best run) | utt/s (unseen text) | × fastest peer | × fastest peer (best runs) | × fastest peer (unseen text) | therapist 4-way macro-F1 | client 3-way macro-F1 | training s |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of out.results) {
  console.log(
    `| ${r.name}${r.trainNote ? ` (${r.trainNote})` : ""} | ${Math.round(r.wall).toLocaleString("en")} | ${Math.round(r.cpu).toLocaleString("en")} | ${Math.round(r.best).toLocaleString("en")} | ${Math.round(r.unseen).toLocaleString("en")} | ${f(r.ratioToFastestPeer, 1)}× | ${f(r.ratioToFastestPeerBestRun, 1)}× | ${f(r.ratioToFastestPeerUnseen, 1)}× | ${f(r.therapist4)} | ${f(r.client3)} | ${f(r.trainSeconds, 1)} |`,
  );
}
if (rounds > 1) {
  console.log(
    `\n${rounds} interleaved rounds; each figure above is the median over rounds (best run: the best over rounds). Ratio to the fastest peer of the same round, round by round:\n`,
  );
  for (const r of out.results.filter((x) => x.kind === "ours")) {
    const rs = r.ratioToFastestPeerByRound;
    console.log(
      `- ${r.name}: ${rs.map((x) => `${f(x, 1)}×`).join(", ")} (median ${f(median(rs), 1)}×)`,
    );
  }
}
const s = out.shippedModel;
console.log(
  `\nShipped model src/model/annomi-en.json: ${(s.rawBytes / 1024).toFixed(0)} KiB raw, ${(s.gzipBytes / 1024).toFixed(0)} KiB gzip; ` +
    `cold import of rapportkit/model ${f(s.coldImportMs, 0)} ms, first prediction after ${f(s.coldFirstPredictionMs, 0)} ms (median of 5 fresh processes); ` +
    `${Math.round(s.utterancesPerSecond).toLocaleString("en")} utt/s (best run ${Math.round(s.utterancesPerSecondBestRun).toLocaleString("en")}).`,
);
const la = (l) => l.map((x) => x.toFixed(2)).join(" / ");
console.log(
  `\nMachine: ${out.machine.cpus} cores (${out.machine.cpuModel}), Node ${out.machine.node}; load average (1 / 5 / 15 min) ${la(loadBefore)} at start, ${la(loadAfter)} at end; ${PIN_CPU === undefined ? "child processes not pinned (taskset unavailable or BENCH_PIN=0)" : `every child process pinned to CPU ${PIN_CPU} (taskset)`}.`,
);
console.log(
  "\nOne core, one thread; each classifier trained, warmed up and timed in its own fresh process (same data, same warm-up and timing loop for all); wall = median of repeated runs over the held-out set; CPU = the same per CPU-second of that process; best run = the fastest of those runs; × fastest peer = wall against the peer with the highest wall figure, (best runs) = best run against the peer with the highest best run; unseen text = one first pass over the held-out set right after warming up on the training set (median over rounds), so that caches of word forms a classifier keeps hold only what it has seen before, as on new sessions. Ours use the previous turns as context; peers see the utterance text only.",
);
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(out, null, 2)}\n`);
