import { CodebookError, type Issue } from "../core/errors.js";
import type { SafeParseResult } from "../core/result.js";
import { fromZodIssues } from "../core/result.js";
import { type Codebook, CodebookSchema } from "../core/schemas.js";
import { words } from "../text/tokenize.js";
import { wildcardBudgetIssue } from "./limits.js";
import type { CodebookDef, TypedCodebook } from "./types.js";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A path as a linked list (parent first), so that walking a deep value stays linear. */
interface PathLink {
  readonly parent: PathLink | undefined;
  readonly key: PropertyKey;
}

function pathOf(link: PathLink | undefined): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (let l = link; l; l = l.parent) out.push(l.key);
  return out.reverse();
}

/**
 * Finds `__proto__`, `constructor` and `prototype` keys anywhere in a JSON-like value. Time and
 * memory are linear in the value's size, whatever its depth (paths are built only for findings).
 */
function forbiddenKeys(input: unknown): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<object>();
  const stack: { value: unknown; at: PathLink | undefined }[] = [{ value: input, at: undefined }];
  while (stack.length > 0) {
    const { value, at } = stack.pop() as { value: unknown; at: PathLink | undefined };
    if (value === null || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], at: { parent: at, key: i } });
      continue;
    }
    const keys = Object.keys(value);
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k] as string;
      if (FORBIDDEN_KEYS.has(key)) {
        issues.push({
          code: "forbidden_key",
          path: pathOf({ parent: at, key }),
          message: `the key '${key}' is not allowed in a codebook`,
        });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], at: { parent: at, key } });
    }
  }
  // Report in document order.
  return issues.reverse();
}

/** Checks what zod cannot: unique ids, known parents, no cycles, usable cues and scales. */
function semanticIssues(cb: Codebook): Issue[] {
  const issues: Issue[] = [];
  const firstIndex = new Map<string, number>();
  cb.codes.forEach((c, i) => {
    const prev = firstIndex.get(c.id);
    if (prev !== undefined)
      issues.push({
        code: "duplicate_code_id",
        path: ["codes", i, "id"],
        message: `duplicate code id '${c.id}' (first defined at codes[${prev}].id)`,
      });
    else firstIndex.set(c.id, i);
  });
  const byId = new Map(cb.codes.map((c) => [c.id, c]));
  cb.codes.forEach((c, i) => {
    if (c.parent === undefined) return;
    if (!byId.has(c.parent)) {
      issues.push({
        code: "unknown_parent_code",
        path: ["codes", i, "parent"],
        message: `parent '${c.parent}' of code '${c.id}' is not a code of this codebook`,
      });
      return;
    }
    // Walk up; a cycle through this code is reported once per code on it.
    const seen = new Set<string>([c.id]);
    let cur: string | undefined = c.parent;
    while (cur !== undefined) {
      if (seen.has(cur)) {
        if (cur === c.id)
          issues.push({
            code: "parent_cycle",
            path: ["codes", i, "parent"],
            message: `code '${c.id}' is its own ancestor (parent cycle)`,
          });
        break;
      }
      seen.add(cur);
      cur = byId.get(cur)?.parent;
    }
  });
  cb.codes.forEach((c, i) => {
    c.cues?.forEach((cue, j) => {
      const path = ["codes", i, "cues", j];
      if (cue.kind === "phrase") {
        cue.phrases.forEach((p, k) => {
          if (words(p).length === 0 && p.trim().length === 0)
            issues.push({
              code: "bad_cue",
              path: [...path, "phrases", k],
              message: "a phrase must contain at least one token",
            });
        });
      } else if (cue.kind === "tokens") {
        if (cue.pattern.every((t) => t === "*"))
          issues.push({
            code: "bad_cue",
            path: [...path, "pattern"],
            message: "a token pattern needs at least one token other than '*'",
          });
        cue.pattern.forEach((t, k) => {
          if (t !== "*" && (t.trim() !== t || t.includes(" ")))
            issues.push({
              code: "bad_cue",
              path: [...path, "pattern", k],
              message: "each pattern element must be one token (no spaces) or '*'",
            });
        });
      } else if (cue.kind === "length") {
        if (cue.min !== undefined && cue.max !== undefined && cue.min > cue.max)
          issues.push({
            code: "bad_cue",
            path: [...path, "min"],
            message: `length cue min (${cue.min}) must not exceed max (${cue.max})`,
          });
      }
    });
  });
  const budget = wildcardBudgetIssue(
    cb.codes.flatMap((c, i) =>
      (c.cues ?? []).map((cue, j) => ({ cue, path: ["codes", i, "cues", j] })),
    ),
  );
  if (budget) issues.push(budget);
  const globals = new Map<string, number>();
  cb.globals?.forEach((g, i) => {
    const prev = globals.get(g.id);
    if (prev !== undefined)
      issues.push({
        code: "duplicate_code_id",
        path: ["globals", i, "id"],
        message: `duplicate global scale id '${g.id}' (first defined at globals[${prev}].id)`,
      });
    else globals.set(g.id, i);
    if (g.min > g.max)
      issues.push({
        code: "out_of_range",
        path: ["globals", i, "min"],
        message: `scale min (${g.min}) must not exceed max (${g.max})`,
      });
  });
  return issues;
}

/**
 * Validates a codebook (for example one read from JSON) without throwing. Beyond the zod schema it
 * checks for duplicate code ids (`duplicate_code_id`), parents that are not codes
 * (`unknown_parent_code`), parent cycles (`parent_cycle`), `__proto__`/`constructor`/`prototype`
 * keys anywhere in the input (`forbidden_key`) and unusable cues (`bad_cue`, including token
 * patterns with `*` over `MAX_WILDCARD_PATTERN_TOKENS` tokens in all). Every issue names its
 * path, e.g. `codes[3].id`.
 * @example
 * const r = safeParseCodebook(JSON.parse(text));
 * if (!r.success) console.error(r.error.issues.map(formatIssue).join("\n"));
 * @category Codebooks
 */
export function safeParseCodebook(input: unknown): SafeParseResult<Codebook, CodebookError> {
  const forbidden = forbiddenKeys(input);
  if (forbidden.length > 0) return { success: false, error: new CodebookError(forbidden) };
  const r = CodebookSchema.safeParse(input);
  if (!r.success) {
    const issues = fromZodIssues(r.error.issues).map((i) =>
      i.path.includes("cues")
        ? { ...i, code: "bad_cue" as const, message: `cue: ${i.message}` }
        : i,
    );
    return { success: false, error: new CodebookError(issues) };
  }
  const semantic = semanticIssues(r.data);
  if (semantic.length > 0) return { success: false, error: new CodebookError(semantic) };
  return { success: true, data: r.data };
}

/**
 * Validates a codebook; throws a `CodebookError` whose issues name each problem's path.
 * @example
 * const cb = parseCodebook(JSON.parse(readFileSync("my-codebook.json", "utf8")));
 * @category Codebooks
 */
export function parseCodebook(input: unknown): Codebook {
  const r = safeParseCodebook(input);
  if (!r.success) throw r.error;
  return r.data;
}

/**
 * Defines a codebook in TypeScript: validates it like {@link parseCodebook} (throws a
 * `CodebookError` on any problem), fills in defaults, and infers the literal union of its code ids
 * — no `as const` needed — so `InferCodeId<typeof cb>` and classifiers over it are precisely typed.
 * @example
 * const cb = defineCodebook({
 *   id: "mini", version: "1.0.0", label: "Mini",
 *   codes: [
 *     { id: "ask", label: "Ask", definition: "A question.", role: "therapist", valence: "neutral",
 *       examples: ["What brings you here?", "How was the week?", "When did it start?"],
 *       counterExamples: ["That sounds hard.", "Okay."] },
 *   ],
 * });
 * type Id = InferCodeId<typeof cb>; // "ask"
 * @category Codebooks
 */
export function defineCodebook<const C extends string>(def: CodebookDef<C>): TypedCodebook<C> {
  return parseCodebook(def) as TypedCodebook<C>;
}
