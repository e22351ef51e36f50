/**
 * The classifier the `code`, `train` and `eval` commands use: `--codebook` and `--classifier` turned
 * into a {@link ClassifierSpec} (plain data, so a worker thread can build the same classifier),
 * and the spec into a classifier.
 * @module
 */
import { resolve as resolvePath } from "node:path";
import type { ArgsDef } from "citty";
import { linearClassifier } from "../classify/linear/classifier.js";
import { rulesClassifier } from "../classify/rules/classifier.js";
import type { Classifier } from "../classify/types.js";
import { builtinCodebooks } from "../codebook/builtin/index.js";
import { type Issue, ModelError, RapportkitError } from "../core/errors.js";
import type { Codebook } from "../core/schemas.js";
import { DEFAULT_MAX_MODEL_BYTES, readModelTextSync } from "../node/model.js";
import { strArg } from "./_input.js";
import { type CliIO, InputError, UsageError } from "./io.js";

/** The built-in codebook ids. */
export const CODEBOOK_IDS = Object.keys(builtinCodebooks);

/** What a worker needs to build the same classifier as the main thread. */
export interface ClassifierSpec {
  readonly codebook: string;
  /** `default`, `rules`, `linear`, or `model` (then `modelText` holds the model file's text). */
  readonly kind: "default" | "rules" | "linear" | "model";
  readonly modelText?: string;
  readonly modelFile?: string;
}

/** The `--codebook` and `--classifier` args. */
export const classifierArgs = {
  codebook: {
    type: "string",
    description: `codebook: ${CODEBOOK_IDS.join("|")} (default: rapport; annomi with --classifier linear)`,
  },
  classifier: {
    type: "string",
    description:
      "classifier: default|rules|linear|<model.json> (default: the pretrained model with the rules; linear: the AnnoMI model alone)",
  },
  "max-model-mb": {
    type: "string",
    description: `the largest model .json file read, in MB (default ${DEFAULT_MAX_MODEL_BYTES / 1e6}); a larger one is refused before it is parsed`,
  },
} as const satisfies ArgsDef;

/** The codebook named by `--codebook`, or exit 1 naming the choices. */
export function codebookOf(id: string | undefined): Codebook {
  const name = id ?? "rapport";
  if (!Object.hasOwn(builtinCodebooks, name))
    throw new InputError(`unknown codebook '${name}' (one of: ${CODEBOOK_IDS.join(", ")})`);
  return builtinCodebooks[name as keyof typeof builtinCodebooks] as unknown as Codebook;
}

/** Turns `--codebook`/`--classifier` into a spec, reading a model file when one is named. */
export function specOf(args: Record<string, unknown>, io: CliIO): ClassifierSpec {
  const c = strArg(args, "classifier") ?? "default";
  // The pretrained linear model codes AnnoMI's codes: that is its codebook unless one is named.
  const codebook = codebookOf(strArg(args, "codebook") ?? (c === "linear" ? "annomi" : undefined));
  const mbRaw = strArg(args, "max-model-mb");
  const mb = mbRaw === undefined ? DEFAULT_MAX_MODEL_BYTES / 1e6 : Number(mbRaw);
  if (!Number.isFinite(mb) || mb <= 0 || Math.round(mb * 1e6) < 1)
    throw new UsageError("--max-model-mb must be a number of megabytes above 0 (e.g. 16 or 0.5)");
  if (c === "default" || c === "rules" || c === "linear") return { codebook: codebook.id, kind: c };
  let modelText: string;
  try {
    // The size is checked before the file is read: a huge file must not exhaust the heap.
    modelText = readModelTextSync(resolvePath(io.cwd, c), Math.round(mb * 1e6), "--max-model-mb");
  } catch (e) {
    if (e instanceof ModelError) throw new InputError(`${c}: ${(e.issues[0] as Issue).message}`);
    const code = (e as { code?: string }).code;
    throw new InputError(
      `${c}: cannot read the model file${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}; --classifier takes default, rules, linear or a model .json file`,
    );
  }
  return { codebook: codebook.id, kind: "model", modelText, modelFile: c };
}

/** Builds the classifier of a spec. Throws `InputError` or `ModelError` (exit 1) for bad models. */
export async function buildClassifier(spec: ClassifierSpec): Promise<Classifier> {
  const codebook = codebookOf(spec.codebook);
  switch (spec.kind) {
    case "model": {
      let json: unknown;
      try {
        json = JSON.parse(spec.modelText ?? "");
      } catch {
        throw new InputError(`${spec.modelFile}: the model file is not valid JSON`);
      }
      try {
        return linearClassifier(json, { codebook });
      } catch (e) {
        if (e instanceof RapportkitError)
          throw new ModelError(
            e.issues.map((i) => ({ ...i, file: i.file ?? spec.modelFile })),
            { cause: e },
          );
        throw e;
      }
    }
    case "rules":
      return rulesFor(codebook);
    case "linear":
    case "default":
      return modelFor(spec.kind, codebook);
  }
}

/**
 * The pretrained models are made without evidence (top features), the library's default too; it is
 * passed explicitly so that the CLI never depends on that default: no command writes evidence
 * (coded rows are id, session, index, speaker, code, confidence, text). Codes and confidences are
 * the same either way.
 */
const NO_EVIDENCE = 0;

/** The rules classifier of a codebook. */
async function rulesFor(codebook: Codebook): Promise<Classifier> {
  return rulesClassifier(codebook);
}

/**
 * The pretrained model (`linear`, codebook `annomi`) or the codebook's default (`default`): the
 * model's best combination for `annomi` and `rapport`, the rules for any other codebook.
 */
async function modelFor(kind: "linear" | "default", codebook: Codebook): Promise<Classifier> {
  if (kind === "default" && codebook.id !== "annomi" && codebook.id !== "rapport")
    return rulesFor(codebook);
  let mod: Record<string, unknown>;
  try {
    mod = (await import("../model/index.js")) as Record<string, unknown>;
  } catch {
    throw new InputError(
      `the pretrained model is not available in this build; use --classifier rules or a model .json file`,
    );
  }
  if (kind === "default") {
    const make = mod.defaultClassifier as
      | ((o: { codebook: string; evidence: number }) => Classifier)
      | undefined;
    if (typeof make !== "function")
      throw new InputError("the default classifier is not available in this build");
    return make({ codebook: codebook.id, evidence: NO_EVIDENCE });
  }
  const make = mod.annomiClassifier as ((o: { evidence: number }) => Classifier) | undefined;
  if (typeof make !== "function")
    throw new InputError("the pretrained linear model is not available in this build");
  const c = make({ evidence: NO_EVIDENCE });
  if (c.codebook.id !== codebook.id)
    throw new InputError(
      `--classifier linear is the pretrained model for codebook '${c.codebook.id}'; use --codebook ${c.codebook.id}, or --classifier default for '${codebook.id}'`,
    );
  return c;
}
