/**
 * Scale: `rapportkit code` on a generated CSV of 1,000,000 utterances (scripts/gen-big-csv.mjs).
 * Reports wall time and peak RSS (target: under 300 MB) of `node dist/cli.js code`, and checks
 *   1. the output equals coding the file in 4 chunks split at session boundaries (SHA-256);
 *   2. a malformed row in the middle stops the run with its line number (exit 1, one line);
 *   3. with `--on-error skip` that row is skipped and counted, and every other row is coded
 *      (the output equals the clean file's);
 * and prints the end-to-end throughput of `rapportkit code` (utterances/s of the whole process:
 * start-up, reading, coding with context windows, writing) beside the in-process throughput of
 * the same classifier (`defaultClassifier({ codebook: "rapport", evidence: 0 })`, what `code` uses) on the same
 * file, each session classified whole in a fresh Node process (classification time only; the
 * file is streamed in and not timed), and their ratio (target: end-to-end ≥ 60 % of in-process).
 * `--throughput` prints only that comparison (and checks nothing else).
 *
 *   npx tsup && node bench/scale.mjs [--rows 1000000] [--dir /tmp/rk-scale] [--keep] [--throughput]
 *
 * The runs use a copy of dist/cli.js and its chunks (in node_modules/.cache), so a rebuild during
 * the bench does not pull the CLI away. Exits 1 when a check fails. Peak RSS comes from `process.resourceUsage().maxRSS` in the child
 * (all threads), printed by a preload script when the CLI exits.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import {
  copyFileSync,
  cpSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse";
import { writeBigCsv } from "../scripts/gen-big-csv.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST_CLI = join(ROOT, "dist", "cli.js");
/** The CLI the runs use: a copy of dist/cli.js (with its chunks, dist/cli/, and the model), so
 * that a rebuild of dist/ during the bench cannot pull it away mid-run. */
let CLI = DIST_CLI;
const CSV_ARGS = ["--session-column", "session", "--speaker-column", "speaker"];
const RSS_TARGET_MB = 300;

function csvField(s) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Runs the CLI; resolves to { code, stderr, ms, maxRssMB }. */
export function runCli(args, preload) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ["--require", preload, CLI, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const m = /RK_MAXRSS_KB=(\d+)/.exec(stderr);
      resolve({
        code,
        stderr: stderr.replace(/\n?RK_MAXRSS_KB=\d+\n?/, ""),
        ms: Date.now() - t0,
        maxRssMB: m ? Number(m[1]) / 1024 : Number.NaN,
      });
    });
  });
}

/** SHA-256 of files concatenated, dropping the first line (the header) of all but the first. */
export async function hashConcat(files) {
  const h = createHash("sha256");
  let lines = 0;
  for (let i = 0; i < files.length; i++) {
    let skipHeader = i > 0;
    let tail = "";
    for await (const chunk of createReadStream(files[i], "utf8")) {
      let s = tail + chunk;
      if (skipHeader) {
        const nl = s.indexOf("\n");
        if (nl < 0) {
          tail = s;
          continue;
        }
        s = s.slice(nl + 1);
        skipHeader = false;
      }
      const cut = s.lastIndexOf("\n") + 1;
      h.update(s.slice(0, cut));
      for (let k = 0; k < cut; k++) if (s.charCodeAt(k) === 10) lines++;
      tail = s.slice(cut);
    }
    h.update(tail);
  }
  return { sha256: h.digest("hex"), lines };
}

/** The number of CSV records (rows, header included) in a file. */
export async function countRecords(file) {
  let n = 0;
  for await (const _ of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true })))
    n++;
  return n;
}

/**
 * Splits a `session,speaker,text` CSV into `parts` files of about equal size, each with the header,
 * cutting only between sessions. Resolves to the file names.
 */
export async function splitAtSessions(file, parts, rows, outPrefix) {
  const per = Math.ceil(rows / parts);
  const files = [];
  let ws;
  let n = 0;
  let lastSession;
  let header;
  const open = async () => {
    if (ws) {
      ws.end();
      await once(ws, "finish");
    }
    const name = `${outPrefix}-${files.length + 1}.csv`;
    files.push(name);
    ws = createWriteStream(name);
    ws.write(`${header.map(csvField).join(",")}\n`);
  };
  const parser = createReadStream(file).pipe(parse({ bom: true }));
  for await (const rec of parser) {
    if (!header) {
      header = rec;
      await open();
      continue;
    }
    const session = rec[0];
    if (n >= per * files.length && session !== lastSession && files.length < parts) await open();
    lastSession = session;
    n++;
    if (!ws.write(`${rec.map(csvField).join(",")}\n`)) await once(ws, "drain");
  }
  ws.end();
  await once(ws, "finish");
  return files;
}

/**
 * The in-process throughput of `code`'s default classifier on a `session,speaker,text` CSV, in a
 * fresh Node process: the file is streamed with the library's reader, each session is classified
 * whole when it ends, and only the classify calls are timed. Resolves to { utterances, ms,
 * withReadMs } (the last: reading and classifying, the model already loaded).
 */
export function inProcessSpeed(file) {
  const script = `
    const { defaultClassifier } = await import(${JSON.stringify(join(ROOT, "dist", "model.js"))});
    const { streamCsvUtterances } = await import(${JSON.stringify(join(ROOT, "dist", "node", "index.js"))});
    const clf = defaultClassifier({ codebook: "rapport", evidence: 0 });
    let session; let batch = []; let n = 0; let ms = 0; const t0 = performance.now();
    const flush = () => {
      if (batch.length === 0) return;
      const t0 = performance.now();
      clf.classify(batch);
      ms += performance.now() - t0;
      n += batch.length;
      batch = [];
    };
    const columns = { session: "session", speaker: "speaker" };
    for await (const item of streamCsvUtterances(${JSON.stringify(file)}, { columns })) {
      if (item.utterance.session !== session) { flush(); session = item.utterance.session; }
      batch.push(item.utterance);
    }
    flush();
    process.stdout.write(JSON.stringify({ utterances: n, ms, withReadMs: performance.now() - t0 }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`in-process run: exit ${code}`)),
    );
  });
}

/** The throughput line: end-to-end `code` against the same classifier in-process, and the ratio. */
async function throughputLine(file, rows, cliMs, log) {
  const ip = await inProcessSpeed(file);
  const e2e = rows / (cliMs / 1000);
  const inproc = ip.utterances / (ip.ms / 1000);
  const withRead = ip.utterances / (ip.withReadMs / 1000);
  const ratio = e2e / inproc;
  log(
    `throughput: rapportkit code end-to-end ${Math.round(e2e).toLocaleString("en")} utterances/s, same classifier in-process ${Math.round(inproc).toLocaleString("en")} utterances/s: ${(ratio * 100).toFixed(0)} % (target ≥ 60 %; in-process with streaming the file in: ${Math.round(withRead).toLocaleString("en")} utterances/s, ${((e2e / withRead) * 100).toFixed(0)} %; load average ${loadavg()[0].toFixed(2)})`,
  );
  return { endToEnd: e2e, inProcess: inproc, inProcessWithRead: withRead, ratio };
}

function mb(x) {
  return `${x.toFixed(0)} MB`;
}

/** Runs every check; returns { ok, results }. */
export async function runScale({
  rows = 1_000_000,
  dir,
  keep = false,
  throughputOnly = false,
  log = console.log,
} = {}) {
  if (!existsSync(DIST_CLI)) throw new Error("dist/cli.js is missing: run `npx tsup` first");
  const work = dir ?? join(tmpdir(), `rk-scale-${process.pid}`);
  mkdirSync(work, { recursive: true });
  // Inside the package (node_modules/.cache), so that the copy still resolves zod, csv-parse, citty.
  const snap = join(ROOT, "node_modules", ".cache", `rk-scale-${process.pid}`);
  mkdirSync(snap, { recursive: true });
  CLI = join(snap, "cli.js");
  copyFileSync(DIST_CLI, CLI);
  // The commands' code is in chunks under dist/cli/, and they load the pretrained model from
  // dist/model.js at run time (tsup.config.ts, `modelOnce`): both go beside the copy.
  cpSync(join(dirname(DIST_CLI), "cli"), join(snap, "cli"), { recursive: true });
  copyFileSync(join(dirname(DIST_CLI), "model.js"), join(snap, "model.js"));
  const preload = join(work, "maxrss.cjs");
  writeFileSync(
    preload,
    "process.on('exit', () => { require('node:fs').writeSync(2, '\\nRK_MAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'); });\n",
  );
  const checks = [];
  const check = (name, ok, detail) => {
    checks.push({ name, ok, detail });
    log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
  };
  try {
    const good = join(work, "big.csv");
    const bad = join(work, "big-bad.csv");
    const middle = Math.floor(rows / 2) + 1;
    const gi = await writeBigCsv(good, { rows, sessionSize: 200, seed: 1 });
    const bi = await writeBigCsv(bad, { rows, sessionSize: 200, seed: 1, malformedAt: middle });
    log(
      `generated ${rows.toLocaleString("en")} utterances in ${gi.sessions.toLocaleString("en")} sessions (${mb(gi.bytes / 2 ** 20)}); malformed copy: extra row at line ${bi.malformedLine}`,
    );

    // 0. The whole file, one worker: time and peak RSS.
    const out1 = join(work, "out-1.csv");
    const r1 = await runCli(["code", good, ...CSV_ARGS, "--out", out1], preload);
    if (r1.code !== 0) throw new Error(`code failed (exit ${r1.code}): ${r1.stderr.trim()}`);
    const h1 = await hashConcat([out1]);
    const n1 = (await countRecords(out1)) - 1;
    log(
      `code (1 worker): exit ${r1.code}, ${(r1.ms / 1000).toFixed(1)} s, ${Math.round(rows / (r1.ms / 1000)).toLocaleString("en")} utterances/s, peak RSS ${mb(r1.maxRssMB)}, ${n1} rows, sha256 ${h1.sha256.slice(0, 16)}`,
    );
    check("exit 0 and one row per utterance", r1.code === 0 && n1 === rows, `${n1} rows`);
    check(`peak RSS under ${RSS_TARGET_MB} MB`, r1.maxRssMB < RSS_TARGET_MB, mb(r1.maxRssMB));
    const throughput = await throughputLine(good, rows, r1.ms, log);
    if (throughputOnly) return { ok: checks.every((c) => c.ok), checks, rows, throughput };

    // 1. In 4 chunks split at session boundaries.
    const parts = await splitAtSessions(good, 4, rows, join(work, "part"));
    const outs = [];
    let chunkMs = 0;
    let chunkRss = 0;
    for (const [i, p] of parts.entries()) {
      const o = join(work, `out-part-${i + 1}.csv`);
      const r = await runCli(["code", p, ...CSV_ARGS, "--out", o], preload);
      if (r.code !== 0) log(`  chunk ${i + 1} failed: ${r.stderr.trim()}`);
      chunkMs += r.ms;
      chunkRss = Math.max(chunkRss, r.maxRssMB);
      outs.push(o);
    }
    const hc = await hashConcat(outs);
    check(
      "output equals coding the file in 4 chunks",
      hc.sha256 === h1.sha256,
      `${hc.sha256.slice(0, 16)} (${(chunkMs / 1000).toFixed(1)} s, peak RSS ${mb(chunkRss)})`,
    );

    // 2. A malformed row in the middle stops the run, naming its line.
    const outB = join(work, "out-bad.csv");
    const rb = await runCli(["code", bad, ...CSV_ARGS, "--out", outB], preload);
    const lines = rb.stderr.trim().split("\n");
    check(
      `malformed row reported with its line (${bi.malformedLine})`,
      rb.code === 1 && lines.length === 1 && lines[0].includes(`:${bi.malformedLine}:`),
      `exit ${rb.code}: ${lines[0]}`,
    );

    // 3. --on-error skip: skipped, counted, every other row coded.
    const outS = join(work, "out-skip.csv");
    const rs = await runCli(
      ["code", bad, ...CSV_ARGS, "--on-error", "skip", "--out", outS],
      preload,
    );
    const hs = await hashConcat([outS]);
    check(
      "--on-error skip: row skipped and counted, all others coded (output equals the clean file's)",
      rs.code === 0 &&
        rs.stderr.includes(`:${bi.malformedLine}:`) &&
        rs.stderr.includes("skipped 1 malformed row") &&
        hs.sha256 === h1.sha256,
      `exit ${rs.code}, ${(await countRecords(outS)) - 1} rows, ${(rs.ms / 1000).toFixed(1)} s, peak RSS ${mb(rs.maxRssMB)}`,
    );

    const ok = checks.every((c) => c.ok);
    log(ok ? "scale: all checks passed" : "scale: SOME CHECKS FAILED");
    return {
      ok,
      checks,
      rows,
      seconds: r1.ms / 1000,
      throughput,
      maxRssMB: r1.maxRssMB,
    };
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
    rmSync(dirname(CLI), { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const r = await runScale({
    rows: Number(arg("rows", "1000000")),
    dir: arg("dir"),
    keep: process.argv.includes("--keep"),
    throughputOnly: process.argv.includes("--throughput"),
  });
  process.exitCode = r.ok ? 0 : 1;
}
