/**
 * `rapportkit code <file>`: codes every utterance and writes one row per input utterance, in input
 * order, with exactly the columns `id,session,index,speaker,code,confidence,text`.
 *
 * The input is streamed (CSV and JSONL with constant memory) and coded by the library's streaming
 * coder (`codeStreamChunks` in `rapportkit/node`), which carries each session's context across
 * chunks: the output equals coding each session whole, and does not depend on the chunk size or
 * on anything else. This file
 * parses the arguments, writes the rows, shows progress and sets the exit code.
 * @module
 */
import { formatIssue } from "../../core/errors.js";
import type { Utterance } from "../../core/schemas.js";
import { CODED_COLUMNS, type CodedRow, codedCsvLine, codedJsonlLine } from "../../io/coded.js";
import { CODE_STREAM_MAX_SESSIONS, codeStreamBatches } from "../../node/code-stream.js";
import { turnSegmenter } from "../../text/segment.js";
import { buildClassifier, classifierArgs, specOf } from "../_classifier.js";
import { DEFAULT_HEAP_MB, heapMbOf } from "../_heap.js";
import { type InputItem, inputArgs, printWarnings, strArg, streamInputBatches } from "../_input.js";
import { type Output, openOutput, outFormatOf } from "../_output.js";
import { type CliIO, defineCommand, InputError, ioOf, UsageError } from "../io.js";

/** A one-line progress display on stderr, only when stderr is a terminal. */
export function progressBar(io: CliIO): { update(coded: number): void; done(): void } {
  if (!io.isTTY) return { update() {}, done() {} };
  let last = 0;
  const start = Date.now();
  let shown = false;
  const spin = "|/-\\";
  let k = 0;
  return {
    update(coded) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const rate = Math.round(coded / Math.max(0.001, (now - start) / 1000));
      const frames = spin[k++ % spin.length];
      io.err(
        `\r${frames} coded ${coded.toLocaleString("en")} utterances (${rate.toLocaleString("en")}/s)`,
      );
      shown = true;
    },
    done() {
      if (shown) io.err("\r\u001b[2K");
    },
  };
}

/**
 * `--segment sentences`: each multi-sentence helper turn of the stream becomes one item per
 * sentence (`turnSegmenter`: ids `<id>#1`, `<id>#2`, …, on the turn's input line).
 */
async function* bySentence(
  batches: AsyncIterable<readonly InputItem[]>,
): AsyncGenerator<readonly InputItem[], void, undefined> {
  const split = turnSegmenter();
  for await (const batch of batches) {
    const out: InputItem[] = [];
    for (const item of batch) {
      if (!item.utterance) {
        out.push(item);
        continue;
      }
      const units: Utterance[] = split(item.utterance);
      if (units.length === 1) out.push({ ...item, utterance: units[0] as Utterance });
      else for (const u of units) out.push({ ...item, utterance: u, codings: [] });
    }
    yield out;
  }
}

export default defineCommand({
  meta: {
    name: "code",
    description:
      "Code every utterance of a transcript: one row per input utterance (or, with --segment sentences, per sentence of a helper's turn), in input order, with the columns id,session,index,speaker,code,confidence,text.",
  },
  args: {
    file: { type: "positional", required: false, description: "input file (- for stdin)" },
    ...inputArgs,
    ...classifierArgs,
    segment: {
      type: "string",
      description:
        "sentences: code each sentence of a helper's multi-sentence turn as a row of its own (ids <id>#1, <id>#2, …; index renumbered; coding manual §1); default: one row per turn",
    },
    out: {
      type: "string",
      description:
        "output file (default: stdout); .csv or .jsonl, the format its extension names (others refused)",
    },
    "out-format": {
      type: "string",
      description: "output format: csv|jsonl (default: from --out's extension, else csv)",
    },
    "max-heap-mb": {
      type: "string",
      description: `heap limit of the coding thread in MB (default ${DEFAULT_HEAP_MB}; 0: Node's own limit)`,
    },
    workers: {
      type: "string",
      description:
        "ignored (kept so that scripts still run): worker threads were slower than one thread",
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
    const file = strArg(args, "file");
    if (!file) throw new UsageError("missing input file (a path, or - for stdin)");
    const spec = specOf(args, io);
    const outFile = strArg(args, "out");
    const named = strArg(args, "out-format");
    if (named !== undefined && named !== "csv" && named !== "jsonl")
      throw new UsageError("--out-format must be csv or jsonl");
    // --out's extension names the format (.csv, .jsonl); another extension is refused, and one
    // that contradicts --out-format too.
    const byName = outFormatOf(outFile, ["csv", "jsonl"] as const, named ?? "csv");
    if (named !== undefined && byName !== named)
      throw new UsageError(
        `--out ${outFile} names ${byName} but --out-format is ${named}; make them agree`,
      );
    const of = byName;
    const segment = strArg(args, "segment");
    if (segment !== undefined && segment !== "sentences")
      throw new UsageError(`--segment must be sentences (got ${JSON.stringify(segment)})`);
    if (heapMbOf(strArg(args, "max-heap-mb")) === undefined)
      throw new UsageError("--max-heap-mb must be a whole number of megabytes (0 for no limit)");
    const wRaw = strArg(args, "workers") ?? "1";
    const asked = Number(wRaw);
    if (!Number.isInteger(asked) || asked < 1 || asked > 256)
      throw new UsageError("--workers must be a whole number from 1 to 256");
    // Worker threads only ran each chunk's first pass; the context re-check that most chunks
    // need ran in this thread, so two workers took longer than one (200,000 rows on 2 cores:
    // 11.1 s against 6.2 s) and held the model once per thread. The option stays, ignored.
    if (asked > 1)
      io.err(
        "rapportkit: note: --workers is ignored: coding runs in one thread (worker threads were slower)\n",
      );

    // Build first: a bad codebook or model fails fast, before any output.
    const classifier = await buildClassifier(spec);

    // Nothing is written until the first row is coded, so a bad column or an unreadable input
    // fails with no output; --out is written to a temporary file, renamed into place on success.
    let output: Output | undefined;
    const write = async (text: string) => {
      if (!output) {
        output = await openOutput(io, outFile);
        if (of === "csv") await output.write(`${CODED_COLUMNS.join(",")}\n`);
      }
      await output.write(text);
    };
    const bar = progressBar(io);
    let coded = 0;
    let skipped = 0;
    let done = false;
    try {
      const csvSafe = args["csv-safe"] === true || args.csvSafe === true;
      const line = of === "csv" ? (r: CodedRow) => codedCsvLine(r, { csvSafe }) : codedJsonlLine;
      const input = streamInputBatches(file, args, io);
      const chunks = codeStreamBatches(segment ? bySentence(input) : input, classifier, {
        onSkip: (issue) => {
          skipped++;
          bar.done();
          io.err(`rapportkit: ${formatIssue(issue)}\n`);
        },
        onWarnings: (w) => {
          bar.done();
          printWarnings(w, io);
        },
        onContextLost: (session, line) =>
          io.err(
            `rapportkit: warning: line ${line}: session ${JSON.stringify(session.slice(0, 60))} comes back after more than ${CODE_STREAM_MAX_SESSIONS} other sessions; its earlier turns are not used as context\n`,
          ),
      });
      for await (const rows of chunks) {
        let s = "";
        for (const r of rows) s += line(r);
        await write(s);
        coded += rows.length;
        bar.update(coded);
      }
      // A file with a header and no rows would otherwise end with no output and no word.
      if (coded === 0 && skipped === 0)
        throw new InputError(
          `${file === "-" ? "<stdin>" : file}: no utterances to code (a header and no rows)`,
        );
      await write("");
      await (output as Output | undefined)?.commit();
      done = true;
    } finally {
      bar.done();
      if (!done) await (output as Output | undefined)?.abort();
    }
    if (skipped > 0)
      io.err(
        `rapportkit: coded ${coded} utterances; skipped ${skipped} malformed row${skipped === 1 ? "" : "s"} (listed above)\n`,
      );
    return 0;
  },
});
