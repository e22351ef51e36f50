import { findCode, rollUp } from "../codebook/hierarchy.js";
import { type ClassMetrics, classificationMetrics } from "../core/classification-metrics.js";
import type { Codebook, CodedTranscript, Coding } from "../core/schemas.js";
import type { Stat } from "../core/stat.js";
import type { AsyncClassifier, Classifier, Prediction, SyncClassifier } from "./types.js";

/**
 * A statistic that may be undefined: a number, or `null` with the reason (never NaN). The core
 * {@link Stat}, re-exported here so `import { Stat }` from the classify layer keeps working.
 * @category Evaluation
 */
export type { Stat };

/** Precision, recall and F1 of one code. @category Evaluation */
export interface CodeMetrics {
  readonly code: string;
  /** tp / (tp + fp); null when the code was never predicted. */
  readonly precision: Stat;
  /** tp / (tp + fn); null when the code never occurs in the gold standard. */
  readonly recall: Stat;
  /** 2tp / (2tp + fp + fn); defined for every code that occurs in the gold standard or the predictions. */
  readonly f1: Stat;
  /** Gold items with this code. */
  readonly support: number;
  /** Predicted items with this code. */
  readonly predicted: number;
}

/**
 * The result of {@link evaluate}.
 * @category Evaluation
 */
export interface EvaluationReport {
  /** The hierarchy depth codes were rolled up to (`null`: as given). */
  readonly depth: number | null;
  /** The codes, in the order of the matrix's rows and columns. */
  readonly labels: readonly string[];
  /** `confusion[g][p]`: items with gold code `labels[g]` predicted as `labels[p]` (rows are gold). */
  readonly confusion: readonly (readonly number[])[];
  readonly perCode: readonly CodeMetrics[];
  /** Correct / matched items. */
  readonly accuracy: Stat;
  /** The unweighted mean of the per-code F1 over `labels`. */
  readonly macroF1: Stat;
  /** The mean of the per-code F1 weighted by support. */
  readonly weightedF1: Stat;
  /** Items with both a gold code and a prediction (the items scored). */
  readonly matched: number;
  /** Gold utterance ids with no prediction (not scored). */
  readonly goldWithoutPrediction: readonly string[];
  /** Predicted utterance ids with no gold code (not scored). */
  readonly predictionWithoutGold: readonly string[];
  /** Gold codings ignored because their utterance already had one (several coders): the first is used. */
  readonly duplicateGold: number;
}

/** Options of {@link evaluate}. @category Evaluation */
export interface EvaluateOptions {
  /** The codebook, to roll codes up its hierarchy (codes not in it fall back to their dotted id prefix). */
  readonly codebook?: Pick<Codebook, "id" | "codes">;
  /**
   * Compare at this depth of the code hierarchy: 0 maps `reflection.simple` to `reflection`. A code
   * at or above the depth stays as it is. Absent: compare codes as given.
   */
  readonly depth?: number;
  /** Use only gold codings with this `source` (e.g. one human coder). */
  readonly goldSource?: string;
}

/** Roll-up by the dotted id when a code has no codebook entry: `a.b.c` at depth 0 → `a`. */
function dottedRollUp(code: string, depth: number): string {
  let at = -1;
  for (let d = 0; d <= depth; d++) {
    at = code.indexOf(".", at + 1);
    if (at < 0) return code;
  }
  return code.slice(0, at);
}

function mapper(options: EvaluateOptions): (code: string) => string {
  const { depth, codebook } = options;
  if (depth === undefined) return (c) => c;
  const cache = new Map<string, string>();
  return (c) => {
    let r = cache.get(c);
    if (r === undefined) {
      r = codebook && findCode(codebook, c) ? rollUp(codebook, c, depth) : dottedRollUp(c, depth);
      cache.set(c, r);
    }
    return r;
  };
}

/**
 * Scores predictions against gold codings: confusion matrix (rows gold, columns predicted),
 * per-code precision, recall, F1 and support, accuracy, and macro- and support-weighted F1, at any
 * depth of the code hierarchy. Items are matched by utterance id; unmatched ids on either side are
 * listed, not scored. Definitions follow scikit-learn's `precision_recall_fscore_support` with
 * labels = the codes seen in either side (Pedregosa et al., *JMLR* 12, 2011): F1 = 2tp / (2tp + fp + fn),
 * so a code never predicted has F1 0 and counts in the macro mean; precision and recall that would
 * divide by zero are `{ value: null, reason }` instead.
 *
 * Also takes a classifier and gold coded transcripts: `evaluate(classifier, coded)` classifies each
 * transcript's utterances and scores them against its codings (synchronous for a sync classifier).
 * @category Evaluation
 * @example
 * const r = evaluate(predictions, goldCodings, { codebook: rapportCodebook, depth: 0 });
 * r.macroF1.value; // e.g. 0.74
 */
export function evaluate(
  predictions: readonly (Prediction | Coding)[],
  gold: readonly Coding[],
  options?: EvaluateOptions,
): EvaluationReport;
export function evaluate(
  classifier: SyncClassifier,
  gold: CodedTranscript | readonly CodedTranscript[],
  options?: EvaluateOptions,
): EvaluationReport;
export function evaluate(
  classifier: AsyncClassifier | Classifier,
  gold: CodedTranscript | readonly CodedTranscript[],
  options?: EvaluateOptions,
): Promise<EvaluationReport>;
export function evaluate(
  first: readonly (Prediction | Coding)[] | Classifier,
  gold: readonly Coding[] | CodedTranscript | readonly CodedTranscript[],
  options: EvaluateOptions = {},
): EvaluationReport | Promise<EvaluationReport> {
  if (!Array.isArray(first)) {
    const classifier = first as Classifier;
    const coded: readonly CodedTranscript[] = Array.isArray(gold)
      ? (gold as readonly CodedTranscript[])
      : [gold as CodedTranscript];
    const goldCodings = coded.flatMap((c) => c.codings);
    if (classifier.mode === "sync") {
      const preds = coded.flatMap((c) => classifier.classify(c.transcript.utterances));
      return evaluatePredictions(preds, goldCodings, options);
    }
    return (async () => {
      const preds: Prediction[] = [];
      for (const c of coded) preds.push(...(await classifier.classify(c.transcript.utterances)));
      return evaluatePredictions(preds, goldCodings, options);
    })();
  }
  return evaluatePredictions(
    first as readonly (Prediction | Coding)[],
    gold as readonly Coding[],
    options,
  );
}

function evaluatePredictions(
  predictions: readonly (Prediction | Coding)[],
  gold: readonly Coding[],
  options: EvaluateOptions,
): EvaluationReport {
  const map = mapper(options);
  const goldById = new Map<string, string>();
  let duplicateGold = 0;
  for (const g of gold) {
    if (options.goldSource !== undefined && g.source !== options.goldSource) continue;
    if (goldById.has(g.utteranceId)) duplicateGold++;
    else goldById.set(g.utteranceId, map(g.codeId));
  }
  const predById = new Map<string, string>();
  const predOrder: string[] = [];
  for (const p of predictions)
    if (!predById.has(p.utteranceId)) {
      predById.set(p.utteranceId, map(p.codeId));
      predOrder.push(p.utteranceId);
    }

  const pairs: [string, string][] = [];
  const goldWithoutPrediction: string[] = [];
  for (const [id, g] of goldById) {
    const p = predById.get(id);
    if (p === undefined) goldWithoutPrediction.push(id);
    else pairs.push([g, p]);
  }
  const predictionWithoutGold = predOrder.filter((id) => !goldById.has(id));

  // Labels: codebook order (rolled up) first, then any other code in sorted order.
  const seen = new Set<string>();
  for (const [g, p] of pairs) {
    seen.add(g);
    seen.add(p);
  }
  const labels: string[] = [];
  if (options.codebook)
    for (const c of options.codebook.codes) {
      const l = map(c.id);
      if (seen.has(l) && !labels.includes(l)) labels.push(l);
    }
  const rest = [...seen].filter((l) => !labels.includes(l)).sort();
  labels.push(...rest);
  const index = new Map(labels.map((l, k) => [l, k]));
  const K = labels.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const tp = new Array<number>(K).fill(0);
  const support = new Array<number>(K).fill(0);
  const predicted = new Array<number>(K).fill(0);
  for (const [g, p] of pairs) {
    const gi = index.get(g) as number;
    const pi = index.get(p) as number;
    const row = confusion[gi] as number[];
    row[pi] = (row[pi] as number) + 1;
    support[gi] = (support[gi] as number) + 1;
    predicted[pi] = (predicted[pi] as number) + 1;
    if (gi === pi) tp[gi] = (tp[gi] as number) + 1;
  }
  const m = classificationMetrics(tp, support, predicted, "code");
  const perCode: CodeMetrics[] = labels.map((code, k) => ({
    code,
    ...(m.perClass[k] as ClassMetrics),
    support: support[k] as number,
    predicted: predicted[k] as number,
  }));
  return {
    depth: options.depth ?? null,
    labels,
    confusion,
    perCode,
    accuracy: m.accuracy,
    macroF1: m.macro.f1,
    weightedF1: m.weighted.f1,
    matched: pairs.length,
    goldWithoutPrediction,
    predictionWithoutGold,
    duplicateGold,
  };
}

/**
 * Formats a report as plain text: the confusion matrix (rows gold, columns predicted) and a table
 * of per-code precision, recall, F1 and support, then accuracy and macro/weighted F1.
 * @category Evaluation
 */
export function formatEvaluation(r: EvaluationReport): string {
  const fmt = (s: Stat) => (s.value === null ? "-" : s.value.toFixed(3));
  const w = Math.max(8, ...r.labels.map((l) => l.length));
  const cw = Math.max(
    3 + String(r.labels.length).length,
    ...r.confusion.flat().map((v) => String(v).length),
  );
  const lines: string[] = [];
  lines.push(`Confusion matrix (rows: gold, columns: predicted; ${r.matched} items)`);
  const rw = w + 2 + String(r.labels.length).length + 2;
  lines.push(`${"".padEnd(rw)} ${r.labels.map((_, k) => `[${k}]`.padStart(cw)).join(" ")}`);
  r.labels.forEach((l, k) => {
    const cells = (r.confusion[k] as number[]).map((v) => String(v).padStart(cw)).join(" ");
    lines.push(`${`[${k}] ${l}`.padEnd(rw)} ${cells}`);
  });
  lines.push("");
  lines.push(`${"code".padEnd(w)}  precision  recall     f1  support`);
  for (const m of r.perCode)
    lines.push(
      `${m.code.padEnd(w)}  ${fmt(m.precision).padStart(9)}  ${fmt(m.recall).padStart(6)}  ${fmt(m.f1).padStart(5)}  ${String(m.support).padStart(7)}`,
    );
  lines.push("");
  lines.push(`accuracy     ${fmt(r.accuracy)}`);
  lines.push(`macro F1     ${fmt(r.macroF1)}`);
  lines.push(`weighted F1  ${fmt(r.weightedF1)}`);
  if (r.goldWithoutPrediction.length)
    lines.push(`gold items without a prediction: ${r.goldWithoutPrediction.length}`);
  if (r.predictionWithoutGold.length)
    lines.push(`predictions without a gold code: ${r.predictionWithoutGold.length}`);
  return `${lines.join("\n")}\n`;
}
