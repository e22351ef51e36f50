// Agreement benchmarks: Krippendorff's alpha and Fleiss' kappa on 100,000 items × 10 raters, and
// 1,000 bootstrap resamples on 10,000 items. Run after a build:
//   npx tsup && node bench/agreement.mjs
// or against the sources without building:
//   AGREEMENT_FROM_SRC=1 npx tsx bench/agreement.mjs
// Prints one line per case (median wall-clock and process CPU time of a few runs, in ms) and a
// JSON summary on the last line.
import { performance } from "node:perf_hooks";

const lib = process.env.AGREEMENT_FROM_SRC
  ? await import("../src/agreement/index.ts")
  : await import("../dist/index.js");
const { bootstrap, cohenKappaMatrix, fleissKappa, gwetAc1, krippendorffAlpha, percentAgreement } =
  lib;

/** mulberry32: a small seeded generator, so the data are the same on every run. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** items × raters: a true category per item, each rater right with p = 0.8, 10% missing. */
function ratings(items, raters, seed, labels) {
  const rand = mulberry32(seed);
  const q = labels.length;
  const m = new Array(items);
  for (let i = 0; i < items; i++) {
    const truth = Math.floor(rand() * q);
    const row = new Array(raters);
    for (let j = 0; j < raters; j++) {
      if (rand() < 0.1) row[j] = null;
      else row[j] = labels[rand() < 0.8 ? truth : Math.floor(rand() * q)];
    }
    m[i] = row;
  }
  return m;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median wall-clock and process-CPU time over `runs` runs (CPU time is what a busy machine steals least). */
function time(name, fn, runs = 5) {
  const wall = [];
  const cpu = [];
  let value;
  for (let r = 0; r < runs; r++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    value = fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const v = value?.value ?? null;
  const ci = value?.ci95 ? ` ci95 [${value.ci95.map((x) => x.toFixed(4)).join(", ")}]` : "";
  console.log(
    `${name.padEnd(58)} wall ${median(wall).toFixed(1).padStart(8)} ms  cpu ${median(cpu).toFixed(1).padStart(8)} ms   value ${
      v === null ? "null" : v.toFixed(4)
    }${ci}`,
  );
  return {
    name,
    wallMs: Number(median(wall).toFixed(2)),
    cpuMs: Number(median(cpu).toFixed(2)),
    runs,
  };
}

const labels = ["question", "reflection", "therapist_input", "other"];
const big = ratings(100_000, 10, 1, labels);
const bigNumeric = ratings(100_000, 10, 2, [1, 2, 3, 4, 5]);
const mid = ratings(10_000, 10, 3, labels);
const pairs = ratings(10_000, 2, 4, labels);

const results = [
  time("krippendorffAlpha nominal, 100,000 × 10 (labels)", () => krippendorffAlpha(big)),
  time("krippendorffAlpha interval, 100,000 × 10 (1..5)", () =>
    krippendorffAlpha(bigNumeric, { level: "interval" }),
  ),
  time("krippendorffAlpha ordinal, 100,000 × 10 (1..5)", () =>
    krippendorffAlpha(bigNumeric, { level: "ordinal" }),
  ),
  time("fleissKappa, 100,000 × 10 (labels, 10% missing)", () => fleissKappa(big)),
  time("gwetAc1, 100,000 × 10", () => gwetAc1(big)),
  time("percentAgreement, 100,000 × 10", () => percentAgreement(big)),
  time(
    "bootstrap(fleissKappa), 1,000 resamples, 10,000 × 10",
    () => bootstrap((m) => fleissKappa(m), mid, { resamples: 1000, seed: 1 }),
    1,
  ),
  time(
    "bootstrap(krippendorffAlpha), 1,000 resamples, 10,000 × 10",
    () => bootstrap((m) => krippendorffAlpha(m), mid, { resamples: 1000, seed: 1 }),
    1,
  ),
  time(
    "bootstrap(cohenKappa), 1,000 resamples, 10,000 × 2",
    () => bootstrap((m) => cohenKappaMatrix(m), pairs, { resamples: 1000, seed: 1 }),
    1,
  ),
];
console.log(JSON.stringify({ bench: "agreement", node: process.version, results }));
