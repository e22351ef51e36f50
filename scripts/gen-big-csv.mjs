#!/usr/bin/env node
import { once } from "node:events";
/**
 * Generates a large, deterministic transcript CSV (`session,speaker,text`) for scale tests:
 * sessions of alternating therapist and client turns built from varied sentence templates
 * (quotes, commas and line breaks inside quoted fields included).
 *
 *   node scripts/gen-big-csv.mjs --rows 1000000 --out big.csv [--session-size 200] [--seed 1]
 *     [--malformed-at N]   insert one extra malformed row (a field too many) before data row N
 *
 * Prints one JSON line to stdout: { rows, sessions, bytes, malformedLine }. `malformedLine` is the
 * 1-based file line of the malformed row. Also exported as `generateCsv` for tests.
 */
import { createWriteStream } from "node:fs";

const T_OPEN = [
  "What brings you in today",
  "How have things been since we last met",
  "What would you like to change",
  "Tell me more about that",
  "How does that feel for you",
  "What do you make of that",
];
const T_CLOSED = [
  "Did you manage to cut down this week",
  "Is that something you want",
  "Have you tried that before",
  "Do you want to talk about work",
];
const T_REFLECT = [
  "So you feel stuck between the two",
  "It sounds like you're worried about your health",
  "You want to stop, and it's hard",
  "You're not sure it's worth it",
  "It makes sense that you'd feel angry",
];
const T_OTHER = ["Okay.", "Mm-hmm.", "Right, thank you.", "Let's look at the plan.", "Good."];
const C_TALK = [
  "I guess I could try",
  'My doctor said I should "cut down"',
  "I don't know, it's just hard",
  "I've been drinking less, maybe",
  "Work has been, well, a lot",
  "I want to stop but I can't",
  "It's fine",
];

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}

function csvField(s) {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function utterance(r, therapist, k) {
  if (therapist) {
    const x = r();
    if (x < 0.3) return `${pick(r, T_OPEN)}?`;
    if (x < 0.45) return `${pick(r, T_CLOSED)}?`;
    if (x < 0.8) return `${pick(r, T_REFLECT)}.`;
    return pick(r, T_OTHER);
  }
  let s = `${pick(r, C_TALK)}.`;
  if (r() < 0.2) s += ` ${pick(r, C_TALK)}, you know.`;
  if (r() < 0.02) s += `\nAnd another thing (${k}).`;
  return s;
}

/**
 * Yields the CSV text in chunks. `malformedAt`: insert, before data row `malformedAt` (1-based),
 * one extra row with a field too many.
 */
export function* generateCsv({ rows, sessionSize = 200, seed = 1, malformedAt }) {
  const r = rng(seed);
  let line = 1;
  let buf = "session,speaker,text\n";
  let malformedLine;
  for (let i = 0; i < rows; i++) {
    if (malformedAt !== undefined && i + 1 === malformedAt) {
      malformedLine = line + 1;
      buf += "s-bad,Therapist,this row,has a field too many\n";
      line++;
    }
    const session = `s${String(Math.floor(i / sessionSize)).padStart(6, "0")}`;
    const therapist = i % 2 === 0;
    const text = utterance(r, therapist, i);
    buf += `${session},${therapist ? "Therapist" : "Client"},${csvField(text)}\n`;
    line += 1 + (text.match(/\n/g)?.length ?? 0);
    if (buf.length > 1 << 16) {
      yield buf;
      buf = "";
    }
  }
  yield buf;
  return { malformedLine, sessions: Math.ceil(rows / sessionSize) };
}

/** Writes the CSV to `out`; resolves to { rows, sessions, bytes, malformedLine }. */
export async function writeBigCsv(out, opts) {
  const ws = createWriteStream(out);
  const gen = generateCsv(opts);
  let bytes = 0;
  let res = gen.next();
  while (!res.done) {
    bytes += Buffer.byteLength(res.value);
    if (!ws.write(res.value)) await once(ws, "drain");
    res = gen.next();
  }
  ws.end();
  await once(ws, "finish");
  return {
    rows: opts.rows,
    sessions: res.value.sessions,
    bytes,
    malformedLine: res.value.malformedLine,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const out = arg("out");
  if (!out) {
    process.stderr.write(
      "usage: node scripts/gen-big-csv.mjs --rows N --out FILE [--session-size K] [--seed S] [--malformed-at N]\n",
    );
    process.exit(2);
  }
  const m = arg("malformed-at");
  const info = await writeBigCsv(out, {
    rows: Number(arg("rows", "1000000")),
    sessionSize: Number(arg("session-size", "200")),
    seed: Number(arg("seed", "1")),
    malformedAt: m === undefined ? undefined : Number(m),
  });
  process.stdout.write(`${JSON.stringify(info)}\n`);
}
