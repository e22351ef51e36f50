#!/usr/bin/env node
/**
 * How well do the session scores separate AnnoMI's high- from its low-quality MI sessions?
 *
 *   npx tsx scripts/score-auroc.mjs [path/to/AnnoMI-full.dev.csv] [--json] [--no-cv] [--in-sample]
 *
 * For each of the 106 dev transcripts (88 high, 18 low) it scores the session several ways:
 *   gold   the AnnoMI gold codes (first annotator = lowest annotator_id), mapped annomi → MITI /
 *          MISC / rapport by the score layer's tables;
 *   rules  codes predicted by the rules classifier over the `rapport` codebook (no training data);
 *   cv-annomi / cv-rapport
 *          codes predicted by the default model's recipe WITHOUT having seen the session: 5-fold
 *          cross-validation grouped by transcript (the folds and training options of
 *          scripts/eval-model.mjs: groupedFolds seed 1, MODEL_OPTIONS); each session is coded by
 *          the linear model trained on the other folds. `cv-annomi` scores its AnnoMI codes,
 *          `cv-rapport` the rapport codes of the rapport default's recipe (scripts/rapport-data.mjs:
 *          trained on the same transcripts' rapport codes plus the written corpus and the long
 *          answers; the composition the
 *          shipped `defaultClassifier()` uses). Skip with --no-cv (training takes about a minute);
 *   model  (only with --in-sample) codes from the shipped `defaultClassifier()`; it was trained on
 *          this split, so the figure is in-sample and optimistic.
 * and reports, per score, the AUROC (Mann–Whitney: P(score of a random high session > score of a
 * random low one), ties ½) with a seeded stratified percentile-bootstrap 95 % CI (2,000 draws).
 * Sessions where a score is undefined (e.g. R:Q with no questions) are left out of that score's
 * AUROC, and the counts say so. AUROC < 0.5 means the score is higher in LOW-quality sessions.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { codeTranscriptAsync } from "../src/classify/index.js";
import { rulesClassifier } from "../src/classify/rules/index.js";
import { rapportCodebook } from "../src/codebook/index.js";
import { readAnnomi } from "../src/io/index.js";
import { miscSummary, mitiSummary, rapportProfile } from "../src/score/index.js";
import { auroc } from "./rank-stats.mjs";

const args = process.argv.slice(2);
const file =
  args.find((a) => !a.startsWith("--")) ??
  fileURLToPath(new URL("../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url));
const asJson = args.includes("--json");
const inSample = args.includes("--in-sample");
const noCv = args.includes("--no-cv");

/** mulberry32: a small seeded PRNG so the bootstrap is reproducible. */
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

function bootstrapCI(pos, neg, reps = 2000, seed = 20261126) {
  const r = rng(seed);
  const draws = [];
  const pick = (xs) => Array.from({ length: xs.length }, () => xs[Math.floor(r() * xs.length)]);
  for (let i = 0; i < reps; i++) draws.push(auroc(pick(pos), pick(neg)));
  draws.sort((a, b) => a - b);
  return [draws[Math.floor(0.025 * reps)], draws[Math.ceil(0.975 * reps) - 1]];
}

/** The scores of one coded session (null = undefined for this session). */
function scoresOf(coded, options) {
  const p = rapportProfile(coded, options);
  const m = mitiSummary(coded, options);
  const v = mitiSummary(coded, { ...options, volleyRules: true });
  const misc = miscSummary(coded, options);
  const nT = coded.transcript.utterances.filter((u) => u.role === "therapist").length;
  return {
    "rapport overall": p.overall.value,
    "rapport goal": p.goal.value,
    "rapport task": p.task.value,
    "rapport bond": p.bond.value,
    "MITI R:Q": m.rq.value,
    "MITI %CR": m.pctCR.value,
    "MITI MIA": m.mia,
    "MITI MINA": m.mina,
    "MITI MIA − MINA": m.mia - m.mina,
    "MITI (MIA − MINA) per 100 T utts": nT > 0 ? ((m.mia - m.mina) / nT) * 100 : null,
    "MITI R:Q (volley rules)": v.rq.value,
    "MISC %open questions": misc.pctOpenQuestions.value,
    "MISC %MI-consistent": misc.pctMIConsistent.value,
    "MISC %change talk": misc.pctChangeTalk.value,
  };
}

function firstAnnotator(codings) {
  let best;
  for (const c of codings) {
    const m = /^annotator:(\d+)$/.exec(c.source);
    if (m && (best === undefined || Number(m[1]) < best)) best = Number(m[1]);
  }
  return best === undefined ? undefined : `annotator:${best}`;
}

const read = readAnnomi(readFileSync(file, "utf8"), { file });
const bySession = new Map();
const sessionOf = new Map();
for (const t of read.transcripts) for (const u of t.utterances) sessionOf.set(u.id, t.id);
for (const c of read.codings) {
  const s = sessionOf.get(c.utteranceId);
  if (!bySession.has(s)) bySession.set(s, []);
  bySession.get(s).push(c);
}
const quality = (t) => String(t.metadata?.mi_quality ?? "");

const coders = {};
coders.gold = async (t) => {
  const codings = bySession.get(t.id) ?? [];
  const coded = { transcript: t, codebook: { id: "annomi", version: "1.0.0" }, codings };
  const src = firstAnnotator(codings);
  return scoresOf(coded, src ? { source: src } : {});
};
const rules = rulesClassifier(rapportCodebook);
coders.rules = async (t) => scoresOf(await codeTranscriptAsync(rules, t), {});
const notes = [];
if (!noCv) {
  try {
    const { MODEL_OPTIONS } = await import("./model-options.mjs");
    const { groupedFolds, loadAnnomi } = await import("./annomi-data.mjs");
    const { linearClassifier, trainLinear } = await import("../src/classify/linear/index.js");
    const { rapportClassifier, rapportCueTagger } = await import("../src/model/rapport.js");
    const {
      loadAnnomiRapportCodes,
      loadLongform,
      loadWritten,
      CHAT_WEIGHT,
      LONGFORM_WEIGHT,
      RAPPORT_MODEL_OPTIONS,
      withTags,
    } = await import("./rapport-data.mjs");
    const codes = loadAnnomiRapportCodes();
    // The written corpus and the long answers (data/longform/train.jsonl), as the shipped recipe.
    const written = withTags(
      [...loadWritten(undefined, CHAT_WEIGHT), ...loadLongform(undefined, LONGFORM_WEIGHT)],
      rapportCueTagger(),
    );
    const CLIENT = { change: "change_talk", neutral: "neutral", sustain: "sustain_talk" };
    const { turns } = loadAnnomi(file);
    const folds = groupedFolds(turns, 5, 1);
    const foldOf = new Map();
    const clfs = [];
    const t0 = performance.now();
    folds.forEach((test, f) => {
      for (const s of test) foldOf.set(s, f);
      const model = trainLinear(
        turns.filter((t) => !test.has(t.session)),
        MODEL_OPTIONS,
      );
      const annomi = linearClassifier(model, { evidence: 3 });
      // The rapport default's recipe on the same training transcripts' rapport codes, plus the
      // written corpus and the long answers.
      const rturns = turns
        .filter((t) => !test.has(t.session))
        .map((t) => ({ ...t, label: t.role === "client" ? CLIENT[t.label] : codes.get(t.id) }));
      const rmodel = trainLinear(
        [...withTags(rturns, rapportCueTagger()), ...written],
        RAPPORT_MODEL_OPTIONS,
      );
      clfs.push({ annomi, rapport: rapportClassifier(rmodel) });
    });
    const which = (t) => clfs[foldOf.get(t.id)];
    coders["cv-annomi"] = async (t) => scoresOf(await codeTranscriptAsync(which(t).annomi, t), {});
    coders["cv-rapport"] = async (t) =>
      scoresOf(await codeTranscriptAsync(which(t).rapport, t), {});
    notes.push(
      `cv: 5 folds grouped by transcript (seed 1), MODEL_OPTIONS of scripts/model-options.mjs; trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } catch (e) {
    notes.push(
      `cross-validated model codes not available: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`,
    );
  }
}
if (inSample) {
  try {
    const model = await import("../src/model/index.js");
    if (model.defaultClassifier) {
      const c =
        typeof model.defaultClassifier === "function"
          ? await model.defaultClassifier()
          : model.defaultClassifier;
      coders.model = async (t) => scoresOf(await codeTranscriptAsync(c, t), {});
      notes.push(
        `model: defaultClassifier ${c.id} (trained on this dev split: in-sample, optimistic)`,
      );
    } else notes.push("model: src/model has no `defaultClassifier` export");
  } catch (e) {
    notes.push(
      `model: loading src/model failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`,
    );
  }
}
const modelNote = notes.join("; ");

const high = read.transcripts.filter((t) => quality(t) === "high");
const low = read.transcripts.filter((t) => quality(t) === "low");
const results = {};
for (const [name, coder] of Object.entries(coders)) {
  const hs = await Promise.all(high.map(coder));
  const ls = await Promise.all(low.map(coder));
  results[name] = {};
  for (const key of Object.keys(hs[0])) {
    const pos = hs.map((s) => s[key]).filter((v) => v !== null);
    const neg = ls.map((s) => s[key]).filter((v) => v !== null);
    if (pos.length === 0 || neg.length === 0) {
      results[name][key] = {
        auroc: null,
        reason: "undefined in every session of a group",
        nHigh: pos.length,
        nLow: neg.length,
      };
      continue;
    }
    const [lo, hi] = bootstrapCI(pos, neg);
    results[name][key] = {
      auroc: auroc(pos, neg),
      ci95: [lo, hi],
      nHigh: pos.length,
      nLow: neg.length,
    };
  }
}

if (asJson) {
  console.log(
    JSON.stringify(
      { file, sessions: { high: high.length, low: low.length }, model: modelNote, results },
      null,
      2,
    ),
  );
} else {
  console.log(`${file}: ${high.length} high, ${low.length} low sessions`);
  console.log(`notes: ${modelNote}`);
  const names = Object.keys(results);
  console.log(`| score | ${names.map((n) => `AUROC ${n} [95% CI] (n high/low)`).join(" | ")} |`);
  console.log(`|---|${names.map(() => "---").join("|")}|`);
  for (const key of Object.keys(results[names[0]])) {
    const cells = names.map((n) => {
      const r = results[n][key];
      if (r.auroc === null) return `undefined (${r.nHigh}/${r.nLow})`;
      return `${r.auroc.toFixed(3)} [${r.ci95[0].toFixed(2)}, ${r.ci95[1].toFixed(2)}] (${r.nHigh}/${r.nLow})`;
    });
    console.log(`| ${key} | ${cells.join(" | ")} |`);
  }
}
