import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";

// A model subpath without `defaultClassifier` (as before the model landed).
vi.mock("../../src/model/index.js", () => ({ defaultClassifier: undefined }));

const { runCli } = await import("../helpers/cli.js");
const FIX = fileURLToPath(new URL("../fixtures/score/", import.meta.url));

describe("rapportkit score on a raw transcript without a default classifier", () => {
  it("says it needs coded input (exit 1)", async () => {
    const { code, err } = await runCli(["score", "raw.txt"], { cwd: FIX });
    expect(err.slice(0, 300)).toBe(
      "rapportkit: score needs coded input until the default classifier lands: run `rapportkit code` first, or pass the CSV/JSONL it writes\n",
    );
    expect(code).toBe(1);
  });
});
