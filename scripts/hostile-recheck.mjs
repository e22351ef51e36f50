#!/usr/bin/env node
// Independent re-check of hostile-input cases against the built CLI (dist/cli.js).
// Self-contained: generates fresh, seeded inputs in a temp dir, runs the CLI, checks each
// expectation and prints one line per case: PASS|FAIL|SKIP name: detail. Exit 1 on any FAIL.
//
//   npm run build && node scripts/hostile-recheck.mjs [--seed N] [--keep] [--only substr]
//
// No dependencies beyond Node itself. Runs one CLI process at a time.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(ROOT, "dist", "cli.js");
const argv = process.argv.slice(2);
const argOf = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SEED =
  argOf("--seed") !== undefined ? Number(argOf("--seed")) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const KEEP = argv.includes("--keep");
const ONLY = argOf("--only");
if (!fs.existsSync(CLI)) {
  console.error(`hostile-recheck: ${CLI} not found; run npm run build first`);
  process.exit(2);
}
console.log(
  `hostile-recheck: seed ${SEED} (re-run with --seed ${SEED}); cli ${path.relative(process.cwd(), CLI) || CLI}`,
);

// ---------------------------------------------------------------- seeded randomness
function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
const pick = (a) => a[Math.floor(rnd() * a.length)];
// Synthetic vocabulary: pronounceable nonsense words (6-9 letters), so that any of them turning
// up in an error message is a privacy leak, never a coincidence.
const SYL = [
  "ba",
  "ko",
  "tu",
  "mi",
  "ze",
  "ra",
  "lo",
  "vu",
  "qe",
  "ny",
  "pa",
  "di",
  "so",
  "fe",
  "gu",
  "xo",
];
const VOCAB = [];
while (VOCAB.length < 240) {
  let w = "";
  while (w.length < 6) w += pick(SYL);
  if (rnd() < 0.5) w += pick(SYL).slice(0, 1);
  if (!VOCAB.includes(w)) VOCAB.push(w);
}
const words = (lo, hi) => Array.from({ length: int(lo, hi) }, () => pick(VOCAB)).join(" ");
const leaks = (stderr) => VOCAB.filter((w) => stderr.includes(w));

// ---------------------------------------------------------------- temp dir, process runner
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "rk-hostile-"));
const f = (name) => path.join(TMP, name);
const write = (name, data) => {
  fs.writeFileSync(f(name), data);
  return f(name);
};

function run(args, { input, stdoutFd, timeout = 120_000 } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: TMP,
    input,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    timeout,
    stdio: [input === undefined ? "ignore" : "pipe", stdoutFd ?? "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    rc: r.status,
    signal: r.signal,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
    ms,
    error: r.error,
  };
}
function sh(script, timeout = 120_000) {
  const r = spawnSync("bash", ["-c", script], {
    cwd: TMP,
    encoding: "utf8",
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { rc: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

// ---------------------------------------------------------------- helpers
function parseCsv(text) {
  // RFC 4180: quoted fields, "" escapes, CRLF or LF; a leading BOM ignored.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let field = "";
  let i = 0;
  let inQ = false;
  while (i < text.length) {
    const c = text[i];
    if (inQ) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQ = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      inQ = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += c === "\r" ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header = [], ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}
const csvCell = (s) => (/[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const lines = (s) => s.split("\n").filter((l) => l.trim() !== "");
const hasStack = (s) => /\n\s+at [^\n]*[(:]\d+/.test(s) || /^\s+at /m.test(s);
const looksBad = (s) =>
  hasStack(s) ||
  /internal error|FATAL ERROR|Abort(ed)?|heap out of memory|Uncaught|node:internal/i.test(s);
const short = (s, n = 160) => JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);
const firstErr = (s) => short(lines(s)[0] ?? "", 200);

// ---------------------------------------------------------------- case registry
const results = [];
const privacyChecked = [];
async function kase(name, fn) {
  if (ONLY && !name.includes(ONLY)) return;
  let out;
  try {
    out = await fn();
  } catch (e) {
    out = {
      ok: false,
      detail: `checker threw: ${e?.stack?.split("\n").slice(0, 3).join(" | ") ?? e}`,
    };
  }
  const status = out.skip ? "SKIP" : out.ok ? "PASS" : "FAIL";
  results.push({ name, status, detail: out.detail });
  console.log(`${status} ${name}: ${out.detail}`);
}
// Records stderr of a run that reported a problem, for the privacy check at the end.
const seen = (label, r) => {
  privacyChecked.push({ label, stderr: r.stderr });
  return r;
};

// ---------------------------------------------------------------- generators
const SPEAKERS = ["therapist", "client"];
/** One good CSV record for the text; returns { raw (may span lines), text }. */
function goodText(allowMultiline = true) {
  let t = words(2, 14);
  const r = rnd();
  if (r < 0.15)
    t = `${words(1, 4)}, ${words(1, 6)}`; // needs quoting
  else if (r < 0.25)
    t = `${words(1, 3)} "${words(1, 2)}" ${words(1, 3)}`; // doubled quotes
  else if (r < 0.3 && allowMultiline) t = `${words(1, 5)}\n${words(1, 5)}`; // multi-line field
  return t;
}
/** A transcript CSV with `bad` malformed single-line records at random rows (never the header). */
function genCsv({
  n,
  nBad,
  eol = "\n",
  bom = false,
  badLast = false,
  kinds = ["open", "mid", "after"],
}) {
  const rows = []; // {raw, text, bad, kind}
  for (let i = 0; i < n; i++) {
    const text = goodText().replace(/\n/g, eol); // a line break inside a quoted field is kept as written
    rows.push({ raw: `${pick(SPEAKERS)},${csvCell(text)}`, text, bad: false });
  }
  const badIdx = new Set();
  if (badLast) badIdx.add(n - 1);
  while (badIdx.size < nBad) {
    const i = int(0, n - 1);
    if (!badIdx.has(i - 1) && !badIdx.has(i + 1)) badIdx.add(i);
  }
  for (const i of badIdx) {
    const kind = pick(kinds);
    const w1 = words(1, 4);
    const w2 = words(1, 4);
    const raw =
      kind === "open"
        ? `${pick(SPEAKERS)},"${w1} ${w2}` // an opening quote never closed on its line
        : kind === "mid"
          ? `${pick(SPEAKERS)},${w1} "${w2}` // a quote in the middle of an unquoted field
          : `${pick(SPEAKERS)},"${w1} "${w2}" end"`; // a closing quote followed by characters
    rows[i] = { raw, text: null, bad: true, kind };
  }
  let line = 2; // header is line 1
  for (const r of rows) {
    r.line = line;
    line += r.raw.split(eol).length;
  }
  const body = `${bom ? "\ufeff" : ""}speaker,text${eol}${rows.map((r) => r.raw).join(eol)}${eol}`;
  return { body, rows, good: rows.filter((r) => !r.bad), bad: rows.filter((r) => r.bad) };
}
/** Lines of "file:LINE" reported in stderr for skipped rows. */
const skippedLines = (stderr, file) =>
  [
    ...stderr.matchAll(new RegExp(`${file.replace(/\./g, "\\.")}:(\\d+)[^\\n]*row skipped`, "g")),
  ].map((m) => Number(m[1]));

function checkSkip(r, file, g, outTexts) {
  const problems = [];
  if (r.rc !== 0) problems.push(`exit ${r.rc} (expected 0 with --on-error skip)`);
  if (looksBad(r.stderr)) problems.push(`stack/internal error in stderr ${firstErr(r.stderr)}`);
  const want = g.good.map((x) => x.text);
  if (outTexts.length !== want.length)
    problems.push(`${outTexts.length} rows out, expected ${want.length}`);
  else {
    const k = want.findIndex((t, i) => t !== outTexts[i]);
    if (k >= 0) problems.push(`row ${k} text differs from input`);
  }
  const got = skippedLines(r.stderr, file);
  const exp = g.bad.map((b) => b.line);
  if (JSON.stringify(got) !== JSON.stringify(exp))
    problems.push(`skipped lines reported ${JSON.stringify(got)}, expected ${JSON.stringify(exp)}`);
  const m =
    /skipped (\d+) malformed/.exec(r.stderr) ?? /(\d+) malformed rows? skipped/.exec(r.stderr);
  if (m && Number(m[1]) !== g.bad.length)
    problems.push(`summary says ${m[1]} skipped, expected ${g.bad.length}`);
  return problems.length
    ? { ok: false, detail: problems.join("; ") }
    : {
        ok: true,
        detail: `${g.rows.length} rows, bad at lines ${exp.join(",")} (${g.bad.map((b) => b.kind).join(",")}); ${outTexts.length} coded, skipped count ${m ? m[1] : got.length}`,
      };
}

// ================================================================= cases
// 1. stray quotes cost only their own record
await kase("1a csv-stray-quote code --on-error skip", () => {
  const g = genCsv({ n: int(40, 400), nBad: int(1, 4) });
  write("sq.csv", g.body);
  const r = seen("1a", run(["code", "sq.csv", "--classifier", "rules", "--on-error", "skip"]));
  return checkSkip(
    r,
    "sq.csv",
    g,
    parseCsv(r.stdout).map((x) => x.text),
  );
});
await kase("1b csv-stray-quote convert --on-error skip", () => {
  const g = genCsv({ n: int(40, 400), nBad: int(1, 4) });
  write("sqc.csv", g.body);
  const r = seen("1b", run(["convert", "sqc.csv", "--to", "csv", "--on-error", "skip"]));
  return checkSkip(
    r,
    "sqc.csv",
    g,
    parseCsv(r.stdout).map((x) => x.text),
  );
});
await kase("1c csv-stray-quote default (throw) is one-line error at the bad line", () => {
  const g = genCsv({ n: int(20, 200), nBad: 1 });
  write("sqt.csv", g.body);
  const r = seen("1c", run(["code", "sqt.csv", "--classifier", "rules"]));
  const ok =
    r.rc !== 0 &&
    lines(r.stderr).length === 1 &&
    r.stderr.includes(`sqt.csv:${g.bad[0].line}`) &&
    !looksBad(r.stderr);
  return {
    ok,
    detail: `exit ${r.rc}, expected line ${g.bad[0].line}; stderr ${firstErr(r.stderr)}`,
  };
});
const ANNOMI_H =
  "mi_quality,transcript_id,video_title,video_url,topic,utterance_id,interlocutor,timestamp,utterance_text,annotator_id,therapist_input_exists,therapist_input_subtype,reflection_exists,reflection_subtype,question_exists,question_subtype,main_therapist_behaviour,client_talk_type";
await kase("1d annomi-stray-quote code --on-error skip", () => {
  const n = int(30, 200);
  const nBad = int(1, 3);
  const badAt = new Set();
  while (badAt.size < nBad) {
    const i = int(0, n - 1);
    if (!badAt.has(i - 1) && !badAt.has(i + 1)) badAt.add(i);
  }
  const rows = [];
  const good = [];
  const badLines = [];
  let line = 2;
  for (let i = 0; i < n; i++) {
    const role = i % 2 ? "client" : "therapist";
    const labels =
      role === "therapist"
        ? "False,n/a,False,n/a,True,open,question,n/a"
        : "n/a,n/a,n/a,n/a,n/a,n/a,n/a,neutral";
    const ts = `00:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`;
    let cell;
    if (badAt.has(i)) {
      cell = pick([
        `"${words(1, 3)} "${words(1, 2)}" ${words(1, 2)}`,
        `${words(1, 2)} "${words(1, 3)}`,
      ]);
      badLines.push(line);
    } else {
      const t = goodText(false);
      good.push(t);
      cell = csvCell(t);
    }
    rows.push(`high,7,t,u,x,${i},${role},${ts},${cell},0,${labels}`);
    line++;
  }
  write("am.csv", `${ANNOMI_H}\n${rows.join("\n")}\n`);
  const r = seen(
    "1d",
    run(["code", "am.csv", "--format", "annomi", "--classifier", "rules", "--on-error", "skip"]),
  );
  const out = parseCsv(r.stdout).map((x) => x.text);
  return checkSkip(
    r,
    "am.csv",
    {
      rows,
      good: good.map((text) => ({ text })),
      bad: badLines.map((l) => ({ line: l, kind: "annomi" })),
    },
    out,
  );
});
await kase("1e (own) CRLF + BOM, bad quote in the LAST row", () => {
  const g = genCsv({
    n: int(20, 150),
    nBad: 1,
    eol: "\r\n",
    bom: true,
    badLast: true,
    kinds: ["open", "after"],
  });
  write("crlf.csv", g.body);
  const r = seen("1e", run(["code", "crlf.csv", "--classifier", "rules", "--on-error", "skip"]));
  return checkSkip(
    r,
    "crlf.csv",
    g,
    parseCsv(r.stdout).map((x) => x.text),
  );
});
await kase("1g (own) stray quotes with --workers 2 on a larger file", () => {
  const g = genCsv({ n: int(3000, 6000), nBad: int(2, 6) });
  write("sqw.csv", g.body);
  const r = seen(
    "1g",
    run(["code", "sqw.csv", "--classifier", "rules", "--on-error", "skip", "--workers", "2"]),
  );
  const r1 = run([
    "code",
    "sqw.csv",
    "--classifier",
    "rules",
    "--on-error",
    "skip",
    "--workers",
    "1",
  ]);
  const res = checkSkip(
    r,
    "sqw.csv",
    g,
    parseCsv(r.stdout).map((x) => x.text),
  );
  if (r.stdout !== r1.stdout)
    return { ok: false, detail: `output differs from --workers 1; ${res.detail}` };
  return res;
});
await kase("1f (own) quote error inside a quoted multi-line field (CRLF)", () => {
  // good rows, then a 2-line quoted field whose inner quotes were not doubled, then good rows.
  const before = Array.from({ length: int(3, 30) }, () => words(2, 8));
  const after = Array.from({ length: int(3, 30) }, () => words(2, 8));
  const badLine = 2 + before.length;
  const bad = `client,"${words(1, 3)}\r\n${words(1, 2)} "${words(1, 2)}" ${words(1, 2)}"`;
  write(
    "mlq.csv",
    `speaker,text\r\n${[...before.map((t) => `therapist,${t}`), bad, ...after.map((t) => `therapist,${t}`)].join("\r\n")}\r\n`,
  );
  const r = seen("1f", run(["code", "mlq.csv", "--classifier", "rules", "--on-error", "skip"]));
  const out = parseCsv(r.stdout).map((x) => x.text);
  const want = [...before, ...after];
  const got = skippedLines(r.stderr, "mlq.csv");
  const problems = [];
  if (r.rc !== 0) problems.push(`exit ${r.rc}`);
  if (looksBad(r.stderr)) problems.push("stack in stderr");
  const lost = want.filter((t) => !out.includes(t)).length;
  if (lost) problems.push(`${lost} good rows lost`);
  if (got[0] !== badLine)
    problems.push(`first reported line ${got[0]}, record began at ${badLine}`);
  const extra = out.filter((t) => !want.includes(t)).length;
  return {
    ok: problems.length === 0,
    detail: `${problems.join("; ") || "no good row lost"}; record at line ${badLine} reported as ${got.length} skipped row(s) at ${JSON.stringify(got)}; ${extra} row(s) coded from inside the bad record`,
  };
});

// 2. failed writes never report success
const small = genCsv({ n: 5, nBad: 0 });
write("small.csv", small.body);
const bigG = genCsv({ n: 2500, nBad: 0 });
write("big.csv", bigG.body);
const bigBytes = fs.statSync(f("big.csv")).size;
function writeFail(r, what) {
  const l = lines(r.stderr).filter((x) => !/row skipped$/.test(x)); // per-row warnings are fine
  const problems = [];
  if (r.rc === 0) problems.push("exit 0");
  if (r.signal) problems.push(`killed by ${r.signal}`);
  if (l.length !== 1)
    problems.push(`${l.length} stderr lines (expected one): ${short(r.stderr, 240)}`);
  if (/converted|coded \d|wrote|written|done/i.test(r.stderr))
    problems.push("a success/summary line was printed");
  if (looksBad(r.stderr)) problems.push("stack/internal error");
  return {
    ok: problems.length === 0,
    detail: `${what}: exit ${r.rc}; ${problems.join("; ") || firstErr(r.stderr)}`,
  };
}
await kase("2a convert small --out /dev/full", () =>
  writeFail(
    seen("2a", run(["convert", "small.csv", "--to", "csv", "--out", "/dev/full"])),
    "--out /dev/full",
  ),
);
await kase("2b convert small > /dev/full", () => {
  const fd = fs.openSync("/dev/full", "w");
  try {
    return writeFail(
      seen("2b", run(["convert", "small.csv", "--to", "csv"], { stdoutFd: fd })),
      "stdout /dev/full",
    );
  } finally {
    fs.closeSync(fd);
  }
});
await kase("2c code small > /dev/full", () => {
  const fd = fs.openSync("/dev/full", "w");
  try {
    return writeFail(
      seen("2c", run(["code", "small.csv", "--classifier", "rules"], { stdoutFd: fd })),
      "stdout /dev/full",
    );
  } finally {
    fs.closeSync(fd);
  }
});
const smallBad = genCsv({ n: int(4, 12), nBad: 1 });
write("smallbad.csv", smallBad.body);
for (const cmd of ["code", "convert"]) {
  await kase(
    `2${cmd === "code" ? "g" : "h"} (own) ${cmd} small --on-error skip (one bad row) > /dev/full`,
    () => {
      const fd = fs.openSync("/dev/full", "w");
      try {
        const args =
          cmd === "code"
            ? ["code", "smallbad.csv", "--classifier", "rules"]
            : ["convert", "smallbad.csv", "--to", "csv"];
        return writeFail(
          seen(`2${cmd}`, run([...args, "--on-error", "skip"], { stdoutFd: fd })),
          "stdout /dev/full",
        );
      } finally {
        fs.closeSync(fd);
      }
    },
  );
}
await kase(
  `2d convert big (${Math.round(bigBytes / 1024)} kB) > /dev/full and --out /dev/full`,
  () => {
    const fd = fs.openSync("/dev/full", "w");
    let a;
    try {
      a = writeFail(
        seen("2d", run(["convert", "big.csv", "--to", "jsonl"], { stdoutFd: fd })),
        "stdout",
      );
    } finally {
      fs.closeSync(fd);
    }
    const b = writeFail(
      seen("2d", run(["convert", "big.csv", "--to", "csv", "--out", "/dev/full"])),
      "--out",
    );
    const c = writeFail(
      seen("2d", run(["code", "big.csv", "--classifier", "rules", "--out", "/dev/full"])),
      "code --out",
    );
    const isChr = fs.statSync("/dev/full").isCharacterDevice();
    return {
      ok: a.ok && b.ok && c.ok && isChr,
      detail: `${a.detail} | ${b.detail} | ${c.detail}${isChr ? "" : " | /dev/full REPLACED"}`,
    };
  },
);
await kase("2e --out on a full filesystem leaves no partial or temp file; old file kept", () => {
  const mnt = f("tiny");
  fs.mkdirSync(mnt);
  const m = sh(`mount -t tmpfs -o size=${int(32, 96)}k tmpfs ${q(mnt)}`);
  if (m.rc !== 0)
    return { skip: true, detail: `cannot mount a small tmpfs here (${m.stderr.trim()}); not run` };
  try {
    const old = `keep ${words(1, 2)}\n`;
    fs.writeFileSync(path.join(mnt, "keep.csv"), old);
    const r1 = seen(
      "2e",
      run(["convert", "big.csv", "--to", "csv", "--out", path.join(mnt, "new.csv")]),
    );
    const r2 = seen(
      "2e",
      run(["code", "big.csv", "--classifier", "rules", "--out", path.join(mnt, "keep.csv")]),
    );
    const left = fs.readdirSync(mnt).sort();
    const kept = fs.readFileSync(path.join(mnt, "keep.csv"), "utf8") === old;
    const problems = [];
    if (r1.rc === 0 || r2.rc === 0) problems.push(`exit codes ${r1.rc}/${r2.rc}`);
    if (JSON.stringify(left) !== '["keep.csv"]')
      problems.push(`files left: ${JSON.stringify(left)}`);
    if (!kept) problems.push("existing --out file was changed");
    if (looksBad(r1.stderr + r2.stderr)) problems.push("stack");
    if (lines(r1.stderr).length !== 1 || lines(r2.stderr).length !== 1)
      problems.push("not one-line errors");
    return {
      ok: !problems.length,
      detail:
        problems.join("; ") ||
        `exit ${r1.rc}/${r2.rc}, dir holds only the old file, unchanged; ${firstErr(r1.stderr)}`,
    };
  } finally {
    sh(`umount ${q(mnt)}`);
  }
});
await kase("2f successful --out leaves no temp file", () => {
  fs.mkdirSync(f("outdir"));
  const r = run(["code", "small.csv", "--classifier", "rules", "--out", "outdir/o.csv"]);
  const left = fs.readdirSync(f("outdir"));
  const rows = parseCsv(fs.readFileSync(f("outdir/o.csv"), "utf8")).length;
  return {
    ok: r.rc === 0 && left.length === 1 && rows === small.good.length,
    detail: `exit ${r.rc}; dir ${JSON.stringify(left)}; ${rows} rows`,
  };
});

// 3. workers hitting their heap cap
await kase("3a --workers 2 with one ~5 MB utterance (--max-utterance-mb 8)", () => {
  const n = int(4, 12);
  const pos = int(0, n - 1);
  const texts = Array.from({ length: n }, () => words(2, 6));
  const mb = 4.5 + rnd();
  // short tokens (2-letter syllables): many tokens per MB, which is what fills a worker's heap
  const parts = [];
  for (let len = 0; len < mb * 1024 * 1024; len += 3) parts.push(pick(SYL));
  texts[pos] = parts.join(" ");
  write("w5.csv", `speaker,text\n${texts.map((t) => `therapist,${t}`).join("\n")}\n`);
  const r2 = seen(
    "3a",
    run(["code", "w5.csv", "--classifier", "rules", "--workers", "2", "--max-utterance-mb", "8"]),
  );
  const r1 = run([
    "code",
    "w5.csv",
    "--classifier",
    "rules",
    "--workers",
    "1",
    "--max-utterance-mb",
    "8",
  ]);
  if (r2.rc !== 0) {
    const ok = r2.rc !== null && lines(r2.stderr).length === 1 && !looksBad(r2.stderr);
    return { ok, detail: `non-zero exit ${r2.rc}; stderr ${firstErr(r2.stderr)}` };
  }
  const same = r2.stdout === r1.stdout && r1.rc === 0;
  const rows = parseCsv(r2.stdout).length;
  const exercised = /heap/i.test(r2.stderr);
  if (!exercised && same && rows === n)
    return {
      skip: true,
      detail: `no worker reached its heap cap with this input (exit 0, ${rows}/${n} rows, same output); not exercised`,
    };
  const ok = same && rows === n && !looksBad(r2.stderr) && lines(r2.stderr).length === 1;
  return {
    ok,
    detail: `exit 0, ${rows}/${n} rows, output ${same ? "identical to" : "DIFFERENT from"} --workers 1; stderr ${firstErr(r2.stderr)} (worker fell back, not a non-zero exit)`,
  };
});
await kase("3b --workers 2 on rows of 8 kB equals --workers 1", () => {
  const n = int(1200, 2200);
  const body = ["speaker,text"];
  for (let i = 0; i < n; i++) {
    let t = "";
    while (t.length < 8000) t += `${pick(VOCAB)} `;
    body.push(`${pick(SPEAKERS)},${t.slice(0, 8000).trim()}`);
  }
  write("w8k.csv", `${body.join("\n")}\n`);
  const r2 = seen("3b", run(["code", "w8k.csv", "--classifier", "rules", "--workers", "2"]));
  const r1 = run(["code", "w8k.csv", "--classifier", "rules", "--workers", "1"]);
  const rows = r2.rc === 0 ? parseCsv(r2.stdout).length : -1;
  const ok =
    r2.rc === 0
      ? r2.stdout === r1.stdout && rows === n
      : lines(r2.stderr).length === 1 && !looksBad(r2.stderr);
  return {
    ok,
    detail: `${n} rows × 8 kB: exit ${r2.rc}, ${rows} rows, ${r2.stdout === r1.stdout ? "same as" : "differs from"} --workers 1; ${r2.stderr ? firstErr(r2.stderr) : "no stderr"}`,
  };
});

// 4. CSV formula injection
const DANGER = ["=", "+", "-", "@", "\t", "\r"];
await kase(
  "4a --csv-safe neutralises = + - @ TAB CR in every cell; without it exact round trip",
  () => {
    const n = int(20, 80);
    const rows = [];
    for (let i = 0; i < n; i++) {
      const d = rnd() < 0.6;
      const text = d
        ? `${pick(DANGER)}${pick(["SUM(A1:A9)", 'HYPERLINK("x")', "cmd|' /C calc'!A0", words(1, 3)])}`
        : words(2, 6);
      const session = rnd() < 0.3 ? `${pick(DANGER.slice(0, 4))}s${int(1, 3)}` : `s${int(1, 3)}`;
      rows.push({ text, session });
    }
    write(
      "inj.csv",
      `session,speaker,text\n${rows.map((r) => `${csvCell(r.session)},therapist,${csvCell(r.text)}`).join("\n")}\n`,
    );
    const problems = [];
    for (const cmd of [
      ["convert", "inj.csv", "--session-column", "session", "--to", "csv"],
      ["code", "inj.csv", "--session-column", "session", "--classifier", "rules"],
    ]) {
      const safe = run([...cmd, "--csv-safe"]);
      const plain = run(cmd);
      if (safe.rc !== 0 || plain.rc !== 0) problems.push(`${cmd[0]} exit ${safe.rc}/${plain.rc}`);
      const ps = parseCsv(safe.stdout);
      const pp = parseCsv(plain.stdout);
      for (const [i, row] of ps.entries()) {
        for (const [k, v] of Object.entries(row))
          if (v && DANGER.includes(v[0]))
            problems.push(`${cmd[0]} --csv-safe row ${i} ${k} starts with ${JSON.stringify(v[0])}`);
        if (row.text !== (DANGER.includes(rows[i].text[0]) ? `'${rows[i].text}` : rows[i].text))
          problems.push(`${cmd[0]} --csv-safe row ${i} text not "'"+original`);
      }
      pp.forEach((row, i) => {
        if (row.text !== rows[i].text) problems.push(`${cmd[0]} plain row ${i} text not exact`);
        if (row.session !== rows[i].session)
          problems.push(`${cmd[0]} plain row ${i} session not exact`);
      });
      if (ps.length !== n || pp.length !== n)
        problems.push(`${cmd[0]} row counts ${ps.length}/${pp.length}, expected ${n}`);
    }
    // round trip of the plain output through convert again
    write(
      "inj2.csv",
      run(["convert", "inj.csv", "--session-column", "session", "--to", "csv"]).stdout,
    );
    const again = parseCsv(run(["convert", "inj2.csv", "--to", "csv"]).stdout);
    if (again.map((r) => r.text).join("\u0000") !== rows.map((r) => r.text).join("\u0000"))
      problems.push("second round trip changed texts");
    return {
      ok: !problems.length,
      detail:
        problems.slice(0, 4).join("; ") ||
        `${n} rows, ${rows.filter((r) => DANGER.includes(r.text[0])).length} dangerous texts; safe prefixed, plain exact (convert+code, 2 round trips)`,
    };
  },
);

// 5. maximum utterance size
function bigCellFile(name, mb, n) {
  const pos = int(0, n - 1);
  const texts = Array.from({ length: n }, () => words(2, 6));
  let t = "";
  const want = Math.floor(mb * 1024 * 1024);
  const chunk = `${words(20, 40)} `;
  t = chunk.repeat(Math.ceil(want / chunk.length)).slice(0, want);
  texts[pos] = t;
  const quoted = rnd() < 0.5;
  write(
    name,
    `speaker,text\n${texts.map((x, i) => `therapist,${i === pos && quoted ? `"${x}"` : x}`).join("\n")}\n`,
  );
  return { line: pos + 2, n };
}
await kase("5a default limit: a 1.1-3.9 MB cell is a one-line error naming its line", () => {
  const mb = 1.1 + rnd() * 2.8;
  const b = bigCellFile("m1.csv", mb, int(3, 40));
  const r = seen("5a", run(["code", "m1.csv", "--classifier", "rules"]));
  const ok =
    r.rc !== 0 &&
    lines(r.stderr).length === 1 &&
    r.stderr.includes(`m1.csv:${b.line}`) &&
    !looksBad(r.stderr);
  return {
    ok,
    detail: `${mb.toFixed(2)} MB cell at line ${b.line}: exit ${r.rc}; ${firstErr(r.stderr)}`,
  };
});
await kase(
  "5b --max-utterance-mb: under the limit works, over it errors at its line; skip mode skips only it",
  () => {
    const b = bigCellFile("m2.csv", 1.5, int(3, 30));
    const ok1 = run(["code", "m2.csv", "--classifier", "rules", "--max-utterance-mb", "2"]);
    const over = seen(
      "5b",
      run(["code", "m2.csv", "--classifier", "rules", "--max-utterance-mb", "1.2"]),
    );
    const skip = seen(
      "5b",
      run([
        "code",
        "m2.csv",
        "--classifier",
        "rules",
        "--max-utterance-mb",
        "1.2",
        "--on-error",
        "skip",
      ]),
    );
    const problems = [];
    if (ok1.rc !== 0 || parseCsv(ok1.stdout).length !== b.n)
      problems.push(`limit 2: exit ${ok1.rc}`);
    if (
      over.rc === 0 ||
      !over.stderr.includes(`m2.csv:${b.line}`) ||
      lines(over.stderr).length !== 1
    )
      problems.push(`limit 1.2: exit ${over.rc} ${firstErr(over.stderr)}`);
    if (skip.rc !== 0 || parseCsv(skip.stdout).length !== b.n - 1)
      problems.push(`skip: exit ${skip.rc}, ${parseCsv(skip.stdout).length} rows`);
    return {
      ok: !problems.length,
      detail:
        problems.join("; ") ||
        `line ${b.line}: limit 2 → ${b.n} rows; 1.2 → ${firstErr(over.stderr)}; skip → ${b.n - 1} rows`,
    };
  },
);
await kase("5c a 60 MB cell is a one-line error, not a V8 abort", () => {
  const n = int(2, 8);
  const pos = int(0, n - 1);
  const fd = fs.openSync(f("m60.csv"), "w");
  fs.writeSync(fd, "speaker,text\n");
  for (let i = 0; i < n; i++) {
    if (i === pos) {
      fs.writeSync(fd, 'client,"');
      const block = `${words(30, 60)} `.repeat(200);
      let w = 0;
      while (w < 60 * 1024 * 1024) w += fs.writeSync(fd, block);
      fs.writeSync(fd, '"\n');
    } else fs.writeSync(fd, `therapist,${words(2, 5)}\n`);
  }
  fs.closeSync(fd);
  const r = seen("5c", run(["code", "m60.csv", "--classifier", "rules"]));
  const ok =
    r.rc === 1 &&
    !r.signal &&
    lines(r.stderr).length === 1 &&
    r.stderr.includes(`m60.csv:${pos + 2}`) &&
    !looksBad(r.stderr);
  return {
    ok,
    detail: `cell at line ${pos + 2}: exit ${r.rc}${r.signal ? ` signal ${r.signal}` : ""} in ${Math.round(r.ms)} ms; ${firstErr(r.stderr)}`,
  };
});

// 7. closed pipe
await kase("7a code big.csv | head -5 ends quietly", () => {
  const s = sh(
    `node ${q(CLI)} code big.csv --classifier rules 2>err7a.txt | head -5 >/dev/null; echo $\{PIPESTATUS[0]}`,
  );
  const err = fs.readFileSync(f("err7a.txt"), "utf8");
  const rc = Number(s.stdout.trim());
  return {
    ok: (rc === 0 || rc === 141) && err.trim() === "",
    detail: `exit ${rc}; stderr ${short(err)}`,
  };
});
await kase("7b score | head -1 ends quietly", () => {
  // many sessions so that score prints a lot
  const rowsOut = ["id,session,index,speaker,code,confidence,text"];
  const nS = int(200, 600);
  for (let s = 0; s < nS; s++)
    for (let i = 0; i < 6; i++)
      rowsOut.push(
        `s${s}:${i},s${s},${i},${i % 2 ? "client" : "therapist"},${i % 2 ? "neutral" : pick(["question.open", "reflection.simple", "affirmation"])},0.9,${words(2, 5)}`,
      );
  write("coded.csv", `${rowsOut.join("\n")}\n`);
  const s = sh(
    `node ${q(CLI)} score coded.csv 2>err7b.txt | head -1 >/dev/null; echo $\{PIPESTATUS[0]}`,
  );
  const err = fs.readFileSync(f("err7b.txt"), "utf8");
  const rc = Number(s.stdout.trim());
  return {
    ok: (rc === 0 || rc === 141) && err.trim() === "",
    detail: `${nS} sessions: exit ${rc}; stderr ${short(err)}`,
  };
});

// 8. agree with many labels
function pairsFile(name, nLabels) {
  const out = ["gold,pred"];
  for (let i = 0; i < nLabels * 2; i++) {
    const g = `L${int(0, nLabels - 1)}`;
    out.push(`${g},${rnd() < 0.5 ? g : `L${int(0, nLabels - 1)}`}`);
  }
  write(name, `${out.join("\n")}\n`);
}
await kase("8a agree --pairs 5,000 and 20,000 labels: fast, linear", () => {
  pairsFile("p5k.csv", 5000);
  pairsFile("p20k.csv", 20000);
  const a = run(["agree", "--pairs", "p5k.csv", "--json"]);
  const b = run(["agree", "--pairs", "p20k.csv", "--json"]);
  let labels = -1;
  try {
    labels = Object.keys(JSON.parse(b.stdout).per_class ?? {}).length;
  } catch {}
  const ratio = b.ms / a.ms;
  const ok =
    a.rc === 0 &&
    b.rc === 0 &&
    b.ms < 30_000 &&
    ratio < 10 &&
    labels > 15000 &&
    !looksBad(a.stderr + b.stderr);
  return {
    ok,
    detail: `5k: ${Math.round(a.ms)} ms, 20k: ${Math.round(b.ms)} ms (×${ratio.toFixed(1)}); ${labels} labels in per_class; exit ${a.rc}/${b.rc}`,
  };
});
await kase("8b agree --matrix with ~30,000 categories: works or clear error", () => {
  const k = int(20000, 40000);
  const out = ["item,r1,r2,r3"];
  for (let i = 0; i < k; i++) out.push(`i${i},c${int(0, k)},c${int(0, k)},c${int(0, k)}`);
  write("mx.csv", `${out.join("\n")}\n`);
  const r = seen("8b", run(["agree", "--matrix", "mx.csv"]));
  const rn = seen(
    "8b",
    run(["agree", "--matrix", "mx.csv", "--level", "ordinal", "--resamples", "0"]),
  );
  const ok =
    !looksBad(r.stderr + rn.stderr) &&
    (r.rc === 0 || lines(r.stderr).length === 1) &&
    (rn.rc === 0 || lines(rn.stderr).length === 1) &&
    r.rc !== null;
  return {
    ok,
    detail: `${k} items: nominal exit ${r.rc} (${Math.round(r.ms)} ms); ordinal exit ${rn.rc}: ${rn.rc ? firstErr(rn.stderr) : "ok"}`,
  };
});

// 10. __proto__ kept in per-class output
await kase("10 agree: label __proto__ (and constructor, toString) kept per class", () => {
  const labels = ["__proto__", "constructor", "toString", "hasOwnProperty", words(1, 1)];
  const out = ["gold,pred"];
  const support = Object.create(null);
  for (let i = 0; i < int(30, 120); i++) {
    const g = pick(labels);
    support[g] = (support[g] ?? 0) + 1;
    out.push(`${g},${rnd() < 0.6 ? g : pick(labels)}`);
  }
  write("proto.csv", `${out.join("\n")}\n`);
  const r = run(["agree", "--pairs", "proto.csv", "--json", "--resamples", "0"]);
  const t = run(["agree", "--pairs", "proto.csv", "--resamples", "0"]);
  const problems = [];
  let pc = {};
  try {
    pc = JSON.parse(r.stdout).per_class ?? {};
  } catch {
    problems.push("no JSON");
  }
  for (const l of Object.keys(support)) {
    if (!Object.hasOwn(pc, l)) problems.push(`--json per_class lacks ${l}`);
    else if (pc[l].support !== support[l])
      problems.push(`${l} support ${pc[l].support}, expected ${support[l]}`);
  }
  if (!/^\s+__proto__\s/m.test(t.stdout)) problems.push("text table lacks __proto__ row");
  // two coded files, codes __proto__
  const mk = (codes) =>
    `id,session,index,speaker,code,confidence,text\n${codes.map((c, i) => `x:${i},x,${i},therapist,${c},1,${words(1, 3)}`).join("\n")}\n`;
  const ca = Array.from({ length: 12 }, () => pick(["__proto__", "constructor", "b"]));
  const cb = ca.map((c) => (rnd() < 0.7 ? c : pick(["__proto__", "constructor", "b"])));
  write("pa.csv", mk(ca));
  write("pb.csv", mk(cb));
  const two = run(["agree", "pa.csv", "pb.csv", "--resamples", "0"]);
  if (ca.includes("__proto__") && !/^\s+__proto__\s/m.test(two.stdout))
    problems.push("two-file agree lacks __proto__ row");
  return {
    ok: !problems.length && r.rc === 0,
    detail:
      problems.join("; ") ||
      `per_class keys ${JSON.stringify(Object.keys(pc))}; text and two-file tables list __proto__`,
  };
});

// 11/21. degenerate statistics through the library API
const lib = await import(pathToFileURL(path.join(ROOT, "dist", "index.js")).href);
const FORMS = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"];
const LEVELS = ["nominal", "ordinal", "interval", "ratio"];
await kase("11a NaN / ±Infinity ratings are rejected with an error", () => {
  const problems = [];
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const n = int(3, 12);
    const k = int(2, 5);
    const m = Array.from({ length: n }, () => Array.from({ length: k }, () => int(1, 5)));
    m[int(0, n - 1)][int(0, k - 1)] = bad;
    const tries = {
      icc: () => lib.icc(m),
      cronbachAlpha: () => lib.cronbachAlpha(m),
      ...Object.fromEntries(
        LEVELS.map((l) => [`alpha.${l}`, () => lib.krippendorffAlpha(m, { level: l })]),
      ),
    };
    for (const [name, fn] of Object.entries(tries)) {
      try {
        const r = fn();
        problems.push(`${name}(${bad}) returned ${JSON.stringify(r).slice(0, 60)}`);
      } catch (e) {
        if (
          !(e instanceof Error) ||
          e instanceof TypeError ||
          /cannot read prop|is not a function/i.test(e.message)
        )
          problems.push(`${name}(${bad}) threw ${e}`);
      }
    }
  }
  return {
    ok: !problems.length,
    detail:
      problems.slice(0, 3).join("; ") ||
      "icc, cronbachAlpha, krippendorffAlpha ×4 levels all throw for NaN, Infinity, -Infinity",
  };
});
await kase("11b constant data → null with a reason, every function and level", () => {
  const problems = [];
  const consts = [int(1, 7), 0.1 + 0.2, 1e9 + 0.1, -3.7, 2 ** 52 + 1];
  for (const c of consts) {
    const k = int(2, 6);
    const m = Array.from({ length: int(2, 15) }, () => Array.from({ length: k }, () => c));
    const i = lib.icc(m);
    for (const fm of FORMS)
      if (i[fm].value !== null || !i[fm].reason)
        problems.push(`icc ${fm} const ${c}: ${i[fm].value}`);
    const ca = lib.cronbachAlpha(m);
    if (ca.value !== null || !ca.reason) problems.push(`cronbach const ${c}: ${ca.value}`);
    for (const l of LEVELS) {
      const a = lib.krippendorffAlpha(m, { level: l });
      if (a.value !== null || !a.reason) problems.push(`alpha ${l} const ${c}: ${a.value}`);
    }
  }
  return {
    ok: !problems.length,
    detail:
      problems.slice(0, 4).join("; ") || `constants ${consts.join(", ")}: all null with a reason`,
  };
});
await kase(
  "11c two values 1 ulp apart (0.1+0.2 vs 0.3): alpha interval/ratio agree with nominal (no rounding noise)",
  () => {
    const n = int(3, 20);
    const k = int(2, 4);
    const a = 0.1 + 0.2;
    const b = 0.3;
    const m = Array.from({ length: n }, () =>
      Array.from({ length: k }, (_, j) => (rnd() < 0.5 || j === 0 ? a : b)),
    );
    const vals = Object.fromEntries(
      LEVELS.map((l) => [l, lib.krippendorffAlpha(m, { level: l }).value]),
    );
    const nom = vals.nominal;
    // With only two distinct values every δ² is the same constant, so all four levels equal nominal.
    const bad = LEVELS.filter(
      (l) => vals[l] !== null && nom !== null && Math.abs(vals[l] - nom) > 1e-6,
    );
    const nulls = LEVELS.filter((l) => vals[l] === null);
    const ok = bad.length === 0 && (nulls.length === 0 || nulls.length === 4);
    const i = lib.icc(m);
    const ca = lib.cronbachAlpha(m);
    return {
      ok,
      detail: `${n}×${k}: alpha ${LEVELS.map((l) => `${l} ${vals[l] === null ? "null" : vals[l].toFixed(4)}`).join(", ")}; icc ICC1 ${i.ICC1.value} (${i.ICC1.reason ?? ""}); cronbach ${ca.value} (${ca.reason ?? ""})`,
    };
  },
);
await kase(
  "11d tiny spread around a constant (c + ε·X): each statistic is null or equals its value on the exact deviations",
  () => {
    // ICC, Cronbach's alpha and interval alpha are translation- and scale-invariant. For values v
    // near c, v − c is computed exactly (Sterbenz), so the statistic of (v − c)/ε is the true value
    // for the very floats passed in; the statistic of v must be that (within 1e-4) or null.
    const n = int(6, 20);
    const k = int(2, 4);
    const X = Array.from({ length: n }, () => {
      const base = int(1, 5);
      return Array.from({ length: k }, () => Math.max(1, Math.min(5, base + int(-1, 1))));
    });
    const c = 0.1 + rnd() * 0.9;
    const stats = {
      ...Object.fromEntries(FORMS.map((fm) => [fm, (m) => lib.icc(m)[fm].value])),
      cronbach: (m) => lib.cronbachAlpha(m).value,
      "alpha.interval": (m) => lib.krippendorffAlpha(m, { level: "interval" }).value,
      "alpha.ratio(shifted ref: skip)": null,
    };
    delete stats["alpha.ratio(shifted ref: skip)"];
    const problems = [];
    let compared = 0;
    for (const e of [1e-16, 3e-16, 1e-15, 2e-15, 3e-15, 1e-14, 1e-13, 1e-12, 1e-9]) {
      const m = X.map((r) => r.map((x) => c + x * e));
      const ref = m.map((r) => r.map((v) => (v - c) / e));
      for (const [name, fn] of Object.entries(stats)) {
        const want = fn(ref);
        const got = fn(m);
        if (want === null || got === null) continue;
        compared++;
        if (Math.abs(got - want) > 1e-4)
          problems.push(`ε=${e}: ${name} ${got.toFixed(4)} (true ${want.toFixed(4)})`);
      }
    }
    return {
      ok: !problems.length,
      detail: `c=${c.toFixed(4)}, ${n}×${k}, ${compared} values compared: ${problems.slice(0, 5).join("; ") || "every non-null value matches"}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ""}`,
    };
  },
);

// 17. terminal escapes in session ids
const ESCS = [
  "\x1b[31m",
  "\x1b]0;pwned\x07",
  "\x1b[2J",
  "\x9b1m",
  "\x07",
  "\x1b[?1049h",
  "\x08\x08",
  "\x7f",
];
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding raw control characters is the point
const CTRL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]/;
function escFile() {
  const ids = Array.from(
    { length: int(2, 5) },
    (_, i) => `s${i}${pick(ESCS)}${pick(VOCAB).slice(0, 3)}${pick(ESCS)}`,
  );
  ids[0] += "\x9b2J"; // always one C1 CSI and one DEL, whatever the seed picked
  ids[1] += "\x7f";
  const out = ["id,session,index,speaker,code,confidence,text"];
  ids.forEach((s, j) => {
    for (let i = 0; i < 4; i++)
      out.push(
        `${j}:${i},${csvCell(s)},${i},${i % 2 ? "client" : "therapist"},${i % 2 ? "neutral" : "question.open"},1,${words(2, 4)}`,
      );
  });
  write("esc.csv", `${out.join("\n")}\n`);
  return ids;
}
await kase("17a score (text) neutralises terminal escapes in session ids", () => {
  const ids = escFile();
  const r = run(["score", "esc.csv"]);
  const m = CTRL.exec(r.stdout + r.stderr);
  const ok = r.rc === 0 && !m;
  return {
    ok,
    detail: `${ids.length} sessions with ESC/CSI/OSC/C1/BEL/BS/DEL ids: exit ${r.rc}; ${m ? `raw U+${m[0].charCodeAt(0).toString(16).padStart(4, "0")} printed` : "no raw control characters printed"}`,
  };
});
await kase("17b (own) score --json prints no raw terminal control characters", () => {
  const ids = escFile();
  const r = run(["score", "esc.csv", "--json"]);
  const found = [
    ...new Set(
      [...(r.stdout + r.stderr)]
        .filter((c) => CTRL.test(c))
        .map((c) => `U+${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ),
  ];
  let same = false;
  try {
    same = JSON.stringify(JSON.parse(r.stdout).map((x) => x.session)) === JSON.stringify(ids);
  } catch {}
  return {
    ok: r.rc === 0 && found.length === 0,
    detail: `exit ${r.rc}; ${found.length ? `raw ${found.join(", ")} in the JSON text (JSON.stringify leaves DEL and C1 unescaped)` : "none"}; session ids ${same ? "round-trip exactly" : "changed"} through JSON.parse`,
  };
});

// 19. workers capped (since the re-check, --workers is ignored with a note: threads were slower)
await kase("19 --workers above the core count is capped or ignored, with a note", () => {
  const w = os.availableParallelism() + int(3, 60);
  const r = run(["code", "big.csv", "--classifier", "rules", "--workers", String(w)]);
  const r1 = run(["code", "big.csv", "--classifier", "rules"]);
  const ok =
    r.rc === 0 && /cap|ignored/i.test(r.stderr) && r.stdout === r1.stdout && !looksBad(r.stderr);
  return {
    ok,
    detail: `--workers ${w}: exit ${r.rc}; ${firstErr(r.stderr)}; output ${r.stdout === r1.stdout ? "same as" : "DIFFERS from"} --workers 1`,
  };
});

// 20. empty inputs and bad SRT cue numbers
await kase(
  "20a empty / BOM-only / blank-lines CSV: error or clear message, not silent exit 0",
  () => {
    const problems = [];
    for (const [name, data] of [
      ["e0.csv", ""],
      ["e1.csv", "\ufeff"],
      ["e2.csv", "\n\r\n\n"],
    ]) {
      write(name, data);
      for (const cmd of ["code", "convert"]) {
        const r = seen(
          "20a",
          run(
            cmd === "code"
              ? ["code", name, "--classifier", "rules"]
              : ["convert", name, "--to", "csv"],
          ),
        );
        if (r.rc === 0 && r.stderr.trim() === "") problems.push(`${cmd} ${name}: silent exit 0`);
        if (looksBad(r.stderr)) problems.push(`${cmd} ${name}: stack`);
      }
    }
    return {
      ok: !problems.length,
      detail:
        problems.join("; ") ||
        "0-byte, BOM-only and blank-line files: non-zero exit with a message (code, convert)",
    };
  },
);
await kase("20b (own) header-only CSV: not a silent exit 0", () => {
  write(
    "hdr.csv",
    pick(["speaker,text\n", "speaker,text\r\n", "\ufeffspeaker,text\n", "speaker,text"]),
  );
  const c = seen("20b", run(["code", "hdr.csv", "--classifier", "rules"]));
  const v = seen("20b", run(["convert", "hdr.csv", "--to", "csv"]));
  const silent = [
    c.rc === 0 && c.stderr.trim() === "" ? "code" : "",
    v.rc === 0 && v.stderr.trim() === "" ? "convert" : "",
  ].filter(Boolean);
  return {
    ok: silent.length === 0,
    detail: `code: exit ${c.rc}, stderr ${short(c.stderr.trim())}; convert: exit ${v.rc}, stderr ${short(v.stderr.trim())}${silent.length ? `; silent: ${silent.join(",")}` : ""}`,
  };
});
await kase("20c SRT with a non-numeric cue number is rejected at its line", () => {
  const n = int(3, 25);
  const bad = int(0, n - 1);
  const blocks = [];
  let line = 1;
  let badLine = 0;
  for (let i = 0; i < n; i++) {
    const cue =
      i === bad ? pick([`x${i + 1}`, `#${i + 1}`, "one", `${i + 1}a`, "- 3"]) : String(i + 1);
    if (i === bad) badLine = line;
    const t0 = i * 3;
    const ts = (s) =>
      `00:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")},000`;
    const text = words(2, 6);
    blocks.push(`${cue}\n${ts(t0)} --> ${ts(t0 + 2)}\n${text}\n`);
    line += 4;
  }
  write("bad.srt", blocks.join("\n"));
  const r = seen("20c", run(["code", "bad.srt", "--classifier", "rules"]));
  const ok =
    r.rc !== 0 &&
    new RegExp(`bad\\.srt:${badLine}\\b`).test(r.stderr) &&
    lines(r.stderr).length === 1 &&
    !looksBad(r.stderr);
  return { ok, detail: `bad cue at line ${badLine}: exit ${r.rc}; ${firstErr(r.stderr)}` };
});

// Privacy: no error/warning message quoted utterance text
await kase("P privacy: no message quotes utterance text", () => {
  const hits = [];
  for (const { label, stderr } of privacyChecked) {
    const l = leaks(stderr);
    if (l.length) hits.push(`${label}: ${l.length} synthetic word(s) in stderr`);
  }
  return {
    ok: !hits.length,
    detail:
      hits.join("; ") ||
      `${privacyChecked.length} stderr outputs checked, none contains a synthetic utterance word`,
  };
});

// ---------------------------------------------------------------- summary
if (!KEEP) fs.rmSync(TMP, { recursive: true, force: true });
else console.log(`inputs kept in ${TMP}`);
const nFail = results.filter((r) => r.status === "FAIL").length;
const nPass = results.filter((r) => r.status === "PASS").length;
const nSkip = results.filter((r) => r.status === "SKIP").length;
console.log(`${nPass} passed, ${nFail} failed${nSkip ? `, ${nSkip} skipped` : ""} (seed ${SEED})`);
process.exit(nFail ? 1 : 0);
