import { ModelError } from "../../core/errors.js";
import {
  extractTurn,
  FEATURE_GROUPS,
  FeatureBuffer,
  hashFeatureName,
  type ResolvedFeatureOptions,
  type TurnHashes,
  turnHashes,
} from "../../text/features.js";
import { type Token, tokenize } from "../../text/tokenize.js";
import type { LinearModel } from "./model.js";

const ROLES = ["therapist", "client", "other"] as const;
type Role = (typeof ROLES)[number];

/** A model made ready for scoring: a hash table from feature hash to weight row. @internal */
export interface CompiledModel {
  readonly model: LinearModel;
  readonly K: number;
  /** Open-addressing table of (feature hash, weight row) pairs; row -1 marks an empty slot. */
  readonly table: Int32Array;
  readonly mask: number;
  /** The weights times the model's scale, row-major: feature `f`'s weight for label `k` at `f·K + k`. */
  readonly W: Float32Array;
  readonly bias: Float64Array;
  /** Top label indices per role. */
  readonly roleLabels: Readonly<Record<Role, Int32Array>>;
  /** Child label indices per label (undefined for a label without children). */
  readonly children: readonly (Int32Array | undefined)[];
  /** Leaf labels (final codes) per role: children, and top labels without children. */
  readonly leaves: Readonly<Record<Role, Int32Array>>;
  readonly temperature: Readonly<Record<Role, number>>;
  /** Temperature of the child head of each label (1 when it has none). */
  readonly childTemperature: Float64Array;
  readonly featureOptions: ResolvedFeatureOptions;
  readonly contextCodes: boolean;
}

/** The slot where the feature table starts probing for hash `h`. */
function tableSlot(h: number, mask: number): number {
  return (h ^ (h >>> 15)) & mask;
}

/** The weight row of the feature with hash `h`, or -1 when the model does not have it. @internal */
export function rowOf(c: CompiledModel, h: number): number {
  const { table, mask } = c;
  let i = tableSlot(h, mask);
  for (;;) {
    const r = table[2 * i + 1] as number;
    if (r < 0) return -1;
    if (table[2 * i] === h) return r;
    i = (i + 1) & mask;
  }
}

/** Builds the lookup tables of a validated model. Throws a ModelError on a hash collision. @internal */
export function compileModel(model: LinearModel): CompiledModel {
  const K = model.labels.length;
  const F = model.vocabulary.length;
  let cap = 16;
  while (cap < F * 2) cap *= 2;
  // Key and row side by side: one cache line per probe.
  const table = new Int32Array(cap * 2);
  for (let i = 1; i < table.length; i += 2) table[i] = -1;
  const mask = cap - 1;
  for (let f = 0; f < F; f++) {
    const h = hashFeatureName(model.vocabulary[f] as string);
    let i = tableSlot(h, mask);
    while ((table[2 * i + 1] as number) >= 0) {
      if (table[2 * i] === h) {
        throw new ModelError([
          {
            code: "model_invalid",
            path: ["vocabulary", f],
            message: `feature name hashes to the same value as vocabulary[${table[2 * i + 1]}]`,
          },
        ]);
      }
      i = (i + 1) & mask;
    }
    table[2 * i] = h;
    table[2 * i + 1] = f;
  }
  const W = new Float32Array(F * K);
  const s = model.scale;
  for (let j = 0; j < W.length; j++) W[j] = (model.weights[j] as number) * s;
  const roleLabels = {} as Record<Role, Int32Array>;
  const leaves = {} as Record<Role, Int32Array>;
  const temperature = {} as Record<Role, number>;
  const indexOf = new Map(model.labels.map((l, k) => [l.id, k] as const));
  const kids: number[][] = model.labels.map(() => []);
  model.labels.forEach((l, k) => {
    const p = l.parent === undefined ? undefined : indexOf.get(l.parent);
    if (p !== undefined) kids[p]?.push(k);
  });
  const children = kids.map((c) => (c.length > 0 ? Int32Array.from(c) : undefined));
  const childTemperature = new Float64Array(K).fill(1);
  model.labels.forEach((l, k) => {
    if (children[k]) childTemperature[k] = model.temperature[`${l.role}/${l.id}`] ?? 1;
  });
  for (const r of ROLES) {
    const idx: number[] = [];
    const leaf: number[] = [];
    model.labels.forEach((l, k) => {
      if (l.role !== r) return;
      if (l.parent === undefined) idx.push(k);
      if (!children[k]) leaf.push(k);
    });
    roleLabels[r] = Int32Array.from(idx);
    leaves[r] = Int32Array.from(leaf);
    temperature[r] = model.temperature[r] ?? 1;
  }
  return {
    model,
    K,
    table,
    mask,
    W,
    bias: Float64Array.from(model.bias),
    roleLabels,
    children,
    leaves,
    temperature,
    childTemperature,
    featureOptions: {
      charNgrams: model.features.charNgrams,
      wordBigrams: model.features.wordBigrams,
      contextWords: model.features.contextWords,
      maxCharWord: model.features.maxCharWord,
      sameRoleWords: model.features.sameRoleWords ?? false,
      position: model.features.position ?? true,
    },
    contextCodes: model.features.contextCodes,
  };
}

const G = FEATURE_GROUPS.length;

/**
 * The logits of the labels `labels` into `logits` (others left as they are), from the features
 * the model has: `found[0, 2·hits)` holds their (weight row, group) pairs in feature order, and
 * `counts` the count of every feature made per group. A label's logit is its bias plus, per
 * group, the group's value (1 for flags, 1/sqrt(count) for the others) times the sum of the
 * group's weights, added in feature order. One label at a time: the group's running sum stays in
 * a local while consecutive features are of the same group (the same additions in the same order
 * as summing into `acc` directly, without a load and store per feature). `acc` (G·K) is scratch.
 * @internal
 */
export function scoreLabels(
  c: CompiledModel,
  labels: Int32Array,
  found: Int32Array,
  hits: number,
  counts: Int32Array,
  acc: Float64Array,
  logits: Float64Array,
): void {
  const K = c.K;
  const W = c.W;
  for (let j = 0; j < labels.length; j++) {
    const k = labels[j] as number;
    for (let g = 0; g < G; g++) acc[g * K + k] = 0;
    let g = -1;
    let sum = 0;
    for (let h = 0; h < hits; h++) {
      const group = found[2 * h + 1] as number;
      if (group !== g) {
        if (g >= 0) acc[g * K + k] = sum;
        g = group;
        sum = acc[g * K + k] as number;
      }
      sum += W[(found[2 * h] as number) * K + k] as number;
    }
    if (g >= 0) acc[g * K + k] = sum;
    let z = c.bias[k] as number;
    for (let q = 0; q < G; q++) {
      const n = counts[q] as number;
      if (n === 0) continue;
      z += featureValue(q, n) * (acc[q * K + k] as number);
    }
    logits[k] = z;
  }
}

/** The value of one feature occurrence in group `g` with `n` features in that group. @internal */
export function featureValue(g: number, n: number): number {
  return g === 0 ? 1 : 1 / Math.sqrt(n);
}

/**
 * Softmax over the labels `idx` of `logits` at temperature `t`, into `probs` (others untouched).
 * Returns the label index with the highest probability (first one on ties).
 * @internal
 */
export function softmaxInto(
  logits: Float64Array,
  idx: Int32Array,
  t: number,
  probs: Float64Array,
): number {
  let best = -1;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < idx.length; j++) {
    const k = idx[j] as number;
    const z = (logits[k] as number) / t;
    if (z > max) {
      max = z;
      best = k;
    }
  }
  let sum = 0;
  for (let j = 0; j < idx.length; j++) {
    const k = idx[j] as number;
    const e = Math.exp((logits[k] as number) / t - max);
    probs[k] = e;
    sum += e;
  }
  for (let j = 0; j < idx.length; j++) {
    const k = idx[j] as number;
    probs[k] = (probs[k] as number) / sum;
  }
  return best;
}

/** One turn for sequential decoding. @internal */
export interface Turn {
  readonly session: string;
  readonly role: string;
  readonly text: string;
  /** Extra feature tags of the turn (features `k:<tag>`), e.g. from a model's tagger. */
  readonly tags?: readonly string[];
}

/** Per-session context while decoding in order: the last turn of each role, hashed. @internal */
export interface SessionState {
  index: number;
  /** The context-code tags (`T=…`, `C=…`), rebuilt when a code changes. */
  tags: string[];
  /** The last turn of each role. */
  lastTurn: Record<string, TurnHashes | undefined>;
  lastCode: Record<string, string | undefined>;
}

/** A new, empty session state. @internal */
export function newSessionState(): SessionState {
  return { index: 0, tags: ["T=none", "C=none"], lastTurn: {}, lastCode: {} };
}

/** The role whose last turn is the context of a turn of `role`. @internal */
export function otherRole(role: string): string {
  return role === "client" ? "therapist" : "client";
}

/** Context codes as feature tags (`T=…`, `C=…`; top-level labels). @internal */
export function codeTags(state: SessionState): string[] {
  const out: string[] = [];
  const t = state.lastCode.therapist;
  const c = state.lastCode.client;
  out.push(`T=${t ?? "none"}`);
  out.push(`C=${c ?? "none"}`);
  return out;
}

/** Tokenises (unless `tokens` are given) and hashes a turn's text for the feature options. @internal */
export function hashTurn(
  opt: ResolvedFeatureOptions,
  turn: { readonly text: string },
  tokens: readonly Token[] = tokenize(turn.text),
): TurnHashes {
  return turnHashes(tokens, opt.contextWords, opt.sameRoleWords);
}

/**
 * Extracts the features of a turn (its role and hashed text) given the session state (before
 * the turn), with `tags` (e.g. a tagger's) as `k:` features after the context codes. @internal
 */
export function featuresOf(
  opt: ResolvedFeatureOptions,
  contextCodes: boolean,
  role: string,
  turn: TurnHashes,
  state: SessionState,
  buf: FeatureBuffer,
  tags?: readonly string[],
): FeatureBuffer {
  const prev = state.lastTurn[otherRole(role)];
  const same = opt.sameRoleWords ? state.lastTurn[role] : undefined;
  let codes: readonly string[] | undefined = contextCodes ? state.tags : undefined;
  if (tags && tags.length > 0) codes = codes ? [...codes, ...tags] : tags;
  return extractTurn(
    turn,
    role,
    opt.position ? state.index : undefined,
    codes,
    prev,
    same,
    opt,
    buf,
  );
}

/** Updates the session state after a turn with its (gold or predicted) code. @internal */
export function advance(
  state: SessionState,
  role: string,
  turn: TurnHashes,
  code: string | undefined,
): void {
  state.index++;
  state.lastTurn[role] = turn;
  if (code !== undefined && state.lastCode[role] !== code) {
    state.lastCode[role] = code;
    state.tags = codeTags(state);
  }
}

/**
 * Decodes turns in order, each with the codes predicted for the earlier turns of its session.
 * Calls `each(i, labelIndex, probs, logits, counts, hits, found)` for every turn of a role with
 * labels (for others, `labelIndex` is -1): `found[0, 2·hits)` holds the (weight row, group)
 * pairs of the turn's features the model has, in feature order, and `counts` the count of
 * features per group. With `allHeads` false, only the chosen top label's children get
 * probabilities (the others stay 0). `tokens[i]`, when given, is `tokenize(turns[i].text)`.
 * @internal
 */
export function decode(
  c: CompiledModel,
  turns: readonly Turn[],
  each: (
    i: number,
    label: number,
    probs: Float64Array,
    logits: Float64Array,
    counts: Int32Array,
    hits: number,
    found: Int32Array,
  ) => void,
  states: Map<string, SessionState> = new Map(),
  allHeads = true,
  tags?: readonly (readonly string[] | undefined)[],
  tokens?: readonly (readonly Token[])[],
): void {
  const acc = new Float64Array(G * c.K);
  const logits = new Float64Array(c.K);
  const probs = new Float64Array(c.K);
  const buf = new FeatureBuffer();
  let found = new Int32Array(2 * buf.hashes.length);
  const opt = c.featureOptions;
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i] as Turn;
    let st = states.get(turn.session);
    if (!st) {
      st = newSessionState();
      states.set(turn.session, st);
    }
    const idx = c.roleLabels[turn.role as Role];
    const th = hashTurn(opt, turn, tokens?.[i]);
    if (!idx || idx.length === 0) {
      buf.clear();
      each(i, -1, probs, logits, buf.counts, 0, found);
      advance(st, turn.role, th, c.model.fallback?.[turn.role]);
      continue;
    }
    const role = turn.role as Role;
    featuresOf(opt, c.contextCodes, role, th, st, buf, tags ? tags[i] : turn.tags);
    // The features the model has, as (weight row, group) pairs in feature order.
    if (found.length < 2 * buf.length) found = new Int32Array(2 * buf.hashes.length);
    let hits = 0;
    for (let j = 0; j < buf.length; j++) {
      const r = rowOf(c, buf.hashes[j] as number);
      if (r < 0) continue;
      found[2 * hits] = r;
      found[2 * hits + 1] = buf.groups[j] as number;
      hits++;
    }
    // Top labels first, then the children of the chosen top label only, or of every top label
    // with all heads: P(child) = P(parent) × P(child | parent).
    scoreLabels(c, idx, found, hits, buf.counts, acc, logits);
    probs.fill(0);
    const top = softmaxInto(logits, idx, c.temperature[role], probs);
    let best = top;
    for (let j = 0; j < idx.length; j++) {
      const p = idx[j] as number;
      const kids = c.children[p];
      if (!kids || (!allHeads && p !== top)) continue;
      scoreLabels(c, kids, found, hits, buf.counts, acc, logits);
      const pp = probs[p] as number;
      const b = softmaxInto(logits, kids, c.childTemperature[p] as number, probs);
      for (let q = 0; q < kids.length; q++) {
        const kk = kids[q] as number;
        probs[kk] = (probs[kk] as number) * pp;
      }
      if (p === top) best = b;
    }
    each(i, best, probs, logits, buf.counts, hits, found);
    advance(st, turn.role, th, c.model.labels[top]?.id);
  }
}
