import { mulberry32 } from "../../_internal/random.js";
import { ModelError } from "../../core/errors.js";
import type { CodebookRef } from "../../core/schemas.js";
import {
  FeatureBuffer,
  type FeatureOptions,
  hashFeatureName,
  resolveFeatureOptions,
} from "../../text/features.js";
import {
  advance,
  compileModel,
  decode,
  featuresOf,
  featureValue,
  hashTurn,
  newSessionState,
  type SessionState,
  type Turn,
} from "./compiled.js";
import { LINEAR_MODEL_FORMAT, type LinearLabel, type LinearModel } from "./model.js";

/**
 * One training turn. Turns are given in session order; a turn's context (the previous turn of the
 * other speaker, the previous codes) comes from the turns before it in the same session. Turns
 * without a `label` (e.g. of a role the model does not code) are context only.
 * @category Linear model
 */
export interface LinearExample {
  readonly session: string;
  readonly role: "therapist" | "client" | "other";
  readonly text: string;
  readonly label?: string;
  /**
   * Extra feature tags of the turn (each a feature named `k:<tag>`), computed by the tagger that
   * `options.tagger` names; the classifier must be given the same tagger.
   */
  readonly tags?: readonly string[];
  /**
   * How much a labelled turn counts in training, a number > 0 (default 1): its gradient is
   * multiplied by it, as by a class weight. For mixing corpora, e.g. a smaller weight for one less
   * like the conversations the model will code.
   */
  readonly weight?: number;
}

/**
 * Options of {@link trainLinear}. Every default is fixed a priori (see docs/model-card.md).
 * @category Linear model
 */
export interface TrainLinearOptions {
  /** The codebook the labels belong to. */
  readonly codebook: CodebookRef;
  /** The labels and their roles; by default every label seen, with the role of its turns. */
  readonly labels?: readonly LinearLabel[];
  /** The code for turns of a role without labels (e.g. `{ other: "other" }`). */
  readonly fallback?: Readonly<Record<string, string>>;
  /** Feature options (see `extractFeatures`). */
  readonly features?: FeatureOptions;
  /**
   * The codes of earlier turns as features: `predicted` (default) uses out-of-fold predictions of
   * a model trained with gold codes, as the model will see at inference; `gold` uses the gold
   * codes; `none` leaves them out.
   */
  readonly contextCodes?: "predicted" | "gold" | "none";
  /** Seed of the shuffles and splits. Default 1. */
  readonly seed?: number;
  /** Passes over the data. Default 10. */
  readonly epochs?: number;
  /** AdaGrad learning rate. Default 0.2. */
  readonly learningRate?: number;
  /**
   * Polyak-Ruppert averaging: the model is the mean of the weights after every update of every
   * pass, not the last ones (Polyak & Juditsky 1992, "Acceleration of stochastic approximation by
   * averaging", SIAM J. Control Optim. 30(4)). Default `true`; on AnnoMI it raised the therapist
   * macro-F1 of 5-fold grouped CV from 0.735 to 0.743 (mean of 5 fold assignments).
   */
  readonly average?: boolean;
  /** L2 penalty applied to the weights an example touches. Default 1e-3. */
  readonly l2?: number;
  /** Features seen in fewer than this many labelled turns are dropped. Default 2. */
  readonly minCount?: number;
  /**
   * `balanced` weighs each label by n / (labels in its head × n of the label), counted within its
   * softmax head. An object sets it per speaker role (`{ client: "balanced" }`: balanced for the
   * client head, none for the others). Default none.
   */
  readonly classWeights?: "balanced" | "none" | Readonly<Record<string, "balanced" | "none">>;
  /** Weights with |w| below this are set to 0 (and all-zero features dropped). Default 0.01. */
  readonly prune?: number;
  /** Weights are stored as integers in [-levels, levels] times `scale`. Default 4095. */
  readonly levels?: number;
  /**
   * Temperature scaling: the share of sessions held out to fit one temperature per role, after
   * which the model is retrained on all data. 0 disables it. Default 0.15.
   */
  readonly calibrationHoldout?: number;
  /**
   * The name of the tagger that computed the examples' `tags` (e.g. `rapport-cues@6`). It is
   * recorded in the model (`features.tagger`), and {@link linearClassifier} refuses such a model
   * unless given a tagger of that name.
   */
  readonly tagger?: string;
}

/** Fisher-Yates shuffle in place with a seeded PRNG. @internal */
export function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
  return a;
}

function sessionsOf(examples: readonly LinearExample[]): string[] {
  const seen = new Set<string>();
  for (const e of examples) seen.add(e.session);
  return [...seen];
}

interface Prepared {
  /** Per labelled example: feature row indices and values (merged duplicates). */
  readonly idx: Int32Array[];
  readonly val: Float32Array[];
  readonly y: Int32Array;
  /** Per labelled example: its weight (`LinearExample.weight`, default 1). */
  readonly w: Float32Array;
  readonly role: string[];
  readonly vocabulary: string[];
}

/** The labels of the examples, with their roles, in order of first appearance. */
function inferLabels(examples: readonly LinearExample[]): LinearLabel[] {
  const out: LinearLabel[] = [];
  const seen = new Map<string, string>();
  examples.forEach((e, i) => {
    if (e.label === undefined) return;
    const r = seen.get(e.label);
    if (r === undefined) {
      seen.set(e.label, e.role);
      out.push({ id: e.label, role: e.role });
    } else if (r !== e.role) {
      throw new ModelError([
        {
          code: "invalid_input",
          path: [i, "label"],
          message: `label is used for both ${r} and ${e.role} turns; pass options.labels`,
        },
      ]);
    }
  });
  return out;
}

/**
 * The features of every example, extracted once (without the context codes, which depend on the
 * codes used and are added per fit): distinct feature ids with merged values.
 */
interface FeatureCache {
  readonly names: string[];
  readonly idOf: Map<number, number>;
  readonly ids: (Int32Array | undefined)[];
  readonly vals: (Float32Array | undefined)[];
  /** Label index per example, -1 when unlabelled. */
  readonly y: Int32Array;
}

function extractAll(
  examples: readonly LinearExample[],
  labelIndex: Map<string, number>,
  opts: ReturnType<typeof resolve>,
): FeatureCache {
  const buf = new FeatureBuffer(1024, true);
  const states = new Map<string, SessionState>();
  const names: string[] = [];
  const idOf = new Map<number, number>();
  const ids: (Int32Array | undefined)[] = [];
  const vals: (Float32Array | undefined)[] = [];
  const y = new Int32Array(examples.length).fill(-1);
  const acc = new Map<number, number>();
  examples.forEach((e, i) => {
    let st = states.get(e.session);
    if (!st) {
      st = newSessionState();
      states.set(e.session, st);
    }
    const k = e.label === undefined ? undefined : labelIndex.get(e.label);
    if (e.label !== undefined && k === undefined) {
      throw new ModelError([
        { code: "unknown_code", path: [i, "label"], message: "label is not among options.labels" },
      ]);
    }
    if (e.weight !== undefined && !(Number.isFinite(e.weight) && e.weight > 0)) {
      throw new ModelError([
        { code: "invalid_input", path: [i, "weight"], message: "weight must be a number > 0" },
      ]);
    }
    const th = hashTurn(opts.features, e);
    if (k === undefined) {
      ids.push(undefined);
      vals.push(undefined);
    } else {
      y[i] = k;
      featuresOf(opts.features, false, e.role, th, st, buf);
      const bn = buf.names as string[];
      if (e.tags) {
        for (const tag of e.tags) {
          buf.push(hashFeatureName(`k:${tag}`), 0);
          bn.push(`k:${tag}`);
        }
      }
      acc.clear();
      for (let j = 0; j < buf.length; j++) {
        const h = buf.hashes[j] as number;
        let id = idOf.get(h);
        if (id === undefined) {
          id = names.length;
          idOf.set(h, id);
          names.push(bn[j] as string);
        }
        const g = buf.groups[j] as number;
        acc.set(id, (acc.get(id) ?? 0) + featureValue(g, buf.counts[g] as number));
      }
      const keys = [...acc.keys()].sort((a, b) => a - b);
      ids.push(Int32Array.from(keys));
      vals.push(Float32Array.from(keys, (r) => acc.get(r) as number));
    }
    advance(st, e.role, th, undefined);
  });
  return { names, idOf, ids, vals, y };
}

/** The feature id of a context-code tag, added to the cache on first use. */
function tagId(cache: FeatureCache, tag: string): number {
  const name = `k:${tag}`;
  const h = hashFeatureName(name);
  let id = cache.idOf.get(h);
  if (id === undefined) {
    id = cache.names.length;
    cache.idOf.set(h, id);
    cache.names.push(name);
  }
  return id;
}

/** Training matrices for the examples in `keep` (all when undefined), with context codes. */
function prepare(
  examples: readonly LinearExample[],
  cache: FeatureCache,
  codes: readonly (string | undefined)[] | undefined,
  keep: Set<string> | undefined,
  opts: ReturnType<typeof resolve>,
): Prepared {
  const rowsIds: Int32Array[] = [];
  const rowsVals: Float32Array[] = [];
  const y: number[] = [];
  const w: number[] = [];
  const role: string[] = [];
  const last = new Map<string, { T?: string; C?: string }>();
  examples.forEach((e, i) => {
    if (keep && !keep.has(e.session)) return;
    let st = last.get(e.session);
    if (!st) {
      st = {};
      last.set(e.session, st);
    }
    const ids = cache.ids[i];
    if (ids) {
      let fi = ids;
      let fv = cache.vals[i] as Float32Array;
      if (codes) {
        const a = tagId(cache, `T=${st.T ?? "none"}`);
        const b = tagId(cache, `C=${st.C ?? "none"}`);
        fi = new Int32Array(ids.length + 2);
        fi.set(ids);
        fi[ids.length] = a;
        fi[ids.length + 1] = b;
        fv = new Float32Array(fi.length).fill(1);
        fv.set(cache.vals[i] as Float32Array);
      }
      rowsIds.push(fi);
      rowsVals.push(fv);
      y.push(cache.y[i] as number);
      w.push(e.weight ?? 1);
      role.push(e.role);
    }
    const c = codes?.[i];
    if (c !== undefined) {
      if (e.role === "therapist") st.T = c;
      else if (e.role === "client") st.C = c;
    }
  });
  // Vocabulary: features in at least minCount labelled turns, in order of first appearance.
  const df = new Int32Array(cache.names.length);
  for (const ids of rowsIds) for (const id of ids) df[id] = (df[id] as number) + 1;
  const row = new Int32Array(cache.names.length).fill(-1);
  const vocabulary: string[] = [];
  for (let id = 0; id < df.length; id++) {
    if ((df[id] as number) >= opts.minCount) {
      row[id] = vocabulary.length;
      vocabulary.push(cache.names[id] as string);
    }
  }
  const idx: Int32Array[] = [];
  const val: Float32Array[] = [];
  for (let e = 0; e < rowsIds.length; e++) {
    const ids = rowsIds[e] as Int32Array;
    const vs = rowsVals[e] as Float32Array;
    let n = 0;
    for (const id of ids) if ((row[id] as number) >= 0) n++;
    const fi = new Int32Array(n);
    const fv = new Float32Array(n);
    n = 0;
    for (let j = 0; j < ids.length; j++) {
      const r = row[ids[j] as number] as number;
      if (r < 0) continue;
      fi[n] = r;
      fv[n] = vs[j] as number;
      n++;
    }
    idx.push(fi);
    val.push(fv);
  }
  return { idx, val, y: Int32Array.from(y), w: Float32Array.from(w), role, vocabulary };
}

function resolve(options: TrainLinearOptions) {
  return {
    features: resolveFeatureOptions(options.features),
    contextCodes: options.contextCodes ?? "predicted",
    seed: options.seed ?? 1,
    epochs: options.epochs ?? 10,
    learningRate: options.learningRate ?? 0.2,
    l2: options.l2 ?? 1e-3,
    minCount: options.minCount ?? 2,
    classWeights: options.classWeights ?? "none",
    prune: options.prune ?? 0.01,
    levels: options.levels ?? 4095,
    calibrationHoldout: options.calibrationHoldout ?? 0.15,
    average: options.average ?? true,
  };
}

/** The heads of the two-level softmax: per label, its siblings (its own head) and its top label. */
function headsOf(labels: readonly LinearLabel[]) {
  const K = labels.length;
  const index = new Map(labels.map((l, k) => [l.id, k] as const));
  const topOf = new Int32Array(K);
  const headKey: string[] = [];
  const heads = new Map<string, number[]>();
  labels.forEach((l, k) => {
    const p = l.parent === undefined ? undefined : index.get(l.parent);
    topOf[k] = p ?? k;
    const key = l.parent === undefined ? l.role : `${l.role}/${l.parent}`;
    headKey.push(key);
    const a = heads.get(key) ?? [];
    a.push(k);
    heads.set(key, a);
  });
  return { topOf, headKey, heads };
}

/**
 * AdaGrad on the log loss of the two-level masked softmax (top head of the role, plus the child
 * head when the label has a parent). Returns float weights and biases.
 */
function adagrad(
  p: Prepared,
  labels: readonly LinearLabel[],
  opts: ReturnType<typeof resolve>,
): { W: Float64Array; b: Float64Array } {
  const K = labels.length;
  const F = p.vocabulary.length;
  const W = new Float64Array(F * K);
  const GW = new Float64Array(F * K).fill(1e-6);
  const b = new Float64Array(K);
  const Gb = new Float64Array(K).fill(1e-6);
  const { topOf, headKey, heads } = headsOf(labels);
  // Class weights per head: n_head / (labels in head × n_label), counted on the head's targets.
  const cw = new Float64Array(K).fill(1);
  const balancedRole = (role: string) =>
    typeof opts.classWeights === "string"
      ? opts.classWeights === "balanced"
      : opts.classWeights[role] === "balanced";
  if ([...heads.values()].some((ks) => balancedRole(labels[ks[0] as number]?.role ?? ""))) {
    const n = new Float64Array(K);
    for (const y of p.y) {
      n[y] = (n[y] as number) + 1;
      const t = topOf[y] as number;
      if (t !== y) n[t] = (n[t] as number) + 1;
    }
    for (const [, ks] of heads) {
      if (!balancedRole(labels[ks[0] as number]?.role ?? "")) continue;
      let tot = 0;
      for (const k of ks) tot += n[k] as number;
      for (const k of ks) cw[k] = (n[k] as number) > 0 ? tot / (ks.length * (n[k] as number)) : 1;
    }
  }
  // Per example: the labels it touches (top head, then child head) and their targets.
  const order = Array.from({ length: p.y.length }, (_, i) => i);
  const rand = mulberry32(opts.seed);
  const z = new Float64Array(K);
  const g = new Float64Array(K);
  const lr = opts.learningRate;
  const l2 = opts.l2;
  // Averaging: with updates d_t (W_t = W_(t-1) - d_t), the mean of W_1..W_T is
  // W_T + (1/T) * sum_t (t-1) d_t, so one accumulator per weight, touched only when the weight is.
  const averaging = opts.average;
  const UW = averaging ? new Float64Array(F * K) : undefined;
  const Ub = new Float64Array(K);
  let t = 0;
  const touched: number[] = [];
  const softmaxGrad = (
    ks: readonly number[],
    target: number,
    fi: Int32Array,
    fv: Float32Array,
    ew: number,
  ) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const k of ks) {
      let s = b[k] as number;
      for (let j = 0; j < fi.length; j++)
        s += (fv[j] as number) * (W[(fi[j] as number) * K + k] as number);
      z[k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (const k of ks) {
      const ex = Math.exp((z[k] as number) - max);
      z[k] = ex;
      sum += ex;
    }
    const w = (cw[target] as number) * ew;
    for (const k of ks) {
      g[k] = w * ((z[k] as number) / sum - (k === target ? 1 : 0));
      touched.push(k);
    }
  };
  for (let ep = 0; ep < opts.epochs; ep++) {
    shuffle(order, rand);
    for (const e of order) {
      t++;
      const fi = p.idx[e] as Int32Array;
      const fv = p.val[e] as Float32Array;
      const y = p.y[e] as number;
      const top = topOf[y] as number;
      const ew = p.w[e] as number;
      touched.length = 0;
      softmaxGrad(heads.get(headKey[top] as string) as number[], top, fi, fv, ew);
      if (top !== y) softmaxGrad(heads.get(headKey[y] as string) as number[], y, fi, fv, ew);
      for (const k of touched) {
        const gk = g[k] as number;
        Gb[k] = (Gb[k] as number) + gk * gk;
        const db = (lr * gk) / Math.sqrt(Gb[k] as number);
        b[k] = (b[k] as number) - db;
        if (UW) Ub[k] = (Ub[k] as number) + (t - 1) * db;
      }
      for (let j = 0; j < fi.length; j++) {
        const base = (fi[j] as number) * K;
        const v = fv[j] as number;
        for (const k of touched) {
          const o = base + k;
          const wo = W[o] as number;
          const gr = (g[k] as number) * v + l2 * wo;
          const G = (GW[o] as number) + gr * gr;
          GW[o] = G;
          const dw = (lr * gr) / Math.sqrt(G);
          W[o] = wo - dw;
          if (UW) UW[o] = (UW[o] as number) + (t - 1) * dw;
        }
      }
    }
  }
  if (UW && t > 0) {
    for (let o = 0; o < W.length; o++) W[o] = (W[o] as number) + (UW[o] as number) / t;
    for (let k = 0; k < K; k++) b[k] = (b[k] as number) + (Ub[k] as number) / t;
  }
  return { W, b };
}

/** 5 significant digits, as a number. */
function round5(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(5));
}

function toModel(
  p: Prepared,
  W: Float64Array,
  b: Float64Array,
  labels: readonly LinearLabel[],
  options: TrainLinearOptions,
  opts: ReturnType<typeof resolve>,
  temperature: Record<string, number>,
): LinearModel {
  const K = labels.length;
  let maxAbs = 0;
  for (const w of W) if (Math.abs(w) > maxAbs) maxAbs = Math.abs(w);
  const scale = maxAbs > 0 ? round5(maxAbs / opts.levels) : 1;
  const vocabulary: string[] = [];
  const weights: number[] = [];
  for (let f = 0; f < p.vocabulary.length; f++) {
    const row: number[] = [];
    let any = false;
    for (let k = 0; k < K; k++) {
      const w = W[f * K + k] as number;
      const q = Math.abs(w) < opts.prune ? 0 : Math.round(w / scale);
      if (q !== 0) any = true;
      row.push(q);
    }
    if (!any) continue;
    vocabulary.push(p.vocabulary[f] as string);
    for (const q of row) weights.push(q);
  }
  return {
    format: LINEAR_MODEL_FORMAT,
    codebook: { id: options.codebook.id, version: options.codebook.version },
    labels: labels.map((l) =>
      l.parent === undefined
        ? { id: l.id, role: l.role }
        : { id: l.id, role: l.role, parent: l.parent },
    ),
    ...(options.fallback ? { fallback: { ...options.fallback } } : {}),
    features: {
      hash: "fnv1a32",
      charNgrams: opts.features.charNgrams ? [...opts.features.charNgrams] : null,
      wordBigrams: opts.features.wordBigrams,
      contextWords: opts.features.contextWords,
      ...(opts.features.sameRoleWords ? { sameRoleWords: true } : {}),
      ...(opts.features.position ? {} : { position: false }),
      maxCharWord: opts.features.maxCharWord,
      contextCodes: opts.contextCodes !== "none",
      ...(options.tagger ? { tagger: options.tagger } : {}),
    },
    vocabulary,
    weights,
    scale,
    bias: Array.from(b, round5),
    temperature,
    training: {
      method: `multinomial logistic regression, AdaGrad${opts.average ? " with averaging" : ""}, L2`,
      seed: opts.seed,
      epochs: opts.epochs,
      average: opts.average,
      learningRate: opts.learningRate,
      l2: opts.l2,
      minCount: opts.minCount,
      classWeights: opts.classWeights,
      prune: opts.prune,
      levels: opts.levels,
      contextCodes: opts.contextCodes,
      calibrationHoldout: opts.calibrationHoldout,
      examples: p.y.length,
    },
  };
}

function trainOnce(
  examples: readonly LinearExample[],
  cache: FeatureCache,
  codes: readonly (string | undefined)[] | undefined,
  keep: Set<string> | undefined,
  labels: readonly LinearLabel[],
  options: TrainLinearOptions,
  opts: ReturnType<typeof resolve>,
  temperature: Record<string, number>,
): LinearModel {
  const p = prepare(examples, cache, codes, keep, opts);
  const { W, b } = adagrad(p, labels, opts);
  return toModel(p, W, b, labels, options, opts, temperature);
}

/** Context codes for training: gold labels, or out-of-fold predictions of gold-code models. */
function contextCodesFor(
  examples: readonly LinearExample[],
  cache: FeatureCache,
  labels: readonly LinearLabel[],
  options: TrainLinearOptions,
  opts: ReturnType<typeof resolve>,
): (string | undefined)[] {
  const parentOf = new Map(labels.map((l) => [l.id, l.parent ?? l.id] as const));
  const gold = examples.map((e) =>
    e.label === undefined ? options.fallback?.[e.role] : (parentOf.get(e.label) ?? e.label),
  );
  if (opts.contextCodes !== "predicted") return gold;
  const sessions = shuffle(sessionsOf(examples), mulberry32(opts.seed + 7));
  const folds = Math.min(5, sessions.length);
  if (folds < 2) return gold;
  const out: (string | undefined)[] = gold.slice();
  const goldOpts = { ...opts, contextCodes: "gold" as const };
  for (let f = 0; f < folds; f++) {
    const test = new Set(sessions.filter((_, i) => i % folds === f));
    const train = new Set(sessions.filter((_, i) => i % folds !== f));
    const m = trainOnce(examples, cache, gold, train, labels, options, goldOpts, {});
    const c = compileModel(m);
    const positions: number[] = [];
    const turns: Turn[] = [];
    examples.forEach((e, i) => {
      if (test.has(e.session)) {
        positions.push(i);
        turns.push(e);
      }
    });
    decode(c, turns, (i, k) => {
      const l = labels[k];
      if (l) out[positions[i] as number] = l.parent ?? l.id;
    });
  }
  return out;
}

/** Fits one softmax temperature per role by minimising the log loss (golden-section on log T). */
function fitTemperatures(
  model: LinearModel,
  examples: readonly LinearExample[],
  labels: readonly LinearLabel[],
): Record<string, number> {
  const c = compileModel(model);
  const { topOf, headKey, heads } = headsOf(labels);
  const index = new Map(labels.map((l, k) => [l.id, k] as const));
  const byRole = new Map<string, { logits: number[][]; y: number[] }>();
  const add = (key: string, logits: Float64Array, target: number) => {
    const ks = heads.get(key) as number[];
    let r = byRole.get(key);
    if (!r) {
      r = { logits: [], y: [] };
      byRole.set(key, r);
    }
    r.logits.push(ks.map((j) => logits[j] as number));
    r.y.push(ks.indexOf(target));
  };
  decode(c, examples, (i, k, _p, logits) => {
    const e = examples[i] as LinearExample;
    if (k < 0 || e.label === undefined) return;
    const y = index.get(e.label);
    if (y === undefined) return;
    const top = topOf[y] as number;
    add(headKey[top] as string, logits, top);
    if (top !== y) add(headKey[y] as string, logits, y);
  });
  const out: Record<string, number> = {};
  for (const [role, r] of byRole) {
    const nll = (t: number) => {
      let s = 0;
      r.logits.forEach((z, n) => {
        let max = Number.NEGATIVE_INFINITY;
        for (const v of z) if (v / t > max) max = v / t;
        let sum = 0;
        for (const v of z) sum += Math.exp(v / t - max);
        s -= (z[r.y[n] as number] as number) / t - max - Math.log(sum);
      });
      return s;
    };
    let a = Math.log(0.05);
    let bb = Math.log(20);
    const gr = (Math.sqrt(5) - 1) / 2;
    for (let it = 0; it < 60; it++) {
      const c1 = bb - gr * (bb - a);
      const c2 = a + gr * (bb - a);
      if (nll(Math.exp(c1)) < nll(Math.exp(c2))) bb = c2;
      else a = c1;
    }
    out[role] = round5(Math.exp((a + bb) / 2));
  }
  return out;
}

/**
 * Trains a multinomial logistic regression over sparse text features (see `extractFeatures`):
 * deterministic for a seed (same examples and options give the same JSON), with one softmax per
 * speaker role, L2-regularised AdaGrad, optional balanced class weights, out-of-fold predicted
 * context codes, and temperature scaling fitted on held-out sessions.
 *
 * @example
 * const model = trainLinear(
 *   [
 *     { session: "s1", role: "client", text: "I want to stop.", label: "change" },
 *     { session: "s1", role: "therapist", text: "You want to stop.", label: "reflection" },
 *   ],
 *   { codebook: { id: "mine", version: "1" }, minCount: 1, calibrationHoldout: 0 },
 * );
 * @category Linear model
 */
export function trainLinear(
  examples: readonly LinearExample[],
  options: TrainLinearOptions,
): LinearModel {
  const opts = resolve(options);
  const labels = options.labels ? [...options.labels] : inferLabels(examples);
  if (labels.length === 0) {
    throw new ModelError([
      { code: "insufficient_data", path: [], message: "no labelled examples to train on" },
    ]);
  }
  const labelIndex = new Map(labels.map((l, k) => [l.id, k] as const));
  const cache = extractAll(examples, labelIndex, opts);
  const codes =
    opts.contextCodes === "none"
      ? undefined
      : contextCodesFor(examples, cache, labels, options, opts);
  let temperature: Record<string, number> = {};
  const sessions = sessionsOf(examples);
  const nHold = Math.round(sessions.length * opts.calibrationHoldout);
  if (nHold >= 1 && nHold < sessions.length) {
    const shuffled = shuffle(sessions.slice(), mulberry32(opts.seed + 13));
    const hold = new Set(shuffled.slice(0, nHold));
    const keep = new Set(shuffled.slice(nHold));
    const m = trainOnce(examples, cache, codes, keep, labels, options, opts, {});
    temperature = fitTemperatures(
      m,
      examples.filter((e) => hold.has(e.session)),
      labels,
    );
  }
  return trainOnce(examples, cache, codes, undefined, labels, options, opts, temperature);
}
