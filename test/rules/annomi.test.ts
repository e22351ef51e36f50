import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  annomiCodebook,
  rapportCodebook,
  rollUp,
  rulesClassifier,
  type Utterance,
} from "../../src/index.js";
import { TARGET_CODES } from "./eval-helpers.js";

/**
 * An external check of the rules on AnnoMI (real transcripts of demonstration sessions, labelled by
 * AnnoMI's annotators, not by us). Skipped when the data is not next to the repository.
 */
const DATA = new URL("../../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url);
const HARMS = ["judgement", "invalidation", "oversharing", "advice.unsolicited"];
interface Row extends Utterance {
  readonly quality: string;
  readonly behaviour: string;
  readonly talk: string;
}

function load(): Row[] {
  const rows = parse(readFileSync(DATA), { columns: true }) as Record<string, string>[];
  const first = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const k = `${r.transcript_id}:${r.utterance_id}`;
    const p = first.get(k);
    if (!p || Number(r.annotator_id) < Number(p.annotator_id)) first.set(k, r);
  }
  return [...first.values()]
    .sort(
      (a, b) =>
        Number(a.transcript_id) - Number(b.transcript_id) ||
        Number(a.utterance_id) - Number(b.utterance_id),
    )
    .map((r) => ({
      id: `${r.transcript_id}:${r.utterance_id}`,
      session: String(r.transcript_id),
      index: Number(r.utterance_id),
      speaker: String(r.interlocutor),
      role: r.interlocutor === "therapist" ? ("therapist" as const) : ("client" as const),
      text: String(r.utterance_text),
      quality: String(r.mi_quality),
      behaviour: String(r.main_therapist_behaviour),
      talk: String(r.client_talk_type),
    }));
}

describe.skipIf(!existsSync(DATA))("rules on AnnoMI (external check)", () => {
  const rows = existsSync(DATA) ? load() : [];
  const therapist = rows.map((r, i) => [r, i] as const).filter(([r]) => r.role === "therapist");

  const annomi = rulesClassifier(annomiCodebook).classify(rows);
  const labels = ["reflection", "question", "therapist_input", "other"];
  const f1 = labels.map((l) => {
    let tp = 0;
    let pred = 0;
    let sup = 0;
    for (const [r, i] of therapist) {
      const p = rollUp(annomiCodebook, (annomi[i] as { codeId: string }).codeId, 0);
      if (p === l) pred++;
      if (r.behaviour === l) sup++;
      if (p === l && r.behaviour === l) tp++;
    }
    const P = pred ? tp / pred : 0;
    const R = sup ? tp / sup : 0;
    return { label: l, P, R, F1: P + R ? (2 * P * R) / (P + R) : 0 };
  });
  const macro = f1.reduce((s, x) => s + x.F1, 0) / labels.length;

  // Accuracy by confidence band (therapist behaviour rolled up, client talk type as is).
  const bands = new Map<string, { n: number; ok: number }>();
  rows.forEach((r, i) => {
    const p = annomi[i] as { codeId: string; confidence: number };
    const gold = r.role === "therapist" ? r.behaviour : r.talk;
    const band =
      p.confidence >= 0.9
        ? "≥ 0.9"
        : p.confidence >= 0.7
          ? "0.7–0.9"
          : p.confidence >= 0.5
            ? "0.5–0.7"
            : "< 0.5";
    const b = bands.get(band) ?? { n: 0, ok: 0 };
    b.n++;
    if (rollUp(annomiCodebook, p.codeId, 0) === gold) b.ok++;
    bands.set(band, b);
  });

  const rapport = rulesClassifier(rapportCodebook).classify(rows);
  const rate = (quality: string, codes: readonly string[]) => {
    const ts = therapist.filter(([r]) => r.quality === quality);
    const hit = ts.filter(([, i]) => codes.includes((rapport[i] as { codeId: string }).codeId));
    return { n: ts.length, k: hit.length, share: hit.length / ts.length };
  };

  it("reads 7,438 distinct utterances, 3,746 of them the therapist's", () => {
    expect(rows).toHaveLength(7438);
    expect(therapist).toHaveLength(3746);
  });

  it("codes AnnoMI's therapist behaviour (4 classes) with macro-F1 ≥ 0.60 from cues alone", () => {
    expect(macro).toBeGreaterThanOrEqual(0.6);
  });

  it("rarely gives rapport-harming codes in high-quality MI sessions, more often in low-quality ones", () => {
    const high = rate("high", HARMS);
    const low = rate("low", HARMS);
    expect(high.share).toBeLessThan(0.02);
    expect(low.share).toBeGreaterThan(high.share * 2);
  });

  it("docs/cues.md shows these figures", () => {
    const lines = [
      `AnnoMI-full.dev.csv, first annotator per utterance: ${rows.length} utterances, ${therapist.length} therapist.`,
      "",
      `- \`rules@annomi\`, therapist behaviour (4 classes, rolled up to the top level): macro-F1 ${macro.toFixed(3)}`,
      ...f1.map(
        (x) =>
          `  - ${x.label}: precision ${x.P.toFixed(2)}, recall ${x.R.toFixed(2)}, F1 ${x.F1.toFixed(2)}`,
      ),
      "- `rules@annomi`, share correct by confidence band (all utterances; the confidences are heuristic, not calibrated probabilities):",
      ...["≥ 0.9", "0.7–0.9", "0.5–0.7", "< 0.5"].map((k) => {
        const b = bands.get(k) ?? { n: 0, ok: 0 };
        return `  - ${k}: ${b.ok} of ${b.n} (${b.n ? ((b.ok / b.n) * 100).toFixed(0) : "–"} %)`;
      }),
      "- `rules@rapport`, share of therapist utterances given a rapport-harming code (judgement, invalidation, oversharing, unsolicited advice):",
      ...["high", "low"].map((q) => {
        const r = rate(q, HARMS);
        return `  - ${q}-quality MI sessions: ${r.k} of ${r.n} (${(r.share * 100).toFixed(1)} %)`;
      }),
      "- `rules@rapport`, share given any of the eight codes AnnoMI lacks:",
      ...["high", "low"].map((q) => {
        const r = rate(q, TARGET_CODES);
        return `  - ${q}-quality MI sessions: ${r.k} of ${r.n} (${(r.share * 100).toFixed(1)} %)`;
      }),
    ].join("\n");
    const url = new URL("../../docs/cues.md", import.meta.url);
    const current = readFileSync(url, "utf8");
    const start = "<!-- annomi:start -->";
    const end = "<!-- annomi:end -->";
    const a = current.indexOf(start);
    const b = current.indexOf(end);
    expect(a).toBeGreaterThanOrEqual(0);
    const want = `${current.slice(0, a + start.length)}\n${lines}\n${current.slice(b)}`;
    if (process.env.UPDATE_DOCS === "1") writeFileSync(url, want);
    else expect(current).toBe(want);
  });
});
