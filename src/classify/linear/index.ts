/**
 * The trainable linear model: multinomial logistic regression over sparse, hashed text features,
 * with a versioned JSON model format.
 * @module
 */
export {
  checkModelCodebook,
  type LinearClassifierOptions,
  type LinearTagger,
  linearClassifier,
} from "./classifier.js";
export {
  LINEAR_MODEL_FORMAT,
  type LinearLabel,
  LinearLabelSchema,
  type LinearModel,
  LinearModelSchema,
  parseLinearModel,
  safeParseLinearModel,
} from "./model.js";
export { type LinearExample, type TrainLinearOptions, trainLinear } from "./train.js";
