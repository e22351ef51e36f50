// Trains the shipped `rapport` model on the rapport-coded corpora (every AnnoMI utterance of the
// development split, the written-register corpus, and the long answers coded sentence by sentence
// in data/longform/train.jsonl) and writes it to src/model/rapport-en.json.
//   node --import tsx scripts/train-rapport-model.mjs [--out FILE]
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { trainingFingerprint } from "../src/classify/linear/fingerprint.js";
import { trainLinear } from "../src/classify/linear/index.js";
import { rapportCueTagger } from "../src/model/rapport.js";
import {
  chatWeightFrom,
  loadAnnomiRapport,
  loadLongform,
  loadWritten,
  longformWeightFrom,
  RAPPORT_MODEL_OPTIONS,
  withTags,
} from "./rapport-data.mjs";

const args = process.argv.slice(2);
const outIdx = args.indexOf("--out");
const out =
  outIdx >= 0 ? args[outIdx + 1] : new URL("../src/model/rapport-en.json", import.meta.url);

const tagger = rapportCueTagger();
const annomi = withTags(loadAnnomiRapport(), tagger);
const written = withTags(loadWritten(undefined, chatWeightFrom(args)), tagger);
const longform = withTags(loadLongform(undefined, longformWeightFrom(args)), tagger);
const turns = [...annomi, ...written, ...longform];
const t0 = performance.now();
const model = trainLinear(turns, RAPPORT_MODEL_OPTIONS);
const ms = performance.now() - t0;
const n = (xs) => xs.filter((t) => t.label !== undefined && t.role === "therapist").length;
const nClient = written.filter((t) => t.label !== undefined && t.role === "client").length;
model.training = {
  ...model.training,
  data: `data/annomi-rapport (${n(annomi)} therapist utterances of ${new Set(annomi.map((t) => t.session)).size} AnnoMI transcripts, rapport-coded; client talk types from AnnoMI) + data/written (${n(written)} helper turns in ${new Set(written.map((t) => t.session)).size} conversations; ${nClient} client turns coded with their talk type)${longform.length ? ` + data/longform/train.jsonl (${n(longform)} sentences of ${new Set(longform.map((t) => t.session)).size} long answers)` : ""}`,
  // What it was trained on, so that `rapportkit eval` can warn about an overlapping input.
  fingerprint: trainingFingerprint(turns.map((t) => t.text)),
};
const text = `${JSON.stringify(model)}\n`;
writeFileSync(out, text);
console.log(
  `trained in ${(ms / 1000).toFixed(1)} s: ${model.vocabulary.length} features × ${model.labels.length} labels; ` +
    `${(text.length / 1024).toFixed(0)} KiB raw, ${(gzipSync(text).length / 1024).toFixed(0)} KiB gzip`,
);
