/**
 * Scores: session summaries, MITI 4.2.1 and MISC 2.5 summaries, flags, the goal/task/bond rapport
 * profile, alliance questionnaires as scoring keys, and trends across sessions. Pure and
 * browser-safe.
 * @module
 */

export type { Stat as ScoreStat, UndefinedStat } from "../core/stat.js";
export type { MappingTarget, SessionScoreOptions } from "./_session.js";
export * from "./flags.js";
export * from "./instruments.js";
export * from "./mapping.js";
export * from "./miti.js";
export * from "./profile.js";
export * from "./session.js";
export * from "./summary.js";
export * from "./trend.js";
