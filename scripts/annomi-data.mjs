// Loads the AnnoMI development split for training and evaluation scripts (Node only).
// One row per (transcript_id, utterance_id): the lowest annotator_id's labels.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

export const ANNOMI_DEV = new URL("../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url);

/** The fine AnnoMI code of a row: therapist behaviour + its own subtype, or the client talk type. */
export function fineLabel(r) {
  if (r.interlocutor === "client") return r.client_talk_type;
  const b = r.main_therapist_behaviour;
  if (b === "reflection") return `reflection.${r.reflection_subtype}`;
  if (b === "question") return `question.${r.question_subtype}`;
  // One row (transcript 63) has no therapist_input subtype: it gets the majority, information.
  if (b === "therapist_input")
    return `therapist_input.${r.therapist_input_subtype === "n/a" ? "information" : r.therapist_input_subtype}`;
  return b;
}

/** Turns in transcript order: { id, session, index, role, text, label, quality }. */
export function loadAnnomi(path = process.env.ANNOMI_CSV ?? ANNOMI_DEV) {
  const rows = parse(readFileSync(path), { columns: true, skip_empty_lines: true });
  const best = new Map();
  for (const r of rows) {
    const k = `${r.transcript_id}:${r.utterance_id}`;
    const b = best.get(k);
    if (!b || Number(r.annotator_id) < Number(b.annotator_id)) best.set(k, r);
  }
  const turns = [...best.values()].map((r) => ({
    id: `${r.transcript_id}:${r.utterance_id}`,
    session: String(r.transcript_id),
    index: Number(r.utterance_id),
    speaker: r.interlocutor,
    role: r.interlocutor === "client" ? "client" : "therapist",
    text: r.utterance_text,
    label: fineLabel(r),
    quality: r.mi_quality,
  }));
  turns.sort((a, b) => Number(a.session) - Number(b.session) || a.index - b.index);
  for (const t of turns) {
    if (t.label.endsWith(".n/a") || t.label === "n/a") {
      throw new Error(`${t.id}: unexpected label ${t.label}`);
    }
  }
  return { turns, rows: rows.length };
}

/** Seeded mulberry32 (same as the library's). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sessions split into k folds after a seeded shuffle: returns an array of k Sets. */
export function groupedFolds(turns, k, seed) {
  const sessions = [...new Set(turns.map((t) => t.session))];
  const r = rng(seed);
  for (let i = sessions.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [sessions[i], sessions[j]] = [sessions[j], sessions[i]];
  }
  return Array.from({ length: k }, (_, f) => new Set(sessions.filter((_, i) => i % k === f)));
}

export const THERAPIST_LABELS = [
  "reflection.simple",
  "reflection.complex",
  "question.open",
  "question.closed",
  "therapist_input.information",
  "therapist_input.advice",
  "therapist_input.negotiation",
  "therapist_input.options",
  "other",
];
export const CLIENT_LABELS = ["change", "neutral", "sustain"];

/** The four therapist behaviours (the 4-way task). */
export const BEHAVIOURS = ["reflection", "question", "therapist_input", "other"];

/** The top-level code of a code (`reflection.simple` → `reflection`). */
export const parent = (c) => c.split(".")[0];

/** A loaded turn as a rapportkit Utterance (without its label), for a classifier's input. */
export const asUtterance = (t) => ({
  id: t.id,
  session: t.session,
  index: t.index,
  speaker: t.speaker,
  role: t.role,
  text: t.text,
});

/**
 * Per-class precision, recall, F1 and support, macro-F1 over the classes present in `gold`, and
 * accuracy (a class never predicted has precision 0).
 */
export function prf(gold, pred, classes) {
  const per = {};
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === c && gold[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (gold[i] === c) fn++;
    }
    const p = tp + fp ? tp / (tp + fp) : 0;
    const r = tp + fn ? tp / (tp + fn) : 0;
    per[c] = { precision: p, recall: r, f1: p + r ? (2 * p * r) / (p + r) : 0, support: tp + fn };
  }
  const present = classes.filter((c) => per[c].support > 0);
  const macroF1 = present.reduce((s, c) => s + per[c].f1, 0) / present.length;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) ok++;
  return { macroF1, accuracy: ok / gold.length, n: gold.length, perClass: per };
}

/** Macro-F1 over `classes` (a class never predicted nor present counts as F1 0). */
export function macroF1(gold, pred, classes) {
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === c && gold[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (gold[i] === c) fn++;
    }
    sum += tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  }
  return sum / classes.length;
}

/**
 * AnnoMI 4-way / 3-way class of a rapport code (to score rapport output on AnnoMI), from the rapport
 * codebook's own crosswalk: the top level of the first AnnoMI code it lists (one source for the
 * mapping; the crosswalk lists AnnoMI codes most frequent first, as measured in data/annomi-rapport).
 */
export function rapportToAnnomiFrom(codebook) {
  const table = new Map();
  for (const c of codebook.codes) {
    const first = c.crosswalk?.annomi?.[0];
    if (first) table.set(c.id, parent(first));
  }
  return (code) => table.get(code) ?? "other";
}
