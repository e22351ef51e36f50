export * from "./builtin/index.js";
export * from "./define.js";
export * from "./hierarchy.js";
export type * from "./types.js";
