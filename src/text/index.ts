export * from "./features.js";
export * from "./tokenize.js";
