// CSV reading speed: `readCsv` on a generated transcript CSV (scripts/gen-big-csv.mjs,
// `session,speaker,text`, quotes, commas and line breaks inside quoted fields) beside a peer in the
// same run: csv-parse's sync parser alone on the same text (records only: no utterances, sessions,
// roles or checks). Target (issue #13): readCsv ≥ 200,000 rows/s. Run after a build:
//   npx tsup && node bench/csv.mjs [--rows 200000] [--runs 5]
// or against the sources without building:
//   CSV_FROM_SRC=1 npx tsx bench/csv.mjs
// Prints the median of a few runs (after a warm-up) per reader, in rows/s, and the load average.
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parse } from "csv-parse/sync";
import { generateCsv } from "../scripts/gen-big-csv.mjs";

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const rows = arg("--rows", 200_000);
const runs = arg("--runs", 5);

const { readCsv } = process.env.CSV_FROM_SRC
  ? await import("../src/io/csv.ts")
  : await import("../dist/index.js");

const text = [...generateCsv({ rows })].join("");
const options = { columns: { session: "session", speaker: "speaker", text: "text" } };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  fn(); // warm-up
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const n = fn();
    ms.push(performance.now() - t0);
    if (n !== rows) throw new Error(`read ${n} rows, expected ${rows}`);
  }
  return median(ms);
}

const results = {
  readCsv: time(() => {
    const r = readCsv(text, options);
    return r.transcripts.reduce((n, t) => n + t.utterances.length, 0);
  }),
  "csv-parse (sync, records only)": time(
    () => parse(text, { bom: true, skip_empty_lines: true }).length - 1,
  ),
};
const mb = Buffer.byteLength(text) / 1e6;
for (const [name, ms] of Object.entries(results)) {
  const rate = Math.round((rows / ms) * 1000).toLocaleString("en");
  console.log(
    `${name.padEnd(32)} ${rate.padStart(10)} rows/s  (${ms.toFixed(0)} ms for ${rows.toLocaleString("en")} rows, ${mb.toFixed(1)} MB)`,
  );
}
console.log(
  `readCsv target ≥ 200,000 rows/s: ${rows / results.readCsv >= 200 ? "met" : "not met"} (load average ${loadavg()[0].toFixed(2)})`,
);
