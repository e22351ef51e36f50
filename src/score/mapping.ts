/**
 * Explicit, documented mapping tables from the codebooks rapportkit ships (`rapport`, `annomi`,
 * `miti-4.2.1`) to the code sets the scores need: MITI 4.2.1 behaviour codes, MISC 2.5 summary
 * codes and the `rapport` codes the rapport profile weighs.
 *
 * The tables live here (not only in the codebooks' crosswalks) so that every score states exactly
 * which code counted as what. Each entry names its target (or `null`: no counterpart, the code is
 * not counted) and, where the mapping is lossy or depends on context, a `note`.
 *
 * Context rule (advice): an advice code without an explicit permission subtype maps to `to` when
 * no permission was asked and no advice was requested in the preceding turns, and to
 * `withPermission` otherwise (MITI 4.2.1: Persuade vs Persuade with Permission; MISC 2.5: ADW vs
 * ADP). See {@link isPermitted}.
 *
 * References: Moyers, Manuel & Ernst, *MITI Coding Manual 4.2.1* (2015), behaviour codes and
 * decision rules; Houck, Moyers, Miller, Glynn & Hallgren, *MISC 2.5* (2010), and the summary
 * code groups of CASAA's CACTI coding software (University of New Mexico).
 * @module
 */

/** One mapping-table entry. @category Scores */
export interface MappingEntry {
  /** The target code, or `null` when the source code has no counterpart (it is not counted). */
  readonly to: string | null;
  /** For context-dependent advice codes: the target when permission was asked or advice requested. */
  readonly withPermission?: string | null;
  /** Where the mapping is lossy, conditional or a judgement call. */
  readonly note?: string;
}

/** A mapping from one codebook's code ids to a target code set. @category Scores */
export interface MappingTable {
  /** The source codebook id. */
  readonly from: string;
  /** The target code set: `miti-4.2.1`, `misc-2.5` or `rapport`. */
  readonly to: string;
  /** Code id → entry. A code id absent from the table is reported as unknown, never guessed. */
  readonly entries: Readonly<Record<string, MappingEntry>>;
}

/** The MITI 4.2.1 behaviour codes (Moyers, Manuel & Ernst 2015). @category Scores */
export const MITI_CODES = [
  "GI",
  "Persuade",
  "PersuadeWithPermission",
  "Q",
  "SR",
  "CR",
  "AF",
  "Seek",
  "Emphasize",
  "Confront",
] as const;
/** @category Scores */
export type MitiCode = (typeof MITI_CODES)[number];

/** The MISC 2.5 codes the MISC summaries use (Houck et al. 2010), plus CT/ST for client talk. @category Scores */
export const MISC_CODES = [
  "ADP",
  "ADW",
  "AF",
  "CO",
  "DI",
  "EC",
  "FA",
  "FI",
  "GI",
  "OQ",
  "CQ",
  "Q",
  "RCP",
  "RCW",
  "SR",
  "CR",
  "RF",
  "SU",
  "ST",
  "WA",
  "CT",
  "SUST",
] as const;

const NO_MITI_CLIENT = "MITI codes clinician behaviour only; client language is not a MITI code";

/**
 * `rapport` → MITI 4.2.1 behaviour codes (Moyers, Manuel & Ernst 2015, *MITI 4.2.1*).
 * @category Scores
 */
export const RAPPORT_TO_MITI: MappingTable = {
  from: "rapport",
  to: "miti-4.2.1",
  entries: {
    reflection: {
      to: "SR",
      note: "reflection without a subtype counts as SR (it adds to R:Q but not to %CR's numerator)",
    },
    "reflection.simple": { to: "SR" },
    "reflection.complex": { to: "CR" },
    summary: {
      to: "CR",
      note: "MITI codes a summary as a reflection; rapportkit counts it as complex (it gathers several client statements)",
    },
    question: { to: "Q" },
    "question.open": { to: "Q", note: "MITI 4 has no open/closed split (§1.1)" },
    "question.closed": { to: "Q", note: "MITI 4 has no open/closed split (§1.1)" },
    validation: {
      to: null,
      note: "validation has no MITI code; the nearest are AF or CR (the codebook crosswalk lists both) and it shows in the Empathy global (§1.2): not counted",
    },
    affirmation: { to: "AF" },
    permission: {
      to: "Seek",
      note: "asking permission is explicit power sharing (Seek); MISC 2.5 folds it into Emphasize Control",
    },
    feedback_request: { to: "Seek", note: "asks for the client's view or expertise (Seek)" },
    autonomy: { to: "Emphasize" },
    information: { to: "GI" },
    advice: {
      to: "Persuade",
      withPermission: "PersuadeWithPermission",
      note: "context rule: Persuade unless permission was asked or advice requested in the preceding turns",
    },
    "advice.permitted": { to: "PersuadeWithPermission" },
    "advice.unsolicited": { to: "Persuade", note: "unsolicited advice → Persuade (MINA) (§1.2)" },
    self_disclosure: {
      to: null,
      note: "MITI has no neutral self-disclosure code; only self-disclosure used to persuade is Persuade (§1.2)",
    },
    oversharing: {
      to: null,
      note: "no MITI counterpart; flagged separately (see flags)",
    },
    judgement: { to: "Confront", note: "judgement or confrontation → Confront (§1.2)" },
    invalidation: {
      to: "Confront",
      note: "lossy: invalidating (criticising, dismissing) is counted as Confront",
    },
    facilitation: { to: null, note: "facilitative 'okay/mm-hmm' is not coded in MITI (§1.1)" },
    structuring: { to: null, note: "structuring statements are not coded in MITI (§1.1)" },
    other: { to: null },
    change_talk: { to: null, note: NO_MITI_CLIENT },
    sustain_talk: { to: null, note: NO_MITI_CLIENT },
    neutral: { to: null, note: NO_MITI_CLIENT },
  },
};

/** `miti-4.2.1` → itself. @category Scores */
export const MITI_TO_MITI: MappingTable = {
  from: "miti-4.2.1",
  to: "miti-4.2.1",
  entries: Object.fromEntries(MITI_CODES.map((c) => [c, { to: c }])),
};

/**
 * `rapport` → MISC 2.5 summary codes (Houck et al. 2010, *MISC 2.5*; CASAA's CACTI summary groups). `CT`/`SUST` are client change and
 * sustain talk (MISC's + and − client codes).
 * @category Scores
 */
export const RAPPORT_TO_MISC: MappingTable = {
  from: "rapport",
  to: "misc-2.5",
  entries: {
    reflection: { to: "SR", note: "lossy: no subtype → SR" },
    "reflection.simple": { to: "SR" },
    "reflection.complex": { to: "CR" },
    summary: { to: "CR", note: "summaries counted as complex reflections" },
    question: { to: "Q", note: "question without open/closed: in R:Q's denominator, not in %open" },
    "question.open": { to: "OQ" },
    "question.closed": { to: "CQ" },
    validation: { to: "SU", note: "lossy: validation read as Support (MICO)" },
    affirmation: { to: "AF" },
    permission: { to: "EC", note: "MISC 2.5 folds permission seeking into Emphasize Control" },
    feedback_request: { to: null, note: "no MISC 2.5 counterpart" },
    autonomy: { to: "EC" },
    information: { to: "GI" },
    advice: {
      to: "ADW",
      withPermission: "ADP",
      note: "context rule: ADW unless permission was asked or advice requested in the preceding turns",
    },
    "advice.permitted": { to: "ADP" },
    "advice.unsolicited": { to: "ADW" },
    self_disclosure: {
      to: null,
      note: "MISC 2.5 has no self-disclosure code",
    },
    oversharing: { to: null },
    judgement: { to: "CO" },
    invalidation: { to: "CO", note: "lossy: invalidation counted as Confront" },
    facilitation: { to: "FA" },
    structuring: { to: "ST" },
    other: { to: null },
    change_talk: { to: "CT" },
    sustain_talk: { to: "SUST" },
    neutral: { to: null },
  },
};

/** `miti-4.2.1` → MISC 2.5 summary codes. @category Scores */
export const MITI_TO_MISC: MappingTable = {
  from: "miti-4.2.1",
  to: "misc-2.5",
  entries: {
    GI: { to: "GI" },
    Persuade: { to: "ADW", note: "lossy: Persuade also covers arguing and biased information" },
    PersuadeWithPermission: { to: "ADP" },
    Q: { to: "Q", note: "MITI has no open/closed split: %open questions is undefined" },
    SR: { to: "SR" },
    CR: { to: "CR" },
    AF: { to: "AF" },
    Seek: { to: null, note: "no MISC 2.5 counterpart" },
    Emphasize: { to: "EC" },
    Confront: { to: "CO" },
  },
};

/** `annomi` → `rapport`, for the rapport profile from AnnoMI codes. @category Scores */
export const ANNOMI_TO_RAPPORT: MappingTable = {
  from: "annomi",
  to: "rapport",
  entries: {
    reflection: { to: "reflection" },
    "reflection.simple": { to: "reflection.simple" },
    "reflection.complex": { to: "reflection.complex" },
    question: { to: "question" },
    "question.open": { to: "question.open" },
    "question.closed": { to: "question.closed" },
    therapist_input: { to: "information", note: "lossy: no subtype → information" },
    "therapist_input.information": { to: "information" },
    "therapist_input.advice": {
      to: "advice.unsolicited",
      withPermission: "advice.permitted",
      note: "context rule: unsolicited unless permission was asked or advice requested in the preceding turns",
    },
    "therapist_input.negotiation": {
      to: "permission",
      note: "lossy: negotiating goals or a plan is shared decision-making (task agreement); agenda-setting would be structuring",
    },
    "therapist_input.options": {
      to: "autonomy",
      note: "lossy: a menu of options leaves the choice with the client",
    },
    other: { to: "other" },
    change: { to: "change_talk" },
    neutral: { to: "neutral" },
    sustain: { to: "sustain_talk" },
  },
};

/**
 * Two tables chained: `first` maps a code to an intermediate code, which `second` maps on. The
 * advice context rule carries through: `withPermission` follows the intermediate code's own
 * `withPermission` target, or its plain target. Notes of both steps are kept.
 * @example
 * composeMappings(ANNOMI_TO_RAPPORT, RAPPORT_TO_MITI).entries["therapist_input.negotiation"].to; // => "Seek"
 * @category Scores
 */
export function composeMappings(first: MappingTable, second: MappingTable): MappingTable {
  const entries: Record<string, MappingEntry> = {};
  const via = (code: string | null | undefined, permitted: boolean): string | null => {
    if (code === null || code === undefined) return null;
    const e = second.entries[code];
    if (!e) return null;
    return permitted && e.withPermission !== undefined ? e.withPermission : e.to;
  };
  for (const [code, e] of Object.entries(first.entries)) {
    const to = via(e.to, false);
    const wp =
      e.withPermission !== undefined
        ? via(e.withPermission, true)
        : e.to !== null && second.entries[e.to]?.withPermission !== undefined
          ? via(e.to, true)
          : undefined;
    const notes = [e.note, e.to !== null ? second.entries[e.to]?.note : undefined].filter(
      (n): n is string => n !== undefined,
    );
    entries[code] = {
      to,
      ...(wp !== undefined && wp !== to ? { withPermission: wp } : {}),
      ...(notes.length > 0
        ? { note: `via ${first.to} ${e.to ?? "(none)"}: ${notes.join("; ")}` }
        : {}),
    };
  }
  return { from: first.from, to: second.to, entries };
}

/**
 * `annomi` → MITI 4.2.1: derived from {@link ANNOMI_TO_RAPPORT} and {@link RAPPORT_TO_MITI}, so
 * that an AnnoMI coding counts the same as the rapport code it maps to (one source for each pair
 * of codebooks).
 * @category Scores
 */
export const ANNOMI_TO_MITI: MappingTable = composeMappings(ANNOMI_TO_RAPPORT, RAPPORT_TO_MITI);

/**
 * `annomi` → MISC 2.5 summary codes: derived from {@link ANNOMI_TO_RAPPORT} and
 * {@link RAPPORT_TO_MISC}.
 * @category Scores
 */
export const ANNOMI_TO_MISC: MappingTable = composeMappings(ANNOMI_TO_RAPPORT, RAPPORT_TO_MISC);

/** `miti-4.2.1` → `rapport`, for the rapport profile from MITI codes. @category Scores */
export const MITI_TO_RAPPORT: MappingTable = {
  from: "miti-4.2.1",
  to: "rapport",
  entries: {
    GI: { to: "information" },
    Persuade: { to: "advice.unsolicited", note: "lossy: Persuade also covers arguing" },
    PersuadeWithPermission: { to: "advice.permitted" },
    Q: { to: "question" },
    SR: { to: "reflection.simple" },
    CR: { to: "reflection.complex" },
    AF: { to: "affirmation" },
    Seek: { to: "feedback_request" },
    Emphasize: { to: "autonomy" },
    Confront: { to: "judgement" },
  },
};

const RAPPORT_IDS = Object.keys(RAPPORT_TO_MITI.entries);

/** `rapport` → itself (bare `advice` is resolved by the context rule). @category Scores */
export const RAPPORT_TO_RAPPORT: MappingTable = {
  from: "rapport",
  to: "rapport",
  entries: Object.fromEntries(
    RAPPORT_IDS.map((c) => [
      c,
      c === "advice" ? { to: "advice.unsolicited", withPermission: "advice.permitted" } : { to: c },
    ]),
  ),
};

/** Every built-in table, by target then source codebook id. @category Scores */
export const BUILTIN_MAPPINGS: Readonly<
  Record<"miti-4.2.1" | "misc-2.5" | "rapport", Readonly<Record<string, MappingTable>>>
> = {
  "miti-4.2.1": { rapport: RAPPORT_TO_MITI, annomi: ANNOMI_TO_MITI, "miti-4.2.1": MITI_TO_MITI },
  "misc-2.5": { rapport: RAPPORT_TO_MISC, annomi: ANNOMI_TO_MISC, "miti-4.2.1": MITI_TO_MISC },
  rapport: {
    rapport: RAPPORT_TO_RAPPORT,
    annomi: ANNOMI_TO_RAPPORT,
    "miti-4.2.1": MITI_TO_RAPPORT,
  },
};
