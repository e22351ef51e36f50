import { type Issue, ScoreInputError } from "../core/errors.js";
import type { CodedTranscript, SpeakerRole } from "../core/schemas.js";
import { defined, type Stat, undefinedStat } from "../core/stat.js";
import {
  mapUnits,
  mapWeighted,
  type PreparedSessions,
  prepare,
  type SessionScoreOptions,
  unknownWarnings,
  withAncestors,
} from "./_session.js";

/** Bordin's three dimensions of the working alliance. @category Scores */
export type AllianceDimension = "goal" | "task" | "bond";

/** Weights per `rapport` code id (a parent id also matches its sub-codes), per dimension. @category Scores */
export type ProfileWeights = Readonly<Record<AllianceDimension, Readonly<Record<string, number>>>>;

/**
 * rapportkit's default weights. Positive codes build, negative codes harm. The most negative
 * weight of each dimension is its harm code(s), so adding that code can never raise the score
 * (see {@link rapportProfile}). These weights are a transparent starting point, not fitted values.
 *
 * - bond: reflections +1 (complex +1.5), validation +2, affirmation +2, judgement −3,
 *   invalidation −3, oversharing −2;
 * - task: permission +2, feedback request +2, autonomy +2, advice with permission +1,
 *   unsolicited advice −3;
 * - goal: summaries +2, open questions +1, client change talk +1 (per 100 client utterances).
 * @category Scores
 */
export const DEFAULT_PROFILE_WEIGHTS: ProfileWeights = {
  bond: {
    reflection: 1,
    "reflection.complex": 1.5,
    validation: 2,
    affirmation: 2,
    judgement: -3,
    invalidation: -3,
    oversharing: -2,
  },
  task: {
    permission: 2,
    feedback_request: 2,
    autonomy: 2,
    "advice.permitted": 1,
    "advice.unsolicited": -3,
  },
  goal: { summary: 2, "question.open": 1, change_talk: 1 },
};

/** Options of {@link rapportProfile}. @category Scores */
export interface ProfileOptions extends SessionScoreOptions {
  /** Replace a dimension's weights (the whole table of that dimension). */
  readonly weights?: Partial<ProfileWeights>;
  /** The logistic scale: a net rate of +`scale` per 100 maps to 73.1, −`scale` to 26.9. Default 20. */
  readonly scale?: number;
  /** Weights of the dimensions in the overall index (normalised to sum 1). Default equal. */
  readonly overallWeights?: Readonly<Record<AllianceDimension, number>>;
  /**
   * Also count each utterance's second behaviour (`coding.secondary`, coding manual §4) at the
   * same weight as a primary code; the rate stays per 100 utterances of the role. Default false:
   * only the primary code counts, as in MITI's one code per utterance.
   */
  readonly secondary?: boolean;
}

/** One code's part in a dimension's score. @category Scores */
export interface Contribution {
  /** The weight key that matched (a code id, or a parent id matching its sub-codes). */
  readonly codeId: string;
  /** Utterances with the code (with `counting: "expected"`, the sum of their probabilities). */
  readonly count: number;
  /** count per 100 utterances of the role it was given to (therapist or client). */
  readonly per100: number;
  readonly weight: number;
  /** weight × per100: what it added to (or took from) `net`. */
  readonly contribution: number;
}

/** One dimension of the profile. @category Scores */
export type DimensionScore = {
  /** Net weighted rate: Σ weight × count per 100 utterances of the code's role. */
  readonly net: number;
  /** The codes that moved the score, largest |contribution| first. */
  readonly contributions: readonly Contribution[];
} & Stat;

/** What {@link rapportProfile} returns. @category Scores */
export interface RapportProfile {
  readonly session: string;
  readonly goal: DimensionScore;
  readonly task: DimensionScore;
  readonly bond: DimensionScore;
  /** Weighted mean of the three scores (0–100), or null when they are undefined. */
  readonly overall: Stat;
  readonly warnings: readonly string[];
}

/** 100 / (1 + e^(−net / scale)), within [0, 100]. @internal */
export function logistic100(net: number, scale: number): number {
  return 100 / (1 + Math.exp(-net / scale));
}

const DIMS: readonly AllianceDimension[] = ["goal", "task", "bond"];

function checkProfileOptions(o: ProfileOptions): void {
  const issues: Issue[] = [];
  if (o.scale !== undefined && !(Number.isFinite(o.scale) && o.scale > 0))
    issues.push({
      code: "out_of_range",
      path: ["scale"],
      message: "scale must be a finite number > 0",
    });
  for (const d of DIMS) {
    const w = o.weights?.[d];
    if (w)
      for (const [k, v] of Object.entries(w))
        if (!Number.isFinite(v))
          issues.push({
            code: "out_of_range",
            path: ["weights", d, k],
            message: "weights must be finite numbers",
          });
    const ov = o.overallWeights?.[d];
    if (o.overallWeights && !(typeof ov === "number" && Number.isFinite(ov) && ov >= 0))
      issues.push({
        code: "out_of_range",
        path: ["overallWeights", d],
        message: "overall weights must be finite numbers ≥ 0",
      });
  }
  if (issues.length > 0) throw new ScoreInputError(issues);
}

/**
 * A behavioural estimate of the rapport profile on Bordin's three dimensions of the working
 * alliance (goal, task, bond) from the codes, mapped to the `rapport` codebook. It is **not a
 * validated instrument**: it summarises what the therapist did, not what the client experienced.
 *
 * For each dimension d, with weights w (default {@link DEFAULT_PROFILE_WEIGHTS}):
 * net_d = Σ_code w_code × 100 × count_code / n_role (n_role = utterances of the role the code was
 * given to; a code matches its most specific weighted id, `reflection.complex` before
 * `reflection`), and score_d = 100 / (1 + e^(−net_d / scale)), so no codes give 50 and the score
 * stays within 0–100. The overall index is the weighted mean of the three scores.
 *
 * Monotonicity: adding a therapist utterance with the dimension's lowest (negative) weight never
 * raises that dimension, because net/100 is a mean of per-utterance weights and the new
 * utterance's weight is at most that mean.
 *
 * Reference: Bordin (1979), *Psychotherapy: Theory, Research & Practice* 16(3):252-260 (goal, task,
 * bond); Tickle-Degnen & Rosenthal (1990), *Psychological Inquiry* 1(4):285-293 (rapport). The
 * code-to-dimension weights are rapportkit's own (`DEFAULT_PROFILE_WEIGHTS`), not published ones.
 *
 * @example
 * const p = rapportProfile(coded);
 * p.bond.value; // => 73.1 when net bond = +20 per 100 therapist utterances
 * p.bond.contributions[0]; // => { codeId: "reflection", count: 2, per100: 20, weight: 1, contribution: 20 }
 * @category Scores
 */
export function rapportProfile(
  coded: CodedTranscript,
  options: ProfileOptions = {},
): RapportProfile {
  return rapportProfileWith(coded, options, undefined);
}

/** {@link rapportProfile}, preparing the session through `cache` (when given). @internal */
export function rapportProfileWith(
  coded: CodedTranscript,
  options: ProfileOptions,
  cache: PreparedSessions | undefined,
): RapportProfile {
  checkProfileOptions(options);
  const session = prepare(coded, options, cache);
  const { weighted, unknown } = mapWeighted(session, "rapport", options);
  // Second behaviours, mapped by the same table (and the same advice context rule).
  const secondaries: (string | null)[] = options.secondary
    ? mapUnits(
        {
          ...session,
          units: session.units.map((u) => ({ ...u, codeId: u.coding?.secondary?.codeId })),
        },
        "rapport",
        options,
      ).mapped
    : [];
  const warnings = [...session.warnings, ...unknownWarnings(unknown, "rapport")];
  const weights: ProfileWeights = { ...DEFAULT_PROFILE_WEIGHTS, ...options.weights };
  const scale = options.scale ?? 20;
  const nRole: Record<SpeakerRole, number> = { therapist: 0, client: 0, other: 0 };
  for (const u of session.units) nRole[u.role]++;

  const dim = (d: AllianceDimension): DimensionScore => {
    const w = weights[d];
    const counts = new Map<string, RoleCounts>();
    const add = (m: string | null, role: SpeakerRole, weight: number) => {
      if (m === null) return;
      const key = withAncestors(m).find((k) => Object.hasOwn(w, k));
      if (key === undefined) return;
      const c = counts.get(key) ?? { therapist: 0, client: 0, other: 0 };
      c[role] += weight;
      counts.set(key, c);
    };
    weighted.forEach((codes, i) => {
      const role = (session.units[i] as { role: SpeakerRole }).role;
      for (const [m, weight] of codes) add(m, role, weight);
    });
    secondaries.forEach((m, i) => {
      add(m, (session.units[i] as { role: SpeakerRole }).role, 1);
    });
    return dimensionScore(counts, nRole, w, scale);
  };
  const out = { goal: dim("goal"), task: dim("task"), bond: dim("bond") };
  return { session: session.id, ...out, overall: overallScore(out, options), warnings };
}

/** Per role, how many utterances a code (or the code it rolls up to) was given. @internal */
export type RoleCounts = { therapist: number; client: number; other: number };

/**
 * One dimension's score from its codes' counts by role: per 100 utterances of each role, times
 * the code's weight, summed and put through {@link logistic100}. Shared by {@link rapportProfile}
 * and the live coder's running profile, so both finish the same way. @internal
 */
export function dimensionScore(
  counts: Iterable<readonly [string, RoleCounts]>,
  nRole: Readonly<Record<SpeakerRole, number>>,
  w: Readonly<Record<string, number>>,
  scale: number,
): DimensionScore {
  const contributions: Contribution[] = [];
  let net = 0;
  for (const [codeId, c] of counts) {
    let per100 = 0;
    for (const r of ["therapist", "client", "other"] as const)
      if (nRole[r] > 0) per100 += (100 * c[r]) / nRole[r];
    const weight = w[codeId] as number;
    const contribution = weight * per100;
    net += contribution;
    contributions.push({
      codeId,
      count: c.therapist + c.client + c.other,
      per100,
      weight,
      contribution,
    });
  }
  contributions.sort(
    (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.codeId < b.codeId ? -1 : 1),
  );
  if (nRole.therapist === 0)
    return { net, contributions, value: null, reason: "no therapist utterances" };
  return { net, contributions, value: logistic100(net, scale) };
}

/** The overall index: the dimensions' weighted mean, undefined if any dimension is. @internal */
export function overallScore(
  dims: Readonly<Record<AllianceDimension, DimensionScore>>,
  options: Pick<ProfileOptions, "overallWeights">,
): Stat {
  const ow = options.overallWeights ?? { goal: 1, task: 1, bond: 1 };
  let sum = 0;
  let wsum = 0;
  let reason: string | undefined;
  for (const d of DIMS) {
    const s = dims[d];
    if (s.value === null) reason = s.reason;
    else {
      sum += ow[d] * s.value;
      wsum += ow[d];
    }
  }
  return reason !== undefined
    ? undefinedStat(reason)
    : wsum > 0
      ? defined(sum / wsum)
      : undefinedStat("overall weights sum to zero");
}
