import { ScoreInputError } from "../core/errors.js";
import { safeParseCodedTranscript } from "../core/parse.js";
import type { CodedTranscript, Coding, SpeakerRole, Utterance } from "../core/schemas.js";
import { asksForAdvice, hasPhrase, phraseIndex, wordsOf } from "../text/phrases.js";
import { tokenize } from "../text/tokenize.js";
import { BUILTIN_MAPPINGS, type MappingEntry, type MappingTable } from "./mapping.js";

/**
 * Options every session score accepts.
 * @category Scores
 */
export interface SessionScoreOptions {
  /**
   * Use only the codings of this coder or classifier (`Coding.source`). Without it, an utterance
   * with several codings uses the one with the highest confidence (ties: the first in `codings`).
   */
  readonly source?: string;
  /**
   * Mapping tables to use instead of the built-ins, by target (`miti-4.2.1`, `misc-2.5`,
   * `rapport`); needed for codebooks other than `rapport`, `annomi` and `miti-4.2.1`.
   */
  readonly mappings?: Partial<Record<MappingTarget, MappingTable>>;
  /**
   * How many preceding utterances (any speaker) a permission request, or a client's request for
   * advice, covers when deciding whether advice was permitted. Default 4.
   */
  readonly permissionWindow?: number;
  /**
   * How a coded utterance counts. `"top"` (default): as its one code. `"expected"`: as the
   * classifier's distribution over codes (`Coding.probabilities`), each code by its probability,
   * so that a session's counts are expected counts and may be fractional (probabilistic
   * classify-and-count: Bella, Ferri, Hernández-Orallo & Ramírez-Quintana 2010, "Quantification
   * via probability estimators", *IEEE ICDM*). A coding without probabilities (a human coder's)
   * counts 1 for its code either way. It applies to the code counts of {@link summarizeSession},
   * {@link mitiSummary}, {@link miscSummary} and {@link rapportProfile}; {@link flagSession} always
   * uses the top code, since it names utterances.
   */
  readonly counting?: "top" | "expected";
}

/** @category Scores */
export type MappingTarget = "miti-4.2.1" | "misc-2.5" | "rapport";

/** An utterance with the one coding chosen for it. @internal */
export interface Unit {
  readonly utterance: Utterance;
  readonly role: SpeakerRole;
  readonly coding: Coding | undefined;
  readonly codeId: string | undefined;
  readonly wordCount: number;
  readonly tokens: readonly string[];
  readonly isQuestion: boolean;
  /**
   * The chosen coding's probabilities, normalised to sum to 1 (codes with probability 0 left
   * out); undefined when it has none or they sum to 0.
   */
  readonly distribution: readonly (readonly [string, number])[] | undefined;
}

/** A session ready for scoring. @internal */
export interface Session {
  readonly id: string;
  readonly codebookId: string;
  readonly units: readonly Unit[];
  /** Problems that did not stop scoring (never contain utterance text). */
  readonly warnings: readonly string[];
}

/**
 * Prepared sessions by input object, then by `source`: made by a caller that scores the same session
 * several times (`sessionScores`: summary, MITI, MISC, profile, flags) and passed to {@link prepare},
 * so that it is validated and tokenised once. The inputs must not change while it is in use.
 * @internal
 */
export class PreparedSessions {
  private readonly byInput = new WeakMap<CodedTranscript, Map<string | undefined, Session>>();
  get(input: CodedTranscript, options: SessionScoreOptions): Session {
    let bySource = this.byInput.get(input);
    if (!bySource) {
      bySource = new Map();
      this.byInput.set(input, bySource);
    }
    let session = bySource.get(options.source);
    if (!session) {
      session = prepareUncached(input, options);
      bySource.set(options.source, session);
    }
    return session;
  }
}

/**
 * Validates the input (the `CodedTranscript` schema; unique utterance ids), picks one coding per
 * utterance and tokenises once. Codings that name an utterance not in the
 * transcript are reported as warnings, not dropped silently. With `cache`, once per input object
 * and `source` for that cache.
 * @internal
 */
export function prepare(
  input: CodedTranscript,
  options: SessionScoreOptions = {},
  cache?: PreparedSessions,
): Session {
  return cache ? cache.get(input, options) : prepareUncached(input, options);
}

function prepareUncached(input: CodedTranscript, options: SessionScoreOptions): Session {
  const parsed = safeParseCodedTranscript(input);
  if (!parsed.success) throw new ScoreInputError(parsed.error.issues);
  const coded = parsed.data;
  const warnings: string[] = [];
  const byId = new Map<string, Coding>();
  const known = new Set<string>();
  coded.transcript.utterances.forEach((u, i) => {
    if (known.has(u.id))
      throw new ScoreInputError([
        {
          code: "invalid_input",
          path: ["transcript", "utterances", i, "id"],
          message: `utterance id '${u.id}' is used twice in session '${coded.transcript.id}'`,
        },
      ]);
    known.add(u.id);
  });
  let orphans = 0;
  let otherSource = 0;
  for (const c of coded.codings) {
    if (!known.has(c.utteranceId)) {
      orphans++;
      continue;
    }
    if (options.source !== undefined && c.source !== options.source) {
      otherSource++;
      continue;
    }
    const prev = byId.get(c.utteranceId);
    if (!prev || c.confidence > prev.confidence) byId.set(c.utteranceId, c);
  }
  if (orphans > 0)
    warnings.push(
      `${orphans} coding(s) name utterance ids not in session '${coded.transcript.id}'`,
    );
  if (options.source !== undefined && otherSource > 0)
    warnings.push(`${otherSource} coding(s) from sources other than '${options.source}' ignored`);
  const units: Unit[] = coded.transcript.utterances.map((u) => makeUnit(u, byId.get(u.id)));
  return { id: coded.transcript.id, codebookId: coded.codebook.id, units, warnings };
}

/**
 * An utterance with its chosen coding, tokenised once (word tokens, normalised; whether it has a
 * question mark). Shared by the batch scores and the live coder. @internal
 */
export function makeUnit(u: Utterance, coding: Coding | undefined): Unit {
  const { words, question: q } = wordsOf(tokenize(u.text));
  return {
    utterance: u,
    role: u.role,
    coding,
    codeId: coding?.codeId,
    wordCount: words.length,
    tokens: words,
    isQuestion: q,
    distribution: coding?.probabilities ? normalised(coding.probabilities) : undefined,
  };
}

function normalised(
  probabilities: Readonly<Record<string, number>>,
): (readonly [string, number])[] | undefined {
  let sum = 0;
  for (const v of Object.values(probabilities)) sum += v;
  if (!(sum > 0)) return undefined;
  const out: [string, number][] = [];
  for (const [k, v] of Object.entries(probabilities)) if (v > 0) out.push([k, v / sum]);
  return out;
}

/** The mapping table for a codebook and target, or a ScoreInputError naming the codebook. @internal */
export function tableFor(
  codebookId: string,
  target: MappingTarget,
  options: SessionScoreOptions,
): MappingTable {
  const custom = options.mappings?.[target];
  if (custom) return custom;
  const t = BUILTIN_MAPPINGS[target][codebookId];
  if (!t)
    throw new ScoreInputError([
      {
        code: "unknown_codebook",
        path: ["codebook", "id"],
        message: `no built-in mapping from codebook '${codebookId}' to '${target}'; pass options.mappings['${target}']`,
      },
    ]);
  return t;
}

/** The code ids (with their ancestors by dotted prefix: `a.b.c` → `a`, `a.b`). @internal */
export function withAncestors(codeId: string): string[] {
  const out = [codeId];
  let i = codeId.lastIndexOf(".");
  while (i > 0) {
    out.push(codeId.slice(0, i));
    i = codeId.lastIndexOf(".", i - 1);
  }
  return out;
}

// Token sequences, matched on normalised word tokens (linear in the utterance length).
const PERMISSION_PHRASES = phraseIndex([
  ["is", "it", "okay", "if"],
  ["is", "it", "ok", "if"],
  ["is", "it", "alright", "if"],
  ["is", "it", "all", "right", "if"],
  ["would", "it", "be", "okay"],
  ["would", "it", "be", "ok"],
  ["would", "it", "be", "alright"],
  ["would", "it", "be", "all", "right"],
  ["do", "you", "mind", "if"],
  ["mind", "if", "i"],
  ["may", "i"],
  ["can", "i", "share"],
  ["can", "i", "offer"],
  ["can", "i", "give"],
  ["can", "i", "tell"],
  ["could", "i", "share"],
  ["could", "i", "offer"],
  ["could", "i", "tell"],
  ["would", "you", "like", "me", "to"],
  ["would", "you", "like", "some"],
  ["would", "you", "like", "to", "hear"],
  ["would", "you", "be", "interested"],
  ["are", "you", "interested", "in"],
]);

/** Therapist asked permission in this utterance (code or phrase). @internal */
export function asksPermission(u: Unit): boolean {
  if (u.role !== "therapist") return false;
  if (u.codeId === "permission") return true;
  return u.isQuestion && hasPhrase(u.tokens, PERMISSION_PHRASES);
}

/** Client asked for advice in this utterance (`asksForAdvice`: an advice-seeking question or an outright request). @internal */
export function requestsAdvice(u: Unit): boolean {
  return u.role === "client" && asksForAdvice(u.tokens, u.isQuestion);
}

/**
 * For each unit, whether permission was asked or advice requested in the `window` utterances
 * before it (MITI 4.2.1: permission may be asked by the clinician, requested by the client, and
 * can cover several minutes; Moyers, Manuel & Ernst 2015, *MITI 4.2.1*, Persuade with Permission). A `permission` code, a permission phrase in a
 * therapist question ("is it okay if…", "may I…") or an advice-seeking client question
 * ("what should I…") counts. One pass, linear.
 * @internal
 */
export function permittedMask(units: readonly Unit[], window: number): boolean[] {
  const out: boolean[] = new Array(units.length).fill(false);
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < units.length; i++) {
    out[i] = i - last <= window;
    const u = units[i] as Unit;
    if (asksPermission(u) || requestsAdvice(u)) last = i;
  }
  return out;
}

/**
 * Each unit's code mapped to the target code set (context rule for advice applied); `null` when
 * uncoded or the code has no counterpart. Code ids missing from the table are counted in
 * `unknown` (and reported by the caller), never guessed.
 * @internal
 */
export function mapUnits(
  session: Session,
  target: MappingTarget,
  options: SessionScoreOptions,
): { mapped: (string | null)[]; unknown: Map<string, number> } {
  const table = tableFor(session.codebookId, target, options);
  const mask = permittedMask(session.units, options.permissionWindow ?? 4);
  const unknown = new Map<string, number>();
  const mapped = session.units.map((u, i) => {
    if (u.codeId === undefined) return null;
    const e = entryOf(table, u.codeId);
    if (!e) {
      unknown.set(u.codeId, (unknown.get(u.codeId) ?? 0) + 1);
      return null;
    }
    return targetOf(e, mask[i] as boolean);
  });
  return { mapped, unknown };
}

function entryOf(table: MappingTable, code: string): MappingEntry | undefined {
  return Object.hasOwn(table.entries, code) ? table.entries[code] : undefined;
}

/** A mapping entry's target, by the advice context rule (`permitted`: permission asked before). */
function targetOf(e: MappingEntry, permitted: boolean): string | null {
  return e.withPermission !== undefined && permitted ? e.withPermission : e.to;
}

/**
 * The codebook codes a unit counts as, with their weights: with `counting: "expected"` and a
 * coding that has probabilities, its distribution; otherwise its one code, weight 1 (none when
 * uncoded).
 * @internal
 */
export function weightedCodes(
  u: Unit,
  counting: SessionScoreOptions["counting"],
): readonly (readonly [string, number])[] {
  if (counting === "expected" && u.distribution) return u.distribution;
  return u.codeId === undefined ? [] : [[u.codeId, 1]];
}

/**
 * Each unit's codes mapped to the target code set, with the weight each counts: with `counting:
 * "expected"` and a coding that has probabilities, every code of its distribution by its
 * probability (codes without a counterpart drop out, so a unit may count less than 1); otherwise
 * its one code, weight 1 (what {@link mapUnits} gives). The advice context rule applies to each
 * code. Code ids missing from the table are counted in `unknown` once per unit.
 * @throws ScoreInputError when `counting` is neither "top" nor "expected".
 * @internal
 */
export function mapWeighted(
  session: Session,
  target: MappingTarget,
  options: SessionScoreOptions,
): { weighted: (readonly (readonly [string, number])[])[]; unknown: Map<string, number> } {
  const counting = options.counting ?? "top";
  if (counting !== "top" && counting !== "expected")
    throw new ScoreInputError([
      {
        code: "invalid_input",
        path: ["counting"],
        message: 'counting must be "top" or "expected"',
      },
    ]);
  const table = tableFor(session.codebookId, target, options);
  const mask = permittedMask(session.units, options.permissionWindow ?? 4);
  const unknown = new Map<string, number>();
  const bump = (code: string) => unknown.set(code, (unknown.get(code) ?? 0) + 1);
  const weighted = session.units.map((u, i) => {
    // The chosen code is reported once when the table lacks it, whichever way the unit counts.
    if (u.codeId !== undefined && !entryOf(table, u.codeId)) bump(u.codeId);
    const byTarget = new Map<string, number>();
    for (const [code, p] of weightedCodes(u, counting)) {
      const e = entryOf(table, code);
      if (!e) {
        if (code !== u.codeId) bump(code);
        continue;
      }
      const to = targetOf(e, mask[i] as boolean);
      if (to !== null) byTarget.set(to, (byTarget.get(to) ?? 0) + p);
    }
    return [...byTarget];
  });
  return { weighted, unknown };
}

/** Warning lines for unknown code ids (ids only, never text). @internal */
export function unknownWarnings(unknown: Map<string, number>, table: string): string[] {
  const out: string[] = [];
  for (const [id, n] of unknown)
    out.push(`code '${id}' (${n}×) has no entry in the ${table} mapping and was not counted`);
  return out;
}
