/**
 * Nudges: declarative rules over a sliding window of turns or seconds, evaluated as each
 * utterance arrives, in O(1) amortised time per rule (running sums over a queue).
 * @module
 */

import type { Issue } from "../core/errors.js";
import { ValidationError } from "../core/errors.js";
import type { ScoredUnit } from "./scores.js";

/**
 * What a nudge rule measures, over the therapist's utterances in its window:
 *
 * - `unsolicitedAdvice`: utterances coded (or mapped to) `advice.unsolicited` — advice with no
 *   permission asked or advice requested just before (MITI 4.2.1: Persuade, MI-non-adherent).
 *   Fires when the count reaches `threshold`, on the utterance that reached it.
 * - `judgement`: utterances mapped to `judgement` or `invalidation` (MITI: Confront). Same rule.
 * - `oversharing`: utterances mapped to `oversharing`. Same rule.
 * - `reflectionToQuestion`: reflections / questions (MITI SR + CR over Q). Fires, on a therapist
 *   utterance, when the window holds at least `minCount` questions and the ratio is below
 *   `threshold`.
 * - `therapistTalkShare`: the therapist's share (0–1) of the talk in the window: by time when every
 *   utterance in the window has start and end times, else by words. Fires, on a therapist
 *   utterance, when the window holds at least `minCount` utterances and the share is above
 *   `threshold`.
 * - `questionsWithoutReflection`: therapist questions since the last therapist reflection (no
 *   window: a run). Fires, on a question, when the run reaches `threshold`.
 * @category Live
 */
export type NudgeMetric =
  | "unsolicitedAdvice"
  | "judgement"
  | "oversharing"
  | "reflectionToQuestion"
  | "therapistTalkShare"
  | "questionsWithoutReflection";

/** A span of the session: the last `turns` utterances (any speaker), or the last `seconds`. @category Live */
export type NudgeSpan = { readonly turns: number } | { readonly seconds: number };

/**
 * A nudge rule: what to measure, over which window, when to fire and how long to stay quiet
 * after firing. `message` is a key the app translates (see {@link NUDGE_MESSAGES_EN}); nudges
 * never carry utterance text.
 * @category Live
 */
export interface NudgeRule {
  /** A unique id, e.g. `unsolicited-advice`. */
  readonly id: string;
  readonly metric: NudgeMetric;
  /** The count to reach, the ratio to stay above (`reflectionToQuestion`) or the share not to exceed (`therapistTalkShare`). */
  readonly threshold: number;
  /** The sliding window; required except for `questionsWithoutReflection`. */
  readonly window?: NudgeSpan;
  /** After firing, the rule stays quiet for this many turns or seconds. */
  readonly cooldown: NudgeSpan;
  /** The least evidence before a ratio rule may fire: questions (R:Q) or utterances (talk share) in the window. Default 1. */
  readonly minCount?: number;
  /** A message key, e.g. `rapportkit.nudge.unsolicitedAdvice`. */
  readonly message: string;
}

/** A nudge a rule raised (ids and numbers; never utterance text). @category Live */
export interface Nudge {
  readonly rule: string;
  readonly metric: NudgeMetric;
  readonly message: string;
  /** The measured value that crossed the threshold (a count, a ratio or a share). */
  readonly value: number;
  readonly threshold: number;
  /** The utterance whose arrival raised it. */
  readonly utteranceId: string;
  /** Its position in the session (0-based). */
  readonly turn: number;
  /** Its time in seconds (the utterance's start, or the coder's clock). */
  readonly time: number;
}

/**
 * rapportkit's default nudges. Their thresholds come from MITI 4.2.1 where it has one, and are
 * rapportkit's choices otherwise (set your own for your setting):
 *
 * - `reflection-to-question`: R:Q below 1 over the last 20 turns, once at least 4 questions were
 *   asked. MITI 4.2.1 takes R:Q ≥ 1 as fair and ≥ 2 as good proficiency (Moyers, Rowell, Manuel,
 *   Ernst & Houck 2016, *Journal of Substance Abuse Treatment* 65:36-42; manual: Moyers, Manuel &
 *   Ernst 2015, *MITI Coding Manual 4.2.1*).
 * - `unsolicited-advice`: 2 pieces of advice without permission in the last 10 turns. MITI 4.2.1
 *   counts advice without permission or autonomy emphasis as Persuade, an MI-non-adherent behaviour
 *   (Moyers et al. 2016).
 * - `judgement`: 1 judgement or invalidation in the last 10 turns (MITI 4.2.1 Confront, MI-non-
 *   adherent); invalidation is the opposite of validation in Linehan (1997), "Validation and
 *   psychotherapy", in Bohart & Greenberg (eds.), *Empathy Reconsidered*, APA, pp. 353-392.
 * - `questions-in-a-row`: 3 therapist questions without a reflection between them: the
 *   "question–answer trap" of Miller & Rollnick (2013), *Motivational Interviewing: Helping People
 *   Change*, 3rd ed., Guilford Press.
 * - `talk-share`: the therapist above 60 % of the talk in the last 5 minutes, once 6 utterances are
 *   in the window. No instrument sets a cut-off; clinician talk time correlated with fewer
 *   MI-consistent behaviours (r = −0.40) in Hershberger et al. (2021), "Advancing Motivational
 *   Interviewing Training with Artificial Intelligence: ReadMI", *Advances in Medical Education
 *   and Practice* 12:613-618.
 * - `oversharing`: 1 utterance coded oversharing in the last 10 turns: self-disclosure helps when
 *   brief, infrequent and returning the focus to the client (Henretty & Levitt 2010, *Clinical
 *   Psychology Review* 30(1):63-77).
 *
 * Each stays quiet for 10 turns after firing (`talk-share`: 2 minutes; `questions-in-a-row`: 3
 * turns).
 * @category Live
 */
export const DEFAULT_NUDGE_RULES: readonly NudgeRule[] = [
  {
    id: "unsolicited-advice",
    metric: "unsolicitedAdvice",
    threshold: 2,
    window: { turns: 10 },
    cooldown: { turns: 10 },
    message: "rapportkit.nudge.unsolicitedAdvice",
  },
  {
    id: "judgement",
    metric: "judgement",
    threshold: 1,
    window: { turns: 10 },
    cooldown: { turns: 10 },
    message: "rapportkit.nudge.judgement",
  },
  {
    id: "reflection-to-question",
    metric: "reflectionToQuestion",
    threshold: 1,
    minCount: 4,
    window: { turns: 20 },
    cooldown: { turns: 10 },
    message: "rapportkit.nudge.reflectionToQuestion",
  },
  {
    id: "questions-in-a-row",
    metric: "questionsWithoutReflection",
    threshold: 3,
    cooldown: { turns: 3 },
    message: "rapportkit.nudge.questionsWithoutReflection",
  },
  {
    id: "talk-share",
    metric: "therapistTalkShare",
    threshold: 0.6,
    minCount: 6,
    window: { seconds: 300 },
    cooldown: { seconds: 120 },
    message: "rapportkit.nudge.therapistTalkShare",
  },
  {
    id: "oversharing",
    metric: "oversharing",
    threshold: 1,
    window: { turns: 10 },
    cooldown: { turns: 10 },
    message: "rapportkit.nudge.oversharing",
  },
];

/**
 * English texts for the default message keys; `{value}` and `{threshold}` are filled in by
 * {@link formatNudge}.
 * @category Live
 */
export const NUDGE_MESSAGES_EN: Readonly<Record<string, string>> = {
  "rapportkit.nudge.unsolicitedAdvice":
    "{value} pieces of advice without permission in the last turns: ask before advising.",
  "rapportkit.nudge.judgement":
    "A judging or invalidating remark: try reflecting what the client feels.",
  "rapportkit.nudge.reflectionToQuestion":
    "Reflections to questions is {value} (aim for at least {threshold}): reflect before asking again.",
  "rapportkit.nudge.questionsWithoutReflection": "{value} questions in a row without a reflection.",
  "rapportkit.nudge.therapistTalkShare":
    "You have done {value} of the talking lately: leave room for the client.",
  "rapportkit.nudge.oversharing": "A long self-disclosure: bring the focus back to the client.",
};

/**
 * A nudge's text from a table of message keys (default {@link NUDGE_MESSAGES_EN}); the key itself
 * when the table has none. Shares are shown as percentages, ratios with two decimals.
 * @example
 * formatNudge({ rule: "questions-in-a-row", metric: "questionsWithoutReflection", message: "rapportkit.nudge.questionsWithoutReflection", value: 3, threshold: 3, utteranceId: "live:7", turn: 7, time: 0 });
 * // => "3 questions in a row without a reflection."
 * @category Live
 */
export function formatNudge(
  nudge: Nudge,
  messages: Readonly<Record<string, string>> = NUDGE_MESSAGES_EN,
): string {
  const text = Object.hasOwn(messages, nudge.message) ? messages[nudge.message] : undefined;
  if (text === undefined) return nudge.message;
  const show = (v: number) =>
    nudge.metric === "therapistTalkShare"
      ? `${Math.round(v * 100)} %`
      : Number.isInteger(v)
        ? String(v)
        : v.toFixed(2);
  return text.replace("{value}", show(nudge.value)).replace("{threshold}", show(nudge.threshold));
}

const METRICS: readonly NudgeMetric[] = [
  "unsolicitedAdvice",
  "judgement",
  "oversharing",
  "reflectionToQuestion",
  "therapistTalkShare",
  "questionsWithoutReflection",
];

function spanIssues(span: unknown, path: PropertyKey[], issues: Issue[]): void {
  const s = span as { turns?: unknown; seconds?: unknown } | undefined;
  const ok = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (typeof s !== "object" || s === null || (s.turns === undefined) === (s.seconds === undefined))
    issues.push({
      code: "invalid_input",
      path,
      message: "expected { turns: n } or { seconds: n }",
    });
  else if (s.turns !== undefined && !ok(s.turns))
    issues.push({
      code: "out_of_range",
      path: [...path, "turns"],
      message: "expected a number ≥ 0",
    });
  else if (s.seconds !== undefined && !ok(s.seconds))
    issues.push({
      code: "out_of_range",
      path: [...path, "seconds"],
      message: "expected a number ≥ 0",
    });
}

/** Checks nudge rules; throws a ValidationError naming each bad field (`nudges[2].threshold`). @internal */
export function checkNudgeRules(rules: unknown): readonly NudgeRule[] {
  const issues: Issue[] = [];
  if (!Array.isArray(rules)) {
    throw new ValidationError([
      { code: "invalid_type", path: ["nudges"], message: "expected an array of nudge rules" },
    ]);
  }
  const ids = new Set<string>();
  rules.forEach((r: Partial<NudgeRule> | null, i) => {
    const at = (k: string): PropertyKey[] => ["nudges", i, k];
    if (typeof r !== "object" || r === null) {
      issues.push({ code: "invalid_type", path: ["nudges", i], message: "expected a rule object" });
      return;
    }
    if (typeof r.id !== "string" || r.id === "")
      issues.push({ code: "invalid_type", path: at("id"), message: "expected a non-empty string" });
    else if (ids.has(r.id))
      issues.push({
        code: "invalid_input",
        path: at("id"),
        message: `rule id '${r.id}' is used twice`,
      });
    else ids.add(r.id);
    if (!METRICS.includes(r.metric as NudgeMetric))
      issues.push({
        code: "invalid_input",
        path: at("metric"),
        message: `expected one of ${METRICS.join(", ")}`,
      });
    if (typeof r.threshold !== "number" || !Number.isFinite(r.threshold) || r.threshold < 0)
      issues.push({
        code: "out_of_range",
        path: at("threshold"),
        message: "expected a finite number ≥ 0",
      });
    if (r.metric !== "questionsWithoutReflection" || r.window !== undefined)
      spanIssues(r.window, at("window"), issues);
    spanIssues(r.cooldown, at("cooldown"), issues);
    if (r.minCount !== undefined && !(Number.isFinite(r.minCount) && r.minCount >= 0))
      issues.push({ code: "out_of_range", path: at("minCount"), message: "expected a number ≥ 0" });
    if (typeof r.message !== "string" || r.message === "")
      issues.push({ code: "invalid_type", path: at("message"), message: "expected a message key" });
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return rules as NudgeRule[];
}

/** A window entry: turn, time and up to five numbers the rule sums. */
interface Entry {
  readonly turn: number;
  readonly time: number;
  readonly v: readonly number[];
}

const REFLECTIONS = new Set(["SR", "CR"]);

/**
 * One rule's running state: a queue of the entries in its window with their sums, the run
 * length, and when it last fired.
 * @internal
 */
class RuleState {
  private q: Entry[] = [];
  private head = 0;
  private sums = [0, 0, 0, 0, 0];
  private run = 0;
  private lastTurn = Number.NEGATIVE_INFINITY;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(readonly rule: NudgeRule) {}

  private values(s: ScoredUnit): number[] {
    const u = s.unit;
    const t = u.role === "therapist";
    switch (this.rule.metric) {
      case "unsolicitedAdvice":
        return [t && s.rapport === "advice.unsolicited" ? 1 : 0];
      case "judgement":
        return [t && (s.rapport === "judgement" || s.rapport === "invalidation") ? 1 : 0];
      case "oversharing":
        return [t && s.rapport === "oversharing" ? 1 : 0];
      case "reflectionToQuestion":
        return [
          t && s.miti !== null && REFLECTIONS.has(s.miti) ? 1 : 0,
          t && s.miti === "Q" ? 1 : 0,
        ];
      case "therapistTalkShare": {
        const { start, end } = u.utterance;
        const timed = start !== undefined && end !== undefined;
        const secs = timed ? (end as number) - (start as number) : 0;
        return [t ? secs : 0, secs, t ? u.wordCount : 0, u.wordCount, timed ? 0 : 1];
      }
      default:
        return [];
    }
  }

  /** Adds an utterance; returns the nudge when the rule fires. */
  push(s: ScoredUnit, turn: number, time: number): Nudge | undefined {
    const rule = this.rule;
    const therapist = s.unit.role === "therapist";
    let value: number | undefined;
    let fires = false;
    if (rule.metric === "questionsWithoutReflection") {
      if (therapist && s.miti !== null && REFLECTIONS.has(s.miti)) this.run = 0;
      if (therapist && s.miti === "Q") {
        this.run++;
        value = this.run;
        fires = this.run >= rule.threshold;
      }
    } else {
      const v = this.values(s);
      for (let k = 0; k < v.length; k++) this.sums[k] = (this.sums[k] as number) + (v[k] as number);
      this.q.push({ turn, time, v });
      this.evict(turn, time);
      const [a, b, c, d, untimed] = this.sums as [number, number, number, number, number];
      const size = this.q.length - this.head;
      switch (rule.metric) {
        case "unsolicitedAdvice":
        case "judgement":
        case "oversharing":
          if (v[0] === 1) {
            value = a;
            fires = a >= rule.threshold;
          }
          break;
        case "reflectionToQuestion":
          if (therapist && b > 0 && b >= (rule.minCount ?? 1)) {
            value = a / b;
            fires = value < rule.threshold;
          }
          break;
        case "therapistTalkShare": {
          const useTime = untimed === 0 && b > 0;
          const share = useTime ? a / b : d > 0 ? c / d : undefined;
          if (therapist && share !== undefined && size >= (rule.minCount ?? 1)) {
            value = share;
            fires = share > rule.threshold;
          }
          break;
        }
      }
    }
    if (!fires || value === undefined || this.cooling(turn, time)) return undefined;
    this.lastTurn = turn;
    this.lastTime = time;
    return {
      rule: rule.id,
      metric: rule.metric,
      message: rule.message,
      value,
      threshold: rule.threshold,
      utteranceId: s.unit.utterance.id,
      turn,
      time,
    };
  }

  private cooling(turn: number, time: number): boolean {
    const c = this.rule.cooldown;
    return "turns" in c ? turn - this.lastTurn < c.turns : time - this.lastTime < c.seconds;
  }

  private evict(turn: number, time: number): void {
    const w = this.rule.window as NudgeSpan;
    const q = this.q;
    while (this.head < q.length) {
      const e = q[this.head] as Entry;
      const out = "turns" in w ? turn - e.turn >= w.turns : time - e.time > w.seconds;
      if (!out) break;
      for (let k = 0; k < e.v.length; k++)
        this.sums[k] = (this.sums[k] as number) - (e.v[k] as number);
      this.head++;
    }
    // Compact now and then, so the queue's memory stays proportional to the window.
    if (this.head > 64 && this.head * 2 > q.length) {
      this.q = q.slice(this.head);
      this.head = 0;
    }
  }
}

/** Runs a set of rules over a session's utterances. @internal */
export class NudgeEngine {
  private readonly states: RuleState[];
  constructor(rules: readonly NudgeRule[]) {
    this.states = rules.map((r) => new RuleState(r));
  }
  push(s: ScoredUnit, turn: number, time: number): Nudge[] {
    const out: Nudge[] = [];
    for (const st of this.states) {
      const n = st.push(s, turn, time);
      if (n) out.push(n);
    }
    return out;
  }
}
