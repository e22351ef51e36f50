import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseLinearModel, safeParseLinearModel } from "../../src/classify/linear/model.js";
import { annomiModel, rapportModel } from "../../src/model/index.js";

// rapportkit/model takes its two models as valid without running the schema at import time
// (shippedLinearModel); this is the check that makes that safe.
const FILES = {
  "annomi-en.json": annomiModel,
  "rapport-en.json": rapportModel,
} as const;

describe("the shipped models", () => {
  for (const [file, exported] of Object.entries(FILES)) {
    it(`${file} passes the model schema unchanged`, () => {
      const raw = JSON.parse(
        readFileSync(new URL(`../../src/model/${file}`, import.meta.url), "utf8"),
      ) as object;
      // A fresh copy, so that the already-trusted exported object is not what is checked.
      const parsed = parseLinearModel(structuredClone(raw));
      expect(parsed).toEqual(raw);
      expect(exported).toEqual(raw);
    });
  }

  it("a broken copy of a shipped model is still refused", () => {
    const broken = { ...structuredClone(rapportModel), weights: [1, 2, 3] };
    expect(safeParseLinearModel(broken).success).toBe(false);
  });
});
