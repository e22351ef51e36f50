import { mkdir, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { codeTranscript, rulesClassifier, type SyncClassifier } from "../../classify/index.js";
import { type BuiltinCodebookId, builtinCodebooks } from "../../codebook/index.js";
import type { Codebook, CodedTranscript, Coding, Transcript } from "../../core/schemas.js";
import { type ReportQuestionnaire, renderReport, scoreForReport } from "../../report/index.js";
import { BUILTIN_INSTRUMENTS } from "../../score/instruments.js";
import { inputArgs, loadInput, strArg } from "../_input.js";
import { outFormatOf, writeOutput } from "../_output.js";
import { defineCommand, InputError, ioOf, UsageError } from "../io.js";

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
      description: "where to write the report, an .html file (default: report.html)",
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
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const input = String(args.input ?? "");
    // The report is HTML: an --out of another extension is refused before any work.
    const out = strArg(args, "out") ?? "report.html";
    outFormatOf(out, ["html", "htm"], "html");
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
    const html = renderReport(sessions, {
      codebook,
      ...(args.ordered === true ? { ordered: true } : {}),
      title:
        args.title === undefined
          ? `rapportkit report: ${input === "-" ? "standard input" : input}`
          : String(args.title),
    });
    const abs = resolve(io.cwd, out);
    await mkdir(dirname(abs), { recursive: true });
    await writeOutput(io, out, html);
    const n = coded.reduce((a, c) => a + c.transcript.utterances.length, 0);
    io.err(
      `rapportkit: report of ${coded.length} session${coded.length === 1 ? "" : "s"} (${n} utterances) written to ${out}\n`,
    );
    return 0;
  },
});
