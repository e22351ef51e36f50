// The shipped `rapport` model on long helper answers coded sentence by sentence
// (data/longform/heldout.jsonl; coding manual §1, "Long turns coded sentence by sentence"): forum
// answers, peer replies and long messages, each answer cut into sentence units and every unit coded
// twice blind and adjudicated. Never trained on (see data/README.md). Reports:
//   - the two coders' agreement (Cohen's κ, Krippendorff's α, per code; `coderAgreement`);
//   - sentence level: each sentence coded by `rapportClassifier(rapportModel)` (a) after the
//     help-seeker's post alone, as `--context-column` gives it, and (b) in order after the post and
//     the answer's earlier sentences, as `segmentTurns` then `classify` gives it; macro-F1 with a
//     bootstrap 95 % interval over answers, Cohen's κ, per code;
//   - answer level, "which behaviours does the answer contain": for each code, the answers whose
//     sentences the coders gave it, found (i) by coding the whole answer as one utterance (its code,
//     and with `secondary: true` its second code) and (ii) by coding its sentences.
//   npm run eval:longform [-- --json FILE] [-- --file another longform.jsonl] [-- --model model.json]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { rapportModel } from "../src/model/index.js";
import { rapportClassifier } from "../src/model/rapport.js";
import { RAPPORT_TARGET_CODES, RAPPORT_THERAPIST } from "./rapport-data.mjs";
import { coderAgreement, heldOutScores } from "./report-stats.mjs";

const args = process.argv.slice(2);
const FILE = args.includes("--file")
  ? args[args.indexOf("--file") + 1]
  : new URL("../data/longform/heldout.jsonl", import.meta.url);
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
if (!existsSync(FILE)) {
  console.log("data/longform/heldout.jsonl is missing: run npm run corpora");
  process.exit(0);
}
const threads = readFileSync(FILE, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? "  –  " : x.toFixed(3));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

// --model FILE: a candidate model instead of the shipped one (to compare before shipping it).
const model = args.includes("--model")
  ? JSON.parse(readFileSync(args[args.indexOf("--model") + 1], "utf8"))
  : rapportModel;
const clf = rapportClassifier(model);
const post = (t) => ({
  id: `${t.conv}:post`,
  session: t.conv,
  index: 0,
  speaker: "seeker",
  role: "client",
  text: t.seeker,
});
const unit = (s, session, index) => ({
  id: s.id,
  session,
  index,
  speaker: "helper",
  role: "therapist",
  text: s.text,
});

// (a) each sentence after the post alone; (b) the sentences in order after the post.
const alone = new Map();
const inOrder = new Map();
{
  const batchA = [];
  const batchB = [];
  for (const t of threads) {
    batchB.push(post(t));
    t.sentences.forEach((s, k) => {
      const session = `${t.conv}#${k + 1}`;
      batchA.push({ ...post(t), session }, unit(s, session, 1));
      batchB.push(unit(s, t.conv, k + 1));
    });
  }
  clf.classify(batchA).forEach((p, i) => {
    if (batchA[i].role === "therapist") alone.set(batchA[i].id, p.codeId);
  });
  clf.classify(batchB).forEach((p, i) => {
    if (batchB[i].role === "therapist") inOrder.set(batchB[i].id, p.codeId);
  });
}
// (c) the whole answer as one utterance, with its second code.
const whole = new Map();
{
  const batch = threads.flatMap((t) => [
    post(t),
    {
      id: t.conv,
      session: t.conv,
      index: 1,
      speaker: "helper",
      role: "therapist",
      text: t.helper,
    },
  ]);
  rapportClassifier(model, { secondary: true })
    .classify(batch)
    .forEach((p, i) => {
      if (batch[i].role === "therapist")
        whole.set(batch[i].id, [p.codeId, ...(p.secondary ? [p.secondary.codeId] : [])]);
    });
}

const sentences = threads.flatMap((t) => t.sentences.map((s) => ({ ...s, conv: t.conv })));
console.log(
  `long-form answers: ${threads.length} answers (${[...new Set(threads.map((t) => t.author))].join(", ")}), ${sentences.length} sentences; registers ${[...new Set(threads.map((t) => t.register))].join(", ")}`,
);

// ------------------------------------------------------------------ the coders
const report = { coders: coderAgreement(sentences, "Two coders, blind, on the sentences") };

// ------------------------------------------------------------------ sentence level
function sentenceLevel(name, preds) {
  // Answers, not sentences, are resampled for macro-F1's interval: the sentences of one answer
  // are not independent.
  const {
    present,
    agree,
    macroF1,
    macroF1ci95,
    kappa: k,
  } = heldOutScores(
    sentences.map((s) => s.code),
    sentences.map((s) => preds.get(s.id)),
    sentences.map((s) => s.conv),
    RAPPORT_THERAPIST,
  );
  const target = RAPPORT_TARGET_CODES.filter((c) => present.includes(c));
  const targetMean = mean(target.map((c) => agree.classification.perClass[c].f1));
  console.log(
    `\n${name}: accuracy ${pct(agree.classification.accuracy)}; macro-F1 over the ${present.length} codes present ${pct(macroF1)} [${macroF1ci95?.map(pct).join(", ")}]; Cohen's κ ${pct(k.value)} [${k.ci95?.map(pct).join(", ")}]; mean F1 of the ${target.length} rapport-specific codes present ${pct(targetMean)}`,
  );
  return {
    accuracy: agree.classification.accuracy,
    macroF1,
    macroF1ci95,
    kappa: k,
    targetMeanF1: targetMean,
    perCode: Object.fromEntries(
      present.map((c) => {
        const r = agree.classification.perClass[c];
        return [c, { precision: r.precision, recall: r.recall, f1: r.f1, support: r.support }];
      }),
    ),
  };
}
report.alone = sentenceLevel("Each sentence after the post alone (--context-column)", alone);
report.inOrder = sentenceLevel(
  "The sentences in order after the post (segmentTurns, then classify)",
  inOrder,
);
{
  const present = Object.keys(report.alone.perCode);
  console.log(
    "\n| code | n | P / R / F1, after the post alone | P / R / F1, in order |\n|---|---:|---:|---:|",
  );
  for (const c of present) {
    const a = report.alone.perCode[c];
    const b = report.inOrder.perCode[c];
    const bold = RAPPORT_TARGET_CODES.includes(c) ? `**${c}**` : c;
    console.log(
      `| ${bold} | ${a.support} | ${pct(a.precision)} / ${pct(a.recall)} / ${pct(a.f1)} | ${pct(b.precision)} / ${pct(b.recall)} / ${pct(b.f1)} |`,
    );
  }
}

// Where the in-order coding goes wrong: the most frequent (gold → predicted) pairs.
{
  const pairs = new Map();
  for (const s of sentences) {
    const p = inOrder.get(s.id);
    if (p === s.code) continue;
    const k = `${s.code} → ${p}`;
    pairs.set(k, (pairs.get(k) ?? 0) + 1);
  }
  const top = [...pairs].sort((a, b) => b[1] - a[1]).slice(0, 15);
  report.inOrder.confusions = Object.fromEntries(top);
  console.log(
    `\nMost frequent errors, in order (gold → predicted): ${top.map(([k, n]) => `${k} ${n}`).join("; ")}`,
  );
}

// ------------------------------------------------------------------ answer level
// For each code: the answers whose sentences the coders gave it (primary or `also`), and whether
// each way of coding finds it in that answer.
{
  const goldSets = new Map(
    threads.map((t) => [
      t.conv,
      new Set(t.sentences.flatMap((s) => [s.code, ...(s.also ? [s.also] : [])])),
    ]),
  );
  const ways = {
    "whole answer, its code": (t) => new Set(whole.get(t.conv).slice(0, 1)),
    "whole answer, its code and second code": (t) => new Set(whole.get(t.conv)),
    "sentence by sentence (in order)": (t) => new Set(t.sentences.map((s) => inOrder.get(s.id))),
  };
  const codes = RAPPORT_THERAPIST.filter((c) => [...goldSets.values()].some((g) => g.has(c)));
  const res = {};
  for (const [name, setOf] of Object.entries(ways)) {
    const per = {};
    for (const c of codes) {
      let tp = 0;
      let fn = 0;
      let fp = 0;
      for (const t of threads) {
        const g = goldSets.get(t.conv).has(c);
        const p = setOf(t).has(c);
        if (g && p) tp++;
        else if (g) fn++;
        else if (p) fp++;
      }
      per[c] = {
        answers: tp + fn,
        recall: tp / (tp + fn),
        precision: tp + fp ? tp / (tp + fp) : null,
      };
    }
    const target = RAPPORT_TARGET_CODES.filter((c) => codes.includes(c));
    res[name] = {
      meanRecall: mean(codes.map((c) => per[c].recall)),
      meanRecallTarget: mean(target.map((c) => per[c].recall)),
      perCode: per,
    };
  }
  report.answers = res;
  console.log(
    `\nBehaviours found in each answer (${threads.length} answers; recall = share of the answers whose sentences the coders gave a code in which that way of coding finds it):`,
  );
  const names = Object.keys(ways);
  console.log(`\n| code | answers | ${names.map((n) => `${n}: recall / precision`).join(" | ")} |`);
  console.log(`|---|---:|${names.map(() => "---:").join("|")}|`);
  for (const c of codes) {
    const bold = RAPPORT_TARGET_CODES.includes(c) ? `**${c}**` : c;
    console.log(
      `| ${bold} | ${res[names[0]].perCode[c].answers} | ${names.map((n) => `${pct(res[n].perCode[c].recall)} / ${pct(res[n].perCode[c].precision)}`).join(" | ")} |`,
    );
  }
  console.log(
    `| mean recall, all codes / the rapport-specific codes | | ${names.map((n) => `${pct(res[n].meanRecall)} / ${pct(res[n].meanRecallTarget)}`).join(" | ")} |`,
  );
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 1));
