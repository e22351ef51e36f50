export * from "./builtin/index.js";
export * from "./crosswalk.js";
export * from "./define.js";
export * from "./extend.js";
export * from "./hierarchy.js";
export * from "./json-schema.js";
export { MAX_WILDCARD_PATTERN_TOKENS } from "./limits.js";
export type * from "./types.js";
