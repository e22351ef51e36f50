import { AgreementInputError } from "../core/errors.js";
import type { Coding } from "../core/schemas.js";

/** One utterance coded on both sides. @category Agreement */
export interface AlignedPair {
  readonly utteranceId: string;
  /** The code from the first list (e.g. the human, the gold standard). */
  readonly a: string;
  /** The code from the second list (e.g. a second coder, or the classifier). */
  readonly b: string;
}

/** The result of {@link alignCodings}. @category Agreement */
export interface Alignment {
  /** Utterances both lists coded, in the order of the first list. */
  readonly pairs: readonly AlignedPair[];
  /** Utterance ids only the first list coded, in its order. */
  readonly onlyA: readonly string[];
  /** Utterance ids only the second list coded, in its order. */
  readonly onlyB: readonly string[];
}

function index(list: readonly Coding[], side: "a" | "b"): Map<string, string> {
  if (!Array.isArray(list))
    throw new AgreementInputError([
      {
        code: "invalid_input",
        path: [side],
        message: "alignCodings: expected an array of codings",
      },
    ]);
  const m = new Map<string, string>();
  list.forEach((c, i) => {
    const id = c?.utteranceId;
    const code = c?.codeId;
    if (typeof id !== "string" || id === "" || typeof code !== "string" || code === "")
      throw new AgreementInputError([
        {
          code: "invalid_input",
          path: [side, i],
          message: "alignCodings: a coding needs a non-empty utteranceId and codeId",
        },
      ]);
    if (m.has(id))
      throw new AgreementInputError([
        {
          code: "invalid_input",
          path: [side, i, "utteranceId"],
          message: `alignCodings: utterance '${id}' is coded more than once in list ${side}; agreement needs one code per utterance on each side`,
        },
      ]);
    m.set(id, code);
  });
  return m;
}

/**
 * Aligns two lists of codings by utterance id, for agreement between two coders or between a
 * human and a classifier. Every coding ends up somewhere: in `pairs` (both sides coded the
 * utterance), `onlyA` or `onlyB`. Each list must hold at most one coding per utterance.
 *
 * @param a the first list (e.g. the human coder, treated as gold by the classification metrics).
 * @param b the second list.
 * @returns `{ pairs, onlyA, onlyB }`.
 * @throws {AgreementInputError} (path `a[i].utteranceId` or `b[i]…`) when an utterance is coded twice
 * on one side or a coding lacks its ids.
 * @example
 * const c = (utteranceId: string, codeId: string, source: string) =>
 *   ({ utteranceId, codeId, source, confidence: 1 });
 * alignCodings([c("u1", "Q", "ann"), c("u2", "R", "ann")], [c("u2", "Q", "model"), c("u3", "R", "model")]);
 * // => { pairs: [{ utteranceId: "u2", a: "R", b: "Q" }], onlyA: ["u1"], onlyB: ["u3"] }
 * @category Agreement
 */
export function alignCodings(a: readonly Coding[], b: readonly Coding[]): Alignment {
  const ma = index(a, "a");
  const mb = index(b, "b");
  const pairs: AlignedPair[] = [];
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  for (const [id, code] of ma) {
    const other = mb.get(id);
    if (other === undefined) onlyA.push(id);
    else pairs.push({ utteranceId: id, a: code, b: other });
  }
  for (const id of mb.keys()) if (!ma.has(id)) onlyB.push(id);
  return { pairs, onlyA, onlyB };
}
