export * from "./adapters/index.js";
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
} from "./combinators.js";
export * from "./evaluate.js";
export * from "./linear/index.js";
export * from "./rules/index.js";
export { codeTranscript, codeTranscriptAsync } from "./session.js";
export * from "./types.js";
