import { z } from "zod";

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

const nonNegative = z.number().finite().nonnegative();

/**
 * One turn of talk (or one thought unit of it).
 * Times are in seconds from the start of the session.
 * @category Data model
 */
export const UtteranceSchema = z
  .object({
    id: z.string().min(1),
    session: z.string().min(1),
    index: z.number().int().nonnegative(),
    speaker: z.string(),
    role: SpeakerRoleSchema,
    text: z.string(),
    start: nonNegative.optional(),
    end: nonNegative.optional(),
    metadata: MetadataSchema.optional(),
  })
  .refine((u) => u.start === undefined || u.end === undefined || u.end >= u.start, {
    message: "end must not be before start",
    path: ["end"],
  });
/** @category Data model */
export type Utterance = z.infer<typeof UtteranceSchema>;

/**
 * A session: its id, its utterances in order, and metadata.
 * @category Data model
 */
export const TranscriptSchema = z.object({
  id: z.string().min(1),
  utterances: z.array(UtteranceSchema),
  metadata: MetadataSchema.optional(),
});
/** @category Data model */
export type Transcript = z.infer<typeof TranscriptSchema>;

/** A half-open character span `[start, end)` of an utterance's text that supported a code. @category Data model */
export const SpanSchema = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  /** What the span matched (a cue id or phrase), never the utterance text itself. */
  cue: z.string().optional(),
});
/** @category Data model */
export type Span = z.infer<typeof SpanSchema>;

/** A named feature and its weight in a decision. @category Data model */
export const FeatureWeightSchema = z.object({ name: z.string(), weight: z.number().finite() });
/** @category Data model */
export type FeatureWeight = z.infer<typeof FeatureWeightSchema>;

/** Why a code was given: character spans of cues, and/or the features that weighed most. @category Data model */
export const EvidenceSchema = z.object({
  spans: z.array(SpanSchema).optional(),
  features: z.array(FeatureWeightSchema).optional(),
});
/** @category Data model */
export type Evidence = z.infer<typeof EvidenceSchema>;

/**
 * One code given to one utterance, by a classifier (`source` = classifier id) or a human coder
 * (`source` = the coder's name).
 * @category Data model
 */
export const CodingSchema = z.object({
  utteranceId: z.string().min(1),
  codeId: z.string().min(1),
  confidence: z.number().min(0).max(1),
  source: z.string().min(1),
  evidence: EvidenceSchema.optional(),
  /** A second behaviour the utterance carries (coding manual §4); scores count it only on request. */
  secondary: z
    .object({ codeId: z.string().min(1), confidence: z.number().min(0).max(1) })
    .optional(),
});
/** @category Data model */
export type Coding = z.infer<typeof CodingSchema>;

/** A reference to a codebook by id and version. @category Data model */
export const CodebookRefSchema = z.object({ id: z.string().min(1), version: z.string().min(1) });
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
  "miti-4.2.1": z.array(z.string()).optional(),
  "misc-2.5": z.array(z.string()).optional(),
  annomi: z.array(z.string()).optional(),
  rapport: z.array(z.string()).optional(),
  esconv: z.array(z.string()).optional(),
  note: z.string().optional(),
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

const CueWeightSchema = z
  .number()
  .finite()
  .min(-MAX_CUE_WEIGHT, {
    message: `a cue weight must be between -${MAX_CUE_WEIGHT} and ${MAX_CUE_WEIGHT}`,
  })
  .max(MAX_CUE_WEIGHT, {
    message: `a cue weight must be between -${MAX_CUE_WEIGHT} and ${MAX_CUE_WEIGHT}`,
  })
  .optional();

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
    phrases: z.array(z.string().min(1)).min(1),
    at: z.enum(["start", "end", "anywhere"]).optional(),
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("tokens"),
    pattern: z.array(z.string().min(1)).min(1),
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
    min: z.number().int().positive().optional(),
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("mirroring"),
    min: z.number().min(0).max(1),
    weight: CueWeightSchema,
  }),
  z.object({
    kind: z.literal("length"),
    min: z.number().int().nonnegative().optional(),
    max: z.number().int().nonnegative().optional(),
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
  id: z.string().min(1),
  label: z.string().min(1),
  definition: z.string().min(1),
  include: z.array(z.string()).default([]),
  exclude: z.array(z.string()).default([]),
  examples: z.array(z.string().min(1)).min(3),
  counterExamples: z.array(z.string().min(1)).min(2),
  /** The speaker role this code applies to; `any` for codes that apply to every speaker. */
  role: z.enum(["therapist", "client", "other", "any"]),
  parent: z.string().min(1).optional(),
  valence: ValenceSchema,
  crosswalk: CrosswalkSchema.optional(),
  cues: z.array(CueSchema).optional(),
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
  id: z.string().min(1),
  label: z.string().min(1),
  definition: z.string().min(1),
  min: z.number().int(),
  max: z.number().int(),
  anchors: z.record(z.string(), z.string()).optional(),
});
/** @category Codebooks */
export type GlobalScale = z.infer<typeof GlobalScaleSchema>;

/**
 * A versioned set of codes.
 * @category Codebooks
 */
export const CodebookSchema = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  label: z.string().min(1),
  description: z.string().optional(),
  source: z.string().optional(),
  codes: z.array(CodeSchema).min(1),
  globals: z.array(GlobalScaleSchema).optional(),
});
/** @category Codebooks */
export type Codebook = z.infer<typeof CodebookSchema>;
