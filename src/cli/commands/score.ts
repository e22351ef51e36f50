import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { codeTranscriptAsync } from "../../classify/session.js";
import type { Classifier } from "../../classify/types.js";
import { builtinCodebooks } from "../../codebook/builtin/index.js";
import { isRapportkitError } from "../../core/errors.js";
import type { CodedTranscript, Coding } from "../../core/schemas.js";
import { codedRowsToCodedTranscripts, readCodedRows } from "../../io/coded.js";
import { csvField } from "../../io/csv.js";
import { type ScoreStat as Stat, sessionScores } from "../../score/index.js";
import { inferCodebookId } from "../_codebooks.js";
import { inputArgs, loadInput, printWarnings, strArg } from "../_input.js";
import { type OutFormat, outFormatOf, writeOutput } from "../_output.js";
import { cellText, scoreTable } from "../_score-table.js";
import { jsonSafe, terminalSafe } from "../_text.js";
import { type CliIO, defineCommand, InputError, ioOf, UsageError } from "../io.js";

/** True when the text looks like `rapportkit code` output (CSV header or JSONL keys `code` and `confidence`). */
function codedFormatOf(text: string, format: string | undefined): "csv" | "jsonl" | undefined {
  if (format !== undefined && format !== "csv" && format !== "jsonl") return undefined;
  const head = text.replace(/^\ufeff/, "");
  const nl = head.indexOf("\n");
  const first = (nl >= 0 ? head.slice(0, nl) : head).trim();
  if (first.startsWith("{")) {
    if (format === "csv") return undefined;
    try {
      const o = JSON.parse(first) as Record<string, unknown>;
      return "code" in o && "confidence" in o ? "jsonl" : undefined;
    } catch {
      return undefined;
    }
  }
  if (format === "jsonl") return undefined;
  const cols = first.split(",").map((c) => c.trim().replace(/^"|"$/g, "").toLowerCase());
  return cols.includes("code") && cols.includes("confidence") ? "csv" : undefined;
}

function num(s: Stat): number | null {
  return s.value;
}

function reasons(entries: Record<string, Stat>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (v.value === null) out[k] = v.reason;
  return out;
}

/** The lowest `annotator:<n>` source of a session's codings (AnnoMI: use the first annotator). */
function firstAnnotator(codings: readonly Coding[]): string | undefined {
  let best: number | undefined;
  for (const c of codings) {
    const m = /^annotator:(\d{1,9})$/.exec(c.source);
    if (m) {
      const n = Number(m[1]);
      if (best === undefined || n < best) best = n;
    }
  }
  return best === undefined ? undefined : `annotator:${best}`;
}

/**
 * The default classifier from `src/model` (the `defaultClassifier` export: a classifier, or a
 * function returning one), or undefined while the model subpath does not provide it.
 */
async function loadDefaultClassifier(
  codebook: string | undefined,
  probabilities: boolean,
): Promise<Classifier | undefined> {
  let model: Record<string, unknown>;
  try {
    model = (await import("../../model/index.js")) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(
      `the default classifier could not be loaded (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
    );
  }
  const d = model.defaultClassifier;
  if (d === undefined) return undefined;
  let c: unknown;
  try {
    c =
      typeof d === "function"
        ? await (d as (o?: { codebook?: string; probabilities?: boolean }) => unknown)({
            ...(codebook ? { codebook } : {}),
            ...(probabilities ? { probabilities } : {}),
          })
        : d;
  } catch (e) {
    // The error's own message, without the issue's path ("codebook"): the option names it already.
    const why = isRapportkitError(e) ? e.issues[0]?.message : undefined;
    throw new UsageError(
      `--codebook ${codebook ?? "(default)"}: ${why ?? (e instanceof Error ? e.message : String(e))}`,
    );
  }
  const ok =
    typeof c === "object" &&
    c !== null &&
    typeof (c as Classifier).classify === "function" &&
    typeof (c as Classifier).codebook?.id === "string";
  return ok ? (c as Classifier) : undefined;
}

/** Scores one coded session: the JSON object `score --json` prints for it. */
export function scoreSession(
  coded: CodedTranscript,
  options: { source?: string; volleyRules?: boolean; counting?: "top" | "expected" },
) {
  const { summary, miti, misc, profile, flags } = sessionScores(coded, {
    ...(options.source !== undefined ? { source: options.source } : {}),
    volleyRules: options.volleyRules ?? false,
    counting: options.counting ?? "top",
  });
  return {
    session: coded.transcript.id,
    codebook: coded.codebook.id,
    rapport: {
      goal: profile.goal.value,
      task: profile.task.value,
      bond: profile.bond.value,
      overall: profile.overall.value,
      contributions: {
        goal: profile.goal.contributions,
        task: profile.task.contributions,
        bond: profile.bond.contributions,
      },
    },
    miti: {
      rq_ratio: num(miti.rq),
      pct_complex_reflections: num(miti.pctCR),
      mi_adherent: miti.mia,
      mi_non_adherent: miti.mina,
      counts: miti.counts,
      competency: miti.competency,
      volley_rules: miti.volleyRules,
      undefined: reasons({ rq_ratio: miti.rq, pct_complex_reflections: miti.pctCR }),
    },
    misc: {
      pct_open_questions: num(misc.pctOpenQuestions),
      pct_complex_reflections: num(misc.pctComplexReflections),
      pct_mi_consistent: num(misc.pctMIConsistent),
      rq_ratio: num(misc.rq),
      pct_change_talk: num(misc.pctChangeTalk),
      undefined: reasons({
        pct_open_questions: misc.pctOpenQuestions,
        pct_complex_reflections: misc.pctComplexReflections,
        pct_mi_consistent: misc.pctMIConsistent,
        rq_ratio: misc.rq,
        pct_change_talk: misc.pctChangeTalk,
      }),
    },
    summary,
    flags: flags.flags,
    flags_not_evaluated: flags.notEvaluated,
    warnings: [
      ...new Set([...summary.warnings, ...miti.warnings, ...misc.warnings, ...flags.warnings]),
    ],
  };
}

type Scored = ReturnType<typeof scoreSession>;

/** The scores as `--out` writes them: a flat table (csv/tsv) or the nested objects (json/jsonl). */
function formatScores(scored: readonly Scored[], format: OutFormat): string {
  if (format === "json") return `${jsonSafe(scored, 2)}\n`;
  if (format === "jsonl") return scored.map((s) => `${jsonSafe(s)}\n`).join("");
  const { header, rows } = scoreTable(scored);
  const sep = format === "tsv" ? "\t" : ",";
  // TSV cells cannot quote: tabs and line breaks (only in session ids) become spaces.
  const cell = (x: string) => (format === "tsv" ? x.replace(/[\t\r\n]/g, " ") : csvField(x));
  return [header, ...rows.map((r) => r.map(cellText))]
    .map((r) => `${r.map(cell).join(sep)}\n`)
    .join("");
}

/** A value to one decimal, or `n/a` with why: each ratio is undefined when its denominator is 0. */
const f1 = (v: number | null, why: string, unit = "") =>
  v === null ? `n/a (${why})` : `${v.toFixed(1)}${unit}`;

const NO_CODES = "no coded therapist utterances";

/** A count as printed: whole, or to one decimal when it is an expected count. */
const count = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function printText(s: Scored, io: CliIO): void {
  // Session ids, utterance ids and codes come from the input: escaped before they reach a terminal.
  const line = (text: string) => io.out(`${terminalSafe(text)}\n`);
  const u = s.summary.utterances;
  line(
    `session ${s.session} (${s.codebook}; ${u.therapist} therapist, ${u.client} client utterances, ${u.uncoded} uncoded)`,
  );
  line(
    `  rapport (behavioural estimate, 0-100): goal ${f1(s.rapport.goal, NO_CODES)}  task ${f1(s.rapport.task, NO_CODES)}  bond ${f1(s.rapport.bond, NO_CODES)}  overall ${f1(s.rapport.overall, NO_CODES)}`,
  );
  const c = s.miti.competency;
  line(
    `  MITI 4.2.1: R:Q ${s.miti.rq_ratio === null ? "n/a (no questions)" : `${s.miti.rq_ratio.toFixed(2)} (${c.rq.level ?? "no level"})`}  %CR ${s.miti.pct_complex_reflections === null ? "n/a (no reflections)" : `${s.miti.pct_complex_reflections.toFixed(1)}% (${c.pctCR.level ?? "no level"})`}  MIA ${count(s.miti.mi_adherent)}  MINA ${count(s.miti.mi_non_adherent)}`,
  );
  line(
    `  MISC 2.5: %open questions ${f1(s.misc.pct_open_questions, "no questions", "%")}  %MI-consistent ${f1(s.misc.pct_mi_consistent, "no MI-consistent or -inconsistent behaviour", "%")}  %change talk ${f1(s.misc.pct_change_talk, "no change or sustain talk", "%")}`,
  );
  const t = s.summary.talkShare;
  line(
    `  talk share (${t.basis}): therapist ${f1(t.therapist.value === null ? null : t.therapist.value * 100, "no talk", "%")}  client ${f1(t.client.value === null ? null : t.client.value * 100, "no talk", "%")}; interruptions ${s.summary.interruptions.total}`,
  );
  if (s.flags.length === 0) line("  flags: none");
  for (const f of s.flags) line(`  flag ${f.kind}: ${f.message} [${f.utteranceIds.join(", ")}]`);
  for (const n of s.flags_not_evaluated) line(`  not evaluated: ${n.kind} (${n.reason})`);
}

/**
 * `rapportkit score <file> [--json]`: scores coded sessions (the CSV or JSONL `rapportkit code`
 * writes, or an AnnoMI file with its gold codes) and prints, per session, the rapport profile, the
 * MITI and MISC summaries, the session summary and the flags.
 */
export default defineCommand({
  meta: {
    name: "score",
    description:
      "Score coded sessions: rapport profile (goal/task/bond), MITI 4.2.1 and MISC 2.5 summaries, flags.",
  },
  args: {
    input: {
      type: "positional",
      required: true,
      description: "coded rows from `rapportkit code` (csv/jsonl), or an AnnoMI file (- for stdin)",
    },
    ...inputArgs,
    codebook: {
      type: "string",
      description:
        "codebook of the codes: rapport|annomi|miti-4.2.1 (default: inferred from the codes; AnnoMI: annomi)",
    },
    source: {
      type: "string",
      description:
        "use only the codings of this coder (default: highest confidence; AnnoMI: first annotator)",
    },
    volley: { type: "boolean", description: "apply the MITI volley rules to the MITI counts" },
    counting: {
      type: "string",
      description:
        "top|expected: count each utterance as its code (default), or as its probabilities (uncoded input)",
    },
    json: { type: "boolean", description: "print a JSON array, one object per session" },
    out: {
      type: "string",
      description:
        "write to FILE: .csv/.tsv a table, one row per session (columns: researchers guide); .json/.jsonl the --json objects",
    },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const path = String(args.input ?? "");
    if (!path) throw new UsageError("missing input file (a path, or - for stdin)");
    const out = strArg(args, "out");
    const outFormat = outFormatOf(out, ["csv", "tsv", "json", "jsonl"], "csv");
    const cb = args.codebook === undefined ? undefined : String(args.codebook);
    if (cb !== undefined && !Object.hasOwn(builtinCodebooks, cb))
      throw new UsageError(`--codebook must be one of ${Object.keys(builtinCodebooks).join(", ")}`);
    const counting = args.counting === undefined ? "top" : String(args.counting);
    if (counting !== "top" && counting !== "expected")
      throw new UsageError("--counting must be top or expected");
    if (counting === "expected" && args.volley === true)
      throw new UsageError(
        "--volley counts each code once per volley, which has no expected count: use --counting top with --volley",
      );
    let text: string;
    if (path === "-") {
      if (!io.stdin) throw new InputError("reading standard input is not available here");
      text = await io.stdin();
    } else text = await readFile(resolve(io.cwd, path), "utf8");
    const format = args.format === undefined ? undefined : String(args.format);
    const coded = codedFormatOf(text, format);
    let sessions: CodedTranscript[];
    let defaultSource: (c: CodedTranscript) => string | undefined = () => undefined;
    if (coded) {
      const rows = readCodedRows(text, { format: coded, file: path === "-" ? "<stdin>" : path });
      // The codebook the codes are in (`eval` infers it the same way): rapport when it has them all.
      const id =
        cb ??
        inferCodebookId(
          rows.filter((r) => r.code !== "").map((r) => r.code),
          undefined,
        ) ??
        "rapport";
      const version = builtinCodebooks[id as keyof typeof builtinCodebooks].version;
      sessions = codedRowsToCodedTranscripts(rows, { id, version }, "input");
    } else {
      const cached = text;
      const result = await loadInput(path, args, { ...io, stdin: async () => cached });
      if (result.codings.length === 0) {
        const classifier = await loadDefaultClassifier(cb, counting === "expected");
        if (!classifier)
          throw new InputError(
            "score needs coded input until the default classifier lands: run `rapportkit code` first, or pass the CSV/JSONL it writes",
          );
        if (cb !== undefined && cb !== classifier.codebook.id)
          throw new UsageError(
            `the default classifier codes in '${classifier.codebook.id}'; --codebook ${cb} applies to coded input only`,
          );
        // Coding takes a while on a large file and decides every score: say so, and with what.
        const cbRef = classifier.codebook as { id: string; version?: string };
        io.err(
          `rapportkit: note: ${path === "-" ? "<stdin>" : path} has no codes; coding it with classifier ${classifier.id} (codebook ${cbRef.id}${cbRef.version ? ` ${cbRef.version}` : ""}) before scoring (run \`rapportkit code\` first to keep the codes)\n`,
        );
        sessions = [];
        for (const t of result.transcripts) sessions.push(await codeTranscriptAsync(classifier, t));
      } else {
        const id =
          cb ??
          inferCodebookId(
            result.codings.map((c) => c.codeId),
            result.codebookId,
          ) ??
          "rapport";
        const version = builtinCodebooks[id as keyof typeof builtinCodebooks]?.version ?? "unknown";
        const byUtt = new Map<string, string>();
        for (const t of result.transcripts) for (const u of t.utterances) byUtt.set(u.id, t.id);
        const bySession = new Map<string, Coding[]>();
        let orphans = 0;
        for (const c of result.codings) {
          const s = byUtt.get(c.utteranceId);
          if (s === undefined) {
            orphans++;
            continue;
          }
          const list = bySession.get(s) ?? [];
          list.push(c);
          bySession.set(s, list);
        }
        sessions = result.transcripts.map((t) => ({
          transcript: t,
          codebook: { id, version },
          codings: bySession.get(t.id) ?? [],
        }));
        defaultSource = (c) => firstAnnotator(c.codings);
        if (orphans > 0)
          io.err(
            `rapportkit: warning: ${orphans} coding(s) name utterances not in the input; not scored\n`,
          );
      }
    }
    if (counting === "expected" && !sessions.some((s) => s.codings.some((c) => c.probabilities)))
      io.err(
        "rapportkit: note: --counting expected: the codes carry no probabilities (coded rows keep one code each), so each counts as its code\n",
      );
    const source = args.source === undefined ? undefined : String(args.source);
    const scored = sessions.map((s) => {
      const src = source ?? defaultSource(s);
      return scoreSession(s, {
        ...(src !== undefined ? { source: src } : {}),
        volleyRules: args.volley === true,
        counting,
      });
    });
    const warnings = scored.flatMap((s) =>
      s.warnings.map((w) => ({ code: "score", path: [s.session], message: w })),
    );
    printWarnings(warnings, io);
    if (out !== undefined) {
      await writeOutput(io, out, formatScores(scored, outFormat));
      return 0;
    }
    if (args.json === true) io.out(formatScores(scored, "json"));
    else for (const s of scored) printText(s, io);
    return 0;
  },
});
