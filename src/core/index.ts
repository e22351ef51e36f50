export * from "./errors.js";
export * from "./parse.js";
export type { SafeParseResult } from "./result.js";
export * from "./schemas.js";
export type { Stat, UndefinedStat } from "./stat.js";
