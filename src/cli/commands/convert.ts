import { createWriteStream, type WriteStream } from "node:fs";
import { resolve } from "node:path";
import { formatIssue, type Issue } from "../../core/errors.js";
import { CSV_COLUMNS, csvUtteranceRow } from "../../io/csv.js";
import { utteranceToJsonl } from "../../io/json.js";
import { inputArgs, streamInput } from "../_input.js";
import { type CliIO, defineCommand, ioOf, UsageError } from "../io.js";

/** The most warnings printed one by one; the rest are counted. */
const MAX_WARNINGS = 50;

/** Buffers output and writes it in chunks, to stdout or to a file (waiting when the file is busy). */
function sink(io: CliIO, out: string | undefined) {
  const stream: WriteStream | undefined = out ? createWriteStream(resolve(io.cwd, out)) : undefined;
  let buf = "";
  const flush = async () => {
    if (buf === "") return;
    const chunk = buf;
    buf = "";
    if (!stream) io.out(chunk);
    else if (!stream.write(chunk)) await new Promise<void>((r) => stream.once("drain", r));
  };
  return {
    async write(s: string) {
      buf += s;
      if (buf.length >= 1 << 16) await flush();
    },
    async close() {
      await flush();
      if (stream)
        await new Promise<void>((ok, fail) => {
          stream.once("error", fail);
          stream.end(ok);
        });
    },
  };
}

/**
 * `rapportkit convert <in> [--format ...] --to csv|jsonl [--out FILE]`: reads a transcript in any
 * supported format and writes it, utterance by utterance in input order, as CSV (header
 * `id,session,index,speaker,role,text,start,end,metadata`, where `metadata` is a JSON object) or
 * JSONL (one utterance object per line: `id, session, index, speaker, role, text`, then `start`,
 * `end`, `metadata` when present). CSV and JSONL inputs are streamed (constant memory). Output goes
 * to stdout unless `--out` is given; warnings and a one-line summary go to stderr.
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
    const out = args.out === undefined ? undefined : String(args.out);
    const items = streamInput(String(args.input ?? ""), args, io);
    // Read the first item before opening the output, so bad input or options leave no empty file.
    const first = await items.next();
    const output = sink(io, out);
    let warned = 0;
    const warn = (w: Issue) => {
      if (++warned <= MAX_WARNINGS) io.err(`rapportkit: warning: ${formatIssue(w)}\n`);
    };
    let n = 0;
    let skipped = 0;
    const sessions = new Set<string>();
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
          `${to === "csv" ? csvUtteranceRow(item.utterance) : utteranceToJsonl(item.utterance)}\n`,
        );
      }
    } finally {
      await output.close();
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
