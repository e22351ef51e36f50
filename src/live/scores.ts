/**
 * Running session scores, updated one utterance at a time in O(1) amortised time (counters, and
 * short queues for the look-ahead of the self-disclosure pivot flag), and materialised on demand
 * in exactly the shapes, values and orders of the batch functions `summarizeSession`,
 * `mitiSummary`, `rapportProfile` and `flagSession` over the same coded transcript.
 * @module
 */
import type { CodebookRef, SpeakerRole } from "../core/schemas.js";
import { ratio, type Stat, undefinedStat } from "../core/stat.js";
import {
  asksPermission,
  type MappingTarget,
  requestsAdvice,
  tableFor,
  type Unit,
  unknownWarnings,
  withAncestors,
} from "../score/_session.js";
import type { FlagOptions, SessionFlags } from "../score/flags.js";
import {
  asksAboutTherapist,
  type Flag,
  type FlagKind,
  focusesOnTherapist,
} from "../score/flags.js";
import {
  BUILTIN_MAPPINGS,
  type MappingTable,
  MITI_CODES,
  type MitiCode,
} from "../score/mapping.js";
import {
  countVolley,
  isBackchannel,
  type MitiOptions,
  type MitiSummary,
  mitiFromCounts,
} from "../score/miti.js";
import {
  type AllianceDimension,
  DEFAULT_PROFILE_WEIGHTS,
  type DimensionScore,
  dimensionScore,
  overallScore,
  type ProfileOptions,
  type ProfileWeights,
  type RapportProfile,
  type RoleCounts,
} from "../score/profile.js";
import {
  codeRates,
  endsCutOff,
  type PerRole,
  type SessionSummary,
  sessionDuration,
} from "../score/summary.js";

/**
 * The options the running scores accept: the batch scores' options together (everything of
 * `MitiOptions`, `ProfileOptions` and `FlagOptions` except `source`, since a live session has one
 * classifier). The batch functions given the same object return the same scores.
 * @category Live
 */
export type LiveScoreOptions = Omit<MitiOptions & ProfileOptions & FlagOptions, "source">;

/** What a live session can score, and why a score is left out. @internal */
export interface ScoreAvailability {
  readonly miti: boolean;
  readonly rapport: boolean;
}

const DIMS: readonly AllianceDimension[] = ["goal", "task", "bond"];

const zero = (): RoleCounts => ({ therapist: 0, client: 0, other: 0 });

function mapOne(
  table: MappingTable,
  codeId: string | undefined,
  permitted: boolean,
  unknown: Map<string, number> | undefined,
): string | null {
  if (codeId === undefined) return null;
  const e = Object.hasOwn(table.entries, codeId) ? table.entries[codeId] : undefined;
  if (!e) {
    if (unknown) unknown.set(codeId, (unknown.get(codeId) ?? 0) + 1);
    return null;
  }
  if (e.withPermission !== undefined && permitted) return e.withPermission;
  return e.to;
}

/** One pushed utterance as the nudges and flags see it (codes mapped; never text). @internal */
export interface ScoredUnit {
  readonly unit: Unit;
  /** The code mapped to MITI 4.2.1, or null. */
  readonly miti: string | null;
  /** The code mapped to `rapport`, or null. */
  readonly rapport: string | null;
  /** Flags this utterance raised or extended (ids only). */
  readonly flags: readonly Flag[];
}

interface DimState {
  /** Keys in the order the batch profile first meets them: primary codes first… */
  readonly prim: Map<string, RoleCounts>;
  /** …then keys met only as second behaviours. */
  readonly sec: Map<string, RoleCounts>;
}

/**
 * The running scores of one session. `add` takes each utterance with its coding, in order;
 * `summary()`, `miti()`, `profile()` and `flags()` build the batch shapes from the counters.
 * @internal
 */
export class RunningScores {
  private readonly o: LiveScoreOptions;
  private readonly sessionId: string;
  private readonly codebookId: string;
  private readonly mitiTable: MappingTable | undefined;
  private readonly rapportTable: MappingTable | undefined;
  private readonly window: number;
  private readonly notEvaluated: SessionFlags["notEvaluated"];
  private readonly weights: ProfileWeights;

  private i = 0;
  private n: RoleCounts = zero();
  private coded = 0;
  // Duration.
  private first: number | undefined;
  private last: number | undefined;
  private allTimed = true;
  private allStartEnd = true;
  // Codes with their parents.
  private codeCounts = new Map<
    string,
    { codeId: string; role: SpeakerRole; count: number; rolled: boolean }
  >();
  // Talk, turns, interruptions.
  private talkTime: RoleCounts = zero();
  private talkWords: RoleCounts = zero();
  private turns: RoleCounts = zero();
  private turnWords: RoleCounts = zero();
  private interruptBy: RoleCounts = zero();
  private interruptIds: string[] = [];
  private overlaps = 0;
  private cutOffs = 0;
  private prev:
    | { speaker: string; role: SpeakerRole; end: number | undefined; cut: boolean }
    | undefined;
  // Permission context (MITI: permission asked, or advice requested, in the preceding window).
  private lastPermit = Number.NEGATIVE_INFINITY;
  private lastPermitSecondary = Number.NEGATIVE_INFINITY;
  // MITI.
  private mitiUnknown = new Map<string, number>();
  private q = 0;
  private r = 0;
  private mitiCounts = Object.fromEntries(MITI_CODES.map((c) => [c, 0])) as Record<
    MitiCode,
    number
  >;
  private volleySeen = new Set<MitiCode>();
  // Rapport profile.
  private rapportUnknown = new Map<string, number>();
  private dims: Record<AllianceDimension, DimState> = {
    goal: { prim: new Map(), sec: new Map() },
    task: { prim: new Map(), sec: new Map() },
    bond: { prim: new Map(), sec: new Map() },
  };
  // Flags.
  private disclosures: string[] = [];
  private longIds: string[] = [];
  private unpromptedIds: string[] = [];
  private pivotIds: string[] = [];
  private overIds: string[] = [];
  private adviceIds: string[] = [];
  private lastAskAboutTherapist = Number.NEGATIVE_INFINITY;
  private pendingPivots: { id: string; seen: number }[] = [];
  private tPos = 0;
  private hitPos: number[] = [];
  private hitIds: string[] = [];
  private groups: [number, number][] = [];

  constructor(session: string, codebook: CodebookRef, options: LiveScoreOptions) {
    this.o = options;
    this.sessionId = session;
    this.codebookId = codebook.id;
    const has = (t: MappingTarget) =>
      options.mappings?.[t] !== undefined || Object.hasOwn(BUILTIN_MAPPINGS[t], codebook.id);
    this.mitiTable = has("miti-4.2.1") ? tableFor(codebook.id, "miti-4.2.1", options) : undefined;
    this.rapportTable = has("rapport") ? tableFor(codebook.id, "rapport", options) : undefined;
    this.window = options.permissionWindow ?? 4;
    this.weights = { ...DEFAULT_PROFILE_WEIGHTS, ...options.weights };
    const notEvaluated: { kind: string; reason: string }[] = [];
    if (this.rapportTable) {
      const targets = new Set<string>();
      for (const e of Object.values(this.rapportTable.entries)) {
        if (e.to) targets.add(e.to);
        if (e.withPermission) targets.add(e.withPermission);
      }
      const missing = (kind: string, codes: string[]) => {
        if (!codes.some((c) => targets.has(c)))
          notEvaluated.push({
            kind,
            reason: `codebook '${codebook.id}' has no code mapping to ${codes.join(" or ")}`,
          });
      };
      missing("self_disclosure", ["self_disclosure"]);
      missing("oversharing", ["oversharing"]);
      missing("advice.unsolicited", ["advice.unsolicited"]);
      missing("judgement.run", ["judgement", "invalidation"]);
    }
    this.notEvaluated = notEvaluated;
  }

  /** Which scores this codebook allows (a MITI and a rapport mapping). */
  get availability(): ScoreAvailability {
    return { miti: this.mitiTable !== undefined, rapport: this.rapportTable !== undefined };
  }

  /** Utterances added so far. */
  get length(): number {
    return this.i;
  }

  /** Adds the next utterance of the session with its coding; O(1) amortised. */
  add(unit: Unit): ScoredUnit {
    const i = this.i++;
    const u = unit.utterance;
    const role = unit.role;
    this.n[role]++;
    if (unit.codeId !== undefined) this.coded++;

    // Duration.
    const { start, end } = u;
    if (start === undefined) this.allTimed = false;
    if (start === undefined || end === undefined) this.allStartEnd = false;
    if (start !== undefined)
      this.first = this.first === undefined ? start : Math.min(this.first, start);
    const e = end ?? start;
    if (e !== undefined) this.last = this.last === undefined ? e : Math.max(this.last, e);

    // Codes, with parents rolled up.
    if (unit.codeId !== undefined) {
      const ids = withAncestors(unit.codeId);
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k] as string;
        const key = `${role}\u0000${id}`;
        let c = this.codeCounts.get(key);
        if (!c) {
          c = { codeId: id, role, count: 0, rolled: false };
          this.codeCounts.set(key, c);
        }
        c.count++;
        if (k > 0) c.rolled = true;
      }
    }

    // Talk (both bases; the summary picks one), turns and interruptions.
    if (start !== undefined && end !== undefined) this.talkTime[role] += end - start;
    this.talkWords[role] += unit.wordCount;
    const prev = this.prev;
    const newTurn = !prev || prev.speaker !== u.speaker || prev.role !== role;
    if (newTurn) this.turns[role]++;
    this.turnWords[role] += unit.wordCount;
    if (prev && newTurn) {
      const overlap = start !== undefined && prev.end !== undefined && start < prev.end;
      if (overlap) this.overlaps++;
      if (prev.cut) this.cutOffs++;
      if (overlap || prev.cut) {
        this.interruptBy[role]++;
        this.interruptIds.push(u.id);
      }
    }
    this.prev = { speaker: u.speaker, role, end, cut: endsCutOff(u.text) };

    // Permission context: asked or requested in the `window` utterances before this one.
    const permitted = i - this.lastPermit <= this.window;
    const requested = requestsAdvice(unit);
    if (asksPermission(unit) || requested) this.lastPermit = i;
    const secondaryCode = unit.coding?.secondary?.codeId;
    let permittedSecondary = false;
    if (this.o.secondary) {
      permittedSecondary = i - this.lastPermitSecondary <= this.window;
      if (asksPermission({ ...unit, codeId: secondaryCode }) || requested)
        this.lastPermitSecondary = i;
    }

    // MITI.
    let miti: string | null = null;
    if (this.mitiTable) {
      miti = mapOne(this.mitiTable, unit.codeId, permitted, this.mitiUnknown);
      const isMiti = miti !== null && (MITI_CODES as readonly string[]).includes(miti);
      if (role === "therapist") {
        if (miti === "Q") this.q++;
        if (miti === "SR" || miti === "CR") this.r++;
        if (isMiti) {
          if (this.o.volleyRules) this.volleySeen.add(miti as MitiCode);
          else this.mitiCounts[miti as MitiCode]++;
        }
      } else if (this.o.volleyRules && !isBackchannel(unit) && this.volleySeen.size > 0) {
        this.closeVolley();
      }
    }

    // Rapport profile and flags.
    let rapport: string | null = null;
    const raised: Flag[] = [];
    if (this.rapportTable) {
      rapport = mapOne(this.rapportTable, unit.codeId, permitted, this.rapportUnknown);
      const sec = this.o.secondary
        ? mapOne(this.rapportTable, secondaryCode, permittedSecondary, undefined)
        : null;
      this.addProfile(rapport, sec, role);
      this.addFlags(unit, i, rapport, raised);
    }
    return { unit, miti, rapport, flags: raised };
  }

  private closeVolley(): void {
    countVolley(this.volleySeen, this.mitiCounts);
    this.volleySeen.clear();
  }

  private addProfile(m: string | null, sec: string | null, role: SpeakerRole): void {
    const weights = this.weights;
    for (const d of DIMS) {
      const w = weights[d];
      const st = this.dims[d];
      const add = (code: string | null, map: Map<string, RoleCounts>) => {
        if (code === null) return;
        const key = withAncestors(code).find((k) => Object.hasOwn(w, k));
        if (key === undefined) return;
        let c = map.get(key);
        if (!c) {
          c = zero();
          map.set(key, c);
        }
        c[role]++;
      };
      add(m, st.prim);
      add(sec, st.sec);
    }
  }

  private addFlags(unit: Unit, i: number, m: string | null, raised: Flag[]): void {
    const o = this.o;
    const sd = o.selfDisclosure ?? {};
    const id = unit.utterance.id;
    const promptWindow = sd.promptWindow ?? 3;
    const pivotWindow = sd.pivotWindow ?? 2;
    const raise = (kind: FlagKind, ids: string[], message: string) =>
      raised.push({ kind, utteranceIds: ids, message });

    // A client turn may resolve the pivot of earlier disclosures (in disclosure order).
    if (unit.role === "client" && this.pendingPivots.length > 0) {
      const focus = focusesOnTherapist(unit);
      const keep: { id: string; seen: number }[] = [];
      for (const p of this.pendingPivots) {
        p.seen++;
        if (focus) {
          this.pivotIds.push(p.id, id);
          raise(
            "self_disclosure.pivot",
            [p.id, id],
            "a client turn about the therapist followed a self-disclosure",
          );
        } else if (p.seen < pivotWindow) keep.push(p);
      }
      this.pendingPivots = keep;
    }

    if (unit.role === "therapist") {
      const disclosure = m === "self_disclosure" || m === "oversharing";
      if (disclosure) {
        this.disclosures.push(id);
        const nT = this.n.therapist;
        const maxPer100 = sd.maxPer100 ?? 5;
        if (
          this.disclosures.length >= (sd.minCount ?? 2) &&
          (this.disclosures.length / nT) * 100 > maxPer100
        )
          raise(
            "self_disclosure.frequent",
            [id],
            `self-disclosures above ${maxPer100} per 100 therapist utterances`,
          );
        const maxWords = sd.maxWords ?? 40;
        if (unit.wordCount > maxWords) {
          this.longIds.push(id);
          raise("self_disclosure.long", [id], `a self-disclosure longer than ${maxWords} words`);
        }
        if (!(i - this.lastAskAboutTherapist <= promptWindow)) {
          this.unpromptedIds.push(id);
          raise(
            "self_disclosure.unprompted",
            [id],
            `a self-disclosure with no client question about the therapist in the ${promptWindow} preceding utterances`,
          );
        }
        if (pivotWindow > 0) this.pendingPivots.push({ id, seen: 0 });
        if (m === "oversharing") {
          this.overIds.push(id);
          raise("oversharing", [id], "an utterance coded oversharing");
        }
      }
      if (m === "advice.unsolicited") {
        this.adviceIds.push(id);
        raise(
          "advice.unsolicited",
          [id],
          `advice with no permission asked or advice requested in the ${this.window} preceding utterances`,
        );
      }
      // Judgement / invalidation runs over therapist utterances.
      const pos = this.tPos++;
      if (m === "judgement" || m === "invalidation") {
        this.hitPos.push(pos);
        this.hitIds.push(id);
        const runCount = Math.max(1, Math.floor(o.judgementRun?.count ?? 2));
        const runWindow = o.judgementRun?.window ?? 5;
        const j = this.hitPos.length - runCount;
        if (j >= 0 && pos - (this.hitPos[j] as number) < runWindow) {
          const lastG = this.groups[this.groups.length - 1];
          const b = j + runCount - 1;
          if (lastG && j <= lastG[1]) lastG[1] = b;
          else this.groups.push([j, b]);
          raise(
            "judgement.run",
            [id],
            `${runCount} or more judgement/invalidation codes within ${runWindow} consecutive therapist utterances`,
          );
        }
      }
    }
    if (asksAboutTherapist(unit)) this.lastAskAboutTherapist = i;
  }

  private warningsFor(table: "MITI" | "rapport"): string[] {
    return unknownWarnings(table === "MITI" ? this.mitiUnknown : this.rapportUnknown, table);
  }

  /** R:Q and the therapist's talk share so far, as in the summary, in O(1). */
  headline(): { rq: Stat; therapistTalkShare: Stat } {
    const basis = this.i > 0 && this.allStartEnd ? "time" : "words";
    const talk = basis === "time" ? this.talkTime : this.talkWords;
    const total = talk.therapist + talk.client + talk.other;
    return {
      rq: this.mitiTable
        ? ratio(this.r, this.q, "no questions: reflections to questions is undefined")
        : undefinedStat(`no MITI mapping for codebook '${this.codebookId}'`),
      therapistTalkShare: ratio(
        talk.therapist,
        total,
        basis === "time" ? "no talk time" : "no words in the session",
      ),
    };
  }

  /** The session summary, as `summarizeSession` gives it for the same coded transcript. */
  summary(): SessionSummary {
    const n = this.n;
    const total = this.i;
    const allTimed = total > 0 && this.allTimed;
    const allStartEnd = total > 0 && this.allStartEnd;
    const first = this.first;
    const last = this.last;
    const duration = sessionDuration(allTimed, first, last);
    const codes = codeRates(this.codeCounts.values(), n, duration);
    const basis: "time" | "words" = allStartEnd ? "time" : "words";
    const talk = basis === "time" ? this.talkTime : this.talkWords;
    const talkTotal = talk.therapist + talk.client + talk.other;
    const per = <T>(f: (r: SpeakerRole) => T): PerRole<T> => ({
      therapist: f("therapist"),
      client: f("client"),
      other: f("other"),
    });
    const warnings: string[] = [];
    let questionShare: Stat;
    let reflectionShare: Stat;
    let rq: Stat;
    if (this.mitiTable) {
      warnings.push(...this.warningsFor("MITI"));
      questionShare = ratio(this.q, n.therapist, "no therapist utterances");
      reflectionShare = ratio(this.r, n.therapist, "no therapist utterances");
      rq = ratio(this.r, this.q, "no questions: reflections to questions is undefined");
    } else {
      const why = `no MITI mapping for codebook '${this.codebookId}'`;
      questionShare = undefinedStat(why);
      reflectionShare = undefinedStat(why);
      rq = undefinedStat(why);
    }
    return {
      session: this.sessionId,
      codebook: this.codebookId,
      utterances: { ...n, total, coded: this.coded, uncoded: total - this.coded },
      durationSeconds: duration,
      codes,
      talkShare: {
        basis,
        ...per((r) =>
          ratio(talk[r], talkTotal, basis === "time" ? "no talk time" : "no words in the session"),
        ),
      },
      turns: { ...this.turns },
      meanTurnWords: per((r) => ratio(this.turnWords[r], this.turns[r], `no ${r} turns`)),
      interruptions: {
        total: this.interruptIds.length,
        byRole: { ...this.interruptBy },
        overlaps: this.overlaps,
        cutOffs: this.cutOffs,
        utteranceIds: [...this.interruptIds],
      },
      questionShare,
      reflectionShare,
      reflectionToQuestion: rq,
      warnings,
    };
  }

  /** The MITI 4.2.1 summary, as `mitiSummary` gives it; undefined without a MITI mapping. */
  miti(): MitiSummary | undefined {
    if (!this.mitiTable) return undefined;
    const counts = { ...this.mitiCounts };
    const volleyRules = this.o.volleyRules ?? false;
    if (volleyRules && this.volleySeen.size > 0) {
      countVolley(new Set(this.volleySeen), counts);
    }
    return mitiFromCounts(
      this.sessionId,
      this.codebookId,
      volleyRules,
      counts,
      this.o,
      this.warningsFor("MITI"),
    );
  }

  /** The goal/task/bond profile, as `rapportProfile` gives it; undefined without a rapport mapping. */
  profile(): RapportProfile | undefined {
    if (!this.rapportTable) return undefined;
    const weights = this.weights;
    const scale = this.o.scale ?? 20;
    const nRole = this.n;
    const dim = (d: AllianceDimension): DimensionScore => {
      const w = weights[d];
      const st = this.dims[d];
      // The batch profile's key order: keys met as primary codes, then those met only as secondary.
      const entries: [string, RoleCounts][] = [];
      for (const [k, c] of st.prim) {
        const s = st.sec.get(k);
        entries.push([
          k,
          s
            ? {
                therapist: c.therapist + s.therapist,
                client: c.client + s.client,
                other: c.other + s.other,
              }
            : c,
        ]);
      }
      for (const [k, s] of st.sec) if (!st.prim.has(k)) entries.push([k, s]);
      return dimensionScore(entries, nRole, w, scale);
    };
    const out = { goal: dim("goal"), task: dim("task"), bond: dim("bond") };
    const overall = overallScore(out, this.o);
    return { session: this.sessionId, ...out, overall, warnings: this.warningsFor("rapport") };
  }

  /** The session's flags, as `flagSession` gives them; undefined without a rapport mapping. */
  flags(): SessionFlags | undefined {
    if (!this.rapportTable) return undefined;
    const o = this.o;
    const sd = o.selfDisclosure ?? {};
    const maxPer100 = sd.maxPer100 ?? 5;
    const minCount = sd.minCount ?? 2;
    const maxWords = sd.maxWords ?? 40;
    const promptWindow = sd.promptWindow ?? 3;
    const pivotWindow = sd.pivotWindow ?? 2;
    const nT = this.n.therapist;
    const d = this.disclosures;
    const flags: Flag[] = [];
    if (nT > 0 && d.length >= minCount && (d.length / nT) * 100 > maxPer100)
      flags.push({
        kind: "self_disclosure.frequent",
        utteranceIds: [...d],
        message: `${d.length} self-disclosures in ${nT} therapist utterances (${((d.length / nT) * 100).toFixed(1)} per 100; threshold ${maxPer100})`,
      });
    if (this.longIds.length > 0)
      flags.push({
        kind: "self_disclosure.long",
        utteranceIds: [...this.longIds],
        message: `${this.longIds.length} self-disclosure(s) longer than ${maxWords} words`,
      });
    if (this.unpromptedIds.length > 0)
      flags.push({
        kind: "self_disclosure.unprompted",
        utteranceIds: [...this.unpromptedIds],
        message: `${this.unpromptedIds.length} self-disclosure(s) with no client question about the therapist in the ${promptWindow} preceding utterances`,
      });
    if (this.pivotIds.length > 0) {
      // The batch flag lists pairs in disclosure order; pairs resolve in that order already.
      flags.push({
        kind: "self_disclosure.pivot",
        utteranceIds: [...this.pivotIds],
        message: `${this.pivotIds.length / 2} self-disclosure(s) followed within ${pivotWindow} client turns by a client turn about the therapist (ids: disclosure, client turn)`,
      });
    }
    if (this.overIds.length > 0)
      flags.push({
        kind: "oversharing",
        utteranceIds: [...this.overIds],
        message: `${this.overIds.length} utterance(s) coded oversharing`,
      });
    if (this.adviceIds.length > 0)
      flags.push({
        kind: "advice.unsolicited",
        utteranceIds: [...this.adviceIds],
        message: `${this.adviceIds.length} advice utterance(s) with no permission asked or advice requested in the ${o.permissionWindow ?? 4} preceding utterances`,
      });
    const runWindow = o.judgementRun?.window ?? 5;
    for (const [a, b] of this.groups) {
      const ids = this.hitIds.slice(a, b + 1);
      flags.push({
        kind: "judgement.run",
        utteranceIds: ids,
        message: `${ids.length} judgement/invalidation codes within ${runWindow} consecutive therapist utterances`,
      });
    }
    return {
      session: this.sessionId,
      flags,
      notEvaluated: this.notEvaluated.map((x) => ({ ...x })),
      warnings: this.warningsFor("rapport"),
    };
  }
}
