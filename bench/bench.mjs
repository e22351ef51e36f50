// `npm run bench`: classification speed (bench/classify.mjs) and, when present, agreement
// statistics speed (bench/agreement.mjs).
import { existsSync } from "node:fs";

await import("./classify.mjs");
if (existsSync(new URL("./agreement.mjs", import.meta.url))) await import("./agreement.mjs");
if (existsSync(new URL("./linear-time.mjs", import.meta.url)))
  await (await import("./linear-time.mjs")).runLinearTime();
