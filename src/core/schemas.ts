import * as z from "./zod.js";

/**
 * The role a speaker plays in a session. Speaker *names* ("Dr Lee", "T", "COUNSELLOR") map to roles
 * through a configurable speaker map (see `io`).
 * @category Data model
 */
export const SpeakerRoleSchema = z.enum(["therapist", "client", "other"]);
/** @category Data model */
export type SpeakerRole = z.infer<typeof SpeakerRoleSchema>;

/** Free-form, JSON-serialisable metadata. @category Data model */
export const MetadataSchema = z.record(z.string(), z.unknown());
/** @category Data model */
export type Metadata = z.infer<typeof MetadataSchema>;

// zod/mini (see ./zod.ts): `z.number().check(z.int())` is what `z.number().int()` of zod's method API
// builds, and a zod number rejects NaN and ±Infinity by itself. Schemas are immutable, so one can
// serve several fields.
const nonEmpty = z.string().check(z.minLength(1));
const nonNegative = z.number().check(z.nonnegative());
/** An integer ≥ 0 (an index or a character offset). */
const count = z.number().check(z.int(), z.nonnegative());
/** A number in [0, 1] (a confidence). */
const unit = z.number().check(z.gte(0), z.lte(1));

/**
 * One turn of talk (or one thought unit of it).
 * Times are in seconds from the start of the session.
 * @category Data model
 */
export const UtteranceSchema = z
  .object({
    id: nonEmpty,
    session: nonEmpty,
    index: count,
    speaker: z.string(),
    role: SpeakerRoleSchema,
    text: z.string(),
    start: z.optional(nonNegative),
    end: z.optional(nonNegative),
    metadata: z.optional(MetadataSchema),
  })
  .check(
    z.refine((u) => u.start === undefined || u.end === undefined || u.end >= u.start, {
      message: "end must not be before start",
      path: ["end"],
    }),
  );
/** @category Data model */
export type Utterance = z.infer<typeof UtteranceSchema>;

/**
 * A session: its id, its utterances in order, and metadata.
 * @category Data model
 */
export const TranscriptSchema = z.object({
  id: nonEmpty,
  utterances: z.array(UtteranceSchema),
  metadata: z.optional(MetadataSchema),
});
/** @category Data model */
export type Transcript = z.infer<typeof TranscriptSchema>;

/** A half-open character span `[start, end)` of an utterance's text that supported a code. @category Data model */
export const SpanSchema = z.object({
  start: count,
  end: count,
  /** What the span matched (a cue id or phrase), never the utterance text itself. */
  cue: z.optional(z.string()),
});
/** @category Data model */
export type Span = z.infer<typeof SpanSchema>;

/** A named feature and its weight in a decision. @category Data model */
export const FeatureWeightSchema = z.object({ name: z.string(), weight: z.number() });
/** @category Data model */
export type FeatureWeight = z.infer<typeof FeatureWeightSchema>;

/** Why a code was given: character spans of cues, and/or the features that weighed most. @category Data model */
export const EvidenceSchema = z.object({
  spans: z.optional(z.array(SpanSchema)),
  features: z.optional(z.array(FeatureWeightSchema)),
});
/** @category Data model */
export type Evidence = z.infer<typeof EvidenceSchema>;

/**
 * One code given to one utterance, by a classifier (`source` = classifier id) or a human coder
 * (`source` = the coder's name).
 * @category Data model
 */
export const CodingSchema = z.object({
  utteranceId: nonEmpty,
  codeId: nonEmpty,
  confidence: unit,
  source: nonEmpty,
  evidence: z.optional(EvidenceSchema),
  /** A second behaviour the utterance carries (coding manual §4); scores count it only on request. */
  secondary: z.optional(z.object({ codeId: nonEmpty, confidence: unit })),
  /**
   * The classifier's probability of each code of the utterance's role (code id → probability),
   * kept from its prediction when it gave one. Session scores count an utterance as this
   * distribution with `counting: "expected"`.
   */
  probabilities: z.optional(z.record(nonEmpty, unit)),
});
/** @category Data model */
export type Coding = z.infer<typeof CodingSchema>;

/** A reference to a codebook by id and version. @category Data model */
export const CodebookRefSchema = z.object({ id: nonEmpty, version: nonEmpty });
/** @category Data model */
export type CodebookRef = z.infer<typeof CodebookRefSchema>;

/**
 * A transcript with codings in one codebook. An utterance may carry several codings (several human
 * coders, or a classifier and a human); an utterance with none is uncoded.
 * @category Data model
 */
export const CodedTranscriptSchema = z.object({
  transcript: TranscriptSchema,
  codebook: CodebookRefSchema,
  codings: z.array(CodingSchema),
});
/** @category Data model */
export type CodedTranscript = z.infer<typeof CodedTranscriptSchema>;

// ---------------------------------------------------------------------------------------------
// Codebooks

/** How a code bears on rapport. @category Codebooks */
export const ValenceSchema = z.enum(["builds", "harms", "neutral"]);
/** @category Codebooks */
export type Valence = z.infer<typeof ValenceSchema>;

/**
 * Codes of other schemes that correspond to a code. Each list names codes of that scheme; an empty or
 * absent list means "no counterpart". `note` says where the mapping is lossy or conditional.
 * @category Codebooks
 */
export const CrosswalkSchema = z.object({
  "miti-4.2.1": z.optional(z.array(z.string())),
  "misc-2.5": z.optional(z.array(z.string())),
  annomi: z.optional(z.array(z.string())),
  rapport: z.optional(z.array(z.string())),
  esconv: z.optional(z.array(z.string())),
  note: z.optional(z.string()),
});
/** @category Codebooks */
export type Crosswalk = z.infer<typeof CrosswalkSchema>;

/**
 * The largest magnitude a cue weight may have (default weight 1; the built-in cues use ±2 at most).
 * The bound keeps every sum of weights finite, so a code's score, its confidence and the evidence
 * that reports it are always numbers: two weights of 1e308 would sum to Infinity.
 * @category Codebooks
 */
export const MAX_CUE_WEIGHT = 1000;

const cueWeightRange = {
  message: `a cue weight must be between -${MAX_CUE_WEIGHT} and ${MAX_CUE_WEIGHT}`,
};
const CueWeightSchema = z.optional(
  z.number().check(z.gte(-MAX_CUE_WEIGHT, cueWeightRange), z.lte(MAX_CUE_WEIGHT, cueWeightRange)),
);

/**
 * A cue for the rules classifier, declared as data. Every matcher runs in time linear in the input:
 * phrases and token patterns are matched on tokens by automata, never compiled into a backtracking
 * regex. Token patterns with `*` may hold at most 4,096 tokens in all per codebook
 * (`MAX_WILDCARD_PATTERN_TOKENS`).
 *
 * - `phrase`: any of `phrases` (token sequences, case-insensitive) occurs; `at` restricts to the start
 *   or end of the utterance.
 * - `tokens`: a token pattern; `*` matches any one token, `?` makes the following token optional is NOT
 *   supported (keep patterns simple and linear).
 * - `question`: the utterance is a question of the given form.
 * - `pronoun`: the utterance uses first- or second-person pronouns at least `min` times.
 * - `mirroring`: lexical overlap with the client's previous turn is at least `min` (0..1).
 * - `length`: the utterance has at least `min` / at most `max` tokens.
 *
 * `weight` (default 1, negative speaks against the code) is a finite number within
 * ±{@link MAX_CUE_WEIGHT}.
 * @category Codebooks
 */
export const CueSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("phrase"),
    phrases: z.array(nonEmpty).check(z.minLength(1)),
    at: z.optional(z.enum(["start", "end", "anywhere"])),
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("tokens"),
    pattern: z.array(nonEmpty).check(z.minLength(1)),
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("question"),
    form: z.enum(["open", "closed", "any"]),
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("pronoun"),
    person: z.enum(["first", "second"]),
    min: z.optional(z.number().check(z.int(), z.positive())),
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("mirroring"),
    min: unit,
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("length"),
    min: z.optional(count),
    max: z.optional(count),
    weight: CueWeightSchema,
  }),
]);
/** @category Codebooks */
export type Cue = z.infer<typeof CueSchema>;

/**
 * One code of a codebook.
 * @category Codebooks
 */
export const CodeSchema = z.object({
  id: nonEmpty,
  label: nonEmpty,
  definition: nonEmpty,
  include: z._default(z.array(z.string()), []),
  exclude: z._default(z.array(z.string()), []),
  examples: z.array(nonEmpty).check(z.minLength(3)),
  counterExamples: z.array(nonEmpty).check(z.minLength(2)),
  /** The speaker role this code applies to; `any` for codes that apply to every speaker. */
  role: z.enum(["therapist", "client", "other", "any"]),
  parent: z.optional(nonEmpty),
  valence: ValenceSchema,
  crosswalk: z.optional(CrosswalkSchema),
  cues: z.optional(z.array(CueSchema)),
});
/** The code as written by an author (defaults not yet applied). @category Codebooks */
export type CodeInput = z.input<typeof CodeSchema>;
/** @category Codebooks */
export type Code = z.infer<typeof CodeSchema>;

/**
 * A session-level rating scale (e.g. MITI's global scores), as opposed to an utterance code.
 * @category Codebooks
 */
export const GlobalScaleSchema = z.object({
  id: nonEmpty,
  label: nonEmpty,
  definition: nonEmpty,
  min: z.number().check(z.int()),
  max: z.number().check(z.int()),
  anchors: z.optional(z.record(z.string(), z.string())),
});
/** @category Codebooks */
export type GlobalScale = z.infer<typeof GlobalScaleSchema>;

/**
 * A versioned set of codes.
 * @category Codebooks
 */
export const CodebookSchema = z.object({
  id: nonEmpty,
  version: nonEmpty,
  label: nonEmpty,
  description: z.optional(z.string()),
  source: z.optional(z.string()),
  codes: z.array(CodeSchema).check(z.minLength(1)),
  globals: z.optional(z.array(GlobalScaleSchema)),
});
/** @category Codebooks */
export type Codebook = z.infer<typeof CodebookSchema>;
