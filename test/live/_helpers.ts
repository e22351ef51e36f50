import type { Prediction, SyncClassifier } from "../../src/classify/types.js";
import type { CodedTranscript, Coding, Utterance } from "../../src/core/schemas.js";
import type { LiveCoder } from "../../src/live/index.js";
import type { LiveScoreOptions } from "../../src/live/scores.js";
import {
  flagSession,
  mitiSummary,
  rapportProfile,
  summarizeSession,
} from "../../src/score/index.js";

/**
 * A classifier that answers from a script: the coding of the utterance at each index (with an
 * optional second behaviour). Context is ignored, so live and batch codings agree by construction
 * and the comparison is of the scores alone.
 */
export function scripted(
  codebook: string,
  script: readonly { codeId: string; confidence?: number; secondary?: string }[],
): SyncClassifier {
  return {
    id: `script@${codebook}`,
    mode: "sync",
    codebook: { id: codebook, version: "1" },
    classify(utterances: readonly Utterance[]): Prediction[] {
      return utterances.map((u) => {
        const s = script[u.index];
        if (!s) throw new Error(`no scripted code at ${u.index}`);
        return {
          utteranceId: u.id,
          codeId: s.codeId,
          confidence: s.confidence ?? 0.9,
          source: `script@${codebook}`,
          ...(s.secondary ? { secondary: { codeId: s.secondary, confidence: 0.7 } } : {}),
        };
      });
    },
  };
}

/** The coded transcript a live coder holds, as a batch input. */
export function codedOf(
  live: LiveCoder,
  codebook: { id: string; version: string },
): CodedTranscript {
  const t = live.transcript();
  return {
    transcript: { id: live.session, utterances: [...t.utterances] },
    codebook,
    codings: [...t.codings] as Coding[],
  };
}

/** The batch scores of a coded transcript, shaped as a live snapshot (without nudges). */
export function batchScores(coded: CodedTranscript, o: LiveScoreOptions) {
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  // Every batch function is called on its own (no shared cache), as a user would.
  const miti = attempt(() => mitiSummary(coded, o));
  const profile = attempt(() => rapportProfile(coded, o));
  const flags = attempt(() => flagSession(coded, o));
  return {
    summary: summarizeSession(coded, o),
    ...(miti ? { miti } : {}),
    ...(profile ? { profile } : {}),
    ...(flags ? { flags } : {}),
  };
}

/** The parts of a snapshot that batch functions compute. */
export function scoresOf(s: ReturnType<LiveCoder["snapshot"]>) {
  return {
    summary: s.summary,
    ...(s.miti ? { miti: s.miti } : {}),
    ...(s.profile ? { profile: s.profile } : {}),
    ...(s.flags ? { flags: s.flags } : {}),
  };
}
