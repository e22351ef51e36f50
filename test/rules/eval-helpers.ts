import { readFileSync } from "node:fs";
import type { Code, Codebook, SyncClassifier, Utterance } from "../../src/index.js";

/** One line of `test/fixtures/rapport-eval.jsonl`. */
export interface EvalItem {
  readonly id: string;
  readonly context?: string;
  readonly text: string;
  readonly code: string;
}

/** The rapport codes AnnoMI lacks: the ones the rules must carry. */
export const TARGET_CODES = [
  "validation",
  "affirmation",
  "judgement",
  "invalidation",
  "self_disclosure",
  "oversharing",
  "permission",
  "feedback_request",
] as const;

export function readEvalSet(): EvalItem[] {
  const url = new URL("../fixtures/rapport-eval.jsonl", import.meta.url);
  return readFileSync(url, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as EvalItem & { _meta?: string })
    .filter((x) => x._meta === undefined);
}

/** Builds a two-turn session per item (the client's context turn, then the therapist's). */
export function toUtterances(items: readonly EvalItem[]): { batch: Utterance[]; idx: number[] } {
  const batch: Utterance[] = [];
  const idx: number[] = [];
  for (const it of items) {
    if (it.context !== undefined)
      batch.push({
        id: `${it.id}:ctx`,
        session: it.id,
        index: 0,
        speaker: "C",
        role: "client",
        text: it.context,
      });
    idx.push(batch.length);
    batch.push({
      id: it.id,
      session: it.id,
      index: 1,
      speaker: "T",
      role: "therapist",
      text: it.text,
    });
  }
  return { batch, idx };
}

export interface CodeScore {
  readonly code: string;
  readonly support: number;
  readonly predicted: number;
  readonly tp: number;
  readonly precision: number | null;
  readonly recall: number | null;
}

/** Per-code precision and recall of a classifier on the evaluation set. */
export function scoreRules(
  classifier: SyncClassifier,
  items: readonly EvalItem[],
  codes: readonly string[],
): { table: CodeScore[]; accuracy: number; predictions: string[] } {
  const { batch, idx } = toUtterances(items);
  const preds = classifier.classify(batch);
  const predictions = idx.map((i) => (preds[i] as { codeId: string }).codeId);
  const table = codes.map((code) => {
    let tp = 0;
    let predicted = 0;
    let support = 0;
    items.forEach((it, k) => {
      const p = predictions[k];
      if (it.code === code) support++;
      if (p === code) predicted++;
      if (p === code && it.code === code) tp++;
    });
    return {
      code,
      support,
      predicted,
      tp,
      precision: predicted > 0 ? tp / predicted : null,
      recall: support > 0 ? tp / support : null,
    };
  });
  const correct = items.filter((it, k) => predictions[k] === it.code).length;
  return { table, accuracy: correct / items.length, predictions };
}

/** The cue listing for docs/cues.md, generated from the codebook data. */
export function cueListing(cb: Codebook): string {
  const lines: string[] = [`### \`${cb.id}\` ${cb.version}`, ""];
  for (const code of cb.codes as Code[]) {
    lines.push(
      `- **\`${code.id}\`** (${code.role}${code.parent ? `, parent \`${code.parent}\`` : ""})`,
    );
    if (!code.cues || code.cues.length === 0) {
      lines.push("  - (no cues of its own)");
      continue;
    }
    for (const cue of code.cues) {
      const w = cue.weight ?? 1;
      const ws = `${w >= 0 ? "+" : ""}${w}`;
      switch (cue.kind) {
        case "phrase":
          lines.push(
            `  - ${ws} phrase${cue.at && cue.at !== "anywhere" ? ` at ${cue.at}` : ""}: ${cue.phrases.map((p) => `"${p}"`).join(", ")}`,
          );
          break;
        case "tokens":
          lines.push(`  - ${ws} tokens: ${cue.pattern.join(" ")}`);
          break;
        case "question":
          lines.push(`  - ${ws} question: ${cue.form}`);
          break;
        case "pronoun":
          lines.push(`  - ${ws} pronoun: ${cue.person} person, at least ${cue.min ?? 1}`);
          break;
        case "mirroring":
          lines.push(`  - ${ws} mirroring: overlap with the client's previous turn ≥ ${cue.min}`);
          break;
        case "length":
          if ((cue.min ?? 0) === 0 && cue.max === undefined) {
            lines.push(`  - ${ws} prior (always fires)`);
            break;
          }
          lines.push(
            `  - ${ws} length: ${cue.min !== undefined ? `≥ ${cue.min}` : ""}${cue.min !== undefined && cue.max !== undefined ? " and " : ""}${cue.max !== undefined ? `≤ ${cue.max}` : ""} words`,
          );
          break;
      }
    }
  }
  return lines.join("\n");
}
