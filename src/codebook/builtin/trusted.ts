import type { CodebookDef, TypedCodebook } from "../types.js";

/**
 * Builds a built-in codebook without running the validator at import time (keeping the core's
 * load time low): fills in the schema's defaults (`include`, `exclude`) and nothing else. The
 * tests check that every built-in passes `parseCodebook` unchanged, so this is never a way around
 * validation.
 * @internal
 */
export function builtinCodebook<const C extends string>(def: CodebookDef<C>): TypedCodebook<C> {
  return {
    ...def,
    codes: def.codes.map((c) => ({ ...c, include: c.include ?? [], exclude: c.exclude ?? [] })),
  } as unknown as TypedCodebook<C>;
}
