import type * as z from "zod/mini";
import { type Issue, ValidationError } from "./errors.js";

/**
 * The result of a `safeParse*` function: the data, or the error with its issues. Never both.
 * @category Errors
 */
export type SafeParseResult<T, E extends Error = ValidationError> =
  | { success: true; data: T; error?: never }
  | { success: false; data?: never; error: E };

/** Converts zod issues to rapportkit issues (same shape: code, path, message). @internal */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): Issue[] {
  return issues.map((i) => ({ code: i.code, path: [...prefix, ...i.path], message: i.message }));
}

/**
 * Builds a `parse`/`safeParse` pair over a zod schema. `parse` throws a {@link ValidationError}
 * whose issues carry zod-style paths; `safeParse` returns a {@link SafeParseResult}.
 * @internal
 */
export function parsers<S extends z.ZodMiniType>(schema: S) {
  const safeParse = (input: unknown): SafeParseResult<z.infer<S>> => {
    const r = schema.safeParse(input);
    if (r.success) return { success: true, data: r.data as z.infer<S> };
    return { success: false, error: new ValidationError(fromZodIssues(r.error.issues)) };
  };
  const parse = (input: unknown): z.infer<S> => {
    const r = safeParse(input);
    if (!r.success) throw r.error;
    return r.data;
  };
  return { parse, safeParse };
}
