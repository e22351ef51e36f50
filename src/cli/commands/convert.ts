import { formatIssue, type Issue } from "../../core/errors.js";
import type { Coding, Utterance } from "../../core/schemas.js";
import { makeUtterance } from "../../io/_shared.js";
import { ANNOMI_COLUMNS, ANNOMI_LABEL_COLUMNS } from "../../io/annomi.js";
import { CSV_COLUMNS, type CsvWriteOptions, csvCell, csvUtteranceRow } from "../../io/csv.js";
import { type InputItem, inputArgs, strArg, streamInput } from "../_input.js";
import { openOutput, outFormatOf } from "../_output.js";
import { jsonSafe } from "../_text.js";
import { defineCommand, InputError, ioOf, UsageError } from "../io.js";

/** The most warnings printed one by one; the rest are counted. */
const MAX_WARNINGS = 50;

/** The output formats. */
const TO = ["csv", "jsonl", "annomi"] as const;
type To = (typeof TO)[number];

/** AnnoMI's per-transcript columns (kept as the session's metadata). */
const SESSION_COLUMNS = ["mi_quality", "video_title", "video_url", "topic"] as const;

const ANNOTATOR = /^annotator:(.+)$/;

/** The coding of the lowest `annotator:<n>`, else the first: the one the `code` column shows. */
function primary(codings: readonly Coding[]): Coding | undefined {
  let best: Coding | undefined;
  let bestN = Number.POSITIVE_INFINITY;
  for (const c of codings) {
    const n = Number(ANNOTATOR.exec(c.source)?.[1]);
    if (Number.isFinite(n) && n < bestN) {
      best = c;
      bestN = n;
    }
  }
  return best ?? codings[0];
}

/**
 * The utterance as written to CSV/JSONL: its metadata holds the session's metadata (AnnoMI's
 * `mi_quality`, `topic`, …), its own, and `codes` (every coding, by source) when it has codings.
 */
function withEverything(item: InputItem & { utterance: Utterance }): Utterance {
  const u = item.utterance;
  const codes =
    item.codings.length > 0
      ? { codes: Object.fromEntries(item.codings.map((c) => [c.source, c.codeId])) }
      : {};
  if (!item.sessionMetadata && !u.metadata && item.codings.length === 0) return u;
  return { ...u, metadata: { ...item.sessionMetadata, ...u.metadata, ...codes } };
}

function hhmmss(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  const s = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** AnnoMI's label columns for an `annomi` code (`question.open`, `change`, …). */
function labelsOf(role: "therapist" | "client", code: string | undefined): Record<string, string> {
  const na = {
    therapist_input_exists: "n/a",
    therapist_input_subtype: "n/a",
    reflection_exists: "n/a",
    reflection_subtype: "n/a",
    question_exists: "n/a",
    question_subtype: "n/a",
    main_therapist_behaviour: "n/a",
    client_talk_type: "n/a",
  };
  if (code === undefined) return na;
  if (role === "client") return { ...na, client_talk_type: code };
  const [main = "", sub] = code.split(".");
  const out: Record<string, string> = { ...na, main_therapist_behaviour: main };
  for (const b of ["therapist_input", "reflection", "question"]) {
    out[`${b}_exists`] = main === b ? "True" : "False";
    out[`${b}_subtype`] = main === b && sub !== undefined ? sub : "n/a";
  }
  return out;
}

const THERAPIST_CODES = new Set([
  "reflection",
  "reflection.simple",
  "reflection.complex",
  "question",
  "question.open",
  "question.closed",
  "therapist_input",
  "therapist_input.information",
  "therapist_input.advice",
  "therapist_input.negotiation",
  "therapist_input.options",
  "other",
]);
const CLIENT_CODES = new Set(["change", "neutral", "sustain"]);

/**
 * The AnnoMI rows of one utterance: one per annotator. The label columns come from the file when
 * the input kept them (AnnoMI input, or a CSV/JSONL converted from it: `metadata.annomi`), else
 * from the codings (which must be `annomi` codes).
 */
function annomiRows(item: InputItem & { utterance: Utterance }, where: string): string[][] {
  const u = item.utterance;
  if (u.role !== "therapist" && u.role !== "client")
    throw new InputError(
      `${where}: utterance ${u.id} has role "${u.role}"; AnnoMI's interlocutor is therapist or client (set roles with --speaker-map or --speaker)`,
    );
  const md = { ...item.sessionMetadata, ...u.metadata };
  const idMatch = u.id.startsWith(`${u.session}:`) ? u.id.slice(u.session.length + 1) : "";
  const utteranceId = /^\d+$/.test(idMatch) ? idMatch : String(u.index);
  const fixed: Record<string, string> = {
    transcript_id: u.session,
    utterance_id: utteranceId,
    interlocutor: u.role,
    utterance_text: u.text,
    timestamp: hhmmss(u.start),
  };
  for (const c of SESSION_COLUMNS) fixed[c] = typeof md[c] === "string" ? (md[c] as string) : "";
  let labelRows: Record<string, string>[];
  const kept = md.annomi;
  if (
    Array.isArray(kept) &&
    kept.length > 0 &&
    kept.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))
  )
    labelRows = (kept as Record<string, unknown>[]).map((r) =>
      Object.fromEntries(
        ANNOMI_LABEL_COLUMNS.filter((c) => typeof r[c] === "string").map((c) => [
          c,
          r[c] as string,
        ]),
      ),
    );
  else if (item.codings.length > 0)
    labelRows = item.codings.map((c) => {
      const known = u.role === "client" ? CLIENT_CODES : THERAPIST_CODES;
      if (!known.has(c.codeId))
        throw new InputError(
          `${where}: utterance ${u.id} has code ${JSON.stringify(c.codeId.slice(0, 60))}, not an annomi code for a ${u.role}; --to annomi writes AnnoMI's labels`,
        );
      return {
        annotator_id: ANNOTATOR.exec(c.source)?.[1] ?? "",
        ...labelsOf(u.role as "therapist" | "client", c.codeId),
      };
    });
  else labelRows = [{ annotator_id: "", ...labelsOf(u.role, undefined) }];
  return labelRows.map((l) => {
    const row = { ...fixed, ...labelsOf(u.role as "therapist" | "client", undefined), ...l };
    return ANNOMI_COLUMNS.map((c) => row[c] ?? "");
  });
}

/**
 * `rapportkit convert <in> --to csv|jsonl|annomi [--out FILE]`: reads a transcript in any
 * supported format and writes it, utterance by utterance in input order:
 * - CSV: header `id,session,index,speaker,role,text,start,end,metadata` (`metadata` a JSON object),
 *   plus `code` when the input carries codes;
 * - JSONL: one utterance object per line (`id, session, index, speaker, role, text`, then `start`,
 *   `end`, `metadata` when present, and `code`);
 * - AnnoMI: AnnoMI-full's columns, one row per utterance and annotator.
 *
 * Nothing of the input is dropped: an utterance's `metadata` holds its session's metadata (AnnoMI:
 * `mi_quality`, `topic`, `video_title`, `video_url`), every coding by source (`codes`), and for
 * AnnoMI input every annotator's label columns as in the file (`annomi`); `code` is the first
 * annotator's (or the first) code. So AnnoMI → CSV/JSONL → AnnoMI gives the file's rows back.
 *
 * `--to` may be left out when `--out` ends in `.csv` or `.jsonl`; an extension that contradicts
 * it, or that names another format, is refused. CSV and JSONL inputs are streamed (constant
 * memory). Output goes to stdout unless `--out` is given (written to a temporary file and renamed
 * into place on success, so a failed run leaves no partial file); warnings and a one-line summary
 * go to stderr.
 */
export default defineCommand({
  meta: {
    name: "convert",
    description:
      "Convert a transcript (csv, jsonl, json, vtt, srt, txt, annomi) to CSV, JSONL or AnnoMI, keeping its codes and metadata.",
  },
  args: {
    input: {
      type: "positional",
      required: true,
      description: "transcript file to read (- for stdin)",
    },
    ...inputArgs,
    to: {
      type: "string",
      description: "output format: csv|jsonl|annomi (default: from --out's extension)",
    },
    out: {
      type: "string",
      description:
        "write to FILE instead of stdout (.csv or .jsonl; the extension names the format)",
    },
    "csv-safe": {
      type: "boolean",
      description:
        "for spreadsheets: a ' before cells starting = + - @ tab CR (inexact round trip)",
    },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const out = strArg(args, "out");
    const toArg = strArg(args, "to");
    if (toArg !== undefined && !(TO as readonly string[]).includes(toArg))
      throw new UsageError("--to must be csv, jsonl or annomi");
    const ext = outFormatOf<"csv" | "jsonl" | "none">(out, ["csv", "jsonl"], "none");
    const to = (toArg ?? (ext === "none" ? undefined : ext)) as To | undefined;
    if (to === undefined)
      throw new UsageError(
        "--to is required (csv, jsonl or annomi) unless --out ends in .csv or .jsonl",
      );
    if (ext !== "none" && (ext === "jsonl") !== (to === "jsonl"))
      throw new UsageError(`--out ${out} names ${ext} but --to is ${to}; make them agree`);
    const csvSafe = args["csv-safe"] === true || args.csvSafe === true;
    const cellOpts: CsvWriteOptions = { csvSafe };
    const input = String(args.input ?? "");
    const where = input === "-" ? "<stdin>" : input;
    // AnnoMI's label columns are kept as they are (metadata.annomi), so nothing of them is lost.
    const items = streamInput(input, args, io, { annomiLabels: true });
    // Read the first item before opening the output, so bad input or options leave no empty file.
    const first = await items.next();
    const firstItem = first.done ? undefined : first.value;
    const withCode =
      firstItem?.utterance !== undefined &&
      (firstItem.codings.length > 0 || firstItem.utterance.metadata?.annomi !== undefined);
    const output = await openOutput(io, out);
    let warned = 0;
    const warn = (w: Issue) => {
      if (++warned <= MAX_WARNINGS) io.err(`rapportkit: warning: ${formatIssue(w)}\n`);
    };
    let n = 0;
    let skipped = 0;
    const sessions = new Set<string>();
    let done = false;
    try {
      if (to === "csv") await output.write(`${CSV_COLUMNS.join(",")}${withCode ? ",code" : ""}\n`);
      if (to === "annomi") await output.write(`${ANNOMI_COLUMNS.join(",")}\n`);
      for (let r = first; !r.done; r = await items.next()) {
        const item = r.value;
        if (item.error) {
          skipped++;
          warn(item.error);
          continue;
        }
        for (const w of item.warnings) warn(w);
        n++;
        sessions.add(item.utterance.session);
        let line: string;
        if (to === "annomi")
          line = annomiRows(item, where)
            .map((row) => row.map((c) => csvCell(c, cellOpts)).join(","))
            .join("\n");
        else {
          const u = withEverything(item);
          const code = primary(item.codings)?.codeId;
          if (to === "csv")
            line = `${csvUtteranceRow(u, CSV_COLUMNS, cellOpts)}${withCode ? `,${csvCell(code ?? "", cellOpts)}` : ""}`;
          else line = jsonSafe({ ...makeUtterance(u), ...(code ? { code } : {}) });
        }
        await output.write(`${line}\n`);
      }
      await output.commit();
      done = true;
    } finally {
      if (!done) await output.abort();
    }
    if (warned > MAX_WARNINGS)
      io.err(`rapportkit: warning: … and ${warned - MAX_WARNINGS} more warnings\n`);
    io.err(
      `rapportkit: converted ${n} utterances in ${sessions.size} sessions${
        skipped > 0 ? `; ${skipped} malformed row${skipped === 1 ? "" : "s"} skipped` : ""
      }${out ? ` to ${out}` : ""}\n`,
    );
    return 0;
  },
});
