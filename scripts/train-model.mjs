// Trains the pretrained English model on the whole AnnoMI development split and writes it to
// src/model/annomi-en.json.   node --import tsx scripts/train-model.mjs [--out FILE]
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { trainingFingerprint } from "../src/classify/linear/fingerprint.js";
import { trainLinear } from "../src/classify/linear/index.js";
import { annomiCodebook } from "../src/codebook/index.js";
import { loadAnnomi } from "./annomi-data.mjs";
import { MODEL_OPTIONS } from "./model-options.mjs";

const args = process.argv.slice(2);
const outIdx = args.indexOf("--out");
const out =
  outIdx >= 0 ? args[outIdx + 1] : new URL("../src/model/annomi-en.json", import.meta.url);

const { turns, rows } = loadAnnomi();
const t0 = performance.now();
const model = trainLinear(turns, {
  ...MODEL_OPTIONS,
  codebook: { id: annomiCodebook.id, version: annomiCodebook.version },
});
const ms = performance.now() - t0;
model.training = {
  ...model.training,
  data: `AnnoMI-full.dev.csv: ${rows} rows, ${turns.length} utterances (lowest annotator_id per utterance), ${new Set(turns.map((t) => t.session)).size} transcripts`,
  // What it was trained on, so that `rapportkit eval` can warn about an overlapping input.
  fingerprint: trainingFingerprint(turns.map((t) => t.text)),
};
const text = `${JSON.stringify(model)}\n`;
writeFileSync(out, text);
console.log(
  `trained in ${(ms / 1000).toFixed(1)} s: ${model.vocabulary.length} features × ${model.labels.length} labels; ` +
    `${(text.length / 1024).toFixed(0)} KiB raw, ${(gzipSync(text).length / 1024).toFixed(0)} KiB gzip; temperature ${JSON.stringify(model.temperature)}`,
);
