export { DEFAULT_ADAPTER_TIMEOUT_MS } from "./_options.js";
export * from "./embedding.js";
export * from "./llm.js";
export {
  parseSoftmaxHead,
  type SoftmaxHead,
  SoftmaxHeadSchema,
  type SoftmaxTrainOptions,
  softmaxProbabilities,
  trainSoftmaxHead,
} from "./softmax.js";
