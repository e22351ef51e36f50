import { type Issue, ModelError } from "../../core/errors.js";
import type { SafeParseResult } from "../../core/result.js";
import { CodebookRefSchema } from "../../core/schemas.js";
import * as z from "../../core/zod.js";

/** The format tag of a linear model file. @category Linear model */
export const LINEAR_MODEL_FORMAT = "rapportkit/linear@1";

/**
 * One output label of a linear model, the speaker role it applies to, and optionally its parent
 * label. The model is a two-level softmax: for an utterance of a role, one softmax over the role's
 * labels without a parent picks the top label; when that label has children, a second softmax over
 * them picks the code. Both are trained from leaf labels (a child label trains both levels).
 * @category Linear model
 */
export const LinearLabelSchema = z.object({
  id: z.string().check(z.minLength(1)),
  role: z.enum(["therapist", "client", "other"]),
  parent: z.optional(z.string().check(z.minLength(1))),
});
/** @category Linear model */
export type LinearLabel = z.infer<typeof LinearLabelSchema>;

// A zod number is finite: it rejects NaN and ±Infinity.
const finite = z.number();
const positive = z.number().check(z.positive());
const atLeastOne = z.number().check(z.int(), z.gte(1));

/**
 * A linear (multinomial logistic regression) model as plain JSON. Weights are stored quantised:
 * the weight of feature `f` for label `k` is `weights[f * labels.length + k] * scale`.
 * @category Linear model
 */
export const LinearModelSchema = z
  .object({
    format: z.literal(LINEAR_MODEL_FORMAT),
    codebook: CodebookRefSchema,
    labels: z.array(LinearLabelSchema).check(z.minLength(1)),
    /** The code given, with confidence 1, to utterances of a role that has no labels. */
    fallback: z.optional(z.record(z.string(), z.string().check(z.minLength(1)))),
    features: z.object({
      hash: z.literal("fnv1a32"),
      charNgrams: z.nullable(z.tuple([atLeastOne, atLeastOne])),
      wordBigrams: z.boolean(),
      contextWords: z.boolean(),
      sameRoleWords: z.optional(z.boolean()),
      /** Whether the position in the session is a feature (absent: true). */
      position: z.optional(z.boolean()),
      maxCharWord: z.number().check(z.int(), z.positive()),
      /** Whether the previous codes (as predicted, in order) are features. */
      contextCodes: z.boolean(),
      /**
       * The tagger whose tags (features `k:<tag>`) the model was trained with; the classifier
       * must be given a tagger of this name.
       */
      tagger: z.optional(z.string().check(z.minLength(1))),
    }),
    /** Feature names (see `extractFeatures`); their FNV-1a hashes key the weight rows. */
    vocabulary: z.array(z.string()),
    weights: z.array(z.number().check(z.int())),
    scale: positive,
    bias: z.array(finite),
    /**
     * Softmax temperature (calibration) per head: `<role>` for the top labels of a role,
     * `<role>/<parent id>` for the children of a label; 1 when absent.
     */
    temperature: z.record(z.string(), positive),
    /** How the model was trained (free-form, JSON). */
    training: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(
    z.superRefine((m, ctx) => {
      const K = m.labels.length;
      if (m.weights.length !== m.vocabulary.length * K) {
        ctx.addIssue({
          code: "custom",
          path: ["weights"],
          message: `expected ${m.vocabulary.length * K} weights (vocabulary × labels), got ${m.weights.length}`,
        });
      }
      if (m.bias.length !== K) {
        ctx.addIssue({
          code: "custom",
          path: ["bias"],
          message: `expected ${K} biases (one per label), got ${m.bias.length}`,
        });
      }
      const seen = new Set<string>();
      m.labels.forEach((l, i) => {
        if (seen.has(l.id))
          ctx.addIssue({
            code: "custom",
            path: ["labels", i, "id"],
            message: "duplicate label id",
          });
        seen.add(l.id);
      });
      const byId = new Map(m.labels.map((l) => [l.id, l] as const));
      m.labels.forEach((l, i) => {
        if (l.parent === undefined) return;
        const p = byId.get(l.parent);
        if (!p || p.parent !== undefined || p.role !== l.role)
          ctx.addIssue({
            code: "custom",
            path: ["labels", i, "parent"],
            message: "the parent must be a top label (no parent of its own) of the same role",
          });
      });
      const cg = m.features.charNgrams;
      if (cg && cg[0] > cg[1])
        ctx.addIssue({
          code: "custom",
          path: ["features", "charNgrams"],
          message: "the smallest n must not exceed the largest",
        });
    }),
  );
/** @category Linear model */
export type LinearModel = z.infer<typeof LinearModelSchema>;

/** Models this module has validated (not re-validated when passed again, unless mutated: treat models as immutable). */
const validated = new WeakSet<object>();

/**
 * A model shipped in the package, taken as valid without running the schema at import time (the
 * schema is about a third of `rapportkit/model`'s import). The tests check that each shipped model
 * passes {@link parseLinearModel} unchanged, so this is never a way around validation; like the
 * built-in codebooks (`builtinCodebook`).
 * @internal
 */
export function shippedLinearModel(raw: object): LinearModel {
  validated.add(raw);
  return raw as LinearModel;
}

/**
 * Validates a linear model (e.g. a parsed JSON file) without throwing. Errors are `ModelError`s
 * whose issues carry the path of each problem (`weights`, `labels[2].role`, …) and code
 * `model_invalid`; the zod issue code is kept in the message.
 * @example
 * const r = safeParseLinearModel(JSON.parse(text));
 * if (!r.success) console.error(r.error.message);
 * @category Linear model
 */
export function safeParseLinearModel(input: unknown): SafeParseResult<LinearModel, ModelError> {
  if (typeof input === "object" && input !== null && validated.has(input)) {
    return { success: true, data: input as LinearModel };
  }
  if (
    input !== null &&
    typeof input === "object" &&
    "format" in input &&
    typeof input.format === "string" &&
    input.format !== LINEAR_MODEL_FORMAT &&
    input.format.startsWith("rapportkit/linear@")
  ) {
    return {
      success: false,
      error: new ModelError([
        {
          code: "model_invalid",
          path: ["format"],
          message: `unsupported model format version (expected "${LINEAR_MODEL_FORMAT}")`,
        },
      ]),
    };
  }
  const r = LinearModelSchema.safeParse(input);
  if (r.success) {
    validated.add(r.data);
    return { success: true, data: r.data };
  }
  const issues: Issue[] = r.error.issues.map((i) => ({
    code: "model_invalid",
    path: i.path,
    message: `${i.message} (${i.code})`,
  }));
  return { success: false, error: new ModelError(issues) };
}

/**
 * Validates a linear model; throws a `ModelError` naming the path of each problem.
 * @example
 * const model = parseLinearModel(JSON.parse(text));
 * @category Linear model
 */
export function parseLinearModel(input: unknown): LinearModel {
  const r = safeParseLinearModel(input);
  if (!r.success) throw r.error;
  return r.data;
}
