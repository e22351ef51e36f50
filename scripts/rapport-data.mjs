// Loads the rapport-coded corpora (data/annomi-rapport, data/written) as training turns, and the
// training options of the shipped `rapport` model (shared by train-model.mjs and eval-rapport.mjs
// so that the cross-validation evaluates exactly what ships).
import { existsSync, readFileSync } from "node:fs";
import { loadAnnomi, parent } from "./annomi-data.mjs";

export const ANNOMI_RAPPORT = new URL(
  "../data/annomi-rapport/annomi-rapport.jsonl",
  import.meta.url,
);
export const WRITTEN = new URL("../data/written/written.jsonl", import.meta.url);
/** Long answers coded sentence by sentence (data/longform/): training threads and a held-out test. */
export const LONGFORM_TRAIN = new URL("../data/longform/train.jsonl", import.meta.url);
export const LONGFORM_HELDOUT = new URL("../data/longform/heldout.jsonl", import.meta.url);
/** Batches coded like the written corpus but kept out of training (a held-out test). */
export const HELDOUT = new URL("../data/written/heldout.jsonl", import.meta.url);

const readJsonl = (url) =>
  readFileSync(url, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

const CLIENT = { change: "change_talk", neutral: "neutral", sustain: "sustain_talk" };

/**
 * AnnoMI turns in transcript order. Therapist turns carry `label` (the gold rapport code),
 * `also`, `annomi` (AnnoMI's own fine label) and the raw codes; client turns carry AnnoMI's talk
 * type as a rapport code. Therapist turns not (yet) rapport-coded have no label (context only).
 */
export function loadAnnomiRapport() {
  const { turns } = loadAnnomi();
  const coded = new Map(
    readJsonl(ANNOMI_RAPPORT).map((x) => [`${x.transcript_id}:${x.utterance_id}`, x]),
  );
  return turns.map((t) => {
    const base = {
      id: t.id,
      session: `annomi-${t.session}`,
      transcript: t.session,
      index: t.index,
      speaker: t.speaker,
      role: t.role,
      text: t.text,
      annomi: t.label,
      quality: t.quality,
      corpus: "annomi",
    };
    if (t.role === "client") return { ...base, label: CLIENT[t.label] };
    const x = coded.get(t.id);
    return x ? { ...base, label: x.code, also: x.also, item: x } : base;
  });
}

/** The gold rapport code of every coded AnnoMI therapist utterance, by `transcript:utterance` id. */
export function loadAnnomiRapportCodes() {
  return new Map(
    readJsonl(ANNOMI_RAPPORT).map((x) => [`${x.transcript_id}:${x.utterance_id}`, x.code]),
  );
}

/** The authors of the natural text chats trained on (session 16: BD-BF, then BG-BL; data/README.md). */
export const NATURAL_CHAT_AUTHORS = new Set(["bd", "be", "bf", "bg", "bh", "bi", "bj", "bk", "bl"]);

/**
 * The group a turn's session is dealt into cross-validation folds with: batches added later are
 * dealt on their own ("longform", "chat"), so adding them leaves every earlier session's fold as
 * it was; everything else is "".
 */
export function dealtApart(t) {
  if (t.corpus === "longform") return "longform";
  if (t.corpus === "written" && NATURAL_CHAT_AUTHORS.has(t.author)) return "chat";
  return "";
}

/**
 * The written corpus as turns: each exchange is the seeker's message (context; labelled with its
 * talk type where the batch coded it) and the helper's turn (labelled).
 */
export function loadWritten(file = WRITTEN, chatWeight = 1) {
  const out = [];
  for (const x of readJsonl(file)) {
    const weight = NATURAL_CHAT_AUTHORS.has(x.author) ? chatWeight : 1;
    const base = {
      session: `w-${x.conv}`,
      conv: x.conv,
      register: x.register,
      author: x.author,
      corpus: "written",
    };
    out.push({
      ...base,
      id: `${x.conv}:${x.turn}:s`,
      index: 2 * (x.turn - 1),
      speaker: "seeker",
      role: "client",
      text: x.seeker,
      // Client talk type, where the batch coded it (spoken-session batches from author U on).
      ...(x.seeker_code ? { label: x.seeker_code, item: x } : {}),
    });
    out.push({
      ...base,
      id: `${x.conv}:${x.turn}`,
      index: 2 * (x.turn - 1) + 1,
      speaker: "helper",
      role: "therapist",
      text: x.helper,
      label: x.code,
      also: x.also,
      item: x,
      ...(weight === 1 ? {} : { weight }),
    });
  }
  return out;
}

/**
 * Long answers coded sentence by sentence (data/longform/*.jsonl) as turns: each thread is a
 * session of the help-seeker's post (context, unlabelled) and then the answer's sentences in
 * order, each labelled, as `segmentTurns` gives them to a classifier. Empty if the file is absent.
 */
export function loadLongform(file = LONGFORM_TRAIN, weight = 1) {
  if (!existsSync(file)) return [];
  const out = [];
  for (const t of readJsonl(file)) {
    const base = {
      session: `lf-${t.conv}`,
      conv: t.conv,
      register: t.register,
      author: t.author,
      corpus: "longform",
    };
    out.push({
      ...base,
      id: `${t.conv}:post`,
      index: 0,
      speaker: "seeker",
      role: "client",
      text: t.seeker,
    });
    t.sentences.forEach((s, k) => {
      out.push({
        ...base,
        id: s.id,
        index: k + 1,
        speaker: "helper",
        role: "therapist",
        text: s.text,
        label: s.code,
        also: s.also,
        item: s,
        ...(weight === 1 ? {} : { weight }),
      });
    });
  }
  return out;
}

/** The rapport therapist leaf codes, in codebook order. */
export const RAPPORT_THERAPIST = [
  "reflection.simple",
  "reflection.complex",
  "summary",
  "question.open",
  "question.closed",
  "validation",
  "affirmation",
  "permission",
  "feedback_request",
  "autonomy",
  "information",
  "advice.permitted",
  "advice.unsolicited",
  "self_disclosure",
  "oversharing",
  "judgement",
  "invalidation",
  "facilitation",
  "structuring",
  "other",
];
export const RAPPORT_CLIENT = ["change_talk", "neutral", "sustain_talk"];
/** The ten codes the rapport codebook adds to MITI's: issue #12's F1 ≥ 0.60 targets. */
export const RAPPORT_TARGET_CODES = [
  "advice.unsolicited",
  "advice.permitted",
  "validation",
  "affirmation",
  "judgement",
  "invalidation",
  "self_disclosure",
  "oversharing",
  "permission",
  "feedback_request",
];
const TOPS = [...new Set(RAPPORT_THERAPIST.map(parent))];

export const RAPPORT_MODEL_OPTIONS = {
  codebook: { id: "rapport", version: "1.0.0" },
  // Two-level softmax: the top-level codes, then the subtype of reflection, question and advice.
  labels: [
    ...TOPS.map((id) => ({ id, role: "therapist" })),
    ...RAPPORT_THERAPIST.filter((c) => c.includes(".")).map((id) => ({
      id,
      role: "therapist",
      parent: parent(id),
    })),
    ...RAPPORT_CLIENT.map((id) => ({ id, role: "client" })),
  ],
  fallback: { other: "other" },
  // No position feature and no earlier codes as features: both learned how the corpora were
  // written (a written conversation's first helper turn; the codes around a turn) more than what a
  // helper does. Coding each helper turn alone after the seeker's message (as the CLI's
  // --context-column does), 5-fold CV, seed 1: written macro-F1 0.620 → 0.651 and AnnoMI accuracy
  // 0.555 → 0.615 without them; within whole conversations 0.661 → 0.659 and 0.616 → 0.619.
  // Character 4-grams inside words (spelling variants, typos, word families such as
  // overreact/overreacting): 5-fold CV, seed 1, written macro-F1 0.657 → 0.681, AnnoMI accuracy
  // 0.615 → 0.624; 3–5-grams gave the same (0.679) at 0.76× the speed. Each word's 4-grams are
  // looked up once per classifier, so they cost little at prediction.
  features: { charNgrams: [4, 4], sameRoleWords: true, position: false },
  contextCodes: "none",
  l2: 0.001,
  // No class weights for the helper's codes: chosen over "balanced" by 5-fold CV on seeds 1-2
  // (written macro-F1 0.669 vs 0.662; AnnoMI session rapport.overall Spearman 0.61-0.67 vs
  // 0.57-0.59). Balanced within the client head only (change / neutral / sustain talk), none for the helper's
  // codes: 5-fold CV, seeds 1-3, client talk type macro-F1 0.454 -> 0.478 (sustain talk F1 0.17 ->
  // 0.26; neutral 0.78 -> 0.73), helper codes unchanged (written 0.730 / 0.724 / 0.729 either way).
  classWeights: { client: "balanced" },
  // Features seen in at least 8 labelled turns (3, then 5, 6 and 7 before). With 6,655 written
  // turns (authors U-X added), 7 kept 20,353 features (rapportkit/model 985 of its 1,000 kB, the
  // package at its 1.5 MB); 8 keeps 18,429 (940 kB) at the same 5-fold CV, seeds 1-3: written
  // macro-F1 0.748 vs 0.747, AnnoMI 4-way 0.740 vs 0.739, rapport.overall rho 0.66 vs 0.67.
  // (With 5,871 written turns, 7 against 6: 0.728 vs 0.728; with 4,912, 6 against 5: 0.719 vs
  // 0.716; earlier, 5 against 3: the same macro-F1 in a third fewer features.)
  // With the long answers of authors AK-AN (session 16), 8 kept 20,446 features and the package
  // passed its 1.5 MB (1,507,359 bytes); 9 keeps the same 5-fold CV, seeds 1-3 (written macro-F1
  // 0.747 vs 0.747, AnnoMI 4-way 0.739 vs 0.738, rapport.overall rho 0.64 / 0.71 vs 0.65 / 0.70
  // from top codes / expected counts).
  // With the third batch of session 16 (chats BG-BL, long answers AO-AP), 9 kept 20,160 features
  // (the package past 1.5 MB again); 10 gives the same 5-fold CV, seeds 1-3 (written macro-F1
  // 0.739 vs 0.739, AnnoMI 4-way 0.739 vs 0.741, rapport.overall rho 0.67 / 0.72 vs 0.67 / 0.72).
  minCount: 10,
  // Weights below 0.1 dropped: the same CV macro-F1 (0.680 vs 0.681) in a smaller model.
  prune: 0.1,
  // Weights in 2·127+1 steps: the same CV macro-F1 as 1023 (seeds 1-2: 0.679 vs 0.681) and as
  // 4095 before it, a shorter file.
  levels: 127,
  // The shipped tagger's name, RAPPORT_CUE_TAGGER (src/model/rapport.ts). Written out because
  // this file is also imported by plain node (bench/classify.mjs), which cannot load .ts;
  // test/model/training-recipe.test.ts holds the two equal.
  tagger: "rapport-cues@6",
};

/**
 * How much each long-answer sentence (data/longform/train.jsonl) counts in training, against 1 for
 * every other turn (`LinearExample.weight`); `--longform-weight w` on the command line overrides it.
 */
export const LONGFORM_WEIGHT = 1;
export function longformWeightFrom(args) {
  const i = args.indexOf("--longform-weight");
  return i >= 0 ? Number(args[i + 1]) : LONGFORM_WEIGHT;
}

/**
 * How much each helper turn of the natural text chats (NATURAL_CHAT_AUTHORS) counts in training,
 * against 1 for every other turn; `--chat-weight w` on the command line overrides it. Weight 2
 * measured no better (5-fold CV, seeds 1-3, session 17: the chats' own out-of-fold macro-F1 0.582
 * -> 0.577, written 0.739 -> 0.738, AnnoMI 4-way 0.739 either way), so they count as every turn.
 */
export const CHAT_WEIGHT = 1;
export function chatWeightFrom(args) {
  const i = args.indexOf("--chat-weight");
  return i >= 0 ? Number(args[i + 1]) : CHAT_WEIGHT;
}

/**
 * The shipped recipe with the command line's ablations applied: each `--set key=value` overrides a
 * training option (`features.<name>=…` a feature option; values true, false, null, numbers, JSON
 * arrays, else strings). Shared by eval-rapport.mjs and eval-authors.mjs.
 */
export function rapportOptionsFrom(args) {
  const options = structuredClone(RAPPORT_MODEL_OPTIONS);
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "--set") continue;
    const [k, raw] = args[++i].split("=");
    const v =
      raw === "true"
        ? true
        : raw === "false"
          ? false
          : raw === "null"
            ? null
            : Number.isNaN(Number(raw))
              ? raw.startsWith("[")
                ? JSON.parse(raw)
                : raw
              : Number(raw);
    if (k.startsWith("features.")) options.features = { ...options.features, [k.slice(9)]: v };
    else options[k] = v;
  }
  return options;
}

/** Turns with the cue tags the shipped classifier computes (one pass per corpus, in order). */
export function withTags(turns, tagger) {
  const tags = tagger.tag(
    turns.map(({ id, session, index, speaker, role, text }) => ({
      id,
      session,
      index,
      speaker,
      role,
      text,
    })),
  );
  return turns.map((t, i) => ({ ...t, tags: tags[i] }));
}
