/**
 * Sparse text features for the linear classifier: word unigrams and bigrams, character n-grams
 * inside word boundaries, question syntax, length buckets, features of the previous turn of the
 * other speaker (its words, and the lexical overlap with it: a strong reflection cue) and of the
 * previous codes, and the speaker role.
 *
 * Every feature has a NAME (e.g. `w:tried`, `b:you've tried`, `c:<tr`, `q:end?`) and a 32-bit
 * FNV-1a HASH of that name. Extraction computes the hashes incrementally from character codes, so
 * that prediction builds no feature strings at all; names are built only on request (training,
 * evidence). `hashFeatureName(name)` always equals the hash extraction emits for that name.
 *
 * Time is linear in the length of the utterance and of the previous turn.
 * @module
 */
import {
  formOf,
  PUNCT_ID,
  TOKEN_ID_COUNT,
  type Token,
  type TokenScratch,
  tokenize,
} from "./tokenize.js";
import { AUX_WORDS as AUX, WH_WORDS as WH } from "./words.js";

/** The FNV-1a 32-bit offset basis, as a signed 32-bit integer. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** One FNV-1a step over one UTF-16 code unit. @internal */
function step(h: number, c: number): number {
  return Math.imul(h ^ c, FNV_PRIME);
}

function hashFrom(h: number, s: string): number {
  let x = h;
  for (let i = 0; i < s.length; i++) x = step(x, s.charCodeAt(i));
  return x;
}

/**
 * The 32-bit FNV-1a hash (signed) of a feature name over its UTF-16 code units; the same value
 * {@link extractFeatures} emits for the feature of that name.
 * @example
 * hashFeatureName("w:so") === hashFeatureName("w:so"); // => true
 * @category Text
 */
export function hashFeatureName(name: string): number {
  return hashFrom(FNV_OFFSET, name);
}

/** Feature groups: each group's values are scaled by 1/sqrt(count in group). @category Text */
export const FEATURE_GROUPS = ["flags", "words", "chars", "context"] as const;
/** @category Text */
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

/**
 * Which features to extract. The defaults are the ones the pretrained model uses.
 * @category Text
 */
export interface FeatureOptions {
  /**
   * Smallest and largest character n-gram inside `<word>` boundaries; `null` for none. Default
   * none: on AnnoMI, 2–5- and 3–5-grams did not raise cross-validated macro-F1 and cost 4× the time.
   */
  readonly charNgrams?: readonly [number, number] | null;
  /** Word bigrams (with `<s>`/`</s>` edges). Default true. */
  readonly wordBigrams?: boolean;
  /** Words of the previous turn of the other speaker (`p:` features). Default true. */
  readonly contextWords?: boolean;
  /** Words of the previous turn of the same speaker role (`s:` features). Default true. */
  readonly sameRoleWords?: boolean;
  /** Longest word (in UTF-16 units) that gets character n-grams. Default 24. */
  readonly maxCharWord?: number;
  /**
   * The utterance's position in its session as a feature (`pos:` buckets). Default true. The
   * `rapport` model turns it off: in short written conversations the position of a turn says
   * more about how the corpus was written than about what the helper does.
   */
  readonly position?: boolean;
}

/** The feature options with defaults applied. @category Text */
export type ResolvedFeatureOptions = Required<FeatureOptions>;

/** Applies defaults to {@link FeatureOptions}. @category Text */
export function resolveFeatureOptions(options?: FeatureOptions): ResolvedFeatureOptions {
  return {
    charNgrams: options?.charNgrams === undefined ? null : options.charNgrams,
    wordBigrams: options?.wordBigrams ?? true,
    contextWords: options?.contextWords ?? true,
    sameRoleWords: options?.sameRoleWords ?? true,
    maxCharWord: options?.maxCharWord ?? 24,
    position: options?.position ?? true,
  };
}

/**
 * The context of one utterance for feature extraction.
 * @category Text
 */
export interface FeatureContext {
  /** The speaker role of the utterance (`therapist`, `client`, `other`). */
  readonly role: string;
  /** The text of the most recent earlier turn by a speaker of another role (e.g. the client's turn before a therapist's). */
  readonly previousText?: string;
  /** `tokenize(previousText)`, when the caller has it already (saves tokenising again). */
  readonly previousTokens?: readonly Token[];
  /** The text of the most recent earlier turn by a speaker of the same role. */
  readonly previousSameText?: string;
  /** `tokenize(previousSameText)`, when the caller has it already. */
  readonly previousSameTokens?: readonly Token[];
  /** Codes of earlier turns as short tags, e.g. `T=question.open`, `C=change` (one `k:` feature each). */
  readonly codes?: readonly string[];
  /** 0-based position of the utterance in its session. */
  readonly index?: number;
}

/**
 * A reusable buffer of extracted features: `hashes[i]` in group `groups[i]`, for i < `length`.
 * Reusing one buffer across calls avoids allocation on the hot path.
 * @category Text
 */
export class FeatureBuffer {
  hashes: Int32Array;
  groups: Uint8Array;
  length = 0;
  /** Feature names, filled only when the buffer was made with `withNames`. */
  readonly names: string[] | undefined;
  /** Count of features per group (index = group). */
  readonly counts = new Int32Array(FEATURE_GROUPS.length);
  constructor(capacity = 1024, withNames = false) {
    this.hashes = new Int32Array(capacity);
    this.groups = new Uint8Array(capacity);
    this.names = withNames ? [] : undefined;
  }
  /** Empties the buffer. */
  clear(): void {
    this.length = 0;
    this.counts.fill(0);
    if (this.names) this.names.length = 0;
  }
  /** Adds one feature. */
  push(hash: number, group: number): void {
    if (this.length === this.hashes.length) {
      const h = new Int32Array(this.hashes.length * 2);
      h.set(this.hashes);
      this.hashes = h;
      const g = new Uint8Array(this.groups.length * 2);
      g.set(this.groups);
      this.groups = g;
    }
    this.hashes[this.length] = hash;
    this.groups[this.length] = group;
    this.length++;
    this.counts[group] = (this.counts[group] as number) + 1;
  }
}

/**
 * Function words left out of the overlap with the previous turn (the `ov:` features). Kept apart
 * from the rules' `STOPWORDS` (classify/rules/lexicon.ts), which serves verbal mirroring and holds
 * about twice as many words: the shipped linear models were trained with this list, and merging
 * the two either way changes the predictions of the shipped classifiers
 * (test/linear/golden-predictions.test.ts).
 */
const STOP = new Set(
  (
    "a an the and or but so if of to in on at for with from by as is are was were be been am " +
    "i you he she it we they me him her us them my your his its our their this that these those " +
    "do does did have has had not no yes yeah um uh mm okay ok oh well just like really very " +
    "what how why when where who which there here then than too also can could would will " +
    "i'm you're it's that's don't i've you've"
  ).split(" "),
);
/** Whether a token is ".", "?" or "!" (by code unit, not a set lookup). */
function isSentenceEnd(norm: string): boolean {
  if (norm.length !== 1) return false;
  const c = norm.charCodeAt(0);
  return c === 46 || c === 63 || c === 33;
}

// The stop words by their `w:` hash (open addressing, 256 slots), so that a token's stop-word
// test is an integer probe plus, on a hit, one string comparison.
const STOP_KEYS = new Int32Array(256);
const STOP_WORDS: (string | undefined)[] = new Array(256).fill(undefined);
for (const word of STOP) {
  const h = hashFrom(hashFrom(FNV_OFFSET, "w:"), word);
  let i = (h ^ (h >>> 15)) & 255;
  while (STOP_WORDS[i] !== undefined) i = (i + 1) & 255;
  STOP_KEYS[i] = h;
  STOP_WORDS[i] = word;
}
/** Whether `word`, whose `w:` hash is `h`, is a stop word (same answer as `STOP.has(word)`). */
function isStopWord(word: string, h: number): boolean {
  let i = (h ^ (h >>> 15)) & 255;
  for (;;) {
    const s = STOP_WORDS[i];
    if (s === undefined) return false;
    if (STOP_KEYS[i] === h && s === word) return true;
    i = (i + 1) & 255;
  }
}

const P_FLAG = hashFrom(FNV_OFFSET, "");
const P_WORD = hashFrom(FNV_OFFSET, "w:");
const P_BIGRAM = hashFrom(FNV_OFFSET, "b:");
const P_CHAR = hashFrom(FNV_OFFSET, "c:");
const P_CTX = hashFrom(FNV_OFFSET, "p:");
const P_SAME = hashFrom(FNV_OFFSET, "s:");
const P_FIRST = hashFrom(FNV_OFFSET, "f:");
const P_LAST = hashFrom(FNV_OFFSET, "l:");
const BOS = "<s>";
const EOS = "</s>";

const LEN_BUCKETS = [1, 2, 3, 5, 8, 12, 20, 30, 50, 80];
const POS_BUCKETS = [0, 1, 3, 8, 20];
const OV_N = [0, 1, 2, 4, 7];
const OV_R = [0, 0.15, 0.3, 0.5, 0.7];
function bucket(n: number, edges: readonly number[]): number {
  let b = 0;
  while (b < edges.length && n > (edges[b] as number)) b++;
  return b;
}

/** Reused scratch set for word hashes of the previous turn (generation-stamped, no clearing). */
class HashSet {
  private keys = new Int32Array(256);
  private stamp = new Int32Array(256);
  private gen = 1;
  reset(expected: number): void {
    this.gen++;
    if (expected * 2 > this.keys.length) {
      let cap = this.keys.length;
      while (expected * 2 > cap) cap *= 2;
      this.keys = new Int32Array(cap);
      this.stamp = new Int32Array(cap);
      this.gen = 1;
    }
  }
  add(h: number): void {
    const mask = this.keys.length - 1;
    let i = (h ^ (h >>> 15)) & mask;
    while (this.stamp[i] === this.gen) {
      if (this.keys[i] === h) return;
      i = (i + 1) & mask;
    }
    this.stamp[i] = this.gen;
    this.keys[i] = h;
  }
  has(h: number): boolean {
    const mask = this.keys.length - 1;
    let i = (h ^ (h >>> 15)) & mask;
    while (this.stamp[i] === this.gen) {
      if (this.keys[i] === h) return true;
      i = (i + 1) & mask;
    }
    return false;
  }
}
const prevWords = new HashSet();

/** The hash of the flag `k:<tag>`, by tag (no string built per utterance; tags are few). */
const tagHashes = new Map<string, number>();
function tagHash(tag: string): number {
  let h = tagHashes.get(tag);
  if (h === undefined) {
    h = hashFrom(P_FLAG, `k:${tag}`);
    if (tagHashes.size < 10_000) tagHashes.set(tag, h);
  }
  return h;
}

/** A fixed flag feature: its name and its hash, computed once (no lookup per utterance). */
interface Flag {
  readonly name: string;
  readonly hash: number;
  /** Its index in `FLAGS` (and in `FeatureRows.flagRows`). */
  readonly index: number;
}
/** Every fixed flag, so that a model's rows of them can be looked up once (see FeatureRows). */
const FLAGS: Flag[] = [];
const mkFlag = (name: string): Flag => {
  const f = { name, hash: hashFrom(P_FLAG, name), index: FLAGS.length };
  FLAGS.push(f);
  return f;
};
/** The flags `prefix + b` for the buckets b = 0 … edges.length of `edges`. */
const bucketFlags = (prefix: string, edges: readonly number[]): readonly Flag[] =>
  Array.from({ length: edges.length + 1 }, (_, b) => mkFlag(prefix + b));

const R_THERAPIST = mkFlag("r:therapist");
const R_CLIENT = mkFlag("r:client");
const R_OTHER = mkFlag("r:other");
/** The role flag of a role string outside the three. */
const R_UNKNOWN = mkFlag("r:?");
const Q_END = mkFlag("q:end?");
const Q_HAS = mkFlag("q:has?");
const Q_EMPTY = mkFlag("q:empty");
const Q_WH0 = mkFlag("q:wh0");
const Q_AUX0 = mkFlag("q:aux0");
const Q_WHL = mkFlag("q:whL");
const Q_AUXL = mkFlag("q:auxL");
const P_NONE = mkFlag("p:none");
const P_END = mkFlag("p:end?");
const LEN_FLAGS = bucketFlags("len:", LEN_BUCKETS);
const POS_FLAGS = bucketFlags("pos:", POS_BUCKETS);
const P_LEN_FLAGS = bucketFlags("p:len:", LEN_BUCKETS);
const OV_N_FLAGS = bucketFlags("ov:n", OV_N);
const OV_R_FLAGS = bucketFlags("ov:r", OV_R);

function flag(buf: FeatureBuffer, f: Flag): void {
  buf.push(f.hash, 0);
  if (buf.names) buf.names.push(f.name);
}

/**
 * What extraction needs of one turn, computed once per turn: as the utterance being coded and
 * again, without re-hashing, whenever the turn is the previous turn of a later one. All hashes
 * live in one array, `data`, at the offsets given.
 * @internal
 */
export interface TurnHashes {
  readonly tokens: readonly Token[];
  /** Each token's id (see `TOKEN_ID_COUNT`), when known: per-id hashes are then cached. */
  readonly ids: readonly number[] | undefined;
  /** Count of word tokens. */
  readonly nWords: number;
  /** Count of content words (words outside the stop list). */
  readonly nContent: number;
  /**
   * `data[at, at + n)`: the `w:` hash of every token; then the content words' `w:` hashes, in
   * order (the array may be shared with other turns).
   */
  readonly data: Int32Array;
  /** Offset of this turn's `w:` hashes in `data`. */
  readonly at: number;
  /** Offset of the content words' `w:` hashes (= `at` + token count). */
  readonly contentAt: number;
  /** Offset of the word tokens' `p:` hashes, or -1 when not computed. */
  readonly pAt: number;
  /** Offset of the word tokens' `s:` hashes, or -1 when not computed. */
  readonly sAt: number;
}

// Hashes per token id (see TOKEN_ID_COUNT): a word form's `w:`, `p:` and `s:` hashes and its
// bigram-left state are computed once per form instead of once per occurrence. The ids of a form
// never change, so neither do these. `idState[id]`: 0 not yet computed, 1 a stop word (or
// punctuation), 2 a content word.
const idW = new Int32Array(TOKEN_ID_COUNT);
const idP = new Int32Array(TOKEN_ID_COUNT);
const idS = new Int32Array(TOKEN_ID_COUNT);
const idLeft = new Int32Array(TOKEN_ID_COUNT);
const idState = new Uint8Array(TOKEN_ID_COUNT);

/** Fills the per-id hashes of the token with id `id`, norm `norm`, a word when `word`. */
function cacheId(id: number, norm: string, word: boolean): void {
  let hw = P_WORD;
  let hp = P_CTX;
  let hs = P_SAME;
  let hl = P_BIGRAM;
  for (let k = 0; k < norm.length; k++) {
    const c = norm.charCodeAt(k);
    hw = step(hw, c);
    hp = step(hp, c);
    hs = step(hs, c);
    hl = step(hl, c);
  }
  idW[id] = hw;
  idP[id] = hp;
  idS[id] = hs;
  idLeft[id] = step(hl, 32);
  idState[id] = word && !isStopWord(norm, hw) ? 2 : 1;
}

/** Reused scratch: the `w:` hash of each token and whether it is a content word. */
let wScratch = new Int32Array(256);
let contentScratch = new Uint8Array(256);

// Hashed turns are carved out of shared chunks (a bump pointer), not one typed array each: a
// chunk is garbage once no turn in it is referenced any more.
const CHUNK = 16_384;
let chunk = new Int32Array(CHUNK);
let chunkUsed = 0;
function carve(size: number): { data: Int32Array; at: number } {
  if (size > CHUNK >> 2) return { data: new Int32Array(size), at: 0 };
  if (chunkUsed + size > CHUNK) {
    chunk = new Int32Array(CHUNK);
    chunkUsed = 0;
  }
  const at = chunkUsed;
  chunkUsed += size;
  return { data: chunk, at };
}

/** Hands `data[from, end)` back to the chunk when it was the last part carved from it. */
function uncarve(data: Int32Array, end: number, from: number): void {
  if (data === chunk && end === chunkUsed) chunkUsed = from;
}

/**
 * Hashes a turn's tokens for {@link extractFeatures}: one pass over each token's characters gives
 * its `w:`, `p:` and `s:` hashes together. @internal
 */
export function turnHashes(
  tokens: readonly Token[],
  contextWords = true,
  sameRoleWords = true,
  ids?: readonly number[],
): TurnHashes {
  const n = tokens.length;
  if (wScratch.length < n) {
    wScratch = new Int32Array(n * 2);
    contentScratch = new Uint8Array(n * 2);
  }
  const wh = wScratch;
  const isContent = contentScratch;
  let nWords = 0;
  let nContent = 0;
  for (let i = 0; i < n; i++) {
    const t = tokens[i] as Token;
    const id = ids ? (ids[i] as number) : -1;
    if (id >= 0) {
      if (idState[id] === 0) cacheId(id, t.norm, t.kind === "word");
      wh[i] = idW[id] as number;
      isContent[i] = 0;
      if (t.kind !== "word") continue;
      nWords++;
      if (idState[id] === 2) {
        isContent[i] = 1;
        nContent++;
      }
      continue;
    }
    const norm = t.norm;
    let hw = P_WORD;
    for (let k = 0; k < norm.length; k++) hw = step(hw, norm.charCodeAt(k));
    wh[i] = hw;
    isContent[i] = 0;
    if (t.kind !== "word") continue;
    nWords++;
    if (!isStopWord(norm, hw)) {
      isContent[i] = 1;
      nContent++;
    }
  }
  let size = n + nContent;
  const pOff = contextWords ? size : -1;
  if (contextWords) size += nWords;
  const sOff = sameRoleWords ? size : -1;
  if (sameRoleWords) size += nWords;
  const { data, at } = carve(size);
  const contentAt = at + n;
  const pAt = pOff >= 0 ? at + pOff : -1;
  const sAt = sOff >= 0 ? at + sOff : -1;
  let wi = 0;
  let ci = contentAt;
  for (let i = 0; i < n; i++) {
    const t = tokens[i] as Token;
    const hw = wh[i] as number;
    data[at + i] = hw;
    if (t.kind !== "word") continue;
    if (isContent[i]) data[ci++] = hw;
    const id = ids ? (ids[i] as number) : -1;
    if (id >= 0) {
      if (pAt >= 0) data[pAt + wi] = idP[id] as number;
      if (sAt >= 0) data[sAt + wi] = idS[id] as number;
    } else if (pAt >= 0 || sAt >= 0) {
      const norm = t.norm;
      let hp = P_CTX;
      let hs = P_SAME;
      for (let k = 0; k < norm.length; k++) {
        const c = norm.charCodeAt(k);
        hp = step(hp, c);
        hs = step(hs, c);
      }
      if (pAt >= 0) data[pAt + wi] = hp;
      if (sAt >= 0) data[sAt + wi] = hs;
    }
    wi++;
  }
  return { tokens, ids, nWords, nContent, data, at, contentAt, pAt, sAt };
}

/**
 * Extracts the sparse features of one utterance into `buf` (cleared first) and returns it.
 * Pass a buffer made with `new FeatureBuffer(1024, true)` to get the feature names as well.
 *
 * @example
 * const buf = extractFeatures("So you've tried?", { role: "therapist" });
 * buf.length > 0; // => true
 * @category Text
 */
export function extractFeatures(
  text: string,
  context: FeatureContext,
  options?: ResolvedFeatureOptions,
  buf: FeatureBuffer = new FeatureBuffer(),
  tokens: readonly Token[] = tokenize(text),
): FeatureBuffer {
  const opt = options ?? resolveFeatureOptions();
  const same =
    opt.sameRoleWords && context.previousSameText !== undefined
      ? turnHashes(context.previousSameTokens ?? tokenize(context.previousSameText), false, true)
      : undefined;
  const prev =
    context.previousText === undefined
      ? undefined
      : turnHashes(context.previousTokens ?? tokenize(context.previousText), true, false);
  return extractTurn(
    turnHashes(tokens, false, false),
    context.role,
    opt.position ? context.index : undefined,
    context.codes,
    prev,
    same,
    opt,
    buf,
  );
}

/**
 * {@link extractFeatures} over hashed turns: `prev` is the previous turn of the other speaker
 * (hashed with `p:`), `same` that of the same role (hashed with `s:`, given only when
 * `opt.sameRoleWords`). Emits the same features, in the same order. @internal
 */
export function extractTurn(
  turn: TurnHashes,
  role: string,
  index: number | undefined,
  codes: readonly string[] | undefined,
  prev: TurnHashes | undefined,
  same: TurnHashes | undefined,
  opt: ResolvedFeatureOptions,
  buf: FeatureBuffer,
): FeatureBuffer {
  buf.clear();
  const names = buf.names;
  const tokens = turn.tokens;
  const n = tokens.length;

  // Role, length, position.
  flag(
    buf,
    role === "therapist"
      ? R_THERAPIST
      : role === "client"
        ? R_CLIENT
        : role === "other"
          ? R_OTHER
          : R_UNKNOWN,
  );
  flag(buf, LEN_FLAGS[bucket(turn.nWords, LEN_BUCKETS)] as Flag);
  if (index !== undefined) flag(buf, POS_FLAGS[bucket(index, POS_BUCKETS)] as Flag);
  if (codes) {
    for (const c of codes) {
      buf.push(tagHash(c), 0);
      if (names) names.push(`k:${c}`);
    }
  }

  // Question syntax: final "?", any "?", wh-word or auxiliary first in the utterance and in the
  // last sentence, first and last words.
  let firstWord: string | undefined;
  let lastWord: string | undefined;
  let lastSentenceFirst: string | undefined;
  let atSentenceStart = true;
  let hasQ = false;
  for (let i = 0; i < n; i++) {
    const t = tokens[i] as Token;
    if (t.kind === "word") {
      if (firstWord === undefined) firstWord = t.norm;
      lastWord = t.norm;
      if (atSentenceStart) lastSentenceFirst = t.norm;
      atSentenceStart = false;
    } else if (isSentenceEnd(t.norm)) {
      if (t.norm === "?") hasQ = true;
      // A sentence ends here unless it is the last token.
      if (i < n - 1) atSentenceStart = true;
    }
  }
  const last = n > 0 ? (tokens[n - 1] as Token).norm : "";
  if (last === "?") flag(buf, Q_END);
  if (hasQ) flag(buf, Q_HAS);
  if (n === 0) flag(buf, Q_EMPTY);
  if (firstWord !== undefined) {
    pushNamed(buf, P_FIRST, "f:", firstWord, 0);
    if (WH.has(firstWord)) flag(buf, Q_WH0);
    if (AUX.has(firstWord)) flag(buf, Q_AUX0);
  }
  if (lastWord !== undefined) pushNamed(buf, P_LAST, "l:", lastWord, 0);
  if (lastSentenceFirst !== undefined) {
    if (WH.has(lastSentenceFirst)) flag(buf, Q_WHL);
    if (AUX.has(lastSentenceFirst)) flag(buf, Q_AUXL);
  }

  // Word unigrams and bigrams (punctuation tokens included: "?" and "," carry signal).
  const wh = turn.data;
  const at = turn.at;
  if (opt.wordBigrams) {
    let left = BOS_STATE;
    const tids = turn.ids;
    for (let i = 0; i < n; i++) {
      const norm = (tokens[i] as Token).norm;
      buf.push(wh[at + i] as number, 1);
      let hb = left;
      const id = tids ? (tids[i] as number) : -1;
      if (id >= 0 && idState[id] !== 0) {
        for (let k = 0; k < norm.length; k++) hb = step(hb, norm.charCodeAt(k));
        left = idLeft[id] as number;
      } else {
        let hl = P_BIGRAM;
        for (let k = 0; k < norm.length; k++) {
          const c = norm.charCodeAt(k);
          hb = step(hb, c);
          hl = step(hl, c);
        }
        left = step(hl, 32);
      }
      buf.push(hb, 1);
    }
    if (n > 0) buf.push(hashFrom(left, EOS), 1);
  } else {
    for (let i = 0; i < n; i++) buf.push(wh[at + i] as number, 1);
  }
  if (names) {
    let prevNorm = BOS;
    for (let i = 0; i < n; i++) {
      const norm = (tokens[i] as Token).norm;
      names.push(`w:${norm}`);
      if (opt.wordBigrams) names.push(`b:${prevNorm} ${norm}`);
      prevNorm = norm;
    }
    if (opt.wordBigrams && n > 0) names.push(`b:${prevNorm} ${EOS}`);
  }

  // Character n-grams inside "<word>".
  const cg = opt.charNgrams;
  if (cg) {
    const [lo, hi] = cg;
    for (let i = 0; i < n; i++) {
      const t = tokens[i] as Token;
      if (t.kind !== "word") continue;
      const w = t.norm;
      const L = w.length;
      if (L > opt.maxCharWord) continue;
      // Virtual padded word: position -1 is "<", position L is ">".
      for (let s = -1; s <= L; s++) {
        let h = P_CHAR;
        for (let k = 0; k < hi; k++) {
          const p = s + k;
          if (p > L) break;
          const c = p < 0 ? 60 : p === L ? 62 : w.charCodeAt(p);
          h = step(h, c);
          if (k + 1 >= lo) {
            buf.push(h, 2);
            if (names) names.push(`c:${`<${w}>`.slice(s + 1, p + 2)}`);
          }
        }
      }
    }
  }

  if (same) {
    const sh = same.sAt >= 0 ? same : turnHashes(same.tokens, false, true, same.ids);
    const d = sh.data;
    for (let i = sh.sAt; i < sh.sAt + sh.nWords; i++) buf.push(d[i] as number, 3);
    if (names) pushWordNames(names, "s:", same.tokens);
  }

  // The previous turn of the other speaker: whether it asked, its length, its words, and the
  // lexical overlap with it (content words of this utterance found in it).
  if (prev === undefined) {
    flag(buf, P_NONE);
  } else {
    const ptoks = prev.tokens;
    const pn = ptoks.length;
    prevWords.reset(pn);
    const pd = prev.data;
    for (let i = prev.contentAt; i < prev.contentAt + prev.nContent; i++) {
      prevWords.add(pd[i] as number);
    }
    if (opt.contextWords) {
      const ph = prev.pAt >= 0 ? prev : turnHashes(ptoks, true, false, prev.ids);
      const d = ph.data;
      for (let i = ph.pAt; i < ph.pAt + ph.nWords; i++) buf.push(d[i] as number, 3);
      if (names) pushWordNames(names, "p:", ptoks);
    }
    if (pn > 0 && (ptoks[pn - 1] as Token).norm === "?") flag(buf, P_END);
    flag(buf, P_LEN_FLAGS[bucket(prev.nWords, LEN_BUCKETS)] as Flag);
    const content = turn.nContent;
    let shared = 0;
    for (let i = turn.contentAt; i < turn.contentAt + content; i++) {
      if (prevWords.has(wh[i] as number)) shared++;
    }
    flag(buf, OV_N_FLAGS[bucket(shared, OV_N)] as Flag);
    if (content > 0) {
      flag(buf, OV_R_FLAGS[bucket(shared / content, OV_R)] as Flag);
    }
  }
  return buf;
}

const BOS_STATE = step(hashFrom(P_BIGRAM, BOS), 32);

function pushWordNames(names: string[], p: string, tokens: readonly Token[]): void {
  for (const t of tokens) if (t.kind === "word") names.push(p + t.norm);
}

function pushNamed(buf: FeatureBuffer, prefix: number, p: string, s: string, group: number): void {
  buf.push(hashFrom(prefix, s), group);
  if (buf.names) buf.names.push(p + s);
}

// ---------------------------------------------------------------------------------------------
// Extraction for prediction: features resolved to a model's weight rows as they are made.
//
// A model looks every feature up by hash (FeatureRows.rowOf). Most features of a turn are the
// `w:`, `p:` and `s:` features of its words, so their rows are cached per token id (ids are
// stable, see TOKEN_ID_COUNT), as are the rows of the fixed flags: a turn then needs a hash
// probe only for its bigrams, first and last words and context-code tags. Tokens come from the
// shared TokenScratch (no Token objects). `extractRows` emits the same features, in the same
// order, as `extractTurn`; only the features the model has are kept (all are counted).
// ---------------------------------------------------------------------------------------------

/** log2 of the bigram-row cache's slot count (see FeatureRows.pairs). */
const PAIR_BITS = 15;
/** The id standing for the `<s>` and `</s>` edges in the bigram-row cache. */
const PAIR_EDGE = TOKEN_ID_COUNT;
/** The offset of the bigram-row cache slot of the ids `a`, `b`. */
function pairSlot(a: number, b: number): number {
  return (Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0x9e3779b1) >>> (32 - PAIR_BITS)) << 2;
}

/** The slot where a feature table starts probing for hash `h`. @internal */
export function tableSlot(h: number, mask: number): number {
  return (h ^ (h >>> 15)) & mask;
}

/**
 * The character n-grams of word `w` inside `<w>` (as extractTurn makes them): element 0 is how
 * many there are, then the rows of those the model has (-1s dropped).
 */
function charNgramRows(
  fr: FeatureRows,
  w: string,
  cg: readonly [number, number],
  maxCharWord: number,
): Int32Array {
  const L = w.length;
  if (L > maxCharWord) return new Int32Array(1);
  const [lo, hi] = cg;
  const kept: number[] = [0];
  for (let s = -1; s <= L; s++) {
    let h = P_CHAR;
    for (let k = 0; k < hi; k++) {
      const p = s + k;
      if (p > L) break;
      const c = p < 0 ? 60 : p === L ? 62 : w.charCodeAt(p);
      h = step(h, c);
      if (k + 1 >= lo) {
        kept[0] = (kept[0] as number) + 1;
        const r = fr.rowOf(h);
        if (r >= 0) kept.push(r);
      }
    }
  }
  return Int32Array.from(kept);
}

/**
 * A model's feature table (open addressing; `table[2i]` a feature hash, `table[2i + 1]` its
 * weight row, or -1 for an empty slot), with rows cached per token id and per flag. The caches
 * are bounded (one entry per token id, per flag; at most 10,000 context-code tags). @internal
 */
export class FeatureRows {
  readonly table: Int32Array;
  readonly mask: number;
  /** The row of each fixed flag (see `FLAGS`). */
  readonly flagRows: Int32Array;
  // Rows of each token id's `w:`, `p:` and `s:` features; -2 while not looked up yet.
  private readonly wRows = new Int32Array(TOKEN_ID_COUNT).fill(-2);
  private readonly pRows = new Int32Array(TOKEN_ID_COUNT).fill(-2);
  private readonly sRows = new Int32Array(TOKEN_ID_COUNT).fill(-2);
  private readonly tagRows = new Map<string, number>();
  /**
   * Rows of bigrams by the ids of their two tokens (PAIR_EDGE for the `<s>` and `</s>` edges):
   * slot `4s` holds (left id, right id, row); direct-mapped, a miss overwrites its slot.
   */
  readonly pairs = new Int32Array(4 << PAIR_BITS).fill(-1);
  constructor(table: Int32Array, mask: number) {
    this.table = table;
    this.mask = mask;
    this.flagRows = Int32Array.from(FLAGS, (f) => this.rowOf(f.hash));
  }
  /** The row of the feature with hash `h`, or -1. */
  rowOf(h: number): number {
    const table = this.table;
    const mask = this.mask;
    let i = tableSlot(h, mask);
    for (;;) {
      const r = table[2 * i + 1] as number;
      if (r < 0) return -1;
      if (table[2 * i] === h) return r;
      i = (i + 1) & mask;
    }
  }
  /** The row of token id `id`'s `w:` feature (its hashes cached, see `cacheId`). */
  wRow(id: number): number {
    return this.idRow(this.wRows, idW, id);
  }
  /** The row of token id `id`'s `p:` feature. */
  pRow(id: number): number {
    return this.idRow(this.pRows, idP, id);
  }
  /** The row of token id `id`'s `s:` feature. */
  sRow(id: number): number {
    return this.idRow(this.sRows, idS, id);
  }
  /** `rows[id]`, looked up by the id's cached hash in `hashes` the first time (-2: not yet). */
  private idRow(rows: Int32Array, hashes: Int32Array, id: number): number {
    let r = rows[id] as number;
    if (r === -2) {
      r = this.rowOf(hashes[id] as number);
      rows[id] = r;
    }
    return r;
  }
  // Rows of each token id's character n-grams (see charNgramRows), filled on first use.
  private readonly cRows: (Int32Array | undefined)[] = [];
  /** {@link charNgramRows} of token id `id`'s word form `w`, looked up once per id. */
  charRows(id: number, w: string, cg: readonly [number, number], maxCharWord: number): Int32Array {
    let rows = this.cRows[id];
    if (rows === undefined) {
      rows = charNgramRows(this, w, cg, maxCharWord);
      this.cRows[id] = rows;
    }
    return rows;
  }
  /** The row of the flag `k:<tag>`. */
  tagRow(tag: string): number {
    let r = this.tagRows.get(tag);
    if (r === undefined) {
      r = this.rowOf(tagHash(tag));
      if (this.tagRows.size < 10_000) this.tagRows.set(tag, r);
    }
    return r;
  }
}

/**
 * Features found in a model, as (row, group) pairs in `pairs[0, 2·hits)`, in the order they were
 * made, and the count of every feature made per group (found or not: a group's value is
 * 1/sqrt(count)). Reused across turns. @internal
 */
export class RowBuffer {
  pairs = new Int32Array(1024);
  hits = 0;
  readonly counts = new Int32Array(FEATURE_GROUPS.length);
  clear(): void {
    this.hits = 0;
    this.counts.fill(0);
  }
  /** Counts one feature of group `g`, and keeps it when its row `r` is not -1. */
  push(r: number, g: number): void {
    this.counts[g] = (this.counts[g] as number) + 1;
    this.keep(r, g);
  }
  /**
   * Keeps a feature of group `g` when its row `r` is not -1, without counting it: loops over
   * many features add their count once (a counter updated per feature is a chain of loads and
   * stores to the same slot).
   */
  keep(r: number, g: number): void {
    if (r < 0) return;
    const at = 2 * this.hits;
    if (at === this.pairs.length) {
      const p = new Int32Array(this.pairs.length * 2);
      p.set(this.pairs);
      this.pairs = p;
    }
    this.pairs[at] = r;
    this.pairs[at + 1] = g;
    this.hits++;
  }
}

/**
 * What {@link extractRows} needs of a turn once it is the previous turn of a later one (of the
 * other speaker: its content words' `w:` hashes and its words' `p:` rows; of the same role: its
 * words' `s:` rows), computed once per turn. @internal
 */
export interface TurnRows {
  readonly nTokens: number;
  readonly nWords: number;
  readonly nContent: number;
  /** Whether the last token is "?". */
  readonly lastQ: boolean;
  /** Whether any token is "?". */
  readonly hasQ: boolean;
  /**
   * Indices (in the tokens the turn was made from) of the first word, the last word and the
   * first word of the last sentence; -1 for none.
   */
  readonly first: number;
  readonly last: number;
  readonly lastSentenceFirst: number;
  /** `data[contentAt, contentAt + nContent)`: the content words' `w:` hashes, in order. */
  readonly data: Int32Array;
  readonly contentAt: number;
  /** Offset of the words' `p:` rows (-1 for none), in order. */
  readonly pAt: number;
  /** Offset of the words' `s:` rows (-1 for none), in order. */
  readonly sAt: number;
}

const Q_ID = PUNCT_ID + 63;
const DOT_ID = PUNCT_ID + 46;
const BANG_ID = PUNCT_ID + 33;

/** The norm of token `i` of the scratch. */
function normAt(tk: TokenScratch, i: number): string {
  const id = tk.ids[i] as number;
  return id >= 0 ? formOf(id) : (tk.norms[i] as string);
}

/**
 * The {@link TurnRows} of the tokens in `tk` against the model table `fr`, with `p:` rows when
 * `contextWords`, `s:` rows when `sameRoleWords`. @internal
 */
export function turnRows(
  fr: FeatureRows,
  tk: TokenScratch,
  contextWords: boolean,
  sameRoleWords: boolean,
): TurnRows {
  const n = tk.length;
  const ids = tk.ids;
  const words = tk.words;
  // One pass: room for n rows of each kind (the words are not counted yet), and what is left
  // unused at the end is handed back to the chunk.
  const size = (contextWords ? n : 0) + (sameRoleWords ? n : 0) + n;
  const { data, at } = carve(size);
  const pAt = contextWords ? at : -1;
  const sAt = sameRoleWords ? at + (contextWords ? n : 0) : -1;
  const contentAt = at + size - n;
  let nWords = 0;
  let nContent = 0;
  // Question syntax as in extractTurn (by token index; ".", "?" and "!" by id: they have ids).
  let first = -1;
  let last = -1;
  let lastSentenceFirst = -1;
  let atSentenceStart = true;
  let hasQ = false;
  for (let i = 0; i < n; i++) {
    const id = ids[i] as number;
    if (words[i] === 1) {
      if (first < 0) first = i;
      last = i;
      if (atSentenceStart) lastSentenceFirst = i;
      atSentenceStart = false;
    } else if (id === Q_ID || id === DOT_ID || id === BANG_ID) {
      if (id === Q_ID) hasQ = true;
      // A sentence ends here unless it is the last token.
      if (i < n - 1) atSentenceStart = true;
    }
    if (id >= 0) {
      if (idState[id] === 0) cacheId(id, formOf(id), id < PUNCT_ID);
      if (words[i] !== 1) continue;
      if (pAt >= 0) data[pAt + nWords] = fr.pRow(id);
      if (sAt >= 0) data[sAt + nWords] = fr.sRow(id);
      nWords++;
      if (idState[id] === 2) data[contentAt + nContent++] = idW[id] as number;
      continue;
    }
    if (words[i] !== 1) continue;
    const norm = tk.norms[i] as string;
    if (pAt >= 0) data[pAt + nWords] = fr.rowOf(hashFrom(P_CTX, norm));
    if (sAt >= 0) data[sAt + nWords] = fr.rowOf(hashFrom(P_SAME, norm));
    nWords++;
    const hw = hashFrom(P_WORD, norm);
    if (!isStopWord(norm, hw)) data[contentAt + nContent++] = hw;
  }
  uncarve(data, at + size, contentAt + nContent);
  const lastQ = n > 0 && ids[n - 1] === Q_ID;
  return {
    nTokens: n,
    nWords,
    nContent,
    lastQ,
    hasQ,
    first,
    last,
    lastSentenceFirst,
    data,
    contentAt,
    pAt,
    sAt,
  };
}

/**
 * {@link extractTurn} resolved against a model: the rows of the features of the turn whose
 * tokens are in `tk` and whose {@link TurnRows} is `turn` (made from `tk` with the same options),
 * into `out` (cleared first). `prev` and `same` must have been made with `opt.contextWords` and
 * `opt.sameRoleWords` respectively. @internal
 */
export function extractRows(
  fr: FeatureRows,
  tk: TokenScratch,
  turn: TurnRows,
  role: string,
  index: number | undefined,
  codes: readonly string[] | undefined,
  prev: TurnRows | undefined,
  same: TurnRows | undefined,
  opt: ResolvedFeatureOptions,
  out: RowBuffer,
): RowBuffer {
  out.clear();
  const flagRows = fr.flagRows;
  const n = tk.length;
  const ids = tk.ids;
  const words = tk.words;

  // Role, length, position, context codes: as in extractTurn.
  const roleFlag =
    role === "therapist"
      ? R_THERAPIST
      : role === "client"
        ? R_CLIENT
        : role === "other"
          ? R_OTHER
          : R_UNKNOWN;
  out.push(flagRows[roleFlag.index] as number, 0);
  out.push(flagRows[(LEN_FLAGS[bucket(turn.nWords, LEN_BUCKETS)] as Flag).index] as number, 0);
  if (index !== undefined) {
    out.push(flagRows[(POS_FLAGS[bucket(index, POS_BUCKETS)] as Flag).index] as number, 0);
  }
  if (codes) for (const c of codes) out.push(fr.tagRow(c), 0);

  // Question syntax (found by turnRows).
  const { first, last, lastSentenceFirst, hasQ } = turn;
  if (turn.lastQ) out.push(flagRows[Q_END.index] as number, 0);
  if (hasQ) out.push(flagRows[Q_HAS.index] as number, 0);
  if (n === 0) out.push(flagRows[Q_EMPTY.index] as number, 0);
  if (first >= 0) {
    const w = normAt(tk, first);
    out.push(fr.rowOf(hashFrom(P_FIRST, w)), 0);
    if (WH.has(w)) out.push(flagRows[Q_WH0.index] as number, 0);
    if (AUX.has(w)) out.push(flagRows[Q_AUX0.index] as number, 0);
  }
  if (last >= 0) out.push(fr.rowOf(hashFrom(P_LAST, normAt(tk, last))), 0);
  if (lastSentenceFirst >= 0) {
    const w = normAt(tk, lastSentenceFirst);
    if (WH.has(w)) out.push(flagRows[Q_WHL.index] as number, 0);
    if (AUX.has(w)) out.push(flagRows[Q_AUXL.index] as number, 0);
  }

  // Word unigrams and bigrams. A bigram of two tokens with ids has its row cached by the pair
  // of ids (hashing it walks the right token's characters, then probes the table); otherwise
  // its hash is made as in extractTurn: the left token's state (cached per id, or made here)
  // stepped over the right token's characters.
  const pc = fr.pairs;
  let leftId = PAIR_EDGE;
  let left = BOS_STATE;
  for (let i = 0; i < n; i++) {
    const id = ids[i] as number;
    if (id >= 0) out.keep(fr.wRow(id), 1);
    else out.keep(fr.rowOf(hashFrom(P_WORD, tk.norms[i] as string)), 1);
    if (!opt.wordBigrams) continue;
    if (id >= 0 && leftId >= 0) {
      const at = pairSlot(leftId, id);
      if (pc[at] === leftId && pc[at + 1] === id) {
        out.keep(pc[at + 2] as number, 1);
      } else {
        // turnRows cached both ids' hashes, the bigram-left states among them.
        const r = fr.rowOf(
          hashFrom(leftId === PAIR_EDGE ? BOS_STATE : (idLeft[leftId] as number), formOf(id)),
        );
        pc[at] = leftId;
        pc[at + 1] = id;
        pc[at + 2] = r;
        out.keep(r, 1);
      }
      leftId = id;
      continue;
    }
    const hb0 = leftId === PAIR_EDGE ? BOS_STATE : leftId >= 0 ? (idLeft[leftId] as number) : left;
    const norm = id >= 0 ? formOf(id) : (tk.norms[i] as string);
    let hb = hb0;
    let hl = P_BIGRAM;
    for (let k = 0; k < norm.length; k++) {
      const c = norm.charCodeAt(k);
      hb = step(hb, c);
      hl = step(hl, c);
    }
    out.keep(fr.rowOf(hb), 1);
    left = step(hl, 32);
    leftId = id >= 0 ? id : -1;
  }
  if (opt.wordBigrams && n > 0) {
    if (leftId >= 0) {
      const at = pairSlot(leftId, PAIR_EDGE);
      if (pc[at] === leftId && pc[at + 1] === PAIR_EDGE) {
        out.keep(pc[at + 2] as number, 1);
      } else {
        const r = fr.rowOf(hashFrom(idLeft[leftId] as number, EOS));
        pc[at] = leftId;
        pc[at + 1] = PAIR_EDGE;
        pc[at + 2] = r;
        out.keep(r, 1);
      }
    } else out.keep(fr.rowOf(hashFrom(left, EOS)), 1);
  }
  out.counts[1] = opt.wordBigrams && n > 0 ? 2 * n + 1 : n;

  // Character n-grams inside "<word>": the same features as extractTurn's, in the same order;
  // a word with an id has them looked up once (FeatureRows.charRows).
  const cg = opt.charNgrams;
  if (cg) {
    for (let i = 0; i < n; i++) {
      if (words[i] !== 1) continue;
      const id = ids[i] as number;
      const rows =
        id >= 0
          ? fr.charRows(id, normAt(tk, i), cg, opt.maxCharWord)
          : charNgramRows(fr, normAt(tk, i), cg, opt.maxCharWord);
      out.counts[2] = (out.counts[2] as number) + (rows[0] as number);
      for (let k = 1; k < rows.length; k++) out.keep(rows[k] as number, 2);
    }
  }

  if (same) {
    const d = same.data;
    for (let i = same.sAt; i < same.sAt + same.nWords; i++) out.keep(d[i] as number, 3);
    out.counts[3] = (out.counts[3] as number) + same.nWords;
  }

  // The previous turn of the other speaker.
  if (prev === undefined) {
    out.push(flagRows[P_NONE.index] as number, 0);
  } else {
    prevWords.reset(prev.nTokens);
    const pd = prev.data;
    for (let i = prev.contentAt; i < prev.contentAt + prev.nContent; i++) {
      prevWords.add(pd[i] as number);
    }
    if (opt.contextWords) {
      for (let i = prev.pAt; i < prev.pAt + prev.nWords; i++) out.keep(pd[i] as number, 3);
      out.counts[3] = (out.counts[3] as number) + prev.nWords;
    }
    if (prev.lastQ) out.push(flagRows[P_END.index] as number, 0);
    out.push(flagRows[(P_LEN_FLAGS[bucket(prev.nWords, LEN_BUCKETS)] as Flag).index] as number, 0);
    const content = turn.nContent;
    const d = turn.data;
    let shared = 0;
    for (let i = turn.contentAt; i < turn.contentAt + content; i++) {
      if (prevWords.has(d[i] as number)) shared++;
    }
    out.push(flagRows[(OV_N_FLAGS[bucket(shared, OV_N)] as Flag).index] as number, 0);
    if (content > 0) {
      out.push(flagRows[(OV_R_FLAGS[bucket(shared / content, OV_R)] as Flag).index] as number, 0);
    }
  }
  return out;
}
