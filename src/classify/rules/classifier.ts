import type { Code, Codebook, Cue, SpeakerRole, Utterance } from "../../core/schemas.js";
import { tokenize } from "../../text/tokenize.js";
import {
  type ClassifyOptions,
  type Prediction,
  precedingTurns,
  type SyncClassifier,
} from "../types.js";
import { analyse, type CompiledCues, compileCues, contentStems, runCues } from "./match.js";

/**
 * Options of {@link rulesClassifier}.
 * @category Classifiers
 */
export interface RulesOptions {
  /**
   * The code given when no cue of any applicable code scores above `threshold`, per speaker role.
   * Default: the codebook's `other` (therapist) or `neutral` (client) code when it has one,
   * otherwise the first applicable code.
   */
  readonly fallback?: Partial<Record<SpeakerRole, string>>;
  /** A code must score strictly above this to be chosen over the fallback (default 0). */
  readonly threshold?: number;
  /** Confidence reported for a fallback prediction (default 0.3). */
  readonly fallbackConfidence?: number;
  /** Which codes to use for speakers with role `other` (default: the therapist's). */
  readonly otherRole?: "therapist" | "client";
}

interface RoleTable {
  /** Leaf codes that apply to the role, in codebook order. */
  readonly leaves: readonly Code[];
  /** For each leaf, the indices (into `compiled.cues`) of its cues and its ancestors' cues. */
  readonly cueOwners: readonly number[];
  readonly fallback: string | undefined;
}

/**
 * The explainable rules classifier: each code's `cues` (data in the codebook) are matched against
 * each utterance, the weights of the cues that fired are summed per code (a code also gets its
 * ancestors' cues), and the highest-scoring code that applies to the speaker's role wins. Cues
 * cover phrases and token patterns, question syntax (wh-words → open, auxiliary inversion →
 * closed), pronouns, length and verbal mirroring (the share of content words the client used in
 * their previous turn). Matching is linear in the text; no regex is built from data.
 *
 * Each prediction's `evidence.spans` are the character spans of the chosen code's cues (named by
 * cue, never quoting the text) and `evidence.features` the top code scores. Confidence grows with
 * the winning score and its margin over the runner-up; a fallback prediction has
 * `fallbackConfidence`.
 * @example
 * const rules = rulesClassifier(rapportCodebook);
 * const [p] = rules.classify([{ id: "u1", session: "s", index: 0, speaker: "T", role: "therapist",
 *   text: "It makes sense that you'd feel angry." }]);
 * p.codeId; // "validation"
 * @category Classifiers
 */
export function rulesClassifier<C extends string = string>(
  codebook: Omit<Codebook, "codes"> & { readonly codes: readonly (Code & { id: C })[] },
  options: RulesOptions = {},
): SyncClassifier<C> {
  const cb = codebook as unknown as Codebook;
  const id = `rules@${cb.id}-${cb.version}`;
  const byId = new Map(cb.codes.map((c) => [c.id, c]));
  const parents = new Set(cb.codes.map((c) => c.parent).filter((p) => p !== undefined));

  // Compile every code's cues into one matcher.
  const allCues: Cue[] = [];
  const prefixes: string[] = [];
  const owner: string[] = [];
  for (const c of cb.codes)
    for (const cue of c.cues ?? []) {
      allCues.push(cue);
      prefixes.push(c.id);
      owner.push(c.id);
    }
  const compiled: CompiledCues = compileCues(allCues, prefixes);

  const lineage = (code: Code): Set<string> => {
    const s = new Set<string>([code.id]);
    let p = code.parent;
    while (p !== undefined && !s.has(p)) {
      s.add(p);
      p = byId.get(p)?.parent;
    }
    return s;
  };
  const lineages = new Map(cb.codes.map((c) => [c.id, lineage(c)]));

  const tables = new Map<string, RoleTable>();
  const tableFor = (role: "therapist" | "client" | "other"): RoleTable => {
    const have = tables.get(role);
    if (have) return have;
    const leaves = cb.codes.filter(
      (c) => !parents.has(c.id) && (c.role === role || c.role === "any"),
    );
    const preferred = options.fallback?.[role] ?? (role === "client" ? "neutral" : "other");
    const fallback = leaves.some((c) => c.id === preferred) ? preferred : leaves[0]?.id;
    const t: RoleTable = { leaves, cueOwners: [], fallback };
    tables.set(role, t);
    return t;
  };
  const threshold = options.threshold ?? 0;
  const fallbackConfidence = options.fallbackConfidence ?? 0.3;

  const classifyOne = (u: Utterance, previousClient: string | undefined): Prediction<C> => {
    let role: "therapist" | "client" | "other" = u.role;
    let table = tableFor(role);
    if (role === "other" && table.leaves.length === 0) {
      role = options.otherRole ?? "therapist";
      table = tableFor(role);
    }
    const prev = previousClient !== undefined ? contentStems(tokenize(previousClient)) : undefined;
    const fired = table.leaves.length > 0 ? runCues(compiled, analyse(u.text), prev) : [];
    // Score per code: sum the weights of fired cues, then give each leaf its lineage's total.
    const perCode = new Map<string, number>();
    for (const f of fired) {
      const o = owner[f.index] as string;
      perCode.set(o, (perCode.get(o) ?? 0) + f.weight);
    }
    const scored = table.leaves.map((leaf) => {
      let s = 0;
      let any = false;
      for (const a of lineages.get(leaf.id) ?? []) {
        const v = perCode.get(a);
        if (v !== undefined) {
          s += v;
          any = true;
        }
      }
      return { id: leaf.id, score: s, any };
    });
    let best: { id: string; score: number; any: boolean } | undefined;
    let second = 0;
    for (const s of scored) {
      if (!s.any) continue;
      if (!best || s.score > best.score) {
        if (best) second = Math.max(second, best.score);
        best = s;
      } else second = Math.max(second, s.score);
    }
    const top = scored
      .filter((s) => s.any)
      .sort((a, b) => b.score - a.score)
      .slice(0, 3)
      .map((s) => ({ name: `score:${s.id}`, weight: round(s.score) }));
    if (!best || best.score <= threshold) {
      const codeId = (table.fallback ?? cb.codes[0]?.id) as C;
      const features = [
        {
          name: table.leaves.length === 0 ? `no_code_for_role:${u.role}` : "fallback",
          weight: 0,
        },
        ...top,
      ];
      return {
        utteranceId: u.id,
        codeId,
        confidence: table.leaves.length === 0 ? 0 : fallbackConfidence,
        source: id,
        evidence: { spans: [], features },
      };
    }
    const lin = lineages.get(best.id) ?? new Set<string>();
    const spans = fired
      .filter((f) => f.weight > 0 && lin.has(owner[f.index] as string))
      .flatMap((f) => f.spans.map((s) => ({ start: s.start, end: s.end, cue: s.cue || f.name })));
    const margin = Math.max(0, best.score - Math.max(second, 0));
    const strength = 1 - Math.exp(-best.score);
    const confidence = clamp(strength * (0.5 + 0.5 * Math.min(1, margin / best.score)));
    return {
      utteranceId: u.id,
      codeId: best.id as C,
      confidence,
      source: id,
      evidence: { spans, features: top },
    };
  };

  return {
    id,
    mode: "sync",
    codebook: { id: cb.id, version: cb.version },
    classify(utterances: readonly Utterance[], opts?: ClassifyOptions): Prediction<C>[] {
      const out: Prediction<C>[] = [];
      for (let i = 0; i < utterances.length; i++) {
        const u = utterances[i] as Utterance;
        let previousClient: string | undefined;
        if (compiled.hasMirroring && u.role !== "client") {
          const before = precedingTurns(utterances, i, opts, 3);
          for (let j = before.length - 1; j >= 0; j--) {
            const p = before[j] as Utterance;
            if (p.role === "client") {
              previousClient = p.text;
              break;
            }
          }
        }
        out.push(classifyOne(u, previousClient));
      }
      return out;
    },
  };
}

function clamp(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.min(0.99, Math.max(0.01, Math.round(x * 1000) / 1000));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
