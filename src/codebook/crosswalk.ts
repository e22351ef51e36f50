import type { Code, Codebook, Coding } from "../core/schemas.js";

/** A codebook, or just the id of a scheme with no codebook object (e.g. `misc-2.5`). */
export type Target = Pick<Codebook, "id"> & { readonly codes?: readonly Code[] };

/**
 * What {@link crosswalk} did with one coding whose mapping was not one-to-one and exact.
 * @category Codebooks
 */
export interface CrosswalkReportItem {
  readonly utteranceId: string;
  /** The code in the source codebook. */
  readonly from: string;
  /** Candidate codes in the target codebook (empty when unmapped). */
  readonly to: readonly string[];
  /** The code chosen (absent when unmapped). */
  readonly chosen?: string;
  /** Why the mapping is lossy or failed: the crosswalk note, `via parent …`, or the reason. */
  readonly reason: string;
}

/**
 * The result of {@link crosswalk}: translated codings, and every coding whose mapping lost
 * information (`lossy`), had several candidates (`oneToMany`) or had none (`unmapped`, not in
 * `codings`). Every input coding is in `codings` or in `unmapped`.
 * @category Codebooks
 */
export interface CrosswalkResult {
  readonly codings: Coding[];
  readonly lossy: CrosswalkReportItem[];
  readonly oneToMany: CrosswalkReportItem[];
  readonly unmapped: CrosswalkReportItem[];
}

/** @internal */
export interface Mapping {
  readonly targets: readonly string[];
  readonly lossy?: string;
  readonly none?: string;
}

function keyOf(crosswalk: Code["crosswalk"], target: string): readonly string[] | undefined {
  if (!crosswalk || !Object.hasOwn(crosswalk, target) || target === "note") return undefined;
  return (crosswalk as Record<string, readonly string[] | undefined>)[target];
}

const SCHEME_NAMES: Readonly<Record<string, readonly string[]>> = {
  "miti-4.2.1": ["miti"],
  "misc-2.5": ["misc"],
  annomi: ["annomi"],
  esconv: ["esconv"],
  rapport: ["rapport"],
};

/**
 * Whether a crosswalk note bears on the mapping to `target`: a note that names schemes (MITI, MISC,
 * AnnoMI, ESConv, rapport, or the target's id) applies to the ones it names; a note that names
 * none applies to every target.
 */
function noteApplies(note: string, target: string): boolean {
  const text = note.toLowerCase();
  const names = SCHEME_NAMES[target] ?? [target.toLowerCase()];
  if (names.some((n) => text.includes(n))) return true;
  return !Object.values(SCHEME_NAMES).some((ns) => ns.some((n) => text.includes(n)));
}

function resolve(from: Codebook, to: Target, codeId: string): Mapping {
  const byId = new Map(from.codes.map((c) => [c.id, c]));
  const start = byId.get(codeId);
  if (!start) return { targets: [], none: `'${codeId}' is not a code of '${from.id}'` };
  // Same scheme (e.g. two versions of one codebook): a code maps to itself.
  if (from.id === to.id) return { targets: [codeId] };
  const seen = new Set<string>();
  let cur: Code | undefined = start;
  let via: string | undefined;
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    const list = keyOf(cur.crosswalk, to.id);
    if (list !== undefined) {
      if (list.length === 0)
        return {
          targets: [],
          none: cur.crosswalk?.note ?? `'${cur.id}' has no counterpart in '${to.id}'`,
        };
      const note = cur.crosswalk?.note;
      const notes = [
        via ? `via parent '${cur.id}'` : undefined,
        note !== undefined && noteApplies(note, to.id) ? note : undefined,
      ].filter((x): x is string => x !== undefined);
      return notes.length > 0 ? { targets: list, lossy: notes.join("; ") } : { targets: list };
    }
    via = cur.id;
    cur = cur.parent !== undefined ? byId.get(cur.parent) : undefined;
  }
  // No forward entry: use the target's entries that point back at this code (or its ancestors).
  if (to.codes) {
    const chain = [...seen];
    for (const [depth, id] of chain.entries()) {
      const back = to.codes
        .filter((c) => keyOf(c.crosswalk, from.id)?.includes(id))
        .map((c) => c.id);
      if (back.length > 0) {
        const how = `reverse mapping from '${to.id}'`;
        return { targets: back, lossy: depth > 0 ? `via parent '${id}'; ${how}` : how };
      }
    }
  }
  return { targets: [], none: `no crosswalk entry from '${from.id}:${codeId}' to '${to.id}'` };
}

/**
 * The mapping {@link crosswalk} applies, as a lookup from a code of `from` to its target codes in
 * `to` (the first is the one chosen), with the reason when the mapping is lossy or fails. Targets
 * missing from `to.codes` are dropped. Cached per code.
 * @internal
 */
export function crosswalkMapping(from: Codebook, to: Target): (codeId: string) => Mapping {
  const cache = new Map<string, Mapping>();
  const known = to.codes ? new Set(to.codes.map((c) => c.id)) : undefined;
  return (codeId) => {
    let m = cache.get(codeId);
    if (m) return m;
    m = resolve(from, to, codeId);
    if (known && m.targets.length > 0) {
      const present = m.targets.filter((t) => known.has(t));
      if (present.length === 0)
        m = {
          targets: [],
          none: `crosswalk target(s) ${m.targets.map((t) => `'${t}'`).join(", ")} missing from '${to.id}'`,
        };
      else if (present.length < m.targets.length)
        m = {
          targets: present,
          lossy: [m.lossy, `dropped targets missing from '${to.id}'`].filter(Boolean).join("; "),
        };
    }
    cache.set(codeId, m);
    return m;
  };
}

/**
 * Translates codings from one codebook to another through the codes' crosswalk entries. A code
 * with no entry for the target uses its parent's (reported as lossy); failing that, the target's
 * entries that point back at it. When a code maps to several target codes the first listed is
 * chosen and the coding is reported in `oneToMany`; mappings through a parent, through reverse
 * entries, or whose `note` bears on the target (it names the target's scheme, or names no scheme)
 * are reported in `lossy`; codings with no counterpart (an empty list, an unknown code, targets missing
 * from the target codebook) are reported in `unmapped` and left out of `codings`.
 * @example
 * const r = crosswalk(codings, rapportCodebook, annomiCodebook);
 * r.codings;   // the codings in AnnoMI codes
 * r.unmapped;  // e.g. self-disclosure has no AnnoMI code
 * @category Codebooks
 */
export function crosswalk(codings: readonly Coding[], from: Codebook, to: Target): CrosswalkResult {
  const out: Coding[] = [];
  const lossy: CrosswalkReportItem[] = [];
  const oneToMany: CrosswalkReportItem[] = [];
  const unmapped: CrosswalkReportItem[] = [];
  const mappingOf = crosswalkMapping(from, to);
  for (const coding of codings) {
    const m = mappingOf(coding.codeId);
    const base = { utteranceId: coding.utteranceId, from: coding.codeId };
    const first = m.targets[0];
    if (first === undefined) {
      unmapped.push({ ...base, to: [], reason: m.none ?? "no counterpart" });
      continue;
    }
    out.push({ ...coding, codeId: first });
    if (m.targets.length > 1)
      oneToMany.push({
        ...base,
        to: m.targets,
        chosen: first,
        reason: `'${coding.codeId}' maps to ${m.targets.length} codes; chose the first listed`,
      });
    if (m.lossy) lossy.push({ ...base, to: m.targets, chosen: first, reason: m.lossy });
  }
  return { codings: out, lossy, oneToMany, unmapped };
}
