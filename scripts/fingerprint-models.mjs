// Records what each shipped model was trained on, without retraining: adds `training.fingerprint`
// (hashes of the training utterances of 6+ words; see src/classify/linear/fingerprint.ts) to
// src/model/annomi-en.json and src/model/rapport-en.json, from the same data the training scripts
// use. Everything else in the files is left as it was. `rapportkit eval` warns when its input
// overlaps these. The training scripts (train-model.mjs, train-rapport-model.mjs) add it too.
//   node --import tsx scripts/fingerprint-models.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { trainingFingerprint } from "../src/classify/linear/fingerprint.js";
import { loadAnnomi } from "./annomi-data.mjs";
import { loadAnnomiRapport, loadWritten } from "./rapport-data.mjs";

const check = process.argv.includes("--check");
const models = [
  {
    file: new URL("../src/model/annomi-en.json", import.meta.url),
    turns: () => loadAnnomi().turns,
  },
  {
    file: new URL("../src/model/rapport-en.json", import.meta.url),
    turns: () => [...loadAnnomiRapport(), ...loadWritten()],
  },
];
let stale = 0;
for (const m of models) {
  const text = readFileSync(m.file, "utf8");
  const model = JSON.parse(text);
  // The file must be what JSON.stringify writes, so that only the fingerprint changes.
  const { fingerprint: _old, ...rest } = model.training ?? {};
  if (`${JSON.stringify({ ...model, training: rest })}\n` !== text && _old === undefined)
    throw new Error(`${m.file.pathname}: not in JSON.stringify form; not rewritten`);
  const fingerprint = trainingFingerprint(m.turns().map((t) => t.text));
  const same = JSON.stringify(_old) === JSON.stringify(fingerprint);
  console.log(
    `${m.file.pathname.split("/").pop()}: ${fingerprint.count} utterances fingerprinted${same ? " (unchanged)" : ""}`,
  );
  if (same) continue;
  stale++;
  if (!check)
    writeFileSync(m.file, `${JSON.stringify({ ...model, training: { ...rest, fingerprint } })}\n`);
}
if (check && stale > 0) process.exit(1);
