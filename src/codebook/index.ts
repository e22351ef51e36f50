export * from "./builtin/index.js";
export * from "./crosswalk.js";
export * from "./define.js";
export * from "./extend.js";
export * from "./hierarchy.js";
export * from "./json-schema.js";
export type * from "./types.js";
