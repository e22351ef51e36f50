/**
 * `rapportkit eval <coded.csv> [--classifier ...]`: codes the utterances of a coded file with a
 * classifier and compares its codes with the file's: confusion matrix, per-code precision, recall
 * and F1, accuracy, macro and weighted F1 (`--json` for all of it as JSON, `--out` to a file).
 *
 * The codebook is the one `--codebook` names; else, as `score` does, `annomi` for an AnnoMI file
 * (and for `--classifier linear`), else the first built-in codebook that has every code of the file
 * (`rapport` when it does). `--map` maps the file's codes first (codes of another scheme). When the
 * classifier is a model that records what it was trained on (the shipped models do), utterances
 * of the input that were in its training data are counted and a warning says the figures
 * overstate how the model does on new data.
 * @module
 */
import { evaluate, formatEvaluation } from "../../classify/evaluate.js";
import type { Prediction } from "../../classify/types.js";
import type { Utterance } from "../../core/schemas.js";
import { contextTurn } from "../../node/code-stream.js";
import {
  buildClassifier,
  type ClassifierSpec,
  classifierArgs,
  codebookOf,
  specOf,
} from "../_classifier.js";
import { inferCodebookId } from "../_codebooks.js";
import { intArg, strArg } from "../_input.js";
import { applyMap, labelMapOf, warnUnusedMap } from "../_label-map.js";
import { outFormatOf, writeOutput } from "../_output.js";
import { formatStats } from "../_stats-table.js";
import { jsonSafe } from "../_text.js";
import { overlapWarning, trainingOverlap } from "../_training-overlap.js";
import { defineCommand, InputError, ioOf } from "../io.js";
import { codedInputArgs, goldCodes, loadCoded } from "./train.js";

export default defineCommand({
  meta: {
    name: "eval",
    description:
      "Compare a classifier's codes with the codes of a coded file: confusion matrix and per-code precision, recall and F1.",
  },
  args: {
    ...codedInputArgs,
    ...classifierArgs,
    codebook: {
      type: "string",
      description:
        "codebook: rapport|annomi|miti-4.2.1 (default: inferred from the input, as score does)",
    },
    map: {
      type: "string",
      description: "map the file's codes first: from=to,… or a .csv (from,to rows) or .json file",
    },
    depth: {
      type: "string",
      description:
        "compare at this depth of the code hierarchy (0: reflection.simple → reflection)",
    },
    json: { type: "boolean", description: "print the whole evaluation as JSON" },
    out: {
      type: "string",
      description: "write to FILE: .json/.jsonl as --json; .csv/.tsv a table, one row per number",
    },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const depth = intArg(args, "depth", 0);
    const out = strArg(args, "out");
    const outFormat =
      out === undefined ? undefined : outFormatOf(out, ["csv", "tsv", "json", "jsonl"], "json");
    const mapped = await labelMapOf(args, io);
    const file = strArg(args, "file");
    const read = await loadCoded(file, args, io);
    const result = {
      ...read,
      codings: read.codings.map((c) => ({ ...c, codeId: applyMap(mapped, c.codeId) })),
    };
    warnUnusedMap(mapped, io);
    const named = strArg(args, "codebook");
    const inferred =
      named ??
      (strArg(args, "classifier") === "linear"
        ? "annomi"
        : inferCodebookId(
            result.codings.map((c) => c.codeId),
            result.codebookId,
          ));
    const spec: ClassifierSpec = specOf(
      inferred === undefined ? args : { ...args, codebook: inferred },
      io,
    );
    const codebook = codebookOf(spec.codebook);
    // The classifier first: a model of another codebook is reported as such, naming the model.
    const classifier = await buildClassifier(spec);
    const gold = goldCodes(
      result,
      codebook,
      file as string,
      "; name the codebook of the codes with --codebook, or map them with --map from=to,…",
    );
    if (gold.size === 0)
      throw new InputError(
        `${file}: no coded utterances (expected a code column, or name it with --code-column)`,
      );
    const overlap = await trainingOverlap(spec, classifier.id, result.transcripts, gold);
    const warning = overlapWarning(overlap, file as string);
    if (warning) io.err(warning);
    const predictions: Prediction[] = [];
    for (const t of result.transcripts) {
      // Rows' --context-column values go in as the preceding turn, as `code` and `train` do.
      const turns: Utterance[] = [];
      const keep: boolean[] = [];
      for (const u of t.utterances) {
        const c = u.metadata?.context;
        if (typeof c === "string" && c.trim() !== "") {
          turns.push(contextTurn(u, c));
          keep.push(false);
        }
        turns.push(u);
        keep.push(true);
      }
      const coded = await classifier.classify(turns);
      coded.forEach((p, i) => {
        if (keep[i] && gold.has(p.utteranceId)) predictions.push(p);
      });
    }
    const report = evaluate(predictions, [...gold.values()], {
      codebook,
      ...(depth !== undefined ? { depth } : {}),
    });
    const whole = {
      classifier: classifier.id,
      codebook: codebook.id,
      ...report,
      ...(overlap
        ? { trainingOverlap: { checked: overlap.checked, inTraining: overlap.inTraining } }
        : {}),
    };
    if (out !== undefined && outFormat !== undefined)
      await writeOutput(io, out, formatStats(whole, outFormat));
    else if (args.json === true) io.out(`${jsonSafe(whole, 2)}\n`);
    else {
      io.out(
        `classifier ${classifier.id} against the codes of ${file} (codebook ${codebook.id})\n\n`,
      );
      io.out(formatEvaluation(report));
    }
    return 0;
  },
});
