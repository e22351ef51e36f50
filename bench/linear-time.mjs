/**
 * Linear time: the tokenizer and the rules classifier on adversarial strings (long runs of one
 * character, near-matches of every cue phrase, nested quotes, …) at 1 kB, 10 kB, 100 kB and 1 MB.
 * Prints the time per call at each size and time(1 MB) / time(1 kB) / 1000: about 1 means linear,
 * about 1000 would mean quadratic.
 *
 *   npx tsup && node bench/linear-time.mjs          # against dist/
 *   node --import tsx bench/linear-time.mjs --src   # against src/ (no build)
 *   node bench/linear-time.mjs --quick              # 1 kB … 100 kB only
 */
import { existsSync } from "node:fs";

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
/** Characters processed per timed batch (small sizes are repeated to reach it). */
const BATCH_CHARS = 2_000_000;

function fill(unit, n) {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

function cuePhrases(codebook) {
  const out = [];
  for (const c of codebook.codes)
    for (const cue of c.cues ?? []) {
      if (cue.kind === "phrase") out.push(...cue.phrases);
      if (cue.kind === "tokens") out.push(cue.pattern.map((t) => (t === "*" ? "x" : t)).join(" "));
    }
  return out;
}

/** Every cue phrase less its last word (the trie goes deep and never completes), and a few whole. */
function nearMisses(phrases) {
  const parts = [];
  phrases.forEach((p, i) => {
    const w = p.split(/\s+/);
    parts.push(w.length > 1 ? w.slice(0, -1).join(" ") : `${p}x`);
    if (i % 50 === 0) parts.push(p);
  });
  return `${parts.join(" ")} `;
}

/** The adversarial families (the same as test/helpers/adversarial.ts). */
export function families(codebook) {
  const near = nearMisses(cuePhrases(codebook));
  return {
    "one char (a)": (n) => fill("a", n),
    "one char (space)": (n) => fill(" ", n),
    "one char (?)": (n) => fill("?", n),
    "apostrophes in a word (a')": (n) => fill("a'", n),
    "hyphens in a word (a-)": (n) => fill("a-", n),
    "cue near-misses": (n) => fill(near, n),
    "nested quotes": (n) => fill("\"'\u201c\u2018", n),
    "you you you (pronouns)": (n) => fill("you ", n),
    "what do you (questions)": (n) => fill("what do you ", n),
    "emoji + lone surrogates": (n) => fill("\ud83d\ude00\ud800a", n),
  };
}

async function load(useSrc) {
  if (!useSrc && existsSync(new URL("../dist/index.js", import.meta.url)))
    return import("../dist/index.js");
  // Needs `node --import tsx`.
  return import("../src/index.ts");
}

/** Seconds per call of `fn(text)`, best of 3 batches. */
function timePerCall(fn, text) {
  const reps = Math.max(1, Math.round(BATCH_CHARS / text.length));
  let best = Number.POSITIVE_INFINITY;
  for (let b = 0; b < 3; b++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) fn(text);
    const s = Number(process.hrtime.bigint() - t0) / 1e9 / reps;
    if (s < best) best = s;
  }
  return best;
}

function fmt(s) {
  if (s < 1e-3) return `${(s * 1e6).toFixed(1)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(2)} s`;
}

/**
 * Runs the benchmark and prints a table; returns the rows (`{ subject, family, times, ratio }`).
 * @param {{ quick?: boolean, src?: boolean, log?: (line: string) => void }} [opts]
 */
export async function runLinearTime(opts = {}) {
  const log = opts.log ?? ((l) => console.log(l));
  const lib = await load(opts.src ?? false);
  const sizes = opts.quick ? SIZES.slice(0, 3) : SIZES;
  const codebook = lib.builtinCodebooks.rapport;
  const rules = lib.rulesClassifier(codebook);
  const subjects = {
    tokenize: (text) => lib.tokenize(text),
    "rules (therapist turn)": (text) =>
      rules.classify([{ id: "t", session: "s", index: 0, speaker: "T", role: "therapist", text }]),
    "rules (client turn + mirroring reply)": (text) =>
      rules.classify([
        { id: "c", session: "s", index: 0, speaker: "C", role: "client", text },
        { id: "t", session: "s", index: 1, speaker: "T", role: "therapist", text },
      ]),
  };
  const rows = [];
  log(
    `linear time (${opts.src ? "src" : "dist"}; sizes ${sizes.map((n) => `${n / 1000} kB`).join(", ")}; ratio = t(max)/t(1 kB)/(max/1 kB), ~1 = linear)`,
  );
  log(
    `${"subject".padEnd(40)}${"input".padEnd(30)}${sizes.map((n) => `${n / 1000} kB`.padStart(12)).join("")}${"ratio".padStart(9)}`,
  );
  for (const [sname, fn] of Object.entries(subjects)) {
    for (const [fname, gen] of Object.entries(families(codebook))) {
      const times = sizes.map((n) => timePerCall(fn, gen(n)));
      const ratio = times[times.length - 1] / times[0] / (sizes[sizes.length - 1] / sizes[0]);
      rows.push({ subject: sname, family: fname, times, ratio });
      log(
        `${sname.padEnd(40)}${fname.padEnd(30)}${times.map((t) => fmt(t).padStart(12)).join("")}${ratio.toFixed(2).padStart(9)}`,
      );
    }
  }
  const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  log(
    `worst ratio: ${worst.ratio.toFixed(2)} (${worst.subject}, ${worst.family}); quadratic would be ~${sizes[sizes.length - 1] / sizes[0]}`,
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runLinearTime({
    quick: process.argv.includes("--quick"),
    src: process.argv.includes("--src"),
  });
}
