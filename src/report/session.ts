import { isRapportkitError } from "../core/errors.js";
import type { CodedTranscript } from "../core/schemas.js";
import type { SessionScoreOptions } from "../score/_session.js";
import { flagSession } from "../score/flags.js";
import { mitiSummary } from "../score/miti.js";
import { rapportProfile } from "../score/profile.js";
import { summarizeSession } from "../score/summary.js";
import type { ReportQuestionnaire, ReportSession } from "./types.js";

/** Options of {@link scoreForReport}. @category Report */
export interface ScoreForReportOptions extends SessionScoreOptions {
  /** Questionnaire totals of this session (e.g. its SRS), for the trend lines. */
  readonly questionnaires?: readonly ReportQuestionnaire[];
}

/**
 * Turns a coded transcript into a {@link ReportSession} with its scores: the talk-time shares of
 * `summarizeSession`, the MITI 4.2.1 summary of `mitiSummary`, the goal/task/bond profile of
 * `rapportProfile` and the flags of `flagSession`. A score that cannot be computed for this
 * codebook (e.g. a custom codebook without mapping tables) is left out of the report, and
 * `notes` says which and why.
 * @category Report
 * @example
 * const html = renderReport(coded.map((c) => scoreForReport(c)), { codebook: rapportCodebook });
 */
export function scoreForReport(
  coded: CodedTranscript,
  options: ScoreForReportOptions = {},
): ReportSession {
  const { questionnaires, ...scoreOptions } = options;
  const notes: string[] = [];
  const attempt = <T>(what: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!isRapportkitError(e)) throw e;
      notes.push(`${what} not computed: ${e.message}`);
      return undefined;
    }
  };
  const summary = attempt("Session summary", () => summarizeSession(coded, scoreOptions));
  const miti = attempt("MITI summary", () => mitiSummary(coded, scoreOptions));
  const profile = attempt("Rapport profile", () => rapportProfile(coded, scoreOptions));
  const flags = attempt("Flags", () => flagSession(coded, scoreOptions));
  const share = summary?.talkShare;
  return {
    transcript: coded.transcript,
    codings: coded.codings,
    ...(share
      ? {
          talkShare: {
            therapist: share.therapist.value ?? 0,
            client: share.client.value ?? 0,
            other: share.other.value ?? 0,
          },
          talkBasis: share.basis,
        }
      : {}),
    ...(miti ? { miti } : {}),
    ...(profile ? { profile } : {}),
    ...(flags ? { flags: flags.flags } : {}),
    ...(questionnaires ? { questionnaires } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
