// Evaluates the `rapport` model (the shipped default's recipe) on the two rapport-coded corpora:
//   - per-code precision/recall/F1 under 5-fold cross-validation grouped by session (AnnoMI
//     transcript or written conversation), on each corpus;
//   - across registers: trained on AnnoMI only → tested on the written corpus, and the reverse;
//   - session-level validity on AnnoMI: scores from out-of-fold predicted codes (top codes, and
//     expected counts from their probabilities) vs from human codes (Spearman ρ), and AUROC of
//     high- vs low-quality MI sessions;
//   - AnnoMI's 4 behaviours (rapport codes rolled up) against AnnoMI's own labels;
//   - the rules classifier alone, as the baseline that needs no training data;
//   - double-coding agreement (Cohen's κ, Krippendorff's α), computed with rapportkit itself.
//
//   npm run eval:rapport                     # seed 1
//   npm run eval:rapport -- --seeds 1,2,3    # headline figures over several fold assignments
//   npm run eval:rapport -- --json out.json
//   npm run eval:rapport -- --dump oof.jsonl   # out-of-fold predictions (ids, codes) per seed
//   npm run eval:rapport -- --agreement-only   # the double-coding tables only
//   npm run eval:rapport -- --quick --confusion judgement,invalidation
//       # where those codes' out-of-fold errors on each corpus go (gold → predicted counts)
import { writeFileSync } from "node:fs";
import { cohenKappa } from "../src/agreement/index.js";
import { crosswalkClassifier } from "../src/classify/combinators.js";
import { linearClassifier, trainLinear } from "../src/classify/linear/index.js";
import { rulesClassifier } from "../src/classify/rules/index.js";
import { annomiCodebook, rapportCodebook } from "../src/codebook/index.js";
import { rapportCueTagger } from "../src/model/rapport.js";
import { groupedFolds, parent, prf, rapportToAnnomiFrom } from "./annomi-data.mjs";
import { auroc, spearman } from "./rank-stats.mjs";
import {
  chatWeightFrom,
  dealtApart,
  loadAnnomiRapport,
  loadLongform,
  loadWritten,
  longformWeightFrom,
  NATURAL_CHAT_AUTHORS,
  RAPPORT_TARGET_CODES,
  RAPPORT_THERAPIST,
  rapportOptionsFrom,
  withTags,
} from "./rapport-data.mjs";
import { coderAgreement } from "./report-stats.mjs";
import { SCORES, sessionScores, strip } from "./session-scores.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const seed = Number(opt("--seed", "1"));
// --agreement-only: just the double-coding tables (for the data card), no training.
const agreementOnly = args.includes("--agreement-only");
const seeds = agreementOnly ? [] : opt("--seeds") ? opt("--seeds").split(",").map(Number) : [seed];
const jsonOut = opt("--json");
const dumpOut = opt("--dump");
const confusionOf = opt("--confusion")?.split(",") ?? [];
const quick = args.includes("--quick") || agreementOnly;
// Ablations: --set key=value overrides a training option (features.* for feature options).
const OPTIONS = rapportOptionsFrom(args);

const tagger = rapportCueTagger();
const rapportToAnnomi = rapportToAnnomiFrom(rapportCodebook);
const annomi = withTags(loadAnnomiRapport(), tagger);
const written = withTags(loadWritten(undefined, chatWeightFrom(args)), tagger);
// Long answers coded sentence by sentence (data/longform/train.jsonl), trained on with the rest;
// their out-of-fold figures get a line of their own.
const longform = withTags(loadLongform(undefined, longformWeightFrom(args)), tagger);
const all = [...annomi, ...written, ...longform];
const naturalChat = written.filter((t) => dealtApart(t) === "chat");
const writtenBefore = written.filter((t) => dealtApart(t) !== "chat");
const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? "  –  " : x.toFixed(3));

// ------------------------------------------------------------------ metrics

// ------------------------------------------------------------------ training and CV
function train(turns) {
  return trainLinear(turns, OPTIONS);
}
function classify(model, turns) {
  // The shipped classifier's path: utterances in, cue tags computed by the classifier itself.
  const clf = linearClassifier(model, { tagger, evidence: 0 });
  return clf.classify(turns.map(strip));
}

/** Out-of-fold predictions (Map id → prediction) for `turns`, grouped folds over sessions. */
export const sentencesOf = (text) =>
  text
    .split(/(?<=[.!?…])\s+/)
    .map((x) => x.trim())
    .filter((x) => /[a-z]/i.test(x));
const sentencePreds = new Map();
/** Out-of-fold predictions with each therapist turn coded alone after the previous other-role turn. */
const alonePreds = new Map();
function crossValidate(turns, s) {
  // Batches added later (the long answers; the natural text chats of authors BD-BL) are dealt
  // into folds on their own, so that adding them leaves the fold of every AnnoMI transcript and
  // earlier written conversation as it was (a paired comparison).
  const groups = new Map();
  for (const t of turns) {
    const g = dealtApart(t);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(t);
  }
  const folds = Array.from({ length: 5 }, () => new Set());
  for (const g of groups.values())
    groupedFolds(g, 5, s).forEach((f, i) => {
      for (const x of f) folds[i].add(x);
    });
  const preds = new Map();
  for (const test of folds) {
    const model = train(turns.filter((t) => !test.has(t.session)));
    const testTurns = turns.filter((t) => test.has(t.session));
    const out = classify(model, testTurns);
    out.forEach((p, i) => {
      preds.set(testTurns[i].id, p);
    });
    // Each sentence of a multi-sentence therapist turn, coded on its own after the previous turn.
    const mini = [];
    let prev;
    for (const t of testTurns) {
      if (t.role === "therapist" && t.label) {
        const ss = sentencesOf(t.text);
        if (ss.length > 1)
          ss.forEach((x, k) => {
            const sess = `${t.id}#${k}`;
            if (prev) mini.push({ ...strip(prev), id: `${sess}/p`, session: sess, index: 0 });
            mini.push({
              id: `${sess}/s`,
              session: sess,
              index: 1,
              speaker: t.speaker,
              role: "therapist",
              text: x,
              of: t.id,
            });
          });
      }
      if (t.role !== "therapist") prev = t;
    }
    // Each therapist turn alone, after the other speaker's previous turn (as the CLI codes a
    // file with --context-column): no earlier turns of its own conversation.
    const alone = [];
    let before;
    for (const t of testTurns) {
      if (t.role === "therapist") {
        if (before) alone.push({ ...strip(before), id: `${t.id}/p`, session: t.id, index: 0 });
        alone.push({ ...strip(t), session: t.id, index: before ? 1 : 0, alone: true });
      } else before = t;
    }
    classify(model, alone).forEach((p, i) => {
      if (alone[i].alone) alonePreds.set(alone[i].id, p);
    });
    const mo = classify(model, mini);
    mo.forEach((p, i) => {
      const of = mini[i].of;
      if (!of) return;
      if (!sentencePreds.has(of)) sentencePreds.set(of, []);
      sentencePreds.get(of).push(p);
    });
  }
  return preds;
}

const labelled = (turns) => turns.filter((t) => t.role === "therapist" && t.label);
function perCode(turns, preds) {
  const th = labelled(turns);
  return prf(
    th.map((t) => t.label),
    th.map((t) => preds.get(t.id).codeId),
    RAPPORT_THERAPIST,
  );
}

function printTable(title, r, classes = Object.keys(r.perClass)) {
  console.log(`\n${title}: macro-F1 ${pct(r.macroF1)}  accuracy ${pct(r.accuracy)}  n=${r.n}`);
  console.log("  code                   P      R      F1     n");
  for (const c of classes) {
    const v = r.perClass[c];
    if (!v) continue;
    console.log(
      `  ${c.padEnd(20)} ${pct(v.precision)}  ${pct(v.recall)}  ${pct(v.f1)}  ${String(v.support).padStart(5)}${RAPPORT_TARGET_CODES.includes(c) ? (v.f1 >= 0.6 ? "" : "  < 0.60") : ""}`,
    );
  }
}

// ------------------------------------------------------------------ session validity
function validity(pred, human) {
  const res = {};
  for (const k of SCORES) {
    const a = [];
    const b = [];
    for (const [s, h] of human) {
      const p = pred.get(s);
      if (h[k] === null || p[k] === null || h[k] === undefined || p[k] === undefined) continue;
      a.push(p[k]);
      b.push(h[k]);
    }
    const hi = [...pred.values()]
      .filter((x) => x.quality === "high" && x[k] !== null)
      .map((x) => x[k]);
    const lo = [...pred.values()]
      .filter((x) => x.quality === "low" && x[k] !== null)
      .map((x) => x[k]);
    const hhi = [...human.values()]
      .filter((x) => x.quality === "high" && x[k] !== null)
      .map((x) => x[k]);
    const hlo = [...human.values()]
      .filter((x) => x.quality === "low" && x[k] !== null)
      .map((x) => x[k]);
    res[k] = {
      n: a.length,
      spearman: spearman(a, b),
      aurocPred: auroc(hi, lo),
      aurocHuman: auroc(hhi, hlo),
    };
  }
  return res;
}
function printValidity(title, v) {
  console.log(`\n${title}`);
  console.log("  score      n    Spearman ρ   AUROC hi/lo (pred)   AUROC hi/lo (human)");
  for (const k of SCORES) {
    const x = v[k];
    console.log(
      `  ${k.padEnd(9)} ${String(x.n).padStart(4)}   ${pct(x.spearman)}        ${pct(x.aurocPred)}                ${pct(x.aurocHuman)}`,
    );
  }
}

// ------------------------------------------------------------------ main
const report = { seeds: {} };
console.log(
  `rapport corpora: AnnoMI ${labelled(annomi).length} coded therapist utterances in ${new Set(annomi.map((t) => t.session)).size} transcripts; ` +
    `written ${labelled(written).length} helper turns in ${new Set(written.map((t) => t.session)).size} conversations. ` +
    `5-fold CV grouped by session.`,
);
for (const s of seeds) {
  const t0 = performance.now();
  const preds = crossValidate(all, s);
  // --dump FILE: the out-of-fold predictions as JSONL (ids and codes only, no text), for error
  // analysis joined to the corpora by id.
  if (dumpOut)
    writeFileSync(
      dumpOut.replace(/(\.jsonl)?$/, `-seed${s}.jsonl`),
      all
        .filter((t) => t.label)
        .map((t) => {
          const p = preds.get(t.id);
          return JSON.stringify({
            id: t.id,
            corpus: t.corpus,
            role: t.role,
            gold: t.label,
            pred: p.codeId,
            confidence: p.confidence,
          });
        })
        .join("\n") + "\n",
    );
  const ra = perCode(annomi, preds);
  const rw = perCode(written, preds);
  const th = labelled(annomi);
  // AnnoMI's four behaviours as a user gets them: crosswalkClassifier sums the rapport
  // distribution into AnnoMI's codes at depth 0 and takes the largest. `fourTop` maps the top
  // rapport code instead (what crosswalk() does to finished codings), for comparison.
  const stored = {
    id: "oof",
    mode: "sync",
    codebook: { id: rapportCodebook.id, version: rapportCodebook.version },
    classify: (xs) => xs.map((u) => preds.get(u.id)),
  };
  const fourPreds = crosswalkClassifier(stored, {
    from: rapportCodebook,
    to: annomiCodebook,
    depth: 0,
  }).classify(th.map(strip));
  const fourWay = ["reflection", "question", "therapist_input", "other"];
  const four = prf(
    th.map((t) => parent(t.annomi)),
    fourPreds.map((p) => p.codeId),
    fourWay,
  );
  const fourTop = prf(
    th.map((t) => parent(t.annomi)),
    th.map((t) => rapportToAnnomi(preds.get(t.id).codeId)),
    fourWay,
  );
  const cl = annomi.filter((t) => t.role === "client");
  const wcl = written.filter((t) => t.role === "client" && t.label);
  // The client turns the spoken-session batches coded (none before author U).
  const wClient =
    wcl.length > 0
      ? prf(
          wcl.map((t) => t.label),
          wcl.map((t) => preds.get(t.id).codeId),
          ["change_talk", "neutral", "sustain_talk"],
        )
      : null;
  const client = prf(
    cl.map((t) => t.label),
    cl.map((t) => preds.get(t.id).codeId),
    ["change_talk", "neutral", "sustain_talk"],
  );
  const predScores = sessionScores(annomi, (t) => preds.get(t.id)?.codeId, "rapport");
  // The same predictions counted as their distributions (`counting: "expected"`).
  const expectedScores = sessionScores(annomi, (t) => preds.get(t.id), "rapport", {
    counting: "expected",
  });
  const humanScores = sessionScores(annomi, (t) => t.label, "rapport");
  const annomiScores = sessionScores(annomi, (t) => t.annomi, "annomi");
  const vHuman = validity(predScores, humanScores);
  const vAnnomi = validity(predScores, annomiScores);
  const vExpected = validity(expectedScores, humanScores);
  // Where the disagreement comes from: predicted therapist codes with the human client codes
  // (goal counts client change talk), and the reverse.
  const vClientHuman = validity(
    sessionScores(
      annomi,
      (t) => (t.role === "client" ? t.label : preds.get(t.id)?.codeId),
      "rapport",
    ),
    humanScores,
  );
  const vTherapistHuman = validity(
    sessionScores(
      annomi,
      (t) => (t.role === "client" ? preds.get(t.id)?.codeId : t.label),
      "rapport",
    ),
    humanScores,
  );
  const ceiling = {};
  {
    const hs = [...humanScores.keys()];
    const both = (k) =>
      hs.filter((x) => humanScores.get(x)[k] !== null && annomiScores.get(x)[k] !== null);
    for (const k of SCORES)
      ceiling[k] = spearman(
        both(k).map((x) => humanScores.get(x)[k]),
        both(k).map((x) => annomiScores.get(x)[k]),
      );
  }
  // Secondary codes: sentence-level codes (what rapportClassifier({ secondary: true }) does)
  // against the coders' `also`.
  const sec = {};
  for (const thr of [0, 0.4, 0.5, 0.6, 0.7, 0.8]) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const t of labelled(all)) {
      const p = preds.get(t.id);
      let best;
      let bc = thr;
      for (const q of sentencePreds.get(t.id) ?? [])
        if (
          q.confidence >= bc &&
          parent(q.codeId) !== parent(p.codeId) &&
          q.codeId !== "other" &&
          q.codeId !== "facilitation"
        ) {
          best = q.codeId;
          bc = q.confidence;
        }
      if (best && best === t.also) tp++;
      else {
        if (best) fp++;
        if (t.also) fn++;
      }
    }
    sec[thr] = { precision: tp / (tp + fp || 1), recall: tp / (tp + fn || 1), tp, fp, fn };
  }
  report.seeds[s] = {
    annomi: ra,
    written: rw,
    annomi4: four.macroF1,
    annomi4Top: fourTop.macroF1,
    client3: client.macroF1,
    client3PerClass: client.perClass,
    writtenClient3: wClient?.macroF1 ?? null,
    longform: longform.length ? perCode(longform, preds) : null,
    // The natural text chats trained on (authors BD-BL), and the written corpus without them (the
    // paired comparison of data/README.md's rule for adding them).
    naturalChat: naturalChat.length ? perCode(naturalChat, preds) : null,
    writtenBefore: naturalChat.length ? perCode(writtenBefore, preds) : rw,
    validityHuman: vHuman,
    validityAnnomi: vAnnomi,
    validityExpected: vExpected,
    validityClientHuman: vClientHuman,
    validityTherapistHuman: vTherapistHuman,
    humanVsAnnomiLabels: ceiling,
    secondary: sec,
  };
  console.log(`\n## seed ${s} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  for (const c of confusionOf) {
    const count = (pairs) => {
      const m = {};
      for (const x of pairs) m[x] = (m[x] ?? 0) + 1;
      return Object.entries(m)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
    };
    for (const [name, turns] of [
      ["written", written],
      ["AnnoMI", annomi],
    ]) {
      const th = labelled(turns);
      console.log(
        `${name}, gold ${c} predicted as: ${count(th.filter((t) => t.label === c).map((t) => preds.get(t.id).codeId))}`,
      );
      console.log(
        `${name}, predicted ${c} with gold: ${count(th.filter((t) => preds.get(t.id).codeId === c).map((t) => t.label))}`,
      );
    }
  }
  printTable("Written corpus, out of fold", rw, RAPPORT_THERAPIST);
  if (longform.length)
    printTable(
      "Long answers coded sentence by sentence (data/longform/train.jsonl), out of fold",
      perCode(longform, preds),
      RAPPORT_THERAPIST,
    );
  if (naturalChat.length) {
    printTable(
      `Natural text chats (authors ${[...NATURAL_CHAT_AUTHORS].join(", ").toUpperCase()}, coded after writing), out of fold`,
      perCode(naturalChat, preds),
      RAPPORT_THERAPIST,
    );
    console.log(
      `Written corpus without them: macro-F1 ${pct(perCode(writtenBefore, preds).macroF1)}`,
    );
  }
  // The written corpus by register: is any register of the places the library is embedded in
  // coded much worse than the others?
  const registers = [...new Set(written.map((t) => t.register))].sort();
  const byRegister = {};
  for (const r of registers)
    byRegister[r] = perCode(
      written.filter((t) => t.register === r),
      preds,
    );
  report.seeds[s].byRegister = byRegister;
  console.log(
    `  by register (macro-F1 over the codes present / accuracy / n): ${registers
      .map(
        (r) =>
          `${r} ${pct(byRegister[r].macroF1)} / ${pct(byRegister[r].accuracy)} / ${byRegister[r].n}`,
      )
      .join("; ")}`,
  );
  printTable("AnnoMI (rapport-coded), out of fold", ra, RAPPORT_THERAPIST);
  const wAlone = perCode(written, alonePreds);
  const aAlone = perCode(annomi, alonePreds);
  report.seeds[s].alone = { written: wAlone, annomi: aAlone };
  console.log(
    `\nEach therapist turn coded alone after the other speaker's turn (as --context-column does): written macro-F1 ${pct(wAlone.macroF1)}, AnnoMI macro-F1 ${pct(aAlone.macroF1)}\n  ` +
      RAPPORT_THERAPIST.map((c) => `${c} ${pct(wAlone.perClass[c]?.f1)}`).join(", "),
  );
  console.log(
    `\nAnnoMI's own labels: therapist 4-way macro-F1 ${pct(four.macroF1)} (rapport distribution summed into AnnoMI's codes by crosswalkClassifier; top rapport code mapped: ${pct(fourTop.macroF1)}); client 3-way ${pct(client.macroF1)} (${["change_talk", "neutral", "sustain_talk"].map((c) => `${c} ${pct(client.perClass[c].f1)}`).join(", ")})${wClient ? `; the written corpus's coded client turns: ${pct(wClient.macroF1)} (n ${wClient.n})` : ""}`,
  );
  printValidity(
    "Session scores on AnnoMI from out-of-fold predicted codes vs from the human rapport codes",
    vHuman,
  );
  printValidity("… vs from AnnoMI's own labels (annomi → rapport / MITI tables)", vAnnomi);
  printValidity(
    '… predicted codes counted as their probabilities (counting: "expected") vs the human rapport codes',
    vExpected,
  );
  console.log(
    "\nWhere the disagreement comes from (Spearman ρ vs the human codes): predicted therapist codes with the human client codes: " +
      SCORES.map((k) => `${k} ${pct(vClientHuman[k].spearman)}`).join(", ") +
      "; human therapist codes with predicted client codes: " +
      ["overall", "goal"].map((k) => `${k} ${pct(vTherapistHuman[k].spearman)}`).join(", "),
  );
  console.log(
    "\nFor scale, the same scores from the human rapport codes vs from AnnoMI's own labels (two human codings): " +
      SCORES.map((k) => `${k} ${pct(ceiling[k])}`).join(", "),
  );
  console.log(
    "\nSecondary code (rapportClassifier({ secondary: true, secondaryThreshold })) vs the coders' `also`:",
  );
  for (const [thr, v] of Object.entries(sec))
    console.log(
      `  ${thr}: precision ${pct(v.precision)} recall ${pct(v.recall)} (tp ${v.tp}, fp ${v.fp}, fn ${v.fn})`,
    );
}

// Across registers (seed-free: whole corpora).
if (!quick) {
  const mA = train(annomi);
  const pW = new Map(classify(mA, written).map((p, i) => [written[i].id, p]));
  const rAW = perCode(written, pW);
  const mW = train(written.concat(annomi.filter((t) => t.role === "client")));
  const pA = new Map(classify(mW, annomi).map((p, i) => [annomi[i].id, p]));
  const rWA = perCode(annomi, pA);
  printTable(
    "Across registers: trained on AnnoMI only → tested on the written corpus",
    rAW,
    RAPPORT_THERAPIST,
  );
  printTable(
    "Across registers: trained on the written corpus only → tested on AnnoMI",
    rWA,
    RAPPORT_THERAPIST,
  );
  report.crossRegister = { annomiToWritten: rAW, writtenToAnnomi: rWA };
}

// Baseline: the rules alone (no training data).
if (!quick) {
  const rules = rulesClassifier(rapportCodebook);
  const byId = new Map();
  for (const corpus of [annomi, written]) {
    const out = rules.classify(corpus.map(strip));
    out.forEach((p, i) => {
      byId.set(corpus[i].id, p);
    });
  }
  const rw = perCode(written, byId);
  const ra = perCode(annomi, byId);
  console.log(
    `\nBaseline, the rules alone: written macro-F1 ${pct(rw.macroF1)}, AnnoMI macro-F1 ${pct(ra.macroF1)}`,
  );
  report.rules = { written: rw, annomi: ra };
}

report.agreement = {
  annomi: coderAgreement(
    labelled(annomi).map((t) => t.item),
    "Double coding, AnnoMI",
  ),
  written: coderAgreement(
    labelled(written).map((t) => t.item),
    "Double coding, written corpus",
  ),
};
// Client talk type in the batches that code it (spoken sessions from author U on): the same
// table over `seeker_code`.
{
  const items = labelled(written)
    .map((t) => t.item)
    .filter((x) => x.coder1.seeker_code && x.coder2?.seeker_code);
  if (items.length > 0)
    report.agreement.writtenClient = coderAgreement(
      items.map((x) => ({
        coder1: { code: x.coder1.seeker_code },
        coder2: { code: x.coder2.seeker_code },
        adjudicated: x.adjudicated?.seeker_code ? { code: x.adjudicated.seeker_code } : null,
      })),
      "Double coding, written corpus, client talk type",
    );
}

// AnnoMI's own labels vs the rapport coding (where they overlap).
{
  const th = labelled(annomi);
  const a = th.map((t) => parent(t.annomi));
  const b = th.map((t) => rapportToAnnomi(t.label));
  const k = cohenKappa(a, b);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  console.log(
    `\nRapport coding vs AnnoMI's own labels (4 behaviours, rapport codes rolled up): agreement ${pct(same / a.length)}, Cohen's κ ${pct(k.value)}, n=${a.length}`,
  );
  const ref = th.filter(
    (t) => parent(t.annomi) === "reflection" && parent(t.label) === "reflection",
  );
  const q = th.filter((t) => parent(t.annomi) === "question" && parent(t.label) === "question");
  const sub = (xs) => {
    const x = xs.map((t) => t.annomi);
    const y = xs.map((t) => t.label);
    let s = 0;
    for (let i = 0; i < x.length; i++) if (x[i] === y[i]) s++;
    return { n: xs.length, agreement: s / xs.length, kappa: cohenKappa(x, y).value };
  };
  const rs = sub(ref);
  const qs = sub(q);
  console.log(
    `  simple/complex where both say reflection: agreement ${pct(rs.agreement)}, κ ${pct(rs.kappa)}, n=${rs.n}; ` +
      `open/closed where both say question: agreement ${pct(qs.agreement)}, κ ${pct(qs.kappa)}, n=${qs.n}`,
  );
  const inputs = {};
  for (const t of th)
    if (t.annomi.startsWith("therapist_input.")) {
      const k2 = t.annomi.slice(16);
      inputs[k2] ??= {};
      inputs[k2][t.label] = (inputs[k2][t.label] ?? 0) + 1;
    }
  console.log("  AnnoMI input subtype → rapport codes given:");
  for (const [k2, v] of Object.entries(inputs))
    console.log(
      `    ${k2.padEnd(12)} ${Object.entries(v)
        .sort((x, y) => y[1] - x[1])
        .map(([c, n]) => `${c} ${n}`)
        .join(", ")}`,
    );
  report.annomiOverlap = {
    fourWay: { agreement: same / a.length, kappa: k.value },
    reflection: rs,
    question: qs,
    inputs,
  };
}

if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
