// The shipped `rapport` model on the held-out set (data/written/heldout.jsonl): batches coded and
// adjudicated like the written corpus but never trained on (see data/README.md). Each excerpt is
// coded as a session, in order, by `rapportClassifier(rapportModel)` as a user gets it; scored with
// rapportkit's own `labelAgreement` (classification report and Cohen's kappa with bootstrap 95 %
// intervals over items) and a bootstrap interval for macro-F1 over excerpts (`heldOutScores` in
// report-stats.mjs).
//   npm run eval:heldout [-- --json FILE]
//   npm run eval:heldout -- --file data/chat/heldout.jsonl   # the natural text chats held out
//   npm run eval:heldout -- --file data/chat/heldout.jsonl --authors ba,bb,bc   # one batch of them
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cohenKappa } from "../src/agreement/index.js";
import { rapportModel } from "../src/model/index.js";
import { rapportClassifier } from "../src/model/rapport.js";
import { HELDOUT, loadWritten, RAPPORT_TARGET_CODES, RAPPORT_THERAPIST } from "./rapport-data.mjs";
import { heldOutScores } from "./report-stats.mjs";
import { strip } from "./session-scores.mjs";

const args = process.argv.slice(2);
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const fileArg = args.includes("--file") ? args[args.indexOf("--file") + 1] : undefined;
const file = fileArg ? pathToFileURL(resolve(fileArg)) : HELDOUT;
const authorsArg = args.includes("--authors") ? args[args.indexOf("--authors") + 1] : undefined;
const authors = authorsArg ? new Set(authorsArg.toLowerCase().split(",")) : undefined;
const turns = loadWritten(file).filter((t) => !authors || authors.has(t.author));
if (turns.length === 0) {
  console.log(`${fileURLToPath(file)} is empty: nothing held out`);
  process.exit(0);
}
const clf = rapportClassifier(rapportModel);
const preds = clf.classify(turns.map(strip));
// Each helper turn alone after the help-seeker's message before it, as the CLI codes a file with
// --context-column (no earlier turns of the conversation): the way a service's log often arrives.
const predsAlone = (() => {
  const batch = [];
  const at = [];
  turns.forEach((t, i) => {
    if (t.role !== "therapist") return;
    const session = `${t.id}#alone`;
    const prev = turns[i - 1];
    if (prev && prev.session === t.session && prev.role !== "therapist")
      batch.push({ ...strip(prev), session, index: 0 });
    at[i] = batch.length;
    batch.push({ ...strip(t), session, index: 1 });
  });
  const out = clf.classify(batch);
  return turns.map((_, i) => (at[i] === undefined ? undefined : out[at[i]]));
})();
const pct = (x) => (x === null || x === undefined ? "  –  " : x.toFixed(3));

function report(name, role, labels, from = preds) {
  const idx = turns.flatMap((t, i) => (t.role === role && t.label ? [i] : []));
  const gold = idx.map((i) => turns[i].label);
  const pred = idx.map((i) => from[i].codeId);
  // Excerpts, not items, are resampled for macro-F1's interval.
  const {
    present,
    agree,
    macroF1,
    macroF1ci95,
    kappa: k,
  } = heldOutScores(
    gold,
    pred,
    idx.map((i) => turns[i].session),
    labels,
  );
  console.log(
    `\n${name}: n ${gold.length}; accuracy ${pct(agree.classification.accuracy)}; macro-F1 over the ${present.length} codes present ${pct(macroF1)} [${macroF1ci95?.map(pct).join(", ")}]; Cohen's κ ${pct(k.value)} [${k.ci95?.map(pct).join(", ")}]`,
  );
  console.log("\n| code | P | R | F1 | n |\n|---|---:|---:|---:|---:|");
  for (const c of present) {
    const r = agree.classification.perClass[c];
    console.log(`| ${c} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f1)} | ${r.support} |`);
  }
  return {
    n: gold.length,
    accuracy: agree.classification.accuracy,
    macroF1,
    macroF1ci95,
    kappa: k,
    perClass: Object.fromEntries(present.map((c) => [c, agree.classification.perClass[c]])),
  };
}

const authorsIn = [...new Set(turns.map((t) => t.author))].sort();
console.log(
  `Held-out set: authors ${authorsIn.join(", ")}; ${new Set(turns.map((t) => t.session)).size} excerpts. The shipped rapport model, never trained on them.`,
);
// The two coders' agreement on the same items (coder 1 = the author, or for the natural chats
// the first independent coder), for scale.
for (const [name, role, key] of [
  ["helper codes", "therapist", "code"],
  ["client talk type", "client", "seeker_code"],
]) {
  const items = turns.filter((t) => t.role === role && t.label).map((t) => t.item);
  if (items.length === 0) continue;
  const a = items.map((x) => (key === "code" ? x.coder1.code : x.coder1.seeker_code));
  const b = items.map((x) => (key === "code" ? x.coder2?.code : x.coder2?.seeker_code));
  const same = a.filter((x, i) => x === b[i]).length;
  console.log(
    `Two coders, ${name}: ${same} of ${a.length} agree, Cohen's κ ${pct(cohenKappa(a, b).value)}`,
  );
}
const helper = report("Helper codes", "therapist", RAPPORT_THERAPIST);
const ten = RAPPORT_TARGET_CODES.map((c) => helper.perClass[c]?.f1 ?? 0);
console.log(
  `ten rapport-specific codes: mean F1 ${pct(ten.reduce((a, b) => a + b, 0) / ten.length)}, lowest ${pct(Math.min(...ten))}`,
);
const helperAlone = report(
  "Helper codes, each turn alone after the seeker's message (as --context-column)",
  "therapist",
  RAPPORT_THERAPIST,
  predsAlone,
);
// Client talk type, where the set codes it (the natural chats do not).
const client = turns.some((t) => t.role === "client" && t.label)
  ? report("Client talk type", "client", ["change_talk", "neutral", "sustain_talk"])
  : null;
if (jsonOut) {
  writeFileSync(
    jsonOut,
    JSON.stringify({ authors: authorsIn, helper, helperAlone, client }, null, 1),
  );
  console.log(`wrote ${jsonOut}`);
}
