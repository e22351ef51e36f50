import { CodebookError } from "../core/errors.js";
import type { Code, Codebook, SpeakerRole } from "../core/schemas.js";

type AnyCodebook = Pick<Codebook, "id" | "codes">;

/**
 * The code with this id, or throws a `CodebookError` (`unknown_code`).
 * @example
 * getCode(rapportCodebook, "validation").valence; // "builds"
 * @category Codebooks
 */
export function getCode<C extends Code>(cb: { id: string; codes: readonly C[] }, id: string): C {
  const code = findCode(cb, id);
  if (!code)
    throw new CodebookError([
      {
        code: "unknown_code",
        path: ["codes"],
        message: `codebook '${cb.id}' has no code '${id}'`,
      },
    ]);
  return code;
}

/**
 * The code with this id, or `undefined`.
 * @category Codebooks
 */
export function findCode<C extends Code>(cb: { codes: readonly C[] }, id: string): C | undefined {
  for (const c of cb.codes) if (c.id === id) return c;
  return undefined;
}

/**
 * The direct children of a code, in codebook order.
 * @example
 * childrenOf(rapportCodebook, "question").map((c) => c.id); // ["question.open", "question.closed"]
 * @category Codebooks
 */
export function childrenOf<C extends Code>(cb: { codes: readonly C[] }, id: string): C[] {
  return cb.codes.filter((c) => c.parent === id);
}

/**
 * The ancestors of a code, nearest first (its parent, its parent's parent, …). Stops at a cycle.
 * @example
 * ancestorsOf(rapportCodebook, "reflection.simple").map((c) => c.id); // ["reflection"]
 * @category Codebooks
 */
export function ancestorsOf<C extends Code>(
  cb: { id: string; codes: readonly C[] },
  id: string,
): C[] {
  const out: C[] = [];
  const seen = new Set<string>([id]);
  let cur = getCode(cb, id).parent;
  while (cur !== undefined && !seen.has(cur)) {
    seen.add(cur);
    const p = findCode(cb, cur);
    if (!p) break;
    out.push(p);
    cur = p.parent;
  }
  return out;
}

/**
 * The depth of a code in the hierarchy: 0 for a top-level code, 1 for its children, and so on.
 * @category Codebooks
 */
export function depthOf(cb: AnyCodebook, id: string): number {
  return ancestorsOf(cb, id).length;
}

/**
 * Maps a code to its ancestor at hierarchy depth `depth` (0 = top level). A code that is already at
 * or above that depth is returned unchanged.
 * @example
 * rollUp(rapportCodebook, "reflection.simple", 0); // "reflection"
 * rollUp(rapportCodebook, "validation", 0); // "validation"
 * @category Codebooks
 */
export function rollUp(cb: AnyCodebook, codeId: string, depth = 0): string {
  const chain = ancestorsOf(cb, codeId); // nearest first
  const d = chain.length;
  if (depth >= d) return codeId;
  // chain[d - 1] is the root (depth 0); chain[d - 1 - depth] is the ancestor at `depth`.
  return (chain[d - 1 - depth] as Code).id;
}

/**
 * The codes that apply to a speaker role: those of that role and those of role `any`.
 * @example
 * codesForRole(rapportCodebook, "client").map((c) => c.id); // ["change_talk", "sustain_talk", "neutral"]
 * @category Codebooks
 */
export function codesForRole<C extends Code>(
  cb: { codes: readonly C[] },
  role: SpeakerRole | "any",
): C[] {
  return cb.codes.filter((c) => c.role === role || c.role === "any");
}

/**
 * The codes with no children (the ones a coder or classifier actually gives).
 * @category Codebooks
 */
export function leafCodes<C extends Code>(cb: { codes: readonly C[] }): C[] {
  const parents = new Set<string>();
  for (const c of cb.codes) if (c.parent !== undefined) parents.add(c.parent);
  return cb.codes.filter((c) => !parents.has(c.id));
}
