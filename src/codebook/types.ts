import type { Code, Codebook, CodeInput, GlobalScale } from "../core/schemas.js";

/**
 * A code whose `id` is one of the literal ids `C` of its codebook.
 * @category Codebooks
 */
export type TypedCode<C extends string = string> = Omit<Code, "id" | "parent"> & {
  readonly id: C;
  readonly parent?: C;
};

/**
 * A validated codebook that remembers the literal union of its code ids in its type.
 * It is an ordinary {@link Codebook} at run time (plain JSON-able data).
 * @category Codebooks
 */
export type TypedCodebook<C extends string = string> = Omit<Codebook, "codes"> & {
  readonly codes: TypedCode<C>[];
};

/**
 * The union of code ids of a codebook made with {@link defineCodebook}.
 * @example
 * const cb = defineCodebook({ id: "x", version: "1", label: "X", codes: [ ... ] });
 * type Id = InferCodeId<typeof cb>; // "a" | "b" | ...
 * @category Codebooks
 */
export type InferCodeId<T> = T extends { readonly codes: readonly (infer K)[] }
  ? K extends { readonly id: infer I extends string }
    ? I
    : never
  : never;

/**
 * Makes every array in a type accept a readonly array too (for `const` inference). A building block
 * of {@link CodeDef}, {@link CodebookDef} and `CodebookChanges`, so it appears in their declarations;
 * not exported by name.
 */
export type Loosen<T> = T extends readonly (infer E)[]
  ? readonly Loosen<E>[]
  : T extends object
    ? { readonly [K in keyof T]: Loosen<T[K]> }
    : T;

/**
 * A code as an author writes it for {@link defineCodebook}: `include`/`exclude` may be left out.
 * @category Codebooks
 */
export type CodeDef<C extends string = string, P extends string = C> = Loosen<
  Omit<CodeInput, "id" | "parent">
> & {
  readonly id: C;
  /** The parent code's id: one of this codebook's ids (for `extendCodebook`, also the base's). */
  readonly parent?: NoInfer<P>;
};

/**
 * A codebook as an author writes it for {@link defineCodebook}.
 * @category Codebooks
 */
export interface CodebookDef<C extends string = string> {
  readonly id: string;
  readonly version: string;
  readonly label: string;
  readonly description?: string;
  readonly source?: string;
  readonly codes: readonly CodeDef<C>[];
  readonly globals?: readonly Loosen<GlobalScale>[];
}
