import { CodebookError } from "../../core/errors.js";
import { annomiCodebook } from "./annomi.js";
import { mitiCodebook } from "./miti.js";
import { rapportCodebook } from "./rapport.js";

export { type AnnomiCodeId, annomiCodebook } from "./annomi.js";
export { type MitiCodeId, mitiCodebook } from "./miti.js";
export { type RapportCodeId, rapportCodebook } from "./rapport.js";

/**
 * The built-in codebooks by id: `rapport`, `annomi` and `miti-4.2.1`.
 * @category Codebooks
 */
export const builtinCodebooks = {
  rapport: rapportCodebook,
  annomi: annomiCodebook,
  "miti-4.2.1": mitiCodebook,
} as const;

/** The id of a built-in codebook. @category Codebooks */
export type BuiltinCodebookId = keyof typeof builtinCodebooks;

/**
 * A built-in codebook by id; throws a `CodebookError` (`unknown_codebook`) for any other id.
 * @example
 * getBuiltinCodebook("annomi").codes.length; // 15
 * @category Codebooks
 */
export function getBuiltinCodebook<K extends BuiltinCodebookId>(
  id: K,
): (typeof builtinCodebooks)[K];
export function getBuiltinCodebook(id: string): (typeof builtinCodebooks)[BuiltinCodebookId];
export function getBuiltinCodebook(id: string): (typeof builtinCodebooks)[BuiltinCodebookId] {
  if (!Object.hasOwn(builtinCodebooks, id))
    throw new CodebookError([
      {
        code: "unknown_codebook",
        path: [],
        message: `unknown codebook '${id}' (built-in: ${Object.keys(builtinCodebooks).join(", ")})`,
      },
    ]);
  return builtinCodebooks[id as BuiltinCodebookId];
}
