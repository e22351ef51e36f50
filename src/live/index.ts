/**
 * Live coding for apps: an incremental session coder with running scores and nudges. Browser-safe.
 * @module
 */
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
} from "./coder.js";
export {
  DEFAULT_NUDGE_RULES,
  formatNudge,
  NUDGE_MESSAGES_EN,
  type Nudge,
  type NudgeMetric,
  type NudgeRule,
  type NudgeSpan,
} from "./nudges.js";
export type { LiveScoreOptions } from "./scores.js";
