// Leave-one-author-out evaluation of the `rapport` recipe on the written corpus: for each author
// of data/written, train on AnnoMI and every other author's turns, and code the held-out author's
// turns. A writer the model never saw is the closest in-house stand-in for a corpus the project
// does not have: each author wrote in their own registers, lengths and turns of phrase, so the
// 5-fold CV grouped by conversation (eval-rapport.mjs), whose folds share authors, flatters it.
//
//   npm run eval:authors
//   npm run eval:authors -- --set minCount=5 --set features.charNgrams=null   # an ablation
//   npm run eval:authors -- --json out.json
//
// Deterministic: no fold assignment to seed (each author is one fold).
import { writeFileSync } from "node:fs";
import { linearClassifier, trainLinear } from "../src/classify/linear/index.js";
import { rapportCueTagger } from "../src/model/rapport.js";
import { prf } from "./annomi-data.mjs";
import {
  chatWeightFrom,
  loadAnnomiRapport,
  loadLongform,
  loadWritten,
  longformWeightFrom,
  RAPPORT_TARGET_CODES,
  RAPPORT_THERAPIST,
  rapportOptionsFrom,
  withTags,
} from "./rapport-data.mjs";
import { strip } from "./session-scores.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const jsonOut = opt("--json");
const OPTIONS = rapportOptionsFrom(args);

const tagger = rapportCueTagger();
const annomi = withTags(loadAnnomiRapport(), tagger);
const written = withTags(loadWritten(undefined, chatWeightFrom(args)), tagger);
// The long answers the shipped recipe trains on (data/longform/train.jsonl) stay in every training set.
const longform = withTags(loadLongform(undefined, longformWeightFrom(args)), tagger);
const authors = [...new Set(written.map((t) => t.author))].sort();
const labelled = (turns) => turns.filter((t) => t.role === "therapist" && t.label);
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? "  –  " : x.toFixed(3));

const t0 = performance.now();
const preds = new Map();
for (const a of authors) {
  const model = trainLinear(
    [...annomi, ...longform, ...written.filter((t) => t.author !== a)],
    OPTIONS,
  );
  const test = written.filter((t) => t.author === a);
  const clf = linearClassifier(model, { tagger, evidence: 0 });
  clf.classify(test.map(strip)).forEach((p, i) => {
    preds.set(test[i].id, p.codeId);
  });
  process.stderr.write(`${a} `);
}
process.stderr.write("\n");

const th = labelled(written);
const overall = prf(
  th.map((t) => t.label),
  th.map((t) => preds.get(t.id)),
  RAPPORT_THERAPIST,
);
const byAuthor = {};
for (const a of authors) {
  const x = th.filter((t) => t.author === a);
  byAuthor[a] = prf(
    x.map((t) => t.label),
    x.map((t) => preds.get(t.id)),
    RAPPORT_THERAPIST,
  );
}
const target = RAPPORT_TARGET_CODES.map((c) => overall.perClass[c]?.f1 ?? 0);

console.log(
  `Leave-one-author-out on the written corpus (${th.length} helper turns, ${authors.length} authors; AnnoMI always in training), ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
console.log("\n| code | P | R | F1 | n |\n|---|---:|---:|---:|---:|");
for (const c of RAPPORT_THERAPIST) {
  const r = overall.perClass[c];
  if (r.support)
    console.log(`| ${c} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f1)} | ${r.support} |`);
}
console.log(
  `| macro-F1 | | | ${pct(overall.macroF1)} | ${th.length} |\n\nten rapport codes: mean F1 ${pct(target.reduce((s, x) => s + x, 0) / target.length)}, lowest ${pct(Math.min(...target))}; accuracy ${pct(overall.accuracy)}`,
);
console.log(
  `by author (macro-F1 over the codes present / n): ${authors.map((a) => `${a} ${pct(byAuthor[a].macroF1)} / ${byAuthor[a].n}`).join("; ")}`,
);
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({ options: OPTIONS, overall, byAuthor }, null, 1));
  console.log(`wrote ${jsonOut}`);
}
