/**
 * `rapportkit --version` prints package.json's version: the built bin has it from the build
 * (tsup's `define`; its private copy runs away from package.json, so it cannot read it), the
 * sources read package.json.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { distCli, ROOT } from "../helpers/dist.js";

const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
};

describe("rapportkit --version", () => {
  it("from the sources: package.json's version", async () => {
    for (const flag of ["--version", "-v"]) {
      const r = await runCli([flag]);
      expect(r).toEqual({ code: 0, out: `${version}\n`, err: "" });
    }
  });

  it("node dist/cli.js --version: package.json's version, built in", () => {
    const cli = distCli();
    try {
      const r = spawnSync(process.execPath, [cli, "--version"], { encoding: "utf8" });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe("");
    } finally {
      rmSync(dirname(cli), { recursive: true, force: true });
    }
  }, 300_000);
});
