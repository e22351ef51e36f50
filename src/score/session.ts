import type { CodedTranscript } from "../core/schemas.js";
import { PreparedSessions } from "./_session.js";
import { type FlagOptions, flagSessionWith, type SessionFlags } from "./flags.js";
import {
  type MiscSummary,
  type MitiOptions,
  type MitiSummary,
  miscSummaryWith,
  mitiSummaryWith,
} from "./miti.js";
import { type ProfileOptions, type RapportProfile, rapportProfileWith } from "./profile.js";
import { type SessionSummary, summarizeSessionWith } from "./summary.js";

/**
 * Options of {@link sessionScores}: those of each score it computes (each reads its own).
 * @category Scores
 */
export interface SessionScoresOptions extends MitiOptions, ProfileOptions, FlagOptions {}

/**
 * Every session score of one coded session, as {@link sessionScores} returns them.
 * @category Scores
 */
export interface SessionScores {
  /** {@link summarizeSession}: counts, rates per 100 utterances, talk time. */
  readonly summary: SessionSummary;
  /** {@link mitiSummary}: MITI 4.2.1 summary scores. */
  readonly miti: MitiSummary;
  /** {@link miscSummary}: MISC 2.5 summary scores. */
  readonly misc: MiscSummary;
  /** {@link rapportProfile}: the goal/task/bond rapport profile. */
  readonly profile: RapportProfile;
  /** {@link flagSession}: the session's flags (oversharing, judgement runs, …). */
  readonly flags: SessionFlags;
}

/**
 * Scores one coded session with every session score: {@link summarizeSession},
 * {@link mitiSummary}, {@link miscSummary}, {@link rapportProfile} and {@link flagSession}, each
 * with the same `options`. The result equals calling the five functions one by one, but the
 * session is validated and tokenised once for all five, not once for each.
 * @throws {ScoreInputError} as the five functions: the input is not a valid `CodedTranscript`, or
 * an utterance id is used twice.
 * @category Scores
 * @example
 * ```ts
 * const { summary, miti, profile } = sessionScores(codeTranscript(classifier, transcript));
 * miti.rq.value; // reflections per question, or null with miti.rq.reason
 * profile.overall.value; // the rapport index, 0–100
 * ```
 */
export function sessionScores(
  coded: CodedTranscript,
  options: SessionScoresOptions = {},
): SessionScores {
  // The five scores share one preparation of the session.
  const cache = new PreparedSessions();
  return {
    summary: summarizeSessionWith(coded, options, cache),
    miti: mitiSummaryWith(coded, options, cache),
    misc: miscSummaryWith(coded, options, cache),
    profile: rapportProfileWith(coded, options, cache),
    flags: flagSessionWith(coded, options, cache),
  };
}
