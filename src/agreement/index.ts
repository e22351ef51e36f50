/**
 * Inter-rater and human-vs-classifier agreement: percent agreement, Cohen's (weighted) kappa,
 * Fleiss' kappa, Krippendorff's alpha, Gwet's AC1, the six ICCs, Cronbach's alpha, classification
 * metrics, seeded bootstrap intervals, and per-code agreement on aligned codings. Browser-safe and
 * pure.
 * @module
 */

export { MAX_DENSE_CATEGORIES } from "./_matrix.js";
export { type IntervalMethod, MAX_BOOTSTRAP_CATEGORIES } from "./_pairs.js";
export { type AlignedPair, type Alignment, alignCodings } from "./align.js";
export {
  type BootstrapCoefficient,
  type BootstrapOptions,
  bootstrap,
} from "./bootstrap.js";
export {
  type ClassificationOptions,
  type ClassificationReport,
  type ClassScores,
  type ConfusionMatrix,
  classificationReport,
  confusionMatrix,
  type PrfScores,
} from "./classification.js";
export {
  type CohenKappaOptions,
  cohenKappa,
  cohenKappaMatrix,
  type KappaWeights,
} from "./cohen-kappa.js";
export { type CronbachAlphaResult, cronbachAlpha } from "./cronbach-alpha.js";
export { fCdf, fQuantile, fSurvival, logGamma, regularizedBeta } from "./distributions.js";
export { type FleissKappaOptions, type FleissKappaResult, fleissKappa } from "./fleiss-kappa.js";
export { type GwetAc1Options, type GwetAc1Result, gwetAc1 } from "./gwet-ac1.js";
export {
  ICC_FORMS,
  type IccCoefficient,
  type IccForm,
  type IccResult,
  icc,
} from "./icc.js";
export {
  type AlphaLevel,
  type CoincidenceMatrix,
  coincidenceMatrix,
  type KrippendorffAlphaOptions,
  krippendorffAlpha,
} from "./krippendorff-alpha.js";
export {
  type LabelAgreementOptions,
  type LabelAgreementResult,
  labelAgreement,
} from "./label-agreement.js";
export {
  type CodeAgreement,
  type CodingAgreementResult,
  codingAgreement,
  type PerCodeOptions,
  perCodeAgreement,
} from "./per-code.js";
export {
  type PercentAgreementOptions,
  type PercentAgreementResult,
  percentAgreement,
} from "./percent-agreement.js";
export { type RandolphKappaOptions, randolphKappa } from "./randolph-kappa.js";
export {
  type AgreementSummary,
  type AgreementSummaryInterval,
  type AgreementSummaryOptions,
  agreementSummary,
} from "./summary.js";
export type { Categories, Coefficient, Rating, RatingMatrix } from "./types.js";
