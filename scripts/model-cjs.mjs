// Writes dist/model.cjs after `tsup`: rapportkit/model for require() re-exports the ESM build
// (Node ≥ 20.19 loads ES modules from require()), so the package holds the models once.
import { writeFileSync } from "node:fs";

writeFileSync(
  new URL("../dist/model.cjs", import.meta.url),
  '"use strict";\n// The pretrained models live in model.js (ESM); require() loads it (Node >= 20.19).\nmodule.exports = require("./model.js");\n',
);
