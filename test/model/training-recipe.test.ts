import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RAPPORT_CUE_TAGGER } from "../../src/model/rapport.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the rapport training recipe (scripts/rapport-data.mjs)", () => {
  it("names the shipped cue tagger", async () => {
    const recipe = new URL("../../scripts/rapport-data.mjs", import.meta.url).href;
    const { RAPPORT_MODEL_OPTIONS } = (await import(recipe)) as {
      RAPPORT_MODEL_OPTIONS: { tagger: string };
    };
    expect(RAPPORT_MODEL_OPTIONS.tagger).toBe(RAPPORT_CUE_TAGGER);
  });

  it("loads in plain node, as bench/classify.mjs imports it (no TypeScript loader)", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const m = await import('./scripts/rapport-data.mjs'); console.log(typeof m.RAPPORT_MODEL_OPTIONS.tagger);",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(out.trim()).toBe("string");
  });
});
