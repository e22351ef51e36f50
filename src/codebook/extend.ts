import type { Codebook, CodeInput } from "../core/schemas.js";
import { parseCodebook } from "./define.js";
import type { CodeDef, Loosen, TypedCodebook } from "./types.js";

/**
 * A change {@link extendCodebook} could not make as asked. The change is skipped, never made
 * silently in some other way.
 * - `add_existing`: an added code's id is already in the base (use `override` to change it);
 * - `override_missing` / `remove_missing`: no code with that id in the base;
 * - `remove_parent`: the code has children that are not removed too, so it is kept.
 * @category Codebooks
 */
export interface ExtendConflict {
  readonly kind: "add_existing" | "override_missing" | "remove_missing" | "remove_parent";
  readonly codeId: string;
  /** Where in the `changes` argument, e.g. `["add", 2]`. */
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The changes {@link extendCodebook} makes to a base codebook.
 * @category Codebooks
 */
export interface CodebookChanges<A extends string = string> {
  /** Id of the new codebook (default: the base's id). */
  readonly id?: string;
  /** Version of the new codebook (default: the base's version with `-ext` appended). */
  readonly version?: string;
  readonly label?: string;
  readonly description?: string;
  /** New codes, appended in order; a new code's parent may be a base code or another new one. */
  readonly add?: readonly CodeDef<A, string>[];
  /** Partial codes merged over the base codes with the same `id` (shallow: arrays are replaced). */
  readonly override?: readonly (Loosen<Partial<Omit<CodeInput, "id">>> & { readonly id: string })[];
  /** Ids of codes to remove. */
  readonly remove?: readonly string[];
}

/**
 * Derives a codebook from another: adds codes, overrides fields of existing ones and removes codes,
 * and reports every change it could not make as a conflict (adding an id that exists, overriding or
 * removing an id that does not, removing a parent whose children stay). The result is validated
 * like {@link parseCodebook} and throws a `CodebookError` if it is still invalid (e.g. an added code
 * names an unknown parent).
 * @example
 * const { codebook, conflicts } = extendCodebook(rapportCodebook, {
 *   id: "rapport-clinic", version: "1.0.0",
 *   add: [{ id: "humour", label: "Humour", definition: "…", role: "therapist", valence: "builds",
 *           examples: ["…", "…", "…"], counterExamples: ["…", "…"] }],
 *   remove: ["oversharing"],
 * });
 * @category Codebooks
 */
export function extendCodebook<C extends string, const A extends string = never>(
  base: TypedCodebook<C> | Codebook,
  changes: CodebookChanges<A>,
): { codebook: TypedCodebook<C | A>; conflicts: ExtendConflict[] } {
  const conflicts: ExtendConflict[] = [];
  let codes: Record<string, unknown>[] = base.codes.map((c) => ({ ...c }));
  const has = (id: string) => codes.some((c) => c.id === id);

  changes.override?.forEach((o, i) => {
    const idx = codes.findIndex((c) => c.id === o.id);
    if (idx < 0) {
      conflicts.push({
        kind: "override_missing",
        codeId: o.id,
        path: ["override", i, "id"],
        message: `cannot override '${o.id}': the base codebook has no such code`,
      });
      return;
    }
    codes[idx] = { ...codes[idx], ...o };
  });

  const removing = new Set<string>();
  changes.remove?.forEach((id, i) => {
    if (!has(id))
      conflicts.push({
        kind: "remove_missing",
        codeId: id,
        path: ["remove", i],
        message: `cannot remove '${id}': the base codebook has no such code`,
      });
    else removing.add(id);
  });
  // A parent may go only if all its children go too.
  changes.remove?.forEach((id, i) => {
    if (!removing.has(id)) return;
    const kept = codes.filter((c) => c.parent === id && !removing.has(c.id as string));
    if (kept.length > 0) {
      conflicts.push({
        kind: "remove_parent",
        codeId: id,
        path: ["remove", i],
        message: `cannot remove '${id}': it is the parent of ${kept.map((c) => `'${String(c.id)}'`).join(", ")}; remove or re-parent those first`,
      });
      removing.delete(id);
    }
  });
  codes = codes.filter((c) => !removing.has(c.id as string));

  changes.add?.forEach((a, i) => {
    if (has(a.id)) {
      conflicts.push({
        kind: "add_existing",
        codeId: a.id,
        path: ["add", i, "id"],
        message: `cannot add '${a.id}': the codebook already has it (use override)`,
      });
      return;
    }
    codes.push({ ...a });
  });

  const codebook = parseCodebook({
    id: changes.id ?? base.id,
    version: changes.version ?? `${base.version}-ext`,
    label: changes.label ?? base.label,
    ...(changes.description !== undefined || base.description !== undefined
      ? { description: changes.description ?? base.description }
      : {}),
    ...(base.source !== undefined ? { source: base.source } : {}),
    codes,
    ...(base.globals !== undefined ? { globals: base.globals } : {}),
  }) as TypedCodebook<C | A>;
  return { codebook, conflicts };
}
