/**
 * rapportkit: code what a therapist says, utterance by utterance, for the behaviours that build or
 * harm rapport, and turn those codes into alliance scores. This entry is browser-safe: no `node:`
 * imports, no network, no logging. File-system helpers are in `rapportkit/node`; the pretrained
 * English model is in `rapportkit/model`.
 * @module
 */

// The public API, name by name: every export is a decision, and test/api/exports.test.ts holds
// the sorted list of every entry point's names, so a change shows in review. Helpers other modules
// share (the F distribution, SVG charts and palette, feature extraction, token scanners,
// declarations tagged @internal) are imported from their module, never from here.

// Agreement statistics.
export { MAX_DENSE_CATEGORIES } from "./agreement/_matrix.js";
export { type IntervalMethod, MAX_BOOTSTRAP_CATEGORIES } from "./agreement/_pairs.js";
export { type AlignedPair, type Alignment, alignCodings } from "./agreement/align.js";
export {
  type BootstrapCoefficient,
  type BootstrapOptions,
  bootstrap,
} from "./agreement/bootstrap.js";
export {
  type ClassificationOptions,
  type ClassificationReport,
  type ClassScores,
  type ConfusionMatrix,
  classificationReport,
  confusionMatrix,
  type PrfScores,
} from "./agreement/classification.js";
export {
  type CohenKappaOptions,
  cohenKappa,
  cohenKappaMatrix,
  type KappaWeights,
} from "./agreement/cohen-kappa.js";
export { type CronbachAlphaResult, cronbachAlpha } from "./agreement/cronbach-alpha.js";
export {
  type FleissKappaOptions,
  type FleissKappaResult,
  fleissKappa,
} from "./agreement/fleiss-kappa.js";
export { type GwetAc1Options, type GwetAc1Result, gwetAc1 } from "./agreement/gwet-ac1.js";
export {
  ICC_FORMS,
  type IccCoefficient,
  type IccForm,
  type IccResult,
  icc,
} from "./agreement/icc.js";
export {
  type AlphaLevel,
  type CoincidenceMatrix,
  coincidenceMatrix,
  type KrippendorffAlphaOptions,
  krippendorffAlpha,
} from "./agreement/krippendorff-alpha.js";
export {
  type LabelAgreementOptions,
  type LabelAgreementResult,
  labelAgreement,
} from "./agreement/label-agreement.js";
export {
  type CodeAgreement,
  type CodingAgreementResult,
  codingAgreement,
  type PerCodeOptions,
  perCodeAgreement,
} from "./agreement/per-code.js";
export {
  type PercentAgreementOptions,
  type PercentAgreementResult,
  percentAgreement,
} from "./agreement/percent-agreement.js";
export { type RandolphKappaOptions, randolphKappa } from "./agreement/randolph-kappa.js";
export {
  type AgreementSummary,
  type AgreementSummaryInterval,
  type AgreementSummaryOptions,
  agreementSummary,
} from "./agreement/summary.js";
export type { Categories, Rating, RatingMatrix } from "./agreement/types.js";
// Classifiers: rules, linear model, adapters, combinators, coding a transcript, evaluation.
export { DEFAULT_ADAPTER_TIMEOUT_MS } from "./classify/adapters/_options.js";
export {
  type EmbeddingClassifier,
  type EmbeddingClassifierFactory,
  type EmbeddingClassifierOptions,
  type EmbeddingExample,
  type EmbedFunction,
  embeddingClassifier,
} from "./classify/adapters/embedding.js";
export {
  type CompleteFunction,
  LlmAnswerItemSchema,
  type LlmClassifier,
  type LlmClassifierOptions,
  type LlmFailure,
  type LlmFailureReason,
  type LlmReport,
  llmClassifier,
} from "./classify/adapters/llm.js";
export {
  parseSoftmaxHead,
  type SoftmaxHead,
  SoftmaxHeadSchema,
  type SoftmaxTrainOptions,
  softmaxProbabilities,
  trainSoftmaxHead,
} from "./classify/adapters/softmax.js";
export {
  type CascadeOptions,
  type CascadeReport,
  type CrosswalkClassifierOptions,
  cascade,
  crosswalkClassifier,
  type EnsembleOptions,
  type EnsembleStrategy,
  ensemble,
  type RollUpOptions,
  rollUpClassifier,
} from "./classify/combinators.js";
export {
  type CodeMetrics,
  type EvaluateOptions,
  type EvaluationReport,
  evaluate,
  formatEvaluation,
} from "./classify/evaluate.js";
export {
  checkModelCodebook,
  type LinearClassifierOptions,
  type LinearTagger,
  linearClassifier,
} from "./classify/linear/classifier.js";
export {
  LINEAR_MODEL_FORMAT,
  type LinearLabel,
  LinearLabelSchema,
  type LinearModel,
  LinearModelSchema,
  parseLinearModel,
  safeParseLinearModel,
} from "./classify/linear/model.js";
export {
  type LinearExample,
  type TrainLinearOptions,
  trainLinear,
} from "./classify/linear/train.js";
export { type RulesOptions, rulesClassifier } from "./classify/rules/classifier.js";
export { type CueContext, type CueSpan, type FiredCue, matchCues } from "./classify/rules/match.js";
export { codeTranscript, codeTranscriptAsync } from "./classify/session.js";
export {
  type AsyncClassifier,
  type Classifier,
  type ClassifyOptions,
  type Prediction,
  precedingTurns,
  type SyncClassifier,
} from "./classify/types.js";
// Codebooks: define, validate, extend, walk, and the built-in ones.
export { type AnnomiCodeId, annomiCodebook } from "./codebook/builtin/annomi.js";
export {
  type BuiltinCodebookId,
  builtinCodebooks,
  getBuiltinCodebook,
} from "./codebook/builtin/index.js";
export { type MitiCodeId, mitiCodebook } from "./codebook/builtin/miti.js";
export { type RapportCodeId, rapportCodebook } from "./codebook/builtin/rapport.js";
export { type CrosswalkReportItem, type CrosswalkResult, crosswalk } from "./codebook/crosswalk.js";
export { defineCodebook, parseCodebook, safeParseCodebook } from "./codebook/define.js";
export { type CodebookChanges, type ExtendConflict, extendCodebook } from "./codebook/extend.js";
export {
  ancestorsOf,
  childrenOf,
  codesForRole,
  depthOf,
  findCode,
  getCode,
  leafCodes,
  rollUp,
} from "./codebook/hierarchy.js";
export { type CodebookJsonSchema, toJsonSchema } from "./codebook/json-schema.js";
export { MAX_WILDCARD_PATTERN_TOKENS } from "./codebook/limits.js";
export type {
  CodebookDef,
  CodeDef,
  InferCodeId,
  TypedCode,
  TypedCodebook,
} from "./codebook/types.js";
// Data model, errors and the one statistic type (`Stat`).
export {
  AgreementInputError,
  ClassifierError,
  CodebookError,
  formatIssue,
  formatLocation,
  formatPath,
  type Issue,
  isRapportkitError,
  ModelError,
  RapportkitError,
  type RapportkitIssueCode,
  ScoreInputError,
  TranscriptParseError,
  ValidationError,
} from "./core/errors.js";
export {
  parseCodedTranscript,
  parseCoding,
  parseTranscript,
  parseUtterance,
  safeParseCodedTranscript,
  safeParseCoding,
  safeParseTranscript,
  safeParseUtterance,
} from "./core/parse.js";
export type { SafeParseResult } from "./core/result.js";
export {
  type Code,
  type Codebook,
  type CodebookRef,
  CodebookRefSchema,
  CodebookSchema,
  type CodedTranscript,
  CodedTranscriptSchema,
  type CodeInput,
  CodeSchema,
  type Coding,
  CodingSchema,
  type Crosswalk,
  CrosswalkSchema,
  type Cue,
  CueSchema,
  type Evidence,
  EvidenceSchema,
  type FeatureWeight,
  FeatureWeightSchema,
  type GlobalScale,
  GlobalScaleSchema,
  MAX_CUE_WEIGHT,
  type Metadata,
  MetadataSchema,
  type Span,
  SpanSchema,
  type SpeakerRole,
  SpeakerRoleSchema,
  type Transcript,
  TranscriptSchema,
  type Utterance,
  UtteranceSchema,
  type Valence,
  ValenceSchema,
} from "./core/schemas.js";
export type { Stat } from "./core/stat.js";
// Transcript readers and writers (strings in, strings out).
export {
  DEFAULT_MAX_UTTERANCE_BYTES,
  type OnError,
  parseTime,
  type ReadOptions,
  type ReadResult,
} from "./io/_shared.js";
export { ANNOMI_REQUIRED_COLUMNS, annomiCode, readAnnomi } from "./io/annomi.js";
export {
  CODED_COLUMNS,
  type CodedRow,
  codedCsvLine,
  codedJsonlLine,
  codedRowsToCodedTranscripts,
  readCodedRows,
  writeCodedCsv,
  writeCodedJsonl,
} from "./io/coded.js";
export {
  CSV_COLUMNS,
  type CsvColumn,
  type CsvColumns,
  type CsvReadOptions,
  type CsvWriteOptions,
  csvField,
  readCsv,
  writeCsv,
} from "./io/csv.js";
export {
  type JsonlReadOptions,
  readJson,
  readJsonl,
  utteranceToJsonl,
  writeJson,
  writeJsonl,
} from "./io/json.js";
export {
  detectFormat,
  isTranscriptFormat,
  type ReadTranscriptOptions,
  readTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  writeTranscript,
} from "./io/read.js";
export {
  defaultSpeakerMap,
  lookupRole,
  parseSpeakerMap,
  roleOf,
  type SpeakerMap,
} from "./io/speakers.js";
export { readSrt, readVtt, writeSrt, writeVtt } from "./io/subtitles.js";
export { readText, writeText } from "./io/text.js";
// Live coding.
export {
  type AsyncLiveCoder,
  createLiveCoder,
  type LiveCoder,
  type LiveCoderOptions,
  LiveDisposedError,
  type LivePushResult,
  LiveQueueFullError,
  type LiveScores,
  type LiveSnapshot,
  type LiveUtterance,
} from "./live/coder.js";
export {
  DEFAULT_NUDGE_RULES,
  formatNudge,
  NUDGE_MESSAGES_EN,
  type Nudge,
  type NudgeMetric,
  type NudgeRule,
  type NudgeSpan,
} from "./live/nudges.js";
export type { LiveScoreOptions } from "./live/scores.js";
// The HTML report.
export { type ReportPage, renderReport, renderReportPages } from "./report/render.js";
export { type ScoreForReportOptions, scoreForReport } from "./report/session.js";
export {
  REPORT_CHARTS,
  type ReportChart,
  type ReportFlag,
  type ReportMiti,
  type ReportOptions,
  type ReportProfile,
  type ReportQuestionnaire,
  type ReportSession,
  type ReportValue,
} from "./report/types.js";
// Scores: session summaries, MITI/MISC, flags, the rapport profile, questionnaires, trends.
export type { MappingTarget, SessionScoreOptions } from "./score/_session.js";
export {
  type Flag,
  type FlagKind,
  type FlagOptions,
  flagSession,
  type SessionFlags,
} from "./score/flags.js";
export {
  type Answers,
  BUILTIN_INSTRUMENTS,
  type Cutoff,
  type CutoffFlag,
  defineInstrument,
  haqII,
  type Instrument,
  type InstrumentInput,
  type InstrumentScore,
  type MissingRule,
  type Norm,
  type ScaleScore,
  scoreInstrument,
  srs,
  waiSr,
  withCutoffs,
} from "./score/instruments.js";
export {
  ANNOMI_TO_MISC,
  ANNOMI_TO_MITI,
  ANNOMI_TO_RAPPORT,
  BUILTIN_MAPPINGS,
  composeMappings,
  type MappingEntry,
  type MappingTable,
  MISC_CODES,
  MITI_CODES,
  MITI_TO_MISC,
  MITI_TO_MITI,
  MITI_TO_RAPPORT,
  type MitiCode,
  RAPPORT_TO_MISC,
  RAPPORT_TO_MITI,
  RAPPORT_TO_RAPPORT,
} from "./score/mapping.js";
export {
  type Competency,
  MITI_THRESHOLDS,
  type MiscSummary,
  type MitiGlobals,
  type MitiOptions,
  type MitiSummary,
  type MitiThresholds,
  miscSummary,
  mitiSummary,
  type Threshold,
} from "./score/miti.js";
export {
  type AllianceDimension,
  type Contribution,
  DEFAULT_PROFILE_WEIGHTS,
  type DimensionScore,
  type ProfileOptions,
  type ProfileWeights,
  type RapportProfile,
  rapportProfile,
} from "./score/profile.js";
export { type SessionScores, type SessionScoresOptions, sessionScores } from "./score/session.js";
export {
  type CodeRate,
  endsCutOff,
  type PerRole,
  type SessionSummary,
  summarizeSession,
} from "./score/summary.js";
export {
  type Rupture,
  type TrendInput,
  type TrendOptions,
  type TrendPoint,
  type TrendResult,
  trend,
} from "./score/trend.js";
// Text: the one public tokenizer, sentence segmentation, and the linear model's feature options.
export type { FeatureOptions } from "./text/features.js";
export {
  type SegmentOrigin,
  type SegmentTurnsOptions,
  type Sentence,
  segmentTurns,
  sentenceSpans,
  turnSegmenter,
} from "./text/segment.js";
export { type Token, tokenize } from "./text/tokenize.js";
