/**
 * Live coding: per-push latency of `createLiveCoder` with the default classifier (`rapport`),
 * running scores and the default nudges, over sessions of 50, 500 and 5,000 utterances (AnnoMI
 * utterances in order, with start/end times 4 s apart so the seconds windows move). Every push is
 * timed on its own (`performance.now()` around `push`); the table gives the median and p99 over
 * all pushes of sessions of each length, in wall time and in the process's CPU time (50-utterance sessions are repeated 40 times, 500 ×4, so
 * each size has at least 2,000 samples), and p99(5,000) / p99(50): about 1 means flat as the
 * session grows, as an O(1)-per-push coder should be. Six warm-up sessions of 500 run first (3,000
 * pushes): in a fresh process the first few thousand pushes carry V8's compilation and the heap's
 * growth (single pushes of 4–10 ms), which an app pays once per process, not per session; their
 * p99 is printed on its own line.
 *
 *   npx tsup && node bench/live.mjs           # against dist/
 *   npm run bench -- --section live           # the bench's live section only (builds first)
 */
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadAnnomi } from "../scripts/annomi-data.mjs";

const DIST = process.env.RAPPORTKIT_DIST
  ? pathToFileURL(`${path.resolve(process.env.RAPPORTKIT_DIST)}/`)
  : new URL("../dist/", import.meta.url);

function quantile(sorted, q) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export async function runLive() {
  const rk = await import(new URL("index.js", DIST).href);
  const { defaultClassifier } = await import(new URL("model.js", DIST).href);
  const clf = defaultClassifier({ codebook: "rapport" });
  const { turns } = loadAnnomi();
  const utterance = (k) => {
    const t = turns[k % turns.length];
    return { role: t.role, speaker: t.speaker, text: t.text, start: k * 4, end: k * 4 + 3 };
  };
  let offset = 0;
  const session = (n) => {
    const live = rk.createLiveCoder({ classifier: clf });
    const times = new Float64Array(n);
    const cpu = new Float64Array(n);
    let nudges = 0;
    for (let k = 0; k < n; k++) {
      const u = utterance(offset + k);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = live.push(u);
      times[k] = performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpu[k] = (c.user + c.system) / 1000;
      nudges += r.nudges.length;
    }
    offset += n;
    const snap = live.snapshot();
    if (snap.summary.utterances.total !== n) throw new Error("live bench: lost utterances");
    live.dispose();
    return { times, cpu, nudges };
  };
  // Warm-up: 3,000 pushes, timed but reported apart (a process's first pushes, see above).
  const warm = [];
  for (let w = 0; w < 6; w++) warm.push(...session(500).times);
  warm.sort((a, b) => a - b);
  console.log(
    `\n## Live coding: per-push latency (default rapport classifier, running scores, default nudges; load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}, ${os.cpus().length} CPUs)\n`,
  );
  console.log(
    "| session length | pushes timed | wall median (ms) | wall p99 (ms) | CPU median (ms) | CPU p99 (ms) | nudges per 100 pushes |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const p99s = {};
  const cpuP99s = {};
  for (const [n, reps] of [
    [50, 40],
    [500, 4],
    [5000, 1],
  ]) {
    const all = [];
    const cpus = [];
    let nudges = 0;
    for (let r = 0; r < reps; r++) {
      const s = session(n);
      all.push(...s.times);
      cpus.push(...s.cpu);
      nudges += s.nudges;
    }
    all.sort((a, b) => a - b);
    cpus.sort((a, b) => a - b);
    p99s[n] = quantile(all, 0.99);
    cpuP99s[n] = quantile(cpus, 0.99);
    console.log(
      `| ${n.toLocaleString("en")} | ${all.length.toLocaleString("en")} | ${quantile(all, 0.5).toFixed(3)} | ${p99s[n].toFixed(3)} | ${quantile(cpus, 0.5).toFixed(3)} | ${cpuP99s[n].toFixed(3)} | ${((100 * nudges) / all.length).toFixed(1)} |`,
    );
  }
  console.log(
    `\np99(5,000) / p99(50): wall ${(p99s[5000] / p99s[50]).toFixed(2)}, CPU ${(cpuP99s[5000] / cpuP99s[50]).toFixed(2)} (about 1: flat as the session grows); target p99 ≤ 1 ms on one core. CPU time (process.cpuUsage, µs resolution) leaves out the time the process waited for a core; wall p99 on a loaded machine measures the machine.`,
  );
  console.log(
    `Warm-up (a fresh process's first 3,000 pushes, sessions of 500): wall median ${quantile(warm, 0.5).toFixed(3)} ms, p99 ${quantile(warm, 0.99).toFixed(3)} ms.`,
  );
  return { wall: p99s, cpu: cpuP99s };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runLive();
