// `npm run bench`: classification speed (bench/classify.mjs) and, when present, agreement
// statistics speed (bench/agreement.mjs), agreement at scale (bench/agreement-scale.mjs), linear
// time (bench/linear-time.mjs), live coding's per-push latency (bench/live.mjs) and CSV reading
// (bench/csv.mjs).
//   npm run bench -- --section live    # run only the named section(s): classify, agreement,
//                                      # agreement-scale, linear-time, live, csv (repeatable)
import { existsSync } from "node:fs";

const argv = process.argv.slice(2);
const sections = argv.flatMap((a, i) => (argv[i - 1] === "--section" ? [a] : []));
const want = (name) => sections.length === 0 || sections.includes(name);

if (want("classify")) await import("./classify.mjs");
if (want("agreement") && existsSync(new URL("./agreement.mjs", import.meta.url)))
  await import("./agreement.mjs");
// Agreement at scale: 148,760 AnnoMI utterances × 1,000 resamples, API and CLI (target ≤ 30 s).
if (want("agreement-scale") && existsSync(new URL("./agreement-scale.mjs", import.meta.url)))
  await (await import("./agreement-scale.mjs")).runAgreementScale();
if (want("linear-time") && existsSync(new URL("./linear-time.mjs", import.meta.url)))
  await (await import("./linear-time.mjs")).runLinearTime();
// Live coding: per-push latency at 50, 500 and 5,000 utterances (target p99 ≤ 1 ms, flat).
if (want("live")) await (await import("./live.mjs")).runLive();
// CSV reading: readCsv on 200,000 generated rows beside csv-parse alone (target ≥ 200,000 rows/s).
if (want("csv")) await import("./csv.mjs");
// The 1,000,000-utterance scale run takes minutes: opt in with RK_SCALE_ROWS=1000000 npm run bench.
if (process.env.RK_SCALE_ROWS)
  await (await import("./scale.mjs")).runScale({ rows: Number(process.env.RK_SCALE_ROWS) });
