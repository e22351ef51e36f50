import { access, mkdir, readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rapportCodebook } from "../../codebook/index.js";
import type { CodedTranscript } from "../../core/schemas.js";
import { readText } from "../../io/index.js";
import { renderReport, scoreForReport } from "../../report/index.js";
import { outFormatOf, writeOutput } from "../_output.js";
import { defineCommand, InputError, ioOf } from "../io.js";
import { codeWithDefault } from "./report.js";

/** Where the bundled demo session lives, relative to the repository root. */
export const DEMO_FILE = "examples/demo-session.txt";

/**
 * Finds the demo session: next to the built CLI (`dist/demo-session.txt`, copied there by the
 * build, so the installed package has it; this command's code is in a chunk under `dist/cli/`),
 * else in the repository (from the working directory, the built CLI or the sources).
 */
async function findDemo(cwd: string): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    resolve(here, basename(DEMO_FILE)), // dist/cli.js → dist/demo-session.txt (the package)
    resolve(here, "..", basename(DEMO_FILE)), // dist/cli/demo-*.js (the command's chunk) → the same
    join(cwd, DEMO_FILE),
    resolve(here, "..", DEMO_FILE), // dist/cli.js → <root>/examples
    resolve(here, "..", "..", "..", DEMO_FILE), // src/cli/commands/demo.ts → <root>/examples
  ];
  for (const c of candidates) {
    try {
      await access(c);
      return c;
    } catch {
      // try the next place
    }
  }
  throw new InputError(
    `cannot find the demo session (${basename(DEMO_FILE)} next to the CLI, or ${DEMO_FILE} in the repository)`,
  );
}

/** A fixed-width table of the session's codes, one row per utterance. */
export function codesTable(coded: CodedTranscript, width = 60): string {
  const byId = new Map(coded.codings.map((c) => [c.utteranceId, c]));
  const rows = coded.transcript.utterances.map((u, i) => {
    const c = byId.get(u.id);
    const text = u.text.replace(/\s+/g, " ");
    return [
      String(i + 1),
      u.role,
      c?.codeId ?? "-",
      c ? c.confidence.toFixed(2) : "-",
      text.length > width ? `${text.slice(0, width - 1)}…` : text,
    ];
  });
  const head = ["#", "speaker", "code", "conf", "text"];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, k) =>
        k === 0 || k === 3 ? cell.padStart(widths[k] ?? 0) : cell.padEnd(widths[k] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export default defineCommand({
  meta: {
    name: "demo",
    description: `Code the bundled demo session (${DEMO_FILE}), print its codes and write its HTML report`,
  },
  args: {
    out: {
      type: "string",
      description: "Where to write the report (an .html file)",
      default: "out/demo-report.html",
      valueHint: "FILE",
    },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    outFormatOf(ctx.args.out, ["html", "htm"], "html");
    const path = await findDemo(io.cwd);
    const read = readText(await readFile(path, "utf8"), { file: DEMO_FILE, session: "demo" });
    const transcript = read.transcripts[0];
    if (!transcript) throw new InputError(`${DEMO_FILE}: no utterances`);
    const {
      coded: [coded],
      classifierId,
    } = await codeWithDefault([transcript], rapportCodebook);
    if (!coded) throw new InputError(`${DEMO_FILE}: could not be coded`);
    io.out(
      `Demo session: ${transcript.utterances.length} utterances from ${DEMO_FILE}, coded with ${classifierId} (codebook ${rapportCodebook.id} ${rapportCodebook.version})\n\n`,
    );
    io.out(`${codesTable(coded)}\n\n`);
    const html = renderReport([scoreForReport(coded)], {
      title: "rapportkit demo session",
      codebook: rapportCodebook,
      subtitle: `The bundled demo session (${DEMO_FILE}), a fictional conversation.`,
    });
    const out = isAbsolute(ctx.args.out) ? ctx.args.out : join(io.cwd, ctx.args.out);
    await mkdir(dirname(out), { recursive: true });
    await writeOutput(io, out, html);
    const shown = relative(io.cwd, out);
    io.out(`Report written to ${shown.startsWith("..") ? out : shown}\n`);
    return 0;
  },
});
