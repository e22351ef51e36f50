import { checkPredictions } from "../classify/combinators.js";
import { toCoding } from "../classify/session.js";
import type { AsyncClassifier, Classifier, Prediction, SyncClassifier } from "../classify/types.js";
import type { Issue } from "../core/errors.js";
import { RapportkitError, ValidationError } from "../core/errors.js";
import { safeParseUtterance } from "../core/parse.js";
import type { Coding, Metadata, SpeakerRole, Utterance } from "../core/schemas.js";
import type { Stat } from "../core/stat.js";
import { makeUnit } from "../score/_session.js";
import type { Flag, SessionFlags } from "../score/flags.js";
import type { MitiSummary } from "../score/miti.js";
import type { RapportProfile } from "../score/profile.js";
import type { SessionSummary } from "../score/summary.js";
import {
  checkNudgeRules,
  DEFAULT_NUDGE_RULES,
  type Nudge,
  NudgeEngine,
  type NudgeRule,
} from "./nudges.js";
import { type LiveScoreOptions, RunningScores } from "./scores.js";

/**
 * An utterance as an app receives it. `id`, `session` and `index` are optional: the coder fills
 * them in (`<session>:<n>`, the coder's session, the position). Times are seconds from the start
 * of the session.
 * @category Live
 */
export interface LiveUtterance {
  readonly id?: string;
  readonly speaker?: string;
  readonly role: SpeakerRole;
  readonly text: string;
  readonly start?: number;
  readonly end?: number;
  readonly metadata?: Metadata;
}

/**
 * Options of {@link createLiveCoder}.
 * @category Live
 */
export interface LiveCoderOptions<K extends Classifier = Classifier> {
  /** The classifier (sync, e.g. `defaultClassifier()`, or async, e.g. a cascade to an LLM). */
  readonly classifier: K;
  /** The session id (default `live`); every utterance gets it. */
  readonly session?: string;
  /**
   * Options of the running scores: those of `summarizeSession`, `mitiSummary`, `rapportProfile`
   * and `flagSession` together (mapping tables for a custom codebook, profile weights, flag
   * thresholds…). The batch functions given the same object return what `snapshot()` returns.
   */
  readonly scores?: LiveScoreOptions;
  /** The nudge rules (default {@link DEFAULT_NUDGE_RULES}; `[]` for none). */
  readonly nudges?: readonly NudgeRule[];
  /**
   * How many of the latest utterances the classifier sees as context for the next one. The
   * context is those turns plus, before them, the latest earlier turn of each role, oldest
   * first: what the built-in classifiers read of a session (the previous turn of each role, and
   * the last 3 turns for mirroring), and LLM adapters' `contextTurns` (default 3). Default 3.
   * Raise it for a classifier that looks further back (each context turn is classified again
   * with every push, so the cost per push grows with it).
   */
  readonly contextTurns?: number;
  /**
   * An async classifier's queue: at most `max` utterances waiting or being coded (default 16).
   * When it is full, `push` rejects with a {@link LiveQueueFullError} and the utterance is not
   * taken (nothing is dropped silently): wait for {@link AsyncLiveCoder.idle} and push it again.
   */
  readonly queue?: { readonly max?: number };
  /**
   * The time of an utterance without a `start`, in seconds, for nudges over seconds. Default: seconds
   * since the coder was made (`Date.now()`).
   */
  readonly clock?: () => number;
}

/** The running scores `push` returns: a few numbers, O(1) to build. @category Live */
export interface LiveScores {
  /** Utterances coded so far. */
  readonly utterances: number;
  /** Goal, task, bond and overall (0–100), or null without therapist utterances or a rapport mapping. */
  readonly rapport: {
    readonly goal: number | null;
    readonly task: number | null;
    readonly bond: number | null;
    readonly overall: number | null;
  };
  /** MITI 4.2.1 reflection-to-question ratio over the session so far. */
  readonly rq: Stat;
  /** The therapist's share of the talk so far (time when every utterance is timed, else words). */
  readonly therapistTalkShare: Stat;
  /** How many utterances each flag kind names so far. */
  readonly flagCounts: Readonly<Record<string, number>>;
}

/** What `push` returns for one utterance. @category Live */
export interface LivePushResult {
  /** The utterance as recorded (ids filled in). */
  readonly utterance: Utterance;
  /** Its coding, with the classifier's evidence when it gives any (a linear model only with `evidence: n`). */
  readonly coding: Coding;
  /** Nudges it raised. */
  readonly nudges: readonly Nudge[];
  /** Flags it raised or extended (ids only). */
  readonly flags: readonly Flag[];
  /** The running scores after it. */
  readonly scores: LiveScores;
}

/**
 * The session's scores so far, each in the shape of its batch function over the same coded
 * transcript: `summarizeSession`, `mitiSummary`, `rapportProfile`, `flagSession` (a score the
 * codebook cannot give, for want of a mapping table, is absent and `notComputed` says why).
 * @category Live
 */
export interface LiveSnapshot {
  readonly summary: SessionSummary;
  readonly miti?: MitiSummary;
  readonly profile?: RapportProfile;
  readonly flags?: SessionFlags;
  readonly notComputed: readonly { readonly score: string; readonly reason: string }[];
  /** Nudge rules that cannot fire with this codebook, and why. */
  readonly nudgesNotEvaluated: readonly { readonly rule: string; readonly reason: string }[];
  /** Every nudge raised so far, in order. */
  readonly nudges: readonly Nudge[];
}

interface LiveCoderBase {
  /** The session id. */
  readonly session: string;
  /** The session's scores so far. O(size of the scores), not of the session. */
  snapshot(): LiveSnapshot;
  /** The coded transcript so far (utterances and codings), e.g. to save or to score in batch. */
  transcript(): { readonly utterances: readonly Utterance[]; readonly codings: readonly Coding[] };
  /** Drops everything the coder holds (utterance text included); later calls throw. */
  dispose(): void;
}

/** A live coder over a synchronous classifier. @category Live */
export interface LiveCoder extends LiveCoderBase {
  push(utterance: LiveUtterance): LivePushResult;
}

/** A live coder over an asynchronous classifier: pushes are coded one at a time, in order. @category Live */
export interface AsyncLiveCoder extends LiveCoderBase {
  push(utterance: LiveUtterance): Promise<LivePushResult>;
  /** Utterances waiting or being coded. */
  readonly pending: number;
  /** Resolves when nothing is waiting. */
  idle(): Promise<void>;
}

/** An async live coder's queue is full; the utterance was not taken. @category Errors */
export class LiveQueueFullError extends RapportkitError {
  override name = "LiveQueueFullError";
}

/** The live coder was disposed. @category Errors */
export class LiveDisposedError extends RapportkitError {
  override name = "LiveDisposedError";
}

/**
 * Codes a session as it happens: each `push(utterance)` codes the new utterance with the session's
 * context, updates the running scores in O(1) amortised time (counters, not a recomputation) and
 * evaluates the nudges. After the last push, `snapshot()` equals the batch scores of the same
 * coded transcript (`summarizeSession`, `mitiSummary`, `rapportProfile`, `flagSession` with
 * `options.scores`).
 *
 * With an async classifier, `push` returns a promise; utterances are coded one at a time in push
 * order, and at most `queue.max` may wait (then `push` rejects with {@link LiveQueueFullError}).
 * A failed classification rejects that push only: the utterance is not recorded and the session
 * goes on. `dispose()` drops all the coder holds and aborts a classification in progress.
 *
 * Utterance text is kept only in the context window (the last `contextTurns` turns and the latest
 * turn of each role) and in `transcript()`'s record; nothing is logged or sent anywhere by the
 * coder itself.
 *
 * @example
 * import { createLiveCoder, formatNudge } from "rapportkit";
 * import { defaultClassifier } from "rapportkit/model";
 * const live = createLiveCoder({ classifier: defaultClassifier() });
 * const r = live.push({ role: "therapist", text: "You should just stop drinking." });
 * r.coding.codeId; // => "advice.unsolicited"
 * r.nudges.map((n) => formatNudge(n));
 * live.snapshot().profile?.task.value;
 * live.dispose();
 * @category Live
 */
export function createLiveCoder(options: LiveCoderOptions<SyncClassifier>): LiveCoder;
export function createLiveCoder(options: LiveCoderOptions<AsyncClassifier>): AsyncLiveCoder;
export function createLiveCoder(options: LiveCoderOptions): LiveCoder | AsyncLiveCoder;
export function createLiveCoder(options: LiveCoderOptions): LiveCoder | AsyncLiveCoder {
  const issues: Issue[] = [];
  const clf = options?.classifier as Classifier | undefined;
  if (!clf || typeof clf.classify !== "function" || typeof clf.codebook?.id !== "string")
    issues.push({ code: "invalid_type", path: ["classifier"], message: "expected a classifier" });
  const session = options?.session ?? "live";
  if (typeof session !== "string" || session === "")
    issues.push({
      code: "invalid_type",
      path: ["session"],
      message: "expected a non-empty string",
    });
  const contextTurns = options?.contextTurns ?? 3;
  if (!Number.isInteger(contextTurns) || contextTurns < 0)
    issues.push({
      code: "out_of_range",
      path: ["contextTurns"],
      message: "expected an integer ≥ 0",
    });
  const max = options?.queue?.max ?? 16;
  if (!Number.isInteger(max) || max < 1)
    issues.push({
      code: "out_of_range",
      path: ["queue", "max"],
      message: "expected an integer ≥ 1",
    });
  if (issues.length > 0) throw new ValidationError(issues);
  const classifier = clf as Classifier;
  const rules = checkNudgeRules(options.nudges ?? DEFAULT_NUDGE_RULES);
  const scoreOptions: LiveScoreOptions = options.scores ?? {};
  const clock = options.clock ?? defaultClock();

  let scores: RunningScores | undefined = new RunningScores(
    session,
    classifier.codebook,
    scoreOptions,
  );
  const avail = scores.availability;
  const notComputed: { score: string; reason: string }[] = [];
  const nudgesNotEvaluated: { rule: string; reason: string }[] = [];
  const cb = classifier.codebook.id;
  if (!avail.miti) {
    const reason = `no MITI 4.2.1 mapping for codebook '${cb}'; pass scores.mappings['miti-4.2.1']`;
    notComputed.push({ score: "miti", reason });
    for (const r of rules)
      if (r.metric === "reflectionToQuestion" || r.metric === "questionsWithoutReflection")
        nudgesNotEvaluated.push({ rule: r.id, reason });
  }
  if (!avail.rapport) {
    const reason = `no rapport mapping for codebook '${cb}'; pass scores.mappings.rapport`;
    notComputed.push({ score: "profile", reason }, { score: "flags", reason });
    for (const r of rules)
      if (
        r.metric === "unsolicitedAdvice" ||
        r.metric === "judgement" ||
        r.metric === "oversharing"
      )
        nudgesNotEvaluated.push({ rule: r.id, reason });
  }
  let engine: NudgeEngine | undefined = new NudgeEngine(rules);
  let ids: Set<string> | undefined = new Set<string>();
  let utterances: Utterance[] = [];
  let codings: Coding[] = [];
  let nudgeLog: Nudge[] = [];
  let flagCounts: Record<string, number> = {};
  // The context: the last `contextTurns` utterances (a ring), and the latest of each role.
  let ring: Utterance[] = [];
  let lastOfRole = new Map<SpeakerRole, Utterance>();
  let seq = 0;
  const abort = new AbortController();

  const alive = (): RunningScores => {
    if (!scores)
      throw new LiveDisposedError([
        { code: "invalid_input", path: [], message: "this live coder was disposed" },
      ]);
    return scores;
  };

  /** Validates and completes an utterance; reserves its id. */
  const accept = (input: LiveUtterance): Utterance => {
    alive();
    const index = seq;
    const raw = {
      ...(typeof input === "object" && input !== null ? input : {}),
      id: input?.id ?? `${session}:${index}`,
      session,
      index,
      speaker: input?.speaker ?? input?.role,
    };
    const parsed = safeParseUtterance(raw);
    if (!parsed.success)
      throw new ValidationError(
        parsed.error.issues.map((i) => ({
          ...i,
          path: ["utterance", ...i.path],
          message: `${i.message} (push ${index})`,
        })),
      );
    const u = parsed.data;
    if ((ids as Set<string>).has(u.id))
      throw new ValidationError([
        {
          code: "invalid_input",
          path: ["utterance", "id"],
          message: `utterance id '${u.id}' is used twice in live session '${session}' (push ${index})`,
        },
      ]);
    (ids as Set<string>).add(u.id);
    seq++;
    return u;
  };

  const context = (): Utterance[] => {
    const startIndex = ring.length > 0 ? (ring[0] as Utterance).index : Number.POSITIVE_INFINITY;
    const before: Utterance[] = [];
    for (const u of lastOfRole.values()) if (u.index < startIndex) before.push(u);
    before.sort((a, b) => a.index - b.index);
    return before.length > 0 ? [...before, ...ring] : ring.slice();
  };

  /** Records a coded utterance: scores, nudges, context. */
  const record = (u: Utterance, preds: readonly Prediction[]): LivePushResult => {
    const sc = alive();
    checkPredictions(classifier.id, [u], preds);
    const coding = toCoding(preds[0] as Prediction);
    const turn = sc.length;
    const scored = sc.add(makeUnit(u, coding));
    const time = u.start ?? u.end ?? clock();
    const nudges = (engine as NudgeEngine).push(scored, turn, time);
    utterances.push(u);
    codings.push(coding);
    for (const n of nudges) nudgeLog.push(n);
    for (const f of scored.flags)
      flagCounts[f.kind] = (flagCounts[f.kind] ?? 0) + f.utteranceIds.length;
    if (contextTurns > 0) {
      ring.push(u);
      if (ring.length > contextTurns) ring.shift();
    }
    lastOfRole.set(u.role, u);
    return { utterance: u, coding, nudges, flags: scored.flags, scores: running(sc) };
  };

  const running = (sc: RunningScores): LiveScores => {
    const p = sc.profile();
    const h = sc.headline();
    return {
      utterances: sc.length,
      rapport: {
        goal: p?.goal.value ?? null,
        task: p?.task.value ?? null,
        bond: p?.bond.value ?? null,
        overall: p?.overall.value ?? null,
      },
      rq: h.rq,
      therapistTalkShare: h.therapistTalkShare,
      flagCounts: { ...flagCounts },
    };
  };

  const base: LiveCoderBase = {
    session,
    snapshot(): LiveSnapshot {
      const sc = alive();
      const miti = sc.miti();
      const profile = sc.profile();
      const flags = sc.flags();
      return {
        summary: sc.summary(),
        ...(miti ? { miti } : {}),
        ...(profile ? { profile } : {}),
        ...(flags ? { flags } : {}),
        notComputed: notComputed.map((x) => ({ ...x })),
        nudgesNotEvaluated: nudgesNotEvaluated.map((x) => ({ ...x })),
        nudges: [...nudgeLog],
      };
    },
    transcript() {
      alive();
      return { utterances: [...utterances], codings: [...codings] };
    },
    dispose(): void {
      scores = undefined;
      engine = undefined;
      ids = undefined;
      utterances = [];
      codings = [];
      nudgeLog = [];
      flagCounts = {};
      ring = [];
      lastOfRole = new Map();
      abort.abort();
    },
  };

  if (classifier.mode === "sync") {
    return {
      ...base,
      push(input: LiveUtterance): LivePushResult {
        const u = accept(input);
        try {
          const preds = classifier.classify([u], { context: context() });
          return record(u, preds);
        } catch (e) {
          ids?.delete(u.id);
          throw e;
        }
      },
    } satisfies LiveCoder;
  }

  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const coder: AsyncLiveCoder = {
    ...base,
    get pending() {
      return pending;
    },
    push(input: LiveUtterance): Promise<LivePushResult> {
      let u: Utterance;
      try {
        if (pending >= max)
          throw new LiveQueueFullError([
            {
              code: "queue_full",
              path: ["queue", "max"],
              message: `the live coder's queue is full (${max} utterances waiting); wait for idle() and push again`,
            },
          ]);
        u = accept(input);
      } catch (e) {
        return Promise.reject(e);
      }
      pending++;
      const run = tail.then(async () => {
        try {
          alive();
          const preds = await classifier.classify([u], {
            context: context(),
            signal: abort.signal,
          });
          return record(u, preds);
        } catch (e) {
          ids?.delete(u.id);
          throw e;
        } finally {
          pending--;
        }
      });
      tail = run.catch(() => undefined);
      return run;
    },
    idle(): Promise<void> {
      return tail.then(() => undefined);
    },
  };
  return coder;
}

function defaultClock(): () => number {
  const t0 = Date.now();
  return () => (Date.now() - t0) / 1000;
}
