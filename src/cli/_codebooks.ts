/**
 * Which built-in codebook a file's codes belong to, for the commands that read codes (`score`,
 * `eval`, `agree`): a file records no codebook, but its codes tell (`change_talk` is `rapport`'s,
 * `change` AnnoMI's).
 * @module
 */
import { builtinCodebooks } from "../codebook/builtin/index.js";
import { findCode, rollUp } from "../codebook/hierarchy.js";
import type { Codebook } from "../core/schemas.js";

/** The built-in codebooks, by id. */
export function builtinCodebook(id: string): Codebook | undefined {
  return Object.hasOwn(builtinCodebooks, id)
    ? (builtinCodebooks[id as keyof typeof builtinCodebooks] as unknown as Codebook)
    : undefined;
}

/**
 * The ids of the built-in codebooks that have every one of `codes`, in the order the codebooks are
 * listed (`rapport` first). Empty when no codebook has them all, or when there are no codes.
 */
export function codebooksWith(codes: Iterable<string>): string[] {
  const set = new Set(codes);
  if (set.size === 0) return [];
  return Object.entries(builtinCodebooks)
    .filter(([, cb]) => {
      const ids = new Set((cb.codes as readonly { id: string }[]).map((c) => c.id));
      for (const c of set) if (!ids.has(c)) return false;
      return true;
    })
    .map(([id]) => id);
}

/**
 * The codebook to read codes in when none is named: `annomi` for AnnoMI input (`formatHint`), else
 * the first built-in codebook that has every code (`rapport` when it does), else undefined.
 */
export function inferCodebookId(
  codes: Iterable<string>,
  formatHint: string | undefined,
): string | undefined {
  if (formatHint !== undefined && builtinCodebook(formatHint)) return formatHint;
  return codebooksWith(codes)[0];
}

/**
 * A code at hierarchy depth `depth` (0 = top level): through the codebook when it has the code,
 * else by its dotted segments (`a.b.c` at depth 0 is `a`).
 */
export function codeAtDepth(cb: Codebook | undefined, code: string, depth: number): string {
  if (cb && findCode(cb, code)) return rollUp(cb, code, depth);
  return code
    .split(".")
    .slice(0, depth + 1)
    .join(".");
}
