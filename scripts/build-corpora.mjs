// Builds the two rapport-coded corpora from the raw annotation files (data/*/raw/):
//   data/annomi-rapport/annomi-rapport.jsonl   every therapist utterance of the AnnoMI dev split
//   data/written/written.jsonl                 rapportkit's written-register corpus
//   data/written/heldout.jsonl                 batches kept out of training (a held-out test)
// Each item keeps the first code (coder1), the second, independent code where the item was coded
// twice (coder2), the adjudicated code where the two disagreed (adjudicated), and the gold code
// (`code`/`also`: adjudicated, else the agreed code, else the first coder's).
//   node scripts/build-corpora.mjs
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fingerprintOf } from "../src/classify/linear/fingerprint.js";
import { rapportCodebook } from "../src/codebook/index.js";
import { loadAnnomi } from "./annomi-data.mjs";

const CODES = new Set(
  rapportCodebook.codes
    .filter((c) => c.role === "therapist" && !["reflection", "question", "advice"].includes(c.id))
    .map((c) => c.id),
);
const root = new URL("../data/", import.meta.url);

function readJsonl(url) {
  if (!existsSync(url)) return [];
  return readFileSync(url, "utf8")
    .split("\n")
    .map((l, i) => [l, i + 1])
    .filter(([l]) => l.trim())
    .map(([l, line]) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`${url.pathname}:${line}: not valid JSON`);
      }
    });
}
function rawFiles(dir, prefix) {
  const d = new URL(dir, root);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".jsonl"))
    .sort()
    .map((f) => new URL(f, d));
}
function code(x, where) {
  if (!CODES.has(x.code)) throw new Error(`${where}: unknown code ${JSON.stringify(x.code)}`);
  const also = x.also ?? null;
  if (also !== null && !CODES.has(also))
    throw new Error(`${where}: unknown also ${JSON.stringify(also)}`);
  return { code: x.code, also: also === x.code ? null : also };
}
// Client talk (the help-seeker's turn), coded in the spoken-session batches from author U on.
const CLIENT_CODES = new Set(["change_talk", "neutral", "sustain_talk"]);
function seekerCode(x, where) {
  if (x.seeker_code === undefined || x.seeker_code === null) return null;
  if (!CLIENT_CODES.has(x.seeker_code))
    throw new Error(`${where}: unknown seeker_code ${JSON.stringify(x.seeker_code)}`);
  return x.seeker_code;
}
function gold(c1, c2, adj) {
  if (adj) return adj;
  if (c2 && c2.code === c1.code) return { code: c1.code, also: c1.also ?? c2.also };
  return c1;
}

// ---------------------------------------------------------------- AnnoMI
{
  const { turns } = loadAnnomi();
  const th = turns.filter((t) => t.role === "therapist");
  const first = new Map();
  for (const f of rawFiles("annomi-rapport/raw/", "coder1-"))
    for (const x of readJsonl(f)) {
      const k = `${x.t}:${x.u}`;
      if (first.has(k)) throw new Error(`${f.pathname}: ${k} coded twice by the first coders`);
      first.set(k, code(x, `${f.pathname} ${k}`));
    }
  const second = new Map();
  for (const f of rawFiles("annomi-rapport/raw/", "coder2-"))
    for (const x of readJsonl(f))
      second.set(`${x.t}:${x.u}`, code(x, `${f.pathname} ${x.t}:${x.u}`));
  const adj = new Map();
  for (const f of rawFiles("annomi-rapport/raw/", "adjudicated"))
    for (const x of readJsonl(f)) adj.set(`${x.t}:${x.u}`, code(x, `${f.pathname} ${x.t}:${x.u}`));
  const out = [];
  let missing = 0;
  for (const t of th) {
    const c1 = first.get(t.id);
    if (!c1) {
      missing++;
      continue;
    }
    const c2 = second.get(t.id) ?? null;
    const a = c2 && c2.code !== c1.code ? (adj.get(t.id) ?? null) : null;
    const g = gold(c1, c2, a);
    out.push({
      transcript_id: Number(t.session),
      utterance_id: t.index,
      text: t.text,
      code: g.code,
      also: g.also ?? null,
      coder1: c1,
      coder2: c2,
      adjudicated: a,
    });
  }
  writeFileSync(
    new URL("annomi-rapport/annomi-rapport.jsonl", root),
    out.map((x) => JSON.stringify(x)).join("\n") + "\n",
  );
  console.log(
    `annomi-rapport: ${out.length} of ${th.length} therapist utterances coded (${missing} not yet); ` +
      `${[...second.keys()].length} coded twice, ${[...adj.keys()].length} adjudicated`,
  );
}

// ---------------------------------------------------------------- written corpus
/** Builds `out` from the author, coder2 and adjudication files in `dir` (under data/). */
function buildWritten(dir, file) {
  const second = new Map();
  const second2 = new Map();
  for (const f of rawFiles(dir, "coder2-"))
    for (const x of readJsonl(f)) {
      const where = `${f.pathname} ${x.conv}:${x.turn}`;
      second.set(`${x.conv}:${x.turn}`, code(x, where));
      const sc = seekerCode(x, where);
      if (sc) second2.set(`${x.conv}:${x.turn}`, sc);
    }
  const adj = new Map();
  const adj2 = new Map();
  for (const f of rawFiles(dir, "adjudicated"))
    for (const x of readJsonl(f)) {
      const where = `${f.pathname} ${x.conv}:${x.turn}`;
      if (x.code !== undefined) adj.set(`${x.conv}:${x.turn}`, code(x, where));
      const sc = seekerCode(x, where);
      if (sc) adj2.set(`${x.conv}:${x.turn}`, sc);
    }
  const out = [];
  const seen = new Set();
  for (const f of rawFiles(dir, "author-")) {
    const author = f.pathname
      .split("/")
      .pop()
      .replace(/^author-|\.jsonl$/g, "");
    for (const x of readJsonl(f)) {
      const k = `${x.conv}:${x.turn}`;
      const where = `${f.pathname} ${k}`;
      if (seen.has(k)) throw new Error(`${where}: exchange given twice`);
      seen.add(k);
      for (const field of ["seeker", "helper"])
        if (typeof x[field] !== "string" || !x[field].trim())
          throw new Error(`${where}: ${field} must be a non-empty string`);
      const c1 = code(x, where);
      const c2 = second.get(k) ?? null;
      const a = c2 && c2.code !== c1.code ? (adj.get(k) ?? null) : null;
      const g = gold(c1, c2, a);
      // The client's talk type, where the batch codes it: gold as for the helper's code.
      const s1 = seekerCode(x, where);
      const s2 = s1 ? (second2.get(k) ?? null) : null;
      const sa = s2 && s2 !== s1 ? (adj2.get(k) ?? null) : null;
      out.push({
        conv: x.conv,
        register: x.register,
        author,
        turn: x.turn,
        seeker: x.seeker,
        helper: x.helper,
        code: g.code,
        also: g.also ?? null,
        coder1: s1 ? { ...c1, seeker_code: s1 } : c1,
        coder2: c2 && s2 ? { ...c2, seeker_code: s2 } : c2,
        adjudicated: a || sa ? { ...a, ...(sa ? { seeker_code: sa } : {}) } : null,
        ...(s1 ? { seeker_code: sa ?? s1 } : {}),
        ...(x.target ? { target: x.target } : {}),
      });
    }
  }
  out.sort((a, b) => (a.conv < b.conv ? -1 : a.conv > b.conv ? 1 : a.turn - b.turn));
  writeFileSync(new URL(file, root), out.map((x) => JSON.stringify(x)).join("\n") + "\n");
  console.log(
    `${file}: ${out.length} helper turns in ${new Set(out.map((x) => x.conv)).size} conversations; ` +
      `${second.size} coded twice, ${adj.size} adjudicated`,
  );
}
buildWritten("written/raw/", "written/written.jsonl");
// A held-out set: batches coded and adjudicated like the rest but kept out of training, to test
// the shipped model on writing it never saw (see data/README.md).
buildWritten("written/heldout/", "written/heldout.jsonl");
// Natural text chats, written without codes and coded afterwards (session 16): authors BA-BC
// held out, never trained on (data/README.md); BD-BF are in written/raw/ with the rest.
buildWritten("chat/heldout/", "chat/heldout.jsonl");

// ---------------------------------------------------------------- long-form answers
// data/longform/heldout/ and data/longform/train/: items-<L>.jsonl (an author's threads, each answer cut into the sentence units
// the coders saw), coder1-<L>.jsonl and coder2-<L>.jsonl (two independent codings of every
// sentence), adjudicated.jsonl (where they differ). Built into data/longform/heldout.jsonl (a
// test, never trained on) and data/longform/train.jsonl, one thread per line, each sentence with
// coder1, coder2, adjudicated and the gold code/also.
/**
 * Builds a long-form file from its raw folder. `exclude`: fingerprints (`fingerprintOf`: the
 * words, lower case) of sentences left out of the output, counted in the log line (a training
 * sentence that is also a held-out one).
 */
function buildLongform(dir, file, exclude = new Set()) {
  const coded = (prefix) => {
    const m = new Map();
    for (const f of rawFiles(dir, prefix))
      for (const x of readJsonl(f)) {
        const where = `${f.pathname} ${x.id}`;
        if (m.has(x.id)) throw new Error(`${where}: sentence coded twice in ${prefix} files`);
        m.set(x.id, code(x, where));
      }
    return m;
  };
  const first = coded("coder1-");
  const second = coded("coder2-");
  const adj = coded("adjudicated");
  const out = [];
  let n = 0;
  let open = 0;
  let left = 0;
  for (const f of rawFiles(dir, "items-")) {
    const author = f.pathname
      .split("/")
      .pop()
      .replace(/^items-|\.jsonl$/g, "");
    for (const t of readJsonl(f)) {
      const sentences = t.sentences.map((s) => {
        const where = `${f.pathname} ${s.id}`;
        const c1 = first.get(s.id);
        const c2 = second.get(s.id);
        if (!c1 || !c2)
          throw new Error(`${where}: not coded by ${c1 ? "the second" : "the first"} coder`);
        const a = c2.code !== c1.code ? (adj.get(s.id) ?? null) : null;
        if (c2.code !== c1.code && !a) open++;
        const g = gold(c1, c2, a);
        n++;
        return {
          id: s.id,
          text: s.text,
          code: g.code,
          also: g.also ?? null,
          coder1: c1,
          coder2: c2,
          adjudicated: a,
        };
      });
      const { conv, register, setting, seeker, helper } = t;
      const kept = sentences.filter((s) => !exclude.has(fingerprintOf(s.text)));
      left += sentences.length - kept.length;
      out.push({ conv, register, setting, author, seeker, helper, sentences: kept });
    }
  }
  if (out.length === 0) return [];
  writeFileSync(new URL(file, root), out.map((x) => JSON.stringify(x)).join("\n") + "\n");
  const leftOut = left > 0 ? `; ${left} left out (the same text is a held-out sentence)` : "";
  console.log(
    `${file}: ${n} sentences in ${out.length} answers; ${adj.size} adjudicated, ${open} disagreements awaiting adjudication${leftOut}`,
  );
  return out;
}
// A training sentence with the same words as a held-out sentence of more than 8 words (a stock
// line two authors both wrote, such as a feedback request) is left out of training, so the
// held-out test never scores a sentence the model was trained on (test/data/longform.test.ts).
const heldoutLong = new Set(
  buildLongform("longform/heldout/", "longform/heldout.jsonl")
    .flatMap((t) => t.sentences)
    .filter((s) => s.text.split(/\s+/).length > 8)
    .map((s) => fingerprintOf(s.text)),
);
buildLongform("longform/train/", "longform/train.jsonl", heldoutLong);
