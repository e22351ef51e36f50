import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { writeCsv } from "../../io/csv.js";
import { writeJsonl } from "../../io/json.js";
import { inputArgs, loadInput } from "../_input.js";
import { defineCommand, ioOf, UsageError } from "../io.js";

/**
 * `rapportkit convert <in> [--format ...] --to csv|jsonl [--out FILE]`: reads a transcript in any
 * supported format and writes it as CSV (header `id,session,index,speaker,role,text`, plus
 * `start,end,metadata` when present) or JSONL (one utterance object per line). Output goes to
 * stdout unless `--out` is given; a one-line summary and any warnings go to stderr.
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
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const to = String(args.to ?? "");
    if (to !== "csv" && to !== "jsonl") throw new UsageError("--to must be csv or jsonl");
    const result = await loadInput(String(args.input ?? ""), args, io);
    const text = to === "csv" ? writeCsv(result.transcripts) : writeJsonl(result.transcripts);
    const out = args.out === undefined ? undefined : String(args.out);
    if (out) await writeFile(resolve(io.cwd, out), text, "utf8");
    else io.out(text);
    let n = 0;
    for (const t of result.transcripts) n += t.utterances.length;
    const skipped = result.warnings.filter((w) => w.message.endsWith("skipped")).length;
    io.err(
      `rapportkit: converted ${n} utterances in ${result.transcripts.length} sessions${
        skipped > 0 ? `; ${skipped} malformed rows skipped` : ""
      }${out ? ` to ${out}` : ""}\n`,
    );
    return 0;
  },
});
