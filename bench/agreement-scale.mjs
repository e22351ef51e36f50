/**
 * Agreement at scale (issue #14, item 3): two coders over 148,760 utterances (the 7,438 distinct
 * AnnoMI dev utterances, 20 times over as 2,120 sessions), 1,000 bootstrap resamples. Target:
 * ≤ 30 s on one core for `rapportkit agree human.csv coded.csv` (4 min 44 s before).
 *
 * The first coder is AnnoMI's first annotator (`main_therapist_behaviour` for therapists,
 * `client_talk_type` for clients); the second agrees with it with p = 0.75 and otherwise picks a
 * code at random (seeded), so the run is the same everywhere. The AnnoMI file is read from
 * $ANNOMI_CSV (default /work/shared/data/annomi/AnnoMI-full.dev.csv); without it the section says
 * so and is skipped.
 *
 *   npm run build && node bench/agreement-scale.mjs
 *
 * Prints the API's time (cluster and utterance bootstrap, wall and CPU) and the CLI's end-to-end
 * wall time, one line each, and a JSON summary on the last line.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";

export async function runAgreementScale({ copies = 20, resamples = 1000 } = {}) {
  const file = process.env.ANNOMI_CSV ?? "/work/shared/data/annomi/AnnoMI-full.dev.csv";
  if (!existsSync(file)) {
    console.log(`agreement at scale: skipped (no AnnoMI file at ${file}; set ANNOMI_CSV)`);
    return null;
  }
  const { codingAgreement } = await import("../dist/index.js");
  const rows = parse(readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true });
  const first = new Map();
  for (const r of rows) {
    const key = `${r.transcript_id}:${r.utterance_id}`;
    if (first.has(key)) continue;
    const code = r.interlocutor === "therapist" ? r.main_therapist_behaviour : r.client_talk_type;
    first.set(key, { session: r.transcript_id, utterance: r.utterance_id, code });
  }
  const codes = [...new Set([...first.values()].map((u) => u.code))].sort();
  let s = 7;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const a = [];
  const b = [];
  const sessionOf = new Map();
  for (let c = 0; c < copies; c++)
    for (const u of first.values()) {
      const session = `${u.session}-copy${c}`;
      const id = `${session}:${u.utterance}`;
      sessionOf.set(id, session);
      const other = rand() < 0.75 ? u.code : codes[Math.floor(rand() * codes.length)];
      a.push({ utteranceId: id, codeId: u.code, source: "human", confidence: 1 });
      b.push({ utteranceId: id, codeId: other, source: "coder", confidence: 1 });
    }
  const n = a.length;
  const sessions = new Set(sessionOf.values()).size;

  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const timed = (name, fn) => {
    const c0 = cpuMs();
    const t0 = performance.now();
    const r = fn();
    const wallMs = performance.now() - t0;
    const cpu = cpuMs() - c0;
    const k = r.overall.cohenKappa;
    console.log(
      `${name.padEnd(62)} wall ${(wallMs / 1000).toFixed(2).padStart(6)} s  cpu ${(cpu / 1000).toFixed(2).padStart(6)} s   kappa ${k.value.toFixed(4)} [${k.ci95.map((x) => x.toFixed(4)).join(", ")}]`,
    );
    return { name, wallMs: Math.round(wallMs), cpuMs: Math.round(cpu) };
  };

  console.log(
    `agreement at scale: ${n.toLocaleString("en-US")} utterances in ${sessions.toLocaleString("en-US")} sessions, ${codes.length} codes, ${resamples} resamples`,
  );
  const results = [
    timed(`codingAgreement, cluster bootstrap (sessions)`, () =>
      codingAgreement(a, b, { resamples, sessionOf: (id) => sessionOf.get(id) }),
    ),
    timed(`codingAgreement, utterance bootstrap`, () =>
      codingAgreement(a, b, { resamples, resampleBy: "utterance" }),
    ),
  ];

  // The CLI, end to end: read two CSVs, align, every statistic, 1,000 resamples, print.
  const dir = mkdtempSync(join(tmpdir(), "rk-bench-agree-"));
  try {
    const csv = (list) =>
      `id,session,code\n${list.map((c) => `${c.utteranceId},${sessionOf.get(c.utteranceId)},${c.codeId}`).join("\n")}\n`;
    writeFileSync(join(dir, "human.csv"), csv(a));
    writeFileSync(join(dir, "coded.csv"), csv(b));
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
    const t0 = performance.now();
    const p = spawnSync(
      process.execPath,
      [cli, "agree", "human.csv", "coded.csv", "--resamples", String(resamples)],
      { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 },
    );
    const wallMs = performance.now() - t0;
    const method = (p.stdout.match(/95% intervals: [^\n]*/) ?? ["?"])[0];
    console.log(
      `${"rapportkit agree human.csv coded.csv (end to end)".padEnd(62)} wall ${(wallMs / 1000).toFixed(2).padStart(6)} s  exit ${p.status}   ${method}`,
    );
    results.push({ name: "cli agree end to end", wallMs: Math.round(wallMs), exit: p.status });
    const target = 30_000;
    console.log(
      `target ≤ ${target / 1000} s for ${n.toLocaleString("en-US")} utterances × ${resamples} resamples: ${wallMs <= target ? "met" : "NOT met"} (${(wallMs / 1000).toFixed(1)} s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    JSON.stringify({
      bench: "agreement-scale",
      node: process.version,
      utterances: n,
      sessions,
      resamples,
      results,
    }),
  );
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await runAgreementScale();
