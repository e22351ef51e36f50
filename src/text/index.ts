export * from "./features.js";
export * from "./segment.js";
export * from "./tokenize.js";
