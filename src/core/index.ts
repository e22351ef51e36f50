export * from "./errors.js";
export * from "./parse.js";
export type { SafeParseResult } from "./result.js";
export * from "./schemas.js";
