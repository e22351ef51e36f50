/**
 * Bounded work (issue 15, items 9, 12, 13 and 15): inputs that made rapportkit spin, hang or run out
 * of memory: a model file too large to parse, user cue sets that made matching slow, adapters that
 * waited forever or were steered by an instruction inside an utterance. Each case is kept here so it
 * stays fixed. Inputs are synthetic; no bound below is a timing claim that could flake.
 */
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelError } from "../../src/core/errors.js";
import { readLinearModelFile } from "../../src/node/index.js";
import { hasStackTrace, runCli } from "../helpers/cli.js";
import { ROOT } from "../helpers/dist.js";

const tmp = () => mkdtempSync(join(tmpdir(), "rk-bounded-"));
const ANNOMI_MODEL = join(ROOT, "src", "model", "annomi-en.json");
const SMALL_CSV = "id,session,index,speaker,role,text\nu1,s,0,T,therapist,How are you?\n";

/** One line on stderr, no stack trace. */
function oneLine(err: string): string {
  expect(hasStackTrace(err)).toBe(false);
  expect(err.trim().split("\n")).toHaveLength(1);
  return err;
}

describe("item 15: a model file's size is checked before it is parsed", () => {
  it("a 47 MB model file is a one-line error naming the file and the limit, not a heap exhaustion", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.csv"), SMALL_CSV);
    // A 47 MB file (sparse: the size is what matters; parsing it is what must not happen).
    const big = join(dir, "big-model.json");
    writeFileSync(big, '{"format":"rapportkit/linear@1","vocabulary":[');
    truncateSync(big, 47_000_000);
    const t0 = performance.now();
    const r = await runCli(["code", "in.csv", "--classifier", "big-model.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(oneLine(r.err)).toMatch(/big-model\.json.*47(\.0)? MB.*limit of 16 MB.*--max-model-mb/);
    // It is refused from its size: the file is never read whole.
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it("--max-model-mb sets the limit (lower refuses the shipped 1 MB model, higher accepts it)", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.csv"), SMALL_CSV);
    const low = await runCli(
      [
        "code",
        "in.csv",
        "--codebook",
        "annomi",
        "--classifier",
        ANNOMI_MODEL,
        "--max-model-mb",
        "0.5",
      ],
      { cwd: dir },
    );
    expect(low.code).toBe(1);
    expect(oneLine(low.err)).toMatch(/annomi-en\.json.*limit of 0\.5 MB/);
    const high = await runCli(
      [
        "code",
        "in.csv",
        "--codebook",
        "annomi",
        "--classifier",
        ANNOMI_MODEL,
        "--max-model-mb",
        "2",
      ],
      { cwd: dir },
    );
    expect(high.err).toBe("");
    expect(high.code).toBe(0);
    expect(high.out.trim().split("\n")).toHaveLength(2);
  });

  it.each(["0", "-1", "abc", "Infinity", "NaN"])(
    "--max-model-mb %j is a usage error",
    async (v) => {
      const dir = tmp();
      writeFileSync(join(dir, "in.csv"), SMALL_CSV);
      const r = await runCli(
        ["code", "in.csv", "--classifier", ANNOMI_MODEL, `--max-model-mb=${v}`],
        { cwd: dir },
      );
      expect(r.code).toBe(2);
      expect(oneLine(r.err)).toMatch(/--max-model-mb must be a number of megabytes above 0/);
    },
  );

  it("readLinearModelFile: the same check in the library, configurable with maxBytes", async () => {
    const dir = tmp();
    const big = join(dir, "big.json");
    writeFileSync(big, "{");
    truncateSync(big, 47_000_000);
    const e = await readLinearModelFile(big).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelError);
    expect((e as ModelError).issues[0]).toMatchObject({ code: "too_large", file: big });
    expect((e as ModelError).message).toMatch(/47(\.0)? MB.*limit of 16 MB.*maxBytes/);
    // The shipped model loads under the default limit, and not under a lower one.
    const model = await readLinearModelFile(ANNOMI_MODEL);
    expect(model.codebook.id).toBe("annomi");
    await expect(readLinearModelFile(ANNOMI_MODEL, { maxBytes: 1000 })).rejects.toThrow(
      /limit of 1,000 bytes/,
    );
    for (const maxBytes of [Number.NaN, -1, 0, 1.5])
      await expect(readLinearModelFile(ANNOMI_MODEL, { maxBytes })).rejects.toThrow(
        /maxBytes must be a whole number of bytes above 0/,
      );
    // Not JSON, or not a model: a ModelError naming the file.
    writeFileSync(join(dir, "junk.json"), "[1, 2,");
    await expect(readLinearModelFile(join(dir, "junk.json"))).rejects.toThrow(
      /junk\.json.*not valid JSON/,
    );
    writeFileSync(join(dir, "empty.json"), "{}");
    await expect(readLinearModelFile(join(dir, "empty.json"))).rejects.toBeInstanceOf(ModelError);
  });
});
