import type { Codebook, Coding, Transcript } from "../core/schemas.js";

/**
 * A number that may be undefined for a stated reason, as rapportkit's scores return them: a plain
 * number, `null`, `{ value, reason }` (a `Stat`) or `{ score, reason }` (a profile dimension).
 * @category Report
 */
export type ReportValue =
  | number
  | null
  | { readonly value: number | null; readonly reason?: string | undefined }
  | { readonly score: number | null; readonly reason?: string | undefined };

/**
 * MITI 4.2.1 summary scores to show against their competency bands; a `MitiSummary` from
 * `mitiSummary` fits as it is.
 * @category Report
 */
export interface ReportMiti {
  /** Reflection-to-question ratio (SR + CR) / Q. */
  readonly rq?: ReportValue;
  /** Percent complex reflections, 100 × CR / (SR + CR), 0–100. */
  readonly pctCR?: ReportValue;
  /** Total MI-adherent: Seek + AF + Emphasize (no published threshold). */
  readonly mia?: ReportValue;
  /** Total MI-non-adherent: Confront + Persuade (no published threshold). */
  readonly mina?: ReportValue;
  /** (CCT + SST) / 2, when global ratings were supplied. */
  readonly technical?: ReportValue;
  /** (Partnership + Empathy) / 2, when global ratings were supplied. */
  readonly relational?: ReportValue;
  /**
   * Fair/good thresholds; defaults are the manual's (Moyers et al. 2015, MITI 4.2.1 §I):
   * R:Q 1 and 2, %CR 40 and 50, technical 3 and 4, relational 3.5 and 4.
   */
  readonly thresholds?: Partial<
    Record<
      "rq" | "pctCR" | "technical" | "relational",
      { readonly fair: number; readonly good: number }
    >
  >;
}

/**
 * The rapport profile: goal, task and bond (0–100) and the overall index; a `RapportProfile` from
 * `rapportProfile` fits as it is.
 * @category Report
 */
export interface ReportProfile {
  readonly goal: ReportValue;
  readonly task: ReportValue;
  readonly bond: ReportValue;
  readonly overall?: ReportValue;
}

/** A flag raised on a session, with the utterances that raised it (a score layer `Flag` fits). @category Report */
export interface ReportFlag {
  /** The kind of flag, e.g. `oversharing`, `unsolicited_advice`, `judgement_run`. */
  readonly kind: string;
  /** What the flag says (never utterance text). */
  readonly message: string;
  /** The utterances that raised it (ids of the session's transcript). */
  readonly utteranceIds: readonly string[];
}

/** A questionnaire total for a session (e.g. SRS or WAI-SR), for the trend lines. @category Report */
export interface ReportQuestionnaire {
  /** Instrument id, e.g. `srs`; sessions' totals of one instrument make one trend line. */
  readonly instrument: string;
  readonly total: ReportValue;
  /** Scale range, for the chart's axis. */
  readonly min?: number;
  readonly max?: number;
  /** The instrument's concern cutoff (e.g. 36 for the SRS), drawn as a line. */
  readonly cutoff?: number;
}

/**
 * One session to report: its transcript and codings, plus whatever scores you have. Anything missing
 * is left out of the report (the timeline, code distribution and talk-time shares need only the
 * transcript and codings).
 * @category Report
 */
export interface ReportSession {
  readonly transcript: Transcript;
  /** Codings of the transcript's utterances; with several per utterance, see `ReportOptions.source`. */
  readonly codings?: readonly Coding[];
  readonly miti?: ReportMiti;
  readonly profile?: ReportProfile;
  readonly flags?: readonly ReportFlag[];
  readonly questionnaires?: readonly ReportQuestionnaire[];
  /**
   * Talk-time share per role in [0, 1], if you computed it (e.g. with `summarizeSession`);
   * otherwise the report computes it from utterance times when every utterance has them, else from
   * word counts.
   */
  readonly talkShare?: Readonly<Partial<Record<"therapist" | "client" | "other", number>>>;
  /** Whether `talkShare` was measured in time or in words. */
  readonly talkBasis?: "time" | "words";
  /** Notes shown under the session's heading (e.g. why a score is missing). Never utterance text. */
  readonly notes?: readonly string[];
}

/** The report's charts; pass a subset as `ReportOptions.charts` to leave some out. @category Report */
export type ReportChart =
  | "timeline"
  | "codes"
  | "talk"
  | "miti"
  | "profile"
  | "flags"
  | "trends"
  | "overview";

/** Every chart the report can draw, in page order. @category Report */
export const REPORT_CHARTS: readonly ReportChart[] = [
  "trends",
  "overview",
  "timeline",
  "codes",
  "talk",
  "miti",
  "profile",
  "flags",
];

/** Options of {@link renderReport}. @category Report */
export interface ReportOptions {
  /** The page title (default "rapportkit session report"). */
  readonly title?: string;
  /** The codebook of the codings: gives code labels, order and valence. */
  readonly codebook?: Codebook;
  /** With several codings per utterance, use those from this source (classifier id or coder). */
  readonly source?: string;
  /** Which charts to draw (default: all that the data allows). */
  readonly charts?: readonly ReportChart[];
  /** A line printed under the title, e.g. when and how the report was made. No date is added by default, so output is reproducible. */
  readonly subtitle?: string;
  /**
   * Ruptures per trend line, by series label (`goal`, `task`, `bond`, `overall` or an instrument
   * id) → indices of the sessions where a rupture starts. Without it, the report finds them with
   * `trend`: a profile dimension falling by more than `profileDrop` points from one session to the
   * next, and a questionnaire total at or below its `cutoff` or falling by more than
   * `questionnaireDrop`.
   */
  readonly ruptures?: Readonly<Record<string, readonly number[]>>;
  /**
   * The fall between consecutive sessions (0–100 points) that counts as a rupture of a profile
   * dimension. Default 15: a heuristic for this behavioural estimate, not a validated threshold.
   */
  readonly profileDrop?: number;
  /** The fall of a questionnaire total between consecutive sessions that counts as a rupture (default: none, only the cutoff). */
  readonly questionnaireDrop?: number;
  /**
   * Whether the sessions are in time order (e.g. one client's weekly sessions). Trend lines and
   * ruptures are drawn only for sessions in time order: `true` takes the order given; by default
   * the sessions are ordered by `metadata.date` (any date `Date.parse` reads) when every transcript
   * has one, else by a numeric `metadata.order` when every transcript has one, else they have no
   * order and the report shows how each score is spread across them instead; `false` never orders.
   */
  readonly ordered?: boolean;
  /**
   * Whether each session's transcript (every utterance's text, with its code) is in the report
   * (default true). `false` leaves the text out: a file to share more widely, and a small one. A
   * report of many sessions is mostly its transcripts and its timeline marks: 106 AnnoMI sessions
   * make 6.5 MB with them and 1.75 MB without, where each session (from six on) is shown in brief
   * (timeline, codes by role, a row of scores, flags; see `renderReport`).
   */
  readonly transcripts?: boolean;
}
