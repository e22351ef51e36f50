import { parsers, type SafeParseResult } from "./result.js";
import {
  type CodedTranscript,
  CodedTranscriptSchema,
  type Coding,
  CodingSchema,
  type Transcript,
  TranscriptSchema,
  type Utterance,
  UtteranceSchema,
} from "./schemas.js";

const utterance = parsers(UtteranceSchema);
const transcript = parsers(TranscriptSchema);
const coding = parsers(CodingSchema);
const coded = parsers(CodedTranscriptSchema);

/** Validates an utterance; throws a `ValidationError` with paths. @category Data model */
export const parseUtterance: (input: unknown) => Utterance = utterance.parse;
/** Validates an utterance without throwing. @category Data model */
export const safeParseUtterance: (input: unknown) => SafeParseResult<Utterance> =
  utterance.safeParse;
/** Validates a transcript; throws a `ValidationError` with paths. @category Data model */
export const parseTranscript: (input: unknown) => Transcript = transcript.parse;
/** Validates a transcript without throwing. @category Data model */
export const safeParseTranscript: (input: unknown) => SafeParseResult<Transcript> =
  transcript.safeParse;
/** Validates a coding; throws a `ValidationError` with paths. @category Data model */
export const parseCoding: (input: unknown) => Coding = coding.parse;
/** Validates a coding without throwing. @category Data model */
export const safeParseCoding: (input: unknown) => SafeParseResult<Coding> = coding.safeParse;
/** Validates a coded transcript; throws a `ValidationError` with paths. @category Data model */
export const parseCodedTranscript: (input: unknown) => CodedTranscript = coded.parse;
/** Validates a coded transcript without throwing. @category Data model */
export const safeParseCodedTranscript: (input: unknown) => SafeParseResult<CodedTranscript> =
  coded.safeParse;
