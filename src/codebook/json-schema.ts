import { type Codebook, CodingSchema } from "../core/schemas.js";
import * as z from "../core/zod.js";

/**
 * The JSON Schema {@link toJsonSchema} returns (plain JSON).
 * @category Codebooks
 */
export interface CodebookJsonSchema {
  readonly $schema: string;
  readonly $id: string;
  readonly title: string;
  readonly type: "object";
  readonly properties: { readonly codeId: { readonly enum: string[] } } & Record<string, unknown>;
  readonly required: string[];
  readonly [key: string]: unknown;
}

/**
 * A JSON Schema (draft 2020-12) for a coding in this codebook, for tools outside TypeScript: the
 * `codeId` property is an `enum` of the codebook's code ids, and `x-rapportkit-codes` lists each
 * code's label, role, parent and valence. The codebook's id and version are in `$id`/`title` and in
 * `x-rapportkit-codebook`.
 * @example
 * toJsonSchema(rapportCodebook).properties.codeId.enum; // ["reflection", "reflection.simple", …]
 * @category Codebooks
 */
export function toJsonSchema(codebook: Codebook): CodebookJsonSchema {
  const ids = codebook.codes.map((c) => c.id) as [string, ...string[]];
  const schema = z.extend(CodingSchema, {
    codeId: z.enum(ids).register(z.globalRegistry, {
      description: `A code id of codebook ${codebook.id} ${codebook.version}`,
    }),
  });
  const json = z.toJSONSchema(schema, { target: "draft-2020-12" }) as Record<string, unknown>;
  return {
    ...json,
    $id: `urn:rapportkit:codebook:${codebook.id}:${codebook.version}:coding`,
    title: `${codebook.label} (${codebook.id} ${codebook.version}) coding`,
    description:
      codebook.description ??
      `One utterance's code in codebook ${codebook.id} ${codebook.version}.`,
    "x-rapportkit-codebook": { id: codebook.id, version: codebook.version },
    "x-rapportkit-codes": codebook.codes.map((c) => ({
      id: c.id,
      label: c.label,
      role: c.role,
      ...(c.parent !== undefined ? { parent: c.parent } : {}),
      valence: c.valence,
      definition: c.definition,
    })),
  } as unknown as CodebookJsonSchema;
}
