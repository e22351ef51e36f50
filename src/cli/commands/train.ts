/**
 * `rapportkit train <coded.csv> --codebook <id> --out model.json`: trains the linear model on
 * coded utterances (a CSV with a text and a code column; optional session, speaker/role and
 * context columns; or any transcript format that carries codes, such as AnnoMI).
 * @module
 */
import { resolve as resolvePath } from "node:path";
import type { ArgsDef } from "citty";
import { trainingFingerprint } from "../../classify/linear/fingerprint.js";
import { type LinearExample, trainLinear } from "../../classify/linear/train.js";
import type { Codebook, Coding, Transcript } from "../../core/schemas.js";
import type { ReadResult } from "../../io/_shared.js";
import { readTranscriptFile, sessionNameOf } from "../../node/files.js";
import { codebookOf } from "../_classifier.js";
import { inputArgs, inputOptionsOf, intArg, printWarnings, strArg } from "../_input.js";
import { outFormatOf, writeOutput } from "../_output.js";
import { type CliIO, defineCommand, InputError, ioOf, UsageError } from "../io.js";

/** The input args of `train` and `eval`: the coded file, the transcript input args, `--code-column`. */
export const codedInputArgs = {
  file: {
    type: "positional",
    required: false,
    description: "coded input (CSV with text and code columns)",
  },
  ...inputArgs,
  "code-column": { type: "string", description: "CSV column with the codes (default: code)" },
} as const satisfies ArgsDef;

/** Reads a coded input (transcripts and their codings) with the input args plus `--code-column`. */
export async function loadCoded(
  path: string | undefined,
  args: Record<string, unknown>,
  io: CliIO,
): Promise<ReadResult> {
  if (!path) throw new UsageError("missing input file (a coded CSV)");
  if (path === "-") throw new UsageError("this command reads a file, not standard input");
  const o = inputOptionsOf(args);
  const codeCol = strArg(args, "code-column");
  if (codeCol !== undefined && o.format !== undefined && o.format !== "csv")
    throw new UsageError(`--code-column applies to --format csv only (the input is ${o.format})`);
  const columns = codeCol !== undefined ? { ...(o.columns ?? {}), code: codeCol } : o.columns;
  const result = await readTranscriptFile(resolvePath(io.cwd, path), {
    file: path,
    session: sessionNameOf(path),
    onError: o.onError,
    ...(o.format ? { format: o.format } : {}),
    ...(columns ? { columns } : {}),
    ...(o.role ? { role: o.role } : {}),
    ...(o.speakerMap ? { speakerMap: o.speakerMap } : {}),
  });
  printWarnings(result.warnings, io);
  return result;
}

/**
 * Reads a coded input ({@link loadCoded}) and its gold codes ({@link goldCodes}) for `train` and
 * `eval`; an input with no coded utterance is an error.
 */
export async function loadGold(
  path: string | undefined,
  args: Record<string, unknown>,
  io: CliIO,
  codebook: Codebook,
): Promise<{ result: ReadResult; gold: Map<string, Coding> }> {
  const result = await loadCoded(path, args, io);
  const gold = goldCodes(result, codebook, path as string);
  if (gold.size === 0)
    throw new InputError(
      `${path}: no coded utterances (expected a code column, or name it with --code-column)`,
    );
  return { result, gold };
}

/** The first coding of each utterance, checked against the codebook. */
export function goldCodes(
  result: ReadResult,
  codebook: Codebook,
  file: string,
  hint = "",
): Map<string, Coding> {
  const known = new Set(codebook.codes.map((c) => c.id));
  const gold = new Map<string, Coding>();
  for (const c of result.codings) {
    if (gold.has(c.utteranceId)) continue;
    if (!known.has(c.codeId))
      throw new InputError(
        `${file}: utterance ${c.utteranceId} has code ${JSON.stringify(c.codeId.slice(0, 60))}, which is not in codebook '${codebook.id}'${hint}`,
      );
    gold.set(c.utteranceId, c);
  }
  return gold;
}

/** Training turns in session order; a row's `--context-column` value comes first as a client turn. */
export function examplesOf(
  transcripts: readonly Transcript[],
  gold: ReadonlyMap<string, Coding>,
): LinearExample[] {
  const out: LinearExample[] = [];
  for (const t of transcripts)
    for (const u of t.utterances) {
      const ctx = u.metadata?.context;
      if (typeof ctx === "string" && ctx.trim() !== "")
        out.push({
          session: u.session,
          role: u.role === "client" ? "therapist" : "client",
          text: ctx,
        });
      const code = gold.get(u.id)?.codeId;
      out.push({
        session: u.session,
        role: u.role,
        text: u.text,
        ...(code ? { label: code } : {}),
      });
    }
  return out;
}

export default defineCommand({
  meta: {
    name: "train",
    description:
      "Train the linear model on coded utterances (a CSV with text and code columns) and write it as JSON.",
  },
  args: {
    ...codedInputArgs,
    codebook: {
      type: "string",
      description: "codebook of the codes: rapport|annomi|miti-4.2.1 (required)",
    },
    out: { type: "string", description: "where to write the model, a .json file (required)" },
    seed: { type: "string", description: "seed of the training shuffles (default 1)" },
    epochs: { type: "string", description: "passes over the data (default 10)" },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const cbId = strArg(args, "codebook");
    if (!cbId) throw new UsageError("--codebook is required (rapport, annomi or miti-4.2.1)");
    const codebook = codebookOf(cbId);
    const out = strArg(args, "out");
    if (!out) throw new UsageError("--out is required (where to write model.json)");
    outFormatOf(out, ["json"], "json");
    const seed = intArg(args, "seed", 0);
    const epochs = intArg(args, "epochs", 1);
    const file = strArg(args, "file");
    const { result, gold } = await loadGold(file, args, io, codebook);
    const examples = examplesOf(result.transcripts, gold);
    const model = trainLinear(examples, {
      codebook: { id: codebook.id, version: codebook.version },
      ...(seed !== undefined ? { seed } : {}),
      ...(epochs !== undefined ? { epochs } : {}),
    });
    // What it was trained on, so that `eval` can warn about an input it has seen.
    model.training = {
      ...model.training,
      fingerprint: trainingFingerprint(examples.map((e) => e.text)),
    };
    await writeOutput(io, out, `${JSON.stringify(model)}\n`);
    const codes = new Set([...gold.values()].map((c) => c.codeId));
    io.out(
      `trained on ${gold.size} coded utterances (${codes.size} codes, codebook ${codebook.id}); wrote ${out}\n`,
    );
    return 0;
  },
});
