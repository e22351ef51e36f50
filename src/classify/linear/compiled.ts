import { ModelError } from "../../core/errors.js";
import {
  extractRows,
  extractTurn,
  FEATURE_GROUPS,
  type FeatureBuffer,
  FeatureRows,
  hashFeatureName,
  type ResolvedFeatureOptions,
  RowBuffer,
  type TurnHashes,
  type TurnRows,
  tableSlot,
  turnHashes,
  turnRows,
} from "../../text/features.js";
import { releaseTokens, scanTurn, tokenizedOf } from "../../text/tokenize.js";
import type { LinearModel } from "./model.js";

const ROLES = ["therapist", "client", "other"] as const;
type Role = (typeof ROLES)[number];

/** A model made ready for fast scoring: a hash table from feature hash to weight row. @internal */
export interface CompiledModel {
  readonly model: LinearModel;
  readonly K: number;
  /** Open-addressing table of (feature hash, weight row) pairs; row -1 marks an empty slot. */
  readonly table: Int32Array;
  readonly mask: number;
  /** The same table, with rows cached per token id and flag (for prediction). */
  readonly rows: FeatureRows;
  /** The column of each label within its role's columns (see `roleCols`). */
  readonly colOf: Int32Array;
  /**
   * Per role, how many leading columns are its top labels, when every other column is a child
   * of one of them (children of a parent are then contiguous, from `childCols[parent]`); -1
   * otherwise.
   */
  readonly topCols: Readonly<Record<Role, number>>;
  /** The first column of a top label's children within its role's columns, or -1. */
  readonly childCols: Int32Array;
  readonly bias: Float64Array;
  /** Top label indices per role. */
  readonly roleLabels: Readonly<Record<Role, Int32Array>>;
  /** Child label indices per label (undefined for a label without children). */
  readonly children: readonly (Int32Array | undefined)[];
  /** The top label index of each label (itself for a top label). */
  readonly topOf: Int32Array;
  /** Leaf labels (final codes) per role: children, and top labels without children. */
  readonly leaves: Readonly<Record<Role, Int32Array>>;
  /** All label indices of each role (its columns). */
  readonly roleCols: Readonly<Record<Role, Int32Array>>;
  /**
   * The role's weights restricted to its columns (F × columns), for a role whose columns are not
   * all top labels and their children (`topCols` -1); an empty array otherwise.
   */
  readonly roleW: Readonly<Record<Role, Float32Array>>;
  /**
   * For a role with `topCols` ≥ 0: the weights of its top labels alone (F × topCols), so that
   * scoring a turn reads a short row per feature, not every column of the role.
   */
  readonly topW: Readonly<Record<Role, Float32Array>>;
  /** For a top label with children (in a role with `topCols` ≥ 0), its children's weights (F × children). */
  readonly childW: readonly (Float32Array | undefined)[];
  /**
   * `topW` with each row padded with zeros to {@link LANES} columns, for a role with 1 to LANES
   * top labels (an empty array otherwise): see `scoreFeatures`.
   */
  readonly topW4: Readonly<Record<Role, Float32Array>>;
  /** `childW` padded the same way, for a label with 1 to LANES children (else undefined). */
  readonly childW4: readonly (Float32Array | undefined)[];
  readonly temperature: Readonly<Record<Role, number>>;
  /** Temperature of the child head of each label (1 when it has none). */
  readonly childTemperature: Float64Array;
  readonly featureOptions: ResolvedFeatureOptions;
  readonly contextCodes: boolean;
}

/**
 * Scoring keeps the per-group sums of up to this many columns in local variables instead of an
 * array: each feature then adds into registers, not into memory that the previous feature has
 * just written (a store-to-load chain per feature). Measured on AnnoMI: 0.80 -> 0.32 µs per
 * utterance for the top-label sums. @internal
 */
export const LANES = 4;

/** Copy of the row-major `W` (rows of `w` columns) with rows padded to {@link LANES} columns. */
function padRows(W: Float32Array, w: number): Float32Array {
  const F = W.length / w;
  const P = new Float32Array(F * LANES);
  for (let f = 0; f < F; f++) for (let j = 0; j < w; j++) P[f * LANES + j] = W[f * w + j] as number;
  return P;
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
  const topOf = new Int32Array(K);
  model.labels.forEach((l, k) => {
    const p = l.parent === undefined ? undefined : indexOf.get(l.parent);
    topOf[k] = p ?? k;
    if (p !== undefined) kids[p]?.push(k);
  });
  const children = kids.map((c) => (c.length > 0 ? Int32Array.from(c) : undefined));
  const childTemperature = new Float64Array(K).fill(1);
  model.labels.forEach((l, k) => {
    if (children[k]) childTemperature[k] = model.temperature[`${l.role}/${l.id}`] ?? 1;
  });
  const roleCols = {} as Record<Role, Int32Array>;
  const roleW = {} as Record<Role, Float32Array>;
  const topW = {} as Record<Role, Float32Array>;
  const childW: (Float32Array | undefined)[] = new Array(K).fill(undefined);
  const topW4 = {} as Record<Role, Float32Array>;
  const colOf = new Int32Array(K).fill(-1);
  const topCols = {} as Record<Role, number>;
  const childCols = new Int32Array(K).fill(-1);
  for (const r of ROLES) {
    // Columns: the role's top labels first, then each one's children together, so that the
    // children of one parent can be scored on their own (see `scoreChildren`).
    const cols: number[] = [];
    model.labels.forEach((l, k) => {
      if (l.role === r && l.parent === undefined) cols.push(k);
    });
    const nTop = cols.length;
    for (let t = 0; t < nTop; t++) {
      const p = cols[t] as number;
      childCols[p] = cols.length;
      for (const k of kids[p] ?? []) if (model.labels[k]?.role === r) cols.push(k);
    }
    let complete = true;
    for (let t = 0; t < nTop; t++) {
      for (const k of kids[cols[t] as number] ?? [])
        if (model.labels[k]?.role !== r) complete = false;
    }
    model.labels.forEach((l, k) => {
      if (l.role === r && !cols.includes(k)) {
        cols.push(k);
        complete = false;
      }
    });
    topCols[r] = complete ? nTop : -1;
    const Kr = cols.length;
    // Weights of columns [from, to) of the role, row-major (F × (to - from)).
    const block = (from: number, to: number): Float32Array => {
      const w = to - from;
      const B = new Float32Array(F * w);
      for (let f = 0; f < F; f++)
        for (let j = 0; j < w; j++) B[f * w + j] = W[f * K + (cols[from + j] as number)] as number;
      return B;
    };
    roleCols[r] = Int32Array.from(cols);
    cols.forEach((k, j) => {
      colOf[k] = j;
    });
    if (complete) {
      roleW[r] = new Float32Array(0);
      topW[r] = block(0, nTop);
      for (let t = 0; t < nTop; t++) {
        const p = cols[t] as number;
        const n = (kids[p] ?? []).length;
        if (n > 0) childW[p] = block(childCols[p] as number, (childCols[p] as number) + n);
      }
    } else {
      roleW[r] = block(0, Kr);
      topW[r] = new Float32Array(0);
    }
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
    topW4[r] = complete && nTop > 0 && nTop <= LANES ? padRows(topW[r], nTop) : new Float32Array(0);
  }
  const childW4 = childW.map((w, p) => {
    const n = children[p]?.length ?? 0;
    return w && n > 0 && n <= LANES ? padRows(w, n) : undefined;
  });
  return {
    model,
    K,
    table,
    mask,
    rows: new FeatureRows(table, mask),
    colOf,
    topCols,
    childCols,
    bias: Float64Array.from(model.bias),
    roleLabels,
    roleCols,
    roleW,
    topW,
    childW,
    topW4,
    childW4,
    children,
    topOf,
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
 * Scores the features in `rb`: writes the logits of the role's labels into `logits` (other
 * labels are left as they are); for a role with `topCols` ≥ 0, of its top labels only (score
 * their children with {@link scoreChildren}). Feature values: 1 for group 0 (flags),
 * 1/sqrt(count in group) for the others. @internal
 */
export function scoreRows(
  c: CompiledModel,
  role: Role,
  rb: RowBuffer,
  acc: Float64Array,
  logits: Float64Array,
): void {
  const Kr = c.roleCols[role].length;
  const nTop = c.topCols[role];
  // The weights read: the top labels' block (stride nTop), or every column of the role.
  const W = nTop >= 0 ? c.topW[role] : c.roleW[role];
  const Kn = nTop >= 0 ? nTop : Kr;
  acc.fill(0, 0, G * Kr);
  const pairs = rb.pairs;
  const hits = rb.hits;
  const W4 = c.topW4[role];
  if (W4.length > 0) {
    sumLanes(W4, pairs, hits, acc, 0, Kr, Kn);
  } else {
    for (let h = 0; h < hits; h++) {
      const base = (pairs[2 * h + 1] as number) * Kr;
      const off = (pairs[2 * h] as number) * Kn;
      for (let k = 0; k < Kn; k++)
        acc[base + k] = (acc[base + k] as number) + (W[off + k] as number);
    }
  }
  finishLogits(c, role, rb.counts, acc, logits, 0, Kn);
}

/**
 * The per-group sums of the rows `pairs[0, 2·hits)` over the padded weights `W4`, into
 * `acc[g·Kr + from + k]` for k < n (n ≤ LANES). The sums of each group are kept in locals (f
 * flags, w words, x chars, p context): each starts at 0 and adds the same weights in the same
 * order as summing into `acc` would, so they are the same to the bit; padded columns add zeros
 * and are dropped.
 */
function sumLanes(
  W4: Float32Array,
  pairs: Int32Array,
  hits: number,
  acc: Float64Array,
  from: number,
  Kr: number,
  n: number,
): void {
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  let x0 = 0;
  let x1 = 0;
  let x2 = 0;
  let x3 = 0;
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  for (let h = 0; h < hits; h++) {
    const g = pairs[2 * h + 1] as number;
    const o = (pairs[2 * h] as number) * LANES;
    if (g === 1) {
      w0 += W4[o] as number;
      w1 += W4[o + 1] as number;
      w2 += W4[o + 2] as number;
      w3 += W4[o + 3] as number;
    } else if (g === 3) {
      p0 += W4[o] as number;
      p1 += W4[o + 1] as number;
      p2 += W4[o + 2] as number;
      p3 += W4[o + 3] as number;
    } else if (g === 0) {
      f0 += W4[o] as number;
      f1 += W4[o + 1] as number;
      f2 += W4[o + 2] as number;
      f3 += W4[o + 3] as number;
    } else {
      x0 += W4[o] as number;
      x1 += W4[o + 1] as number;
      x2 += W4[o + 2] as number;
      x3 += W4[o + 3] as number;
    }
  }
  storeLanes(acc, from, n, f0, f1, f2, f3);
  storeLanes(acc, Kr + from, n, w0, w1, w2, w3);
  storeLanes(acc, 2 * Kr + from, n, x0, x1, x2, x3);
  storeLanes(acc, 3 * Kr + from, n, p0, p1, p2, p3);
}

/**
 * Scores the children of top label `p` (role with `topCols` ≥ 0) from the (row, group) pairs
 * `scoreFeatures` found, in the same order, so each logit is the very sum that scoring every
 * column at once would have made. @internal
 */
export function scoreChildren(
  c: CompiledModel,
  role: Role,
  p: number,
  counts: Int32Array,
  acc: Float64Array,
  logits: Float64Array,
  found: Int32Array,
  hits: number,
): void {
  const W = c.childW[p] as Float32Array;
  const Kr = c.roleCols[role].length;
  const from = c.childCols[p] as number;
  const n = (c.children[p] as Int32Array).length;
  const W4 = c.childW4[p];
  if (W4) {
    sumLanes(W4, found, hits, acc, from, Kr, n);
  } else {
    for (let h = 0; h < hits; h++) {
      const base = (found[2 * h + 1] as number) * Kr + from;
      const off = (found[2 * h] as number) * n;
      for (let k = 0; k < n; k++) {
        acc[base + k] = (acc[base + k] as number) + (W[off + k] as number);
      }
    }
  }
  finishLogits(c, role, counts, acc, logits, from, from + n);
}

/** Writes the first `n` (≤ LANES) of the sums `a, b, c, d` to `acc[at, at + n)`. */
function storeLanes(
  acc: Float64Array,
  at: number,
  n: number,
  a: number,
  b: number,
  c: number,
  d: number,
): void {
  acc[at] = a;
  if (n > 1) acc[at + 1] = b;
  if (n > 2) acc[at + 2] = c;
  if (n > 3) acc[at + 3] = d;
}

/** Logits of columns `[from, to)` from the per-group sums in `acc`. */
function finishLogits(
  c: CompiledModel,
  role: Role,
  counts: Int32Array,
  acc: Float64Array,
  logits: Float64Array,
  from: number,
  to: number,
): void {
  const cols = c.roleCols[role];
  const Kr = cols.length;
  for (let k = from; k < to; k++) {
    let z = c.bias[cols[k] as number] as number;
    for (let g = 0; g < G; g++) {
      const n = counts[g] as number;
      if (n === 0) continue;
      z += (g === 0 ? 1 : 1 / Math.sqrt(n)) * (acc[g * Kr + k] as number);
    }
    logits[cols[k] as number] = z;
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

/**
 * Per-session context while decoding in order: the last turn of each role is kept hashed
 * (`TurnHashes`, training) or resolved to a model's rows (`TurnRows`, prediction). @internal
 */
export interface SessionState<T = TurnHashes> {
  index: number;
  /** The context-code tags (`T=…`, `C=…`), rebuilt when a code changes. */
  tags: string[];
  /** The last turn of each role. */
  lastTurn: Record<string, T | undefined>;
  lastCode: Record<string, string | undefined>;
}

/** A new, empty session state. @internal */
export function newSessionState<T = TurnHashes>(): SessionState<T> {
  return { index: 0, tags: ["T=none", "C=none"], lastTurn: {}, lastCode: {} };
}

/** The role whose last turn is the context of a turn of `role`. @internal */
export function otherRole(role: string): string {
  return role === "client" ? "therapist" : "client";
}

/** Context codes as feature tags (`T=…`, `C=…`; top-level labels). @internal */
export function codeTags(state: SessionState<unknown>): string[] {
  const out: string[] = [];
  const t = state.lastCode.therapist;
  const c = state.lastCode.client;
  out.push(`T=${t ?? "none"}`);
  out.push(`C=${c ?? "none"}`);
  return out;
}

/** Tokenises and hashes a turn's text for the feature options. @internal */
export function hashTurn(opt: ResolvedFeatureOptions, turn: { readonly text: string }): TurnHashes {
  const { tokens, ids } = tokenizedOf(turn);
  return turnHashes(tokens, opt.contextWords, opt.sameRoleWords, ids);
}

/**
 * Extracts the features of a turn (its role and hashed text) given the session state (before
 * the turn). @internal
 */
export function featuresOf(
  opt: ResolvedFeatureOptions,
  contextCodes: boolean,
  role: string,
  turn: TurnHashes,
  state: SessionState,
  buf: FeatureBuffer,
): FeatureBuffer {
  const prev = state.lastTurn[otherRole(role)];
  const same = opt.sameRoleWords ? state.lastTurn[role] : undefined;
  return extractTurn(
    turn,
    role,
    opt.position ? state.index : undefined,
    contextCodes ? state.tags : undefined,
    prev,
    same,
    opt,
    buf,
  );
}

/** Updates the session state after a turn with its (gold or predicted) code. @internal */
export function advance<T>(
  state: SessionState<T>,
  role: string,
  turn: T,
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
 * probabilities (the others stay 0). @internal
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
  states: Map<string, SessionState<TurnRows>> = new Map(),
  allHeads = true,
  tags?: readonly (readonly string[] | undefined)[],
): void {
  const acc = new Float64Array(G * c.K);
  const logits = new Float64Array(c.K);
  const probs = new Float64Array(c.K);
  const rb = new RowBuffer();
  const tagScratch: string[] = [];
  const opt = c.featureOptions;
  // Turns of one session usually come together: skip the map lookup for a repeated session.
  let lastSession: string | undefined;
  let lastState: SessionState<TurnRows> | undefined;
  try {
    for (let i = 0; i < turns.length; i++) {
      const turn = turns[i] as Turn;
      let st = turn.session === lastSession ? lastState : states.get(turn.session);
      if (!st) {
        st = newSessionState<TurnRows>();
        states.set(turn.session, st);
      }
      lastSession = turn.session;
      lastState = st;
      const idx = c.roleLabels[turn.role as Role];
      const tk = scanTurn(turn);
      const th = turnRows(c.rows, tk, opt.contextWords, opt.sameRoleWords);
      if (!idx || idx.length === 0) {
        rb.clear();
        each(i, -1, probs, logits, rb.counts, 0, rb.pairs);
        const fb = c.model.fallback?.[turn.role];
        advance(st, turn.role, th, fb);
        continue;
      }
      const role = turn.role as Role;
      const extra = tags ? tags[i] : turn.tags;
      let codes: readonly string[] | undefined = c.contextCodes ? st.tags : undefined;
      if (extra && extra.length > 0) {
        if (codes) {
          // The context tags, then the turn's own, in a reused array.
          tagScratch.length = 0;
          for (const t of codes) tagScratch.push(t);
          for (const t of extra) tagScratch.push(t);
          codes = tagScratch;
        } else codes = extra;
      }
      extractRows(
        c.rows,
        tk,
        th,
        role,
        opt.position ? st.index : undefined,
        codes,
        st.lastTurn[otherRole(role)],
        opt.sameRoleWords ? st.lastTurn[role] : undefined,
        opt,
        rb,
      );
      // Top labels first (all of the role's labels when they are not in two levels), then the
      // children of the chosen top label only, or of every top label with all heads.
      const twoLevel = c.topCols[role] >= 0;
      scoreRows(c, role, rb, acc, logits);
      probs.fill(0);
      const top = softmaxInto(logits, idx, c.temperature[role], probs);
      let best = top;
      // Children: P(child) = P(parent) × P(child | parent), for every parent of the role.
      for (let j = 0; j < idx.length; j++) {
        const p = idx[j] as number;
        const kids = c.children[p];
        if (!kids || (!allHeads && p !== top)) continue;
        if (twoLevel) scoreChildren(c, role, p, rb.counts, acc, logits, rb.pairs, rb.hits);
        const pp = probs[p] as number;
        const b = softmaxInto(logits, kids, c.childTemperature[p] as number, probs);
        for (let q = 0; q < kids.length; q++) {
          const kk = kids[q] as number;
          probs[kk] = (probs[kk] as number) * pp;
        }
        if (p === top) best = b;
      }
      each(i, best, probs, logits, rb.counts, rb.hits, rb.pairs);
      advance(st, turn.role, th, c.model.labels[top]?.id);
    }
  } finally {
    // The scratch may hold a norm that keeps the last text alive.
    releaseTokens();
  }
}
