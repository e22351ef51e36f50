import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("src/io runs in a browser", () => {
  it("bundles for the browser with no node: import and reads CSV without Buffer or process", async () => {
    const entry = fileURLToPath(new URL("../../src/io/index.ts", import.meta.url));
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "rk",
      write: false,
      logLevel: "silent",
    });
    const code = out.outputFiles[0]?.text ?? "";
    expect(code).not.toMatch(/\bfrom\s*["']node:|require\(["']node:/);
    // A bare context: no Buffer, no process, no require; only what a browser page also has.
    const ctx: Record<string, unknown> = { TextEncoder, TextDecoder };
    runInNewContext(code, ctx);
    const rk = ctx.rk as {
      readCsv: (
        t: string,
        o?: { onError: "skip" },
      ) => { transcripts: { utterances: { text: string; role: string }[] }[] };
      readVtt: (t: string) => { transcripts: { utterances: { role: string }[] }[] };
    };
    const r = rk.readCsv('speaker,text\nT,"Hi, there"\nC,é 😀\n');
    expect(r.transcripts[0]?.utterances.map((u) => [u.role, u.text])).toEqual([
      ["therapist", "Hi, there"],
      ["client", "é 😀"],
    ]);
    // A damaged record is skipped and reading resumes on the next line (issue 15, item 1).
    const skipped = rk.readCsv('\ufeffspeaker,text\nT,a\nC,"b" c\nT,"d"\n', { onError: "skip" });
    expect(skipped.transcripts[0]?.utterances.map((u) => u.text)).toEqual(["a", "d"]);
    expect(
      rk.readVtt("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v C>ok\n").transcripts[0]?.utterances[0]
        ?.role,
    ).toBe("client");
  });
});
