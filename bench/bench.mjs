// `npm run bench`: classification speed (bench/classify.mjs) and, when present, agreement
// statistics speed (bench/agreement.mjs) and agreement at scale (bench/agreement-scale.mjs).
import { existsSync } from "node:fs";

await import("./classify.mjs");
if (existsSync(new URL("./agreement.mjs", import.meta.url))) await import("./agreement.mjs");
// Agreement at scale: 148,760 AnnoMI utterances × 1,000 resamples, API and CLI (target ≤ 30 s).
if (existsSync(new URL("./agreement-scale.mjs", import.meta.url)))
  await (await import("./agreement-scale.mjs")).runAgreementScale();
if (existsSync(new URL("./linear-time.mjs", import.meta.url)))
  await (await import("./linear-time.mjs")).runLinearTime();
// The 1,000,000-utterance scale run takes minutes: opt in with RK_SCALE_ROWS=1000000 npm run bench.
if (process.env.RK_SCALE_ROWS)
  await (await import("./scale.mjs")).runScale({ rows: Number(process.env.RK_SCALE_ROWS) });
