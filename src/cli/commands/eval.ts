/**
 * `rapportkit eval <coded.csv> [--classifier ...]`: codes the utterances of a coded file with a
 * classifier and compares its codes with the file's: confusion matrix, per-code precision, recall
 * and F1, accuracy, macro and weighted F1 (`--json` for all of it as JSON).
 * @module
 */
import { evaluate, formatEvaluation } from "../../classify/evaluate.js";
import type { Prediction } from "../../classify/types.js";
import type { Utterance } from "../../core/schemas.js";
import { intArg, strArg } from "../_input.js";
import { defineCommand, ioOf } from "../io.js";
import { buildClassifier, classifierArgs, codebookOf, contextTurn, specOf } from "./code.js";
import { codedInputArgs, loadGold } from "./train.js";

export default defineCommand({
  meta: {
    name: "eval",
    description:
      "Compare a classifier's codes with the codes of a coded file: confusion matrix and per-code precision, recall and F1.",
  },
  args: {
    ...codedInputArgs,
    ...classifierArgs,
    depth: {
      type: "string",
      description:
        "compare at this depth of the code hierarchy (0: reflection.simple → reflection)",
    },
    json: { type: "boolean", description: "print the whole evaluation as JSON" },
  },
  async run(ctx) {
    const io = ioOf(ctx);
    const args = ctx.args as Record<string, unknown>;
    const depth = intArg(args, "depth", 0);
    const spec = specOf(args, io);
    const codebook = codebookOf(spec.codebook);
    const classifier = await buildClassifier(spec);
    const file = strArg(args, "file");
    const { result, gold } = await loadGold(file, args, io, codebook);
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
      const out = await classifier.classify(turns);
      out.forEach((p, i) => {
        if (keep[i] && gold.has(p.utteranceId)) predictions.push(p);
      });
    }
    const report = evaluate(predictions, [...gold.values()], {
      codebook,
      ...(depth !== undefined ? { depth } : {}),
    });
    if (args.json === true)
      io.out(`${JSON.stringify({ classifier: classifier.id, ...report }, null, 2)}\n`);
    else {
      io.out(`classifier ${classifier.id} against the codes of ${file}\n\n`);
      io.out(formatEvaluation(report));
    }
    return 0;
  },
});
