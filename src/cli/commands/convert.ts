import { formatIssue, type Issue } from "../../core/errors.js";
import { CSV_COLUMNS, csvUtteranceRow } from "../../io/csv.js";
import { utteranceToJsonl } from "../../io/json.js";
import { inputArgs, streamInput } from "../_input.js";
import { openOutput } from "../_output.js";
import { defineCommand, ioOf, UsageError } from "../io.js";

/** The most warnings printed one by one; the rest are counted. */
const MAX_WARNINGS = 50;

/**
 * `rapportkit convert <in> [--format ...] --to csv|jsonl [--out FILE]`: reads a transcript in any
 * supported format and writes it, utterance by utterance in input order, as CSV (header
 * `id,session,index,speaker,role,text,start,end,metadata`, where `metadata` is a JSON object) or
 * JSONL (one utterance object per line: `id, session, index, speaker, role, text`, then `start`,
 * `end`, `metadata` when present). CSV and JSONL inputs are streamed (constant memory). Output goes
 * to stdout unless `--out` is given (written to a temporary file and renamed into place on success,
 * so a failed run leaves no partial file); warnings and a one-line summary go to stderr.
 */
export default defineCommand({
  meta: {
    name: "convert",
    description: "Convert a transcript (csv, jsonl, json, vtt, srt, txt, annomi) to CSV or JSONL.",
  },
  args: {
    input: {
      type: "positional",
      required: true,
      description: "transcript file to read (- for stdin)",
    },
    ...inputArgs,
    to: { type: "string", required: true, description: "output format: csv|jsonl" },
    out: { type: "string", description: "write to FILE instead of stdout" },
    "csv-safe": {
      type: "boolean",
      description:
        "for spreadsheets: a ' before cells starting = + - @ tab CR (inexact round trip)",
    },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const to = String(args.to ?? "");
    if (to !== "csv" && to !== "jsonl") throw new UsageError("--to must be csv or jsonl");
    const out = args.out === undefined ? undefined : String(args.out);
    const csvSafe = args["csv-safe"] === true || args.csvSafe === true;
    const items = streamInput(String(args.input ?? ""), args, io);
    // Read the first item before opening the output, so bad input or options leave no empty file.
    const first = await items.next();
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
      if (to === "csv") await output.write(`${CSV_COLUMNS.join(",")}\n`);
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
        await output.write(
          `${to === "csv" ? csvUtteranceRow(item.utterance, CSV_COLUMNS, { csvSafe }) : utteranceToJsonl(item.utterance)}\n`,
        );
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
        skipped > 0 ? `; ${skipped} malformed rows skipped` : ""
      }${out ? ` to ${out}` : ""}\n`,
    );
    return 0;
  },
});
