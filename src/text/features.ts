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
import { type Token, tokenize } from "./tokenize.js";
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
const STOP_WORDS = (
  "a an the and or but so if of to in on at for with from by as is are was were be been am " +
  "i you he she it we they me him her us them my your his its our their this that these those " +
  "do does did have has had not no yes yeah um uh mm okay ok oh well just like really very " +
  "what how why when where who which there here then than too also can could would will " +
  "i'm you're it's that's don't i've you've"
).split(" ");
/** Whether a token is ".", "?" or "!" (by code unit, not a set lookup). */
function isSentenceEnd(norm: string): boolean {
  if (norm.length !== 1) return false;
  const c = norm.charCodeAt(0);
  return c === 46 || c === 63 || c === 33;
}

const P_FLAG = hashFrom(FNV_OFFSET, "");
const P_WORD = hashFrom(FNV_OFFSET, "w:");
const P_BIGRAM = hashFrom(FNV_OFFSET, "b:");
const P_CHAR = hashFrom(FNV_OFFSET, "c:");
const P_CTX = hashFrom(FNV_OFFSET, "p:");
const P_SAME = hashFrom(FNV_OFFSET, "s:");
const P_FIRST = hashFrom(FNV_OFFSET, "f:");
const P_LAST = hashFrom(FNV_OFFSET, "l:");
const P_TAG = hashFrom(FNV_OFFSET, "k:");
/**
 * The stop words by their `w:` hash: a token is a stop word when its `w:` hash (computed anyway)
 * finds its own form here. A number key spares hashing each token's string again for a `Set`
 * lookup (its strings are new ones, so V8 has no cached hash for them).
 */
const STOP_BY_HASH = new Map(STOP_WORDS.map((w) => [hashFrom(P_WORD, w), w] as const));
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

/** The hash of the flag `k:<tag>`. */
function tagHash(tag: string): number {
  return hashFrom(P_TAG, tag);
}

/** A fixed flag feature: its name and its hash, computed once (no lookup per utterance). */
interface Flag {
  readonly name: string;
  readonly hash: number;
}
const mkFlag = (name: string): Flag => ({ name, hash: hashFrom(P_FLAG, name) });
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
 * again, without re-hashing, whenever the turn is the previous turn of a later one.
 * @internal
 */
export interface TurnHashes {
  readonly tokens: readonly Token[];
  /** Count of word tokens. */
  readonly nWords: number;
  /** Count of content words (words outside the stop list). */
  readonly nContent: number;
  /**
   * `data[0, n)`: the `w:` hash of every token; then the content words' `w:` hashes, in order,
   * from `contentAt` (room for every word); then the words' `p:` hashes from `pAt` and their
   * `s:` hashes from `sAt`.
   */
  readonly data: readonly number[];
  /** Offset of the content words' `w:` hashes (= the token count). */
  readonly contentAt: number;
  /** Offset of the word tokens' `p:` hashes, or -1 when not computed. */
  readonly pAt: number;
  /** Offset of the word tokens' `s:` hashes, or -1 when not computed. */
  readonly sAt: number;
}

/**
 * Hashes a turn's tokens for {@link extractTurn}: one pass over each token's characters gives
 * its `w:`, `p:` and `s:` hashes together. @internal
 */
export function turnHashes(
  tokens: readonly Token[],
  contextWords = true,
  sameRoleWords = true,
): TurnHashes {
  const n = tokens.length;
  let nWords = 0;
  for (let i = 0; i < n; i++) if ((tokens[i] as Token).kind === "word") nWords++;
  // Room for every word among the content words; the ones left over stay 0 and are not read.
  const contentAt = n;
  let size = n + nWords;
  const pAt = contextWords ? size : -1;
  if (contextWords) size += nWords;
  const sAt = sameRoleWords ? size : -1;
  if (sameRoleWords) size += nWords;
  const data: number[] = new Array(size).fill(0);
  let wi = 0;
  let nContent = 0;
  for (let i = 0; i < n; i++) {
    const t = tokens[i] as Token;
    const norm = t.norm;
    let hw = P_WORD;
    let hp = P_CTX;
    let hs = P_SAME;
    for (let k = 0; k < norm.length; k++) {
      const c = norm.charCodeAt(k);
      hw = step(hw, c);
      hp = step(hp, c);
      hs = step(hs, c);
    }
    data[i] = hw;
    if (t.kind !== "word") continue;
    if (STOP_BY_HASH.get(hw) !== norm) data[contentAt + nContent++] = hw;
    if (pAt >= 0) data[pAt + wi] = hp;
    if (sAt >= 0) data[sAt + wi] = hs;
    wi++;
  }
  return { tokens, nWords, nContent, data, contentAt, pAt, sAt };
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
  if (opt.wordBigrams) {
    let left = BOS_STATE;
    for (let i = 0; i < n; i++) {
      const norm = (tokens[i] as Token).norm;
      buf.push(wh[i] as number, 1);
      let hb = left;
      let hl = P_BIGRAM;
      for (let k = 0; k < norm.length; k++) {
        const c = norm.charCodeAt(k);
        hb = step(hb, c);
        hl = step(hl, c);
      }
      left = step(hl, 32);
      buf.push(hb, 1);
    }
    if (n > 0) buf.push(hashFrom(left, EOS), 1);
  } else {
    for (let i = 0; i < n; i++) buf.push(wh[i] as number, 1);
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
    const sh = same.sAt >= 0 ? same : turnHashes(same.tokens, false, true);
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
    const prevWords = new Set<number>();
    const pd = prev.data;
    for (let i = prev.contentAt; i < prev.contentAt + prev.nContent; i++) {
      prevWords.add(pd[i] as number);
    }
    if (opt.contextWords) {
      const ph = prev.pAt >= 0 ? prev : turnHashes(ptoks, true, false);
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
