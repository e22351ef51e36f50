// Cuts the long-form threads an author wrote (data/written/pending/author-<L>.jsonl) into the
// sentence units coders code (sentenceSpans, coding manual §1): one line per thread with its
// sentences numbered. Run: npx tsx scripts/longform-items.mts <author file> <out file>
import { readFileSync, writeFileSync } from "node:fs";
import { sentenceSpans } from "../src/text/segment.js";

const [inFile, outFile] = process.argv.slice(2);
if (!inFile || !outFile) throw new Error("usage: longform-items.mts <author file> <out file>");
const lines = readFileSync(inFile, "utf8")
  .split("\n")
  .filter((l) => l.trim());
const out = lines.map((l, i) => {
  const t = JSON.parse(l);
  for (const k of ["conv", "register", "setting", "seeker", "helper"])
    if (typeof t[k] !== "string") throw new Error(`${inFile}:${i + 1}: field ${k} missing`);
  const sentences = sentenceSpans(t.helper).map((s, k) => ({
    id: `${t.conv}#${k + 1}`,
    text: s.text,
  }));
  return JSON.stringify({ ...t, sentences });
});
writeFileSync(outFile, `${out.join("\n")}\n`);
console.log(
  `${outFile}: ${out.length} threads, ${out.reduce((n, l) => n + JSON.parse(l).sentences.length, 0)} sentences`,
);
