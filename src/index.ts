/**
 * rapportkit: code what a therapist says, utterance by utterance, for the behaviours that build or
 * harm rapport, and turn those codes into alliance scores. This entry is browser-safe: no `node:`
 * imports, no network, no logging. File-system helpers are in `rapportkit/node`; the pretrained
 * English model is in `rapportkit/model`.
 * @module
 */
export * from "./agreement/index.js";
export * from "./classify/index.js";
export * from "./codebook/index.js";
export * from "./core/index.js";
export * from "./io/index.js";
export * from "./live/index.js";
export * from "./report/index.js";
export * from "./score/index.js";
export * from "./text/index.js";
