import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { parse } from "csv-parse/sync";
import { codeTranscript, rulesClassifier, type SyncClassifier } from "../../classify/index.js";
import { type BuiltinCodebookId, builtinCodebooks } from "../../codebook/index.js";
import type { Codebook, CodedTranscript, Coding, Transcript } from "../../core/schemas.js";
import {
  type ReportQuestionnaire,
  renderReport,
  renderReportPages,
  scoreForReport,
} from "../../report/index.js";
import { BUILTIN_INSTRUMENTS } from "../../score/instruments.js";
import { inputArgs, loadInput, strArg } from "../_input.js";
import { outFormatOf, writeOutput } from "../_output.js";
import { defineCommand, InputError, ioOf, UsageError } from "../io.js";

/**
 * Up to how many sessions a one-file report includes the transcripts by default (above, it says
 * it leaves them out; `--transcripts` includes them, `--split` writes one page per session).
 */
export const TRANSCRIPTS_UP_TO = 20;

/**
 * Codes raw transcripts with the default classifier of `codebook`, for the `report` and `demo`
 * commands: the pretrained model's `defaultClassifier` for `rapport` and `annomi` (see
 * docs/model-card.md), the rules classifier for any other codebook.
 */
export async function codeWithDefault(
  transcripts: readonly Transcript[],
  codebook: Codebook,
): Promise<{ coded: CodedTranscript[]; classifierId: string; utterances: number }> {
  let classifier: SyncClassifier;
  if (codebook.id === "rapport" || codebook.id === "annomi") {
    // Loaded only here, so that `rapportkit --help` and coded input never load the model.
    const { defaultClassifier } = await import("../../model/index.js");
    classifier = defaultClassifier({ codebook: codebook.id });
  } else classifier = rulesClassifier(codebook);
  const c = classifier;
  const coded = transcripts.map((t) => codeTranscript(c, t));
  const utterances = transcripts.reduce((n, t) => n + t.utterances.length, 0);
  return { coded, classifierId: c.id, utterances };
}

/**
 * Reads questionnaire totals for the trend lines: a CSV with the header `session,instrument,total`.
 * Built-in instruments (`srs`, `wai-sr`, `haq-ii`) bring their range and cutoff.
 */
export function readTotals(text: string, file: string): Map<string, ReportQuestionnaire[]> {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new InputError(`${file}${line ? `:${line}` : ""}: not valid CSV`);
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0)
      throw new InputError(
        `${file}:1: missing column "${name}" (header: session,instrument,total)`,
      );
    return i;
  };
  const [cs, ci, ct] = [col("session"), col("instrument"), col("total")];
  const out = new Map<string, ReportQuestionnaire[]>();
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] as string[];
    const session = row[cs]?.trim() ?? "";
    const instrument = row[ci]?.trim() ?? "";
    const raw = row[ct]?.trim() ?? "";
    const total = Number(raw);
    if (!session || !instrument)
      throw new InputError(`${file}:${r + 1}: session and instrument must not be empty`);
    if (raw === "" || !Number.isFinite(total))
      throw new InputError(`${file}:${r + 1}: total must be a number`);
    const inst = Object.hasOwn(BUILTIN_INSTRUMENTS, instrument)
      ? BUILTIN_INSTRUMENTS[instrument]
      : undefined;
    const cutoff = inst?.cutoffs.find((c) => c.scale === "total" && c.when === "atOrBelow")?.value;
    const q: ReportQuestionnaire = {
      instrument,
      total,
      ...(inst ? { min: inst.items * inst.range.min, max: inst.items * inst.range.max } : {}),
      ...(cutoff !== undefined ? { cutoff } : {}),
    };
    const list = out.get(session) ?? [];
    list.push(q);
    out.set(session, list);
  }
  return out;
}

/**
 * `rapportkit report <file> [--out report.html]`: one self-contained HTML report for the sessions in
 * a transcript. Coded input (the output of `rapportkit code`, or any input with codes) is reported
 * as coded; raw input is coded first with the default classifier.
 */
export default defineCommand({
  meta: {
    name: "report",
    description:
      "Write a self-contained HTML report (timeline, codes, talk time, MITI, rapport profile, flags, trends) for coded or raw transcripts.",
  },
  args: {
    input: { type: "positional", required: true, description: "transcript file (- for stdin)" },
    ...inputArgs,
    codebook: {
      type: "string",
      description:
        "codebook of the codes (coded input) or to code in (raw input): rapport|annomi|miti-4.2.1 (default: rapport; AnnoMI input: annomi)",
    },
    out: {
      type: "string",
      description:
        "where to write the report: an .html file (default: report.html); with --split, a folder",
      valueHint: "FILE",
    },
    title: { type: "string", description: "the report's title" },
    ordered: {
      type: "boolean",
      description: "sessions are in time order as given: draw trend lines and ruptures",
    },
    totals: {
      type: "string",
      description: "CSV of questionnaire totals per session (header session,instrument,total)",
      valueHint: "FILE",
    },
    transcripts: {
      type: "boolean",
      description: `include the transcripts' text (default: up to ${TRANSCRIPTS_UP_TO} sessions, or with --split)`,
      negativeDescription: "leave the transcripts' text out: codes and scores only, a small file",
    },
    split: {
      type: "boolean",
      description:
        "write a folder (--out, default: report): index.html with the overview, one page per session in sessions/",
    },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const input = String(args.input ?? "");
    const split = args.split === true;
    // The report is HTML: an --out of another extension is refused before any work. With --split
    // it names a folder.
    const out = strArg(args, "out") ?? (split ? "report" : "report.html");
    if (split) {
      if (out === "-" || /\.html?$/i.test(out))
        throw new UsageError(
          `--split writes a folder: --out names it (e.g. --out ${out === "-" ? "report" : out.replace(/\.html?$/i, "")}), not ${out === "-" ? "standard output" : "an .html file"}`,
        );
    } else outFormatOf(out, ["html", "htm"], "html");
    const result = await loadInput(input, args, io);
    if (result.transcripts.length === 0) throw new InputError(`${input}: no utterances to report`);
    const cbArg = args.codebook === undefined ? undefined : String(args.codebook);
    if (cbArg !== undefined && !Object.hasOwn(builtinCodebooks, cbArg))
      throw new UsageError(`--codebook must be one of ${Object.keys(builtinCodebooks).join(", ")}`);
    const cbId = (cbArg ?? result.codebookId ?? "rapport") as BuiltinCodebookId;
    const codebook: Codebook = builtinCodebooks[cbId] ?? builtinCodebooks.rapport;

    let coded: CodedTranscript[];
    if (result.codings.length > 0) {
      const byUtterance = new Map<string, Coding[]>();
      for (const c of result.codings) {
        const list = byUtterance.get(c.utteranceId) ?? [];
        list.push(c);
        byUtterance.set(c.utteranceId, list);
      }
      coded = result.transcripts.map((t: Transcript) => ({
        transcript: t,
        codebook: { id: codebook.id, version: codebook.version },
        codings: t.utterances.flatMap((u) => byUtterance.get(u.id) ?? []),
      }));
    } else {
      const r = await codeWithDefault(result.transcripts, codebook);
      coded = r.coded;
      io.err(`rapportkit: coded ${r.utterances} utterances with ${r.classifierId}\n`);
    }

    let totals: Map<string, ReportQuestionnaire[]> | undefined;
    if (args.totals !== undefined) {
      const file = String(args.totals);
      totals = readTotals(await readFile(resolve(io.cwd, file), "utf8"), file);
      for (const s of totals.keys())
        if (!coded.some((c) => c.transcript.id === s))
          io.err(
            `rapportkit: warning: ${file}: session "${s}" is not in the input; its totals are not shown\n`,
          );
    }
    const sessions = coded.map((c) => {
      const q = totals?.get(c.transcript.id);
      return scoreForReport(c, q ? { questionnaires: q } : {});
    });
    // Transcripts: as asked; by default in every page of --split, and in one file up to
    // TRANSCRIPTS_UP_TO sessions (above, the file would be mostly transcript: 106 AnnoMI sessions
    // make 6.5 MB with them, 1.75 MB without).
    const transcripts =
      args.transcripts === true || args.transcripts === false
        ? args.transcripts
        : split || coded.length <= TRANSCRIPTS_UP_TO;
    const left = args.transcripts === undefined && !transcripts;
    const options = {
      codebook,
      transcripts,
      ...(args.ordered === true ? { ordered: true } : {}),
      ...(left
        ? {
            subtitle:
              "The transcripts are left out of this file to keep it small: run rapportkit report with --transcripts to include them, or with --split for one page per session.",
          }
        : {}),
      title:
        args.title === undefined
          ? `rapportkit report: ${input === "-" ? "standard input" : input}`
          : String(args.title),
    };
    const n = coded.reduce((a, c) => a + c.transcript.utterances.length, 0);
    const what = `report of ${coded.length} session${coded.length === 1 ? "" : "s"} (${n} utterances${transcripts ? "" : ", transcripts left out"})`;
    if (left)
      io.err(
        `rapportkit: ${coded.length} sessions: transcripts left out to keep the file small (--transcripts includes them; --split writes one page per session)\n`,
      );
    if (split) {
      const pages = renderReportPages(sessions, options);
      const folder = resolve(io.cwd, out);
      await mkdir(join(folder, "sessions"), { recursive: true });
      for (const p of pages) {
        // Page names are made safe by renderReportPages; checked again here, so that no session
        // id can ever write outside the folder.
        const target = resolve(folder, p.file);
        if (!target.startsWith(folder + sep))
          throw new InputError(`${out}: a page name left the folder; nothing more written`);
        await writeOutput(io, join(out, p.file), p.html);
      }
      // Pages of an earlier report in the same folder would stay linked from nowhere and be
      // mistaken for this one's: remove the session pages this run did not write.
      const written = new Set(pages.map((p) => resolve(folder, p.file)));
      let removed = 0;
      for (const name of await readdir(join(folder, "sessions"))) {
        const p = join(folder, "sessions", name);
        if (name.endsWith(".html") && !written.has(p)) {
          await rm(p, { force: true });
          removed++;
        }
      }
      io.err(
        `rapportkit: ${what} written to ${join(out, "index.html")} and ${pages.length - 1} session page${pages.length === 2 ? "" : "s"} in ${join(out, "sessions")}${removed ? ` (${removed} page${removed === 1 ? "" : "s"} of an earlier report removed)` : ""}\n`,
      );
      return 0;
    }
    const html = renderReport(sessions, options);
    const abs = resolve(io.cwd, out);
    await mkdir(dirname(abs), { recursive: true });
    await writeOutput(io, out, html);
    io.err(`rapportkit: ${what} written to ${out}\n`);
    return 0;
  },
});
