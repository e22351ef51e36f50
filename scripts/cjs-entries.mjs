// Writes the CommonJS entry points after `tsup`: each re-exports its ES module build
// (`module.exports = require("./index.js")`; Node >= 20.19, the package's range, loads ES modules
// from require()). One build of the code for both `import` and `require`: no second copy of the
// library (it was 140 kB gzipped for the root alone), no dual-package hazard (one instance of each
// codebook and class whichever way it was loaded), and the pretrained models once.
import { writeFileSync } from "node:fs";

const entries = { index: "./index.js", node: "./node/index.js", model: "./model.js" };
for (const [name, target] of Object.entries(entries))
  writeFileSync(
    new URL(`../dist/${name}.cjs`, import.meta.url),
    `"use strict";\n// rapportkit's ES module build, for require() (Node >= 20.19 loads ES modules from require()).\nmodule.exports = require(${JSON.stringify(target)});\n`,
  );
