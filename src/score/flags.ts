import type { CodedTranscript } from "../core/schemas.js";
import {
  mapUnits,
  type PreparedSessions,
  prepare,
  type SessionScoreOptions,
  tableFor,
  type Unit,
  unknownWarnings,
} from "./_session.js";

/** The kinds of flag {@link flagSession} raises. @category Scores */
export type FlagKind =
  | "self_disclosure.frequent"
  | "self_disclosure.long"
  | "self_disclosure.unprompted"
  | "self_disclosure.pivot"
  | "oversharing"
  | "advice.unsolicited"
  | "judgement.run";

/** A flag and the utterances that raised it (ids only; never text). @category Scores */
export interface Flag {
  readonly kind: FlagKind;
  readonly utteranceIds: readonly string[];
  /** What the flag means, with numbers; never utterance text. */
  readonly message: string;
}

/** Options of {@link flagSession}. @category Scores */
export interface FlagOptions extends SessionScoreOptions {
  readonly selfDisclosure?: {
    /** Frequent when disclosures per 100 therapist utterances exceed this (default 5)… */
    readonly maxPer100?: number;
    /** …and there are at least this many (default 2). */
    readonly minCount?: number;
    /** Long when a disclosure has more words than this (default 40). */
    readonly maxWords?: number;
    /** Unprompted when no client question about the therapist is in this many preceding utterances (default 3). */
    readonly promptWindow?: number;
    /** Pivot when one of the next this-many client utterances focuses on the therapist (default 2). */
    readonly pivotWindow?: number;
  };
  readonly judgementRun?: {
    /** A run is at least this many judgement/invalidation codes (default 2)… */
    readonly count?: number;
    /** …within this many consecutive therapist utterances (default 5). */
    readonly window?: number;
  };
}

/** What {@link flagSession} returns. @category Scores */
export interface SessionFlags {
  readonly session: string;
  readonly flags: readonly Flag[];
  /** Flag kinds the session's codebook cannot express (e.g. AnnoMI has no self-disclosure code). */
  readonly notEvaluated: readonly { readonly kind: string; readonly reason: string }[];
  readonly warnings: readonly string[];
}

const SECOND = new Set([
  "you",
  "your",
  "yours",
  "yourself",
  "you're",
  "you've",
  "you'd",
  "you'll",
  "ya",
]);
const FIRST = new Set(["i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"]);

function personCounts(u: Unit): { first: number; second: number } {
  let first = 0;
  let second = 0;
  for (const t of u.tokens) {
    if (SECOND.has(t)) second++;
    else if (FIRST.has(t)) first++;
  }
  return { first, second };
}

/** A client question addressed to the therapist: a question with a second-person pronoun. @internal */
export function asksAboutTherapist(u: Unit): boolean {
  return u.role === "client" && u.isQuestion && personCounts(u).second > 0;
}

/** A client turn focused on the therapist: more second- than first-person pronouns, at least one. @internal */
export function focusesOnTherapist(u: Unit): boolean {
  if (u.role !== "client") return false;
  const p = personCounts(u);
  return p.second > 0 && p.second > p.first;
}

/**
 * Flags the session and the utterances where rapport is at risk, from codes mapped to the
 * `rapport` codebook:
 *
 * - Self-disclosures are utterances coded self_disclosure or oversharing. Self-disclosure is fine when infrequent, welcomed (the client asked), brief and not pivoting
 *   attention to the therapist. Flags: `frequent` (more than `maxPer100` per 100 therapist
 *   utterances and at least `minCount`), `long` (more than `maxWords` words), `unprompted` (no
 *   client question with a second-person pronoun in the `promptWindow` preceding utterances),
 *   `pivot` (one of the next `pivotWindow` client utterances has more second- than first-person
 *   pronouns).
 * - `oversharing`: every utterance coded oversharing.
 * - `advice.unsolicited`: advice with no permission asked or advice requested in the preceding
 *   `permissionWindow` utterances (MITI 4.2.1: Persuade without permission is MI-non-adherent,
 *   Moyers, Manuel & Ernst 2015, *MITI 4.2.1*), or coded unsolicited outright.
 * - `judgement.run`: at least `count` judgement/invalidation codes within `window` consecutive
 *   therapist utterances; overlapping windows merge into one flag.
 *
 * The thresholds are rapportkit's defaults, not published cut-offs; set them to your setting.
 * Reference for the self-disclosure criteria (brief, infrequent, client-welcomed, returning the
 * focus to the client): Henretty & Levitt (2010),
 * *Clinical Psychology Review* 30(1):63-77.
 *
 * @example
 * flagSession(coded).flags; // => [{ kind: "advice.unsolicited", utteranceIds: ["s1:7"], message: "…" }]
 * @category Scores
 */
export function flagSession(coded: CodedTranscript, options: FlagOptions = {}): SessionFlags {
  return flagSessionWith(coded, options, undefined);
}

/** {@link flagSession}, preparing the session through `cache` (when given). @internal */
export function flagSessionWith(
  coded: CodedTranscript,
  options: FlagOptions,
  cache: PreparedSessions | undefined,
): SessionFlags {
  const session = prepare(coded, options, cache);
  const { mapped, unknown } = mapUnits(session, "rapport", options);
  const warnings = [...session.warnings, ...unknownWarnings(unknown, "rapport")];
  const units = session.units;
  const table = tableFor(session.codebookId, "rapport", options);
  const targets = new Set<string>();
  for (const e of Object.values(table.entries)) {
    if (e.to) targets.add(e.to);
    if (e.withPermission) targets.add(e.withPermission);
  }
  const notEvaluated: { kind: string; reason: string }[] = [];
  const missing = (kind: string, codes: string[]) => {
    if (!codes.some((c) => targets.has(c)))
      notEvaluated.push({
        kind,
        reason: `codebook '${session.codebookId}' has no code mapping to ${codes.join(" or ")}`,
      });
  };
  missing("self_disclosure", ["self_disclosure"]);
  missing("oversharing", ["oversharing"]);
  missing("advice.unsolicited", ["advice.unsolicited"]);
  missing("judgement.run", ["judgement", "invalidation"]);

  const sd = options.selfDisclosure ?? {};
  const maxPer100 = sd.maxPer100 ?? 5;
  const minCount = sd.minCount ?? 2;
  const maxWords = sd.maxWords ?? 40;
  const promptWindow = sd.promptWindow ?? 3;
  const pivotWindow = sd.pivotWindow ?? 2;
  const flags: Flag[] = [];
  const nT = units.filter((u) => u.role === "therapist").length;
  const id = (i: number) => (units[i] as Unit).utterance.id;

  const disclosures: number[] = [];
  mapped.forEach((m, i) => {
    if (units[i]?.role !== "therapist") return;
    if (m === "self_disclosure" || m === "oversharing") disclosures.push(i);
  });
  if (nT > 0 && disclosures.length >= minCount && (disclosures.length / nT) * 100 > maxPer100)
    flags.push({
      kind: "self_disclosure.frequent",
      utteranceIds: disclosures.map(id),
      message: `${disclosures.length} self-disclosures in ${nT} therapist utterances (${((disclosures.length / nT) * 100).toFixed(1)} per 100; threshold ${maxPer100})`,
    });
  const long: string[] = [];
  const unprompted: string[] = [];
  const pivot: string[] = [];
  for (const i of disclosures) {
    const u = units[i] as Unit;
    if (u.wordCount > maxWords) long.push(u.utterance.id);
    let prompted = false;
    for (let k = Math.max(0, i - promptWindow); k < i; k++)
      if (asksAboutTherapist(units[k] as Unit)) prompted = true;
    if (!prompted) unprompted.push(u.utterance.id);
    let seen = 0;
    for (let k = i + 1; k < units.length && seen < pivotWindow; k++) {
      const v = units[k] as Unit;
      if (v.role !== "client") continue;
      seen++;
      if (focusesOnTherapist(v)) {
        pivot.push(u.utterance.id, v.utterance.id);
        break;
      }
    }
  }
  if (long.length > 0)
    flags.push({
      kind: "self_disclosure.long",
      utteranceIds: long,
      message: `${long.length} self-disclosure(s) longer than ${maxWords} words`,
    });
  if (unprompted.length > 0)
    flags.push({
      kind: "self_disclosure.unprompted",
      utteranceIds: unprompted,
      message: `${unprompted.length} self-disclosure(s) with no client question about the therapist in the ${promptWindow} preceding utterances`,
    });
  if (pivot.length > 0)
    flags.push({
      kind: "self_disclosure.pivot",
      utteranceIds: pivot,
      message: `${pivot.length / 2} self-disclosure(s) followed within ${pivotWindow} client turns by a client turn about the therapist (ids: disclosure, client turn)`,
    });
  const over = disclosures.filter((i) => mapped[i] === "oversharing").map(id);
  if (over.length > 0)
    flags.push({
      kind: "oversharing",
      utteranceIds: over,
      message: `${over.length} utterance(s) coded oversharing`,
    });
  const advice = mapped.flatMap((m, i) =>
    m === "advice.unsolicited" && units[i]?.role === "therapist" ? [id(i)] : [],
  );
  if (advice.length > 0)
    flags.push({
      kind: "advice.unsolicited",
      utteranceIds: advice,
      message: `${advice.length} advice utterance(s) with no permission asked or advice requested in the ${options.permissionWindow ?? 4} preceding utterances`,
    });

  // Judgement / invalidation runs over therapist utterances.
  const runCount = Math.max(1, Math.floor(options.judgementRun?.count ?? 2));
  const runWindow = options.judgementRun?.window ?? 5;
  const tIdx: number[] = [];
  units.forEach((u, i) => {
    if (u.role === "therapist") tIdx.push(i);
  });
  const hits: number[] = []; // positions among therapist utterances
  tIdx.forEach((i, pos) => {
    if (mapped[i] === "judgement" || mapped[i] === "invalidation") hits.push(pos);
  });
  const groups: [number, number][] = [];
  for (let j = 0; j + runCount - 1 < hits.length; j++) {
    const a = hits[j] as number;
    const b = hits[j + runCount - 1] as number;
    if (b - a >= runWindow) continue;
    const lastG = groups[groups.length - 1];
    if (lastG && j <= lastG[1]) lastG[1] = j + runCount - 1;
    else groups.push([j, j + runCount - 1]);
  }
  for (const [a, b] of groups) {
    const ids = hits.slice(a, b + 1).map((pos) => id(tIdx[pos] as number));
    flags.push({
      kind: "judgement.run",
      utteranceIds: ids,
      message: `${ids.length} judgement/invalidation codes within ${runWindow} consecutive therapist utterances`,
    });
  }
  return { session: session.id, flags, notEvaluated, warnings };
}
