export { type RulesOptions, rulesClassifier } from "./classifier.js";
export { type CueContext, type CueSpan, type FiredCue, matchCues } from "./match.js";
