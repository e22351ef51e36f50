import type { ArgsDef, CommandDef } from "citty";

/**
 * Every sub-command, loaded lazily so `rapportkit --help` does not load the model.
 * One file per command in this folder.
 */
export const commands: Record<string, () => Promise<CommandDef<ArgsDef>>> = {
  codebook: () => import("./codebook.js").then((m) => m.default as CommandDef<ArgsDef>),
  convert: () => import("./convert.js").then((m) => m.default as CommandDef<ArgsDef>),
  code: () => import("./code.js").then((m) => m.default as CommandDef<ArgsDef>),
  train: () => import("./train.js").then((m) => m.default as CommandDef<ArgsDef>),
  eval: () => import("./eval.js").then((m) => m.default as CommandDef<ArgsDef>),
  score: () => import("./score.js").then((m) => m.default as CommandDef<ArgsDef>),
  survey: () => import("./survey.js").then((m) => m.default as CommandDef<ArgsDef>),
  agree: () => import("./agree.js").then((m) => m.default as CommandDef<ArgsDef>),
  report: () => import("./report.js").then((m) => m.default as CommandDef<ArgsDef>),
  demo: () => import("./demo.js").then((m) => m.default as CommandDef<ArgsDef>),
};
