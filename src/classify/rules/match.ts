import { wildcardBudgetIssue } from "../../codebook/limits.js";
import { CodebookError, type Issue } from "../../core/errors.js";
import { type Cue, MAX_CUE_WEIGHT } from "../../core/schemas.js";
import { type Token, tokenize } from "../../text/tokenize.js";
import {
  AUX_WORDS,
  DISCOURSE,
  FIRST_PERSON,
  HOW_CLOSED,
  OPEN_INVITATIONS,
  SECOND_PERSON,
  SENTENCE_END,
  STOPWORDS,
  SUBJECTS,
  stem,
  WH_WORDS,
} from "./lexicon.js";

/** A half-open character span of the utterance and the name of the cue it supports. */
export interface CueSpan {
  readonly start: number;
  readonly end: number;
  readonly cue: string;
}

/**
 * One cue that fired: its index in the cue list, its kind, its weight and where in the text.
 * @category Classifiers
 */
export interface FiredCue {
  readonly index: number;
  readonly kind: Cue["kind"];
  /** A name for the cue (its code, kind and phrase), never utterance text. */
  readonly name: string;
  readonly weight: number;
  readonly spans: readonly CueSpan[];
}

/**
 * The context a cue is matched in: the text of the client's previous turn, for mirroring.
 * @category Classifiers
 */
export interface CueContext {
  readonly previousClientText?: string;
}

/** The most spans kept per cue (a 1 MB utterance must not make a 1 MB evidence list). */
const MAX_SPANS_PER_CUE = 16;

// ---------------------------------------------------------------------------------------------
// Phrases and literal token patterns: an Aho–Corasick automaton over tokens. Token patterns with
// `*`: a bit-parallel (shift-and) automaton, its size capped by MAX_WILDCARD_PATTERN_TOKENS.

const ANY = "\u0000*";

interface Terminal {
  readonly cue: number;
  readonly at: "start" | "end" | "anywhere";
  readonly name: string;
}

interface TrieNode {
  readonly next: Map<string, TrieNode>;
  out: Terminal[];
  /** Tokens from the root to this node. */
  readonly depth: number;
  /**
   * The failure link: the node of the longest proper suffix of this node's token sequence that is
   * in the trie (the root for the root's children; undefined for the root).
   */
  fail: TrieNode | undefined;
  /** The nearest node with terminals on the failure chain (the dictionary suffix link). */
  dict: TrieNode | undefined;
  /** The match run (see `runCues`) in which all this node's terminals were found spent. */
  dead: number;
  /** In match run `skipRun`: a later node of the dictionary chain to go on from, when dead. */
  skip: TrieNode | undefined;
  skipRun: number;
}

const node = (depth: number): TrieNode => ({
  next: new Map(),
  out: [],
  depth,
  fail: undefined,
  dict: undefined,
  dead: 0,
  skip: undefined,
  skipRun: 0,
});

/** Sets the failure and dictionary links of a trie, breadth first (Aho & Corasick 1975). */
function linkTrie(root: TrieNode): void {
  const queue: TrieNode[] = [];
  for (const c of root.next.values()) {
    c.fail = root;
    queue.push(c);
  }
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q] as TrieNode;
    for (const [key, v] of u.next) {
      let f = u.fail;
      while (f !== undefined && !f.next.has(key)) f = f.fail;
      const to = f === undefined ? root : (f.next.get(key) as TrieNode);
      v.fail = to;
      v.dict = to.out.length > 0 ? to : to.dict;
      queue.push(v);
    }
  }
}

/**
 * Token patterns with `*` as one shift-and automaton (Baeza-Yates & Gonnet 1992): bit b of the
 * state is set after token j when the pattern element at b, and the elements before it in its
 * pattern, match the tokens that end at j. Each pattern has its own run of bits.
 */
interface WildcardSet {
  /** 32-bit words per state. */
  readonly words: number;
  /** The first bit of each pattern (a match may start at any token). */
  readonly startBits: Int32Array;
  /** The last bit of each pattern (a match ends here). */
  readonly endBits: Int32Array;
  /** The bits of `*` elements: what any token keeps. */
  readonly anyMask: Int32Array;
  /** By token form: the bits of the elements that are that token. */
  readonly masks: Map<string, Int32Array>;
  /** All zeros: the mask of a token that is no element. */
  readonly noMask: Int32Array;
  /** By end bit: the pattern that ends there. */
  readonly endOwner: WildcardPattern[];
}

/** A token pattern with `*` (as tokens, ANY for `*`), its cue and its span name. */
interface WildcardPattern {
  readonly seq: readonly string[];
  readonly cue: number;
  readonly name: string;
}

function wildcardSet(patterns: readonly WildcardPattern[]): WildcardSet | undefined {
  let bits = 0;
  for (const p of patterns) bits += p.seq.length;
  if (bits === 0) return undefined;
  const words = Math.ceil(bits / 32);
  const set = (m: Int32Array, b: number) => {
    m[b >>> 5] = (m[b >>> 5] as number) | (1 << (b & 31));
  };
  const w: WildcardSet = {
    words,
    startBits: new Int32Array(words),
    endBits: new Int32Array(words),
    anyMask: new Int32Array(words),
    masks: new Map(),
    noMask: new Int32Array(words),
    endOwner: [],
  };
  let b = 0;
  for (const p of patterns) {
    set(w.startBits, b);
    for (const t of p.seq) {
      let m = t === ANY ? w.anyMask : w.masks.get(t);
      if (!m) {
        m = new Int32Array(words);
        w.masks.set(t, m);
      }
      set(m, b++);
    }
    set(w.endBits, b - 1);
    w.endOwner[b - 1] = p;
  }
  return w;
}

/**
 * Cues compiled once for matching: phrases and literal token patterns in one Aho–Corasick
 * automaton over tokens, token patterns with `*` in one bit-parallel automaton, the rest as
 * per-kind lists. Matching a text is one tokenisation plus one pass of each automaton, so time is
 * linear in the text (plus the matches, of which at most 16 per cue are kept) whatever the
 * phrases; the `*` patterns add at most `MAX_WILDCARD_PATTERN_TOKENS / 32` words of work per token.
 * @internal
 */
export interface CompiledCues {
  readonly cues: readonly { readonly cue: Cue; readonly name: string; readonly weight: number }[];
  readonly root: TrieNode;
  /** By cue: its longest phrase (or literal pattern), in tokens. */
  readonly maxLen: Int32Array;
  readonly wildcards: WildcardSet | undefined;
  readonly hasMirroring: boolean;
  /** Each cue's kind as a small integer (see `KIND_CODE`), so that matching compares numbers. */
  readonly kinds: Uint8Array;
  /** Arrays reused from one utterance to the next by whoever owns these cues (one classifier). */
  readonly scratch: MatchScratch;
}

/** A cue kind as a small integer (phrases and token patterns both match through the automata). */
const KIND_CODE: Readonly<Record<Cue["kind"], number>> = {
  phrase: 0,
  tokens: 0,
  question: 1,
  pronoun: 2,
  mirroring: 3,
  length: 4,
};

function normToken(t: string): string {
  const toks = tokenize(t);
  return toks.length === 1 ? (toks[0] as Token).norm : t.toLowerCase();
}

/**
 * Checks every cue weight is a finite number within ±{@link MAX_CUE_WEIGHT}, so that every sum of
 * weights is finite; throws a `CodebookError` whose issues name each bad weight's path
 * (`paths[i]`, default `["cues", i]`, then `"weight"`). For cues that did not go through
 * `parseCodebook` (a codebook object built in code, or `matchCues`).
 * @internal
 */
export function checkCueWeights(
  cues: readonly Cue[],
  paths?: readonly (readonly PropertyKey[])[],
): void {
  const issues: Issue[] = [];
  cues.forEach((cue, i) => {
    const w: unknown = (cue as { weight?: unknown }).weight;
    if (w === undefined) return;
    if (typeof w === "number" && Number.isFinite(w) && Math.abs(w) <= MAX_CUE_WEIGHT) return;
    issues.push({
      code: "bad_cue",
      path: [...(paths?.[i] ?? ["cues", i]), "weight"],
      message: `a cue weight must be a finite number between -${MAX_CUE_WEIGHT} and ${MAX_CUE_WEIGHT} (got ${
        typeof w === "number" ? String(w) : typeof w
      })`,
    });
  });
  if (issues.length > 0) throw new CodebookError(issues);
}

/**
 * Compiles cues. `prefixes[i]` is the cue's name prefix (e.g. its code id), `paths[i]` where it is
 * in its input (for errors; default `["cues", i]`).
 * @throws {CodebookError} `bad_cue` for a weight that is not finite or beyond
 *   ±{@link MAX_CUE_WEIGHT}, or when the token patterns with `*` hold more than
 *   `MAX_WILDCARD_PATTERN_TOKENS` tokens in all.
 * @internal
 */
export function compileCues(
  cues: readonly Cue[],
  prefixes?: readonly string[],
  paths?: readonly (readonly PropertyKey[])[],
): CompiledCues {
  checkCueWeights(cues, paths);
  const budget = wildcardBudgetIssue(
    cues.map((cue, i) => ({ cue, path: paths?.[i] ?? ["cues", i] })),
  );
  if (budget) throw new CodebookError([budget]);
  const root = node(0);
  const maxLen = new Int32Array(cues.length);
  let hasMirroring = false;
  const out: { cue: Cue; name: string; weight: number }[] = [];
  const patterns: WildcardPattern[] = [];
  cues.forEach((cue, i) => {
    const prefix = prefixes?.[i] ?? `cue${i}`;
    const weight = cue.weight ?? 1;
    out.push({ cue, name: `${prefix}:${cue.kind}`, weight });
    const add = (seq: readonly string[], at: Terminal["at"], name: string) => {
      if (seq.length === 0) return;
      let n = root;
      for (const t of seq) {
        let c = n.next.get(t);
        if (!c) {
          c = node(n.depth + 1);
          n.next.set(t, c);
        }
        n = c;
      }
      n.out.push({ cue: i, at, name });
      if (seq.length > (maxLen[i] as number)) maxLen[i] = seq.length;
    };
    if (cue.kind === "phrase") {
      for (const p of cue.phrases)
        add(
          tokenize(p).map((t) => t.norm),
          cue.at ?? "anywhere",
          `${prefix}:phrase "${p}"`,
        );
    } else if (cue.kind === "tokens") {
      const seq = cue.pattern.map((t) => (t === "*" ? ANY : normToken(t)));
      const name = `${prefix}:tokens "${cue.pattern.join(" ")}"`;
      if (seq.includes(ANY)) patterns.push({ seq, cue: i, name });
      else add(seq, "anywhere", name);
    } else if (cue.kind === "mirroring") hasMirroring = true;
  });
  linkTrie(root);
  const kinds = Uint8Array.from(cues, (c) => KIND_CODE[c.kind]);
  return {
    cues: out,
    root,
    maxLen,
    wildcards: wildcardSet(patterns),
    hasMirroring,
    kinds,
    scratch: newMatchScratch(),
  };
}

// ---------------------------------------------------------------------------------------------
// Text analysis, done once per utterance

/** The question form of a sentence or an utterance. */
export type QuestionForm = "open" | "closed" | null;

/**
 * What the rules need to know about one utterance: its tokens, where sentences start (after
 * discourse markers), its question form and the spans that show it, its pronoun counts.
 * @internal
 */
export interface Analysis {
  readonly tokens: readonly Token[];
  /** Whether token i starts a sentence (for i < token count; the array may be longer). */
  readonly isStart: Uint8Array;
  /** The lexicon flags of token i (`W_*`; `W_WORD` marks a word), for i < token count. */
  readonly flags: Uint8Array;
  /** The stem of token i, for content words (undefined otherwise), for i < token count. */
  readonly stems: readonly (string | undefined)[];
  readonly lastWord: number;
  readonly wordCount: number;
  readonly question: QuestionForm;
  readonly openSpans: readonly { start: number; end: number }[];
  readonly closedSpans: readonly { start: number; end: number }[];
  /**
   * How many first- and second-person pronouns. The tokens themselves are found again from
   * `flags` only when a pronoun cue's spans are asked for (see `pronounTokens`): no per-utterance
   * token lists.
   */
  readonly firstCount: number;
  readonly secondCount: number;
}

/**
 * Arrays that analysing and matching reuse from one utterance to the next, owned by one set of
 * compiled cues (so by one classifier): an {@link Analysis} and a {@link MatchState} made with
 * them are valid until the same owner analyses or matches the next utterance. @internal
 */
export interface MatchScratch {
  isStart: Uint8Array;
  flags: Uint8Array;
  readonly stems: (string | undefined)[];
  /** The question spans of the utterance being analysed, made on the first of each. */
  open: { start: number; end: number }[] | undefined;
  closed: { start: number; end: number }[] | undefined;
  /** By cue: whether a phrase or token pattern matched, and whether it holds MAX_SPANS_PER_CUE spans. */
  phraseHit: Uint8Array;
  full: Uint8Array;
  /** The span lists of the utterance being matched, by cue; made on its first match. */
  spans: Map<number, CueSpan[]> | undefined;
  /** Shift-and state of the `*` patterns. */
  state: Int32Array;
  nextState: Int32Array;
  readonly mine: Set<string>;
  readonly shared: Set<string>;
  /** Counts matches: marks on trie nodes are valid in their own run only. */
  run: number;
  /** What the lexicon says of each short word form seen (bounded; see {@link wordInfo}). */
  readonly words: Map<string, WordInfo>;
}

/** Fresh, empty {@link MatchScratch}. @internal */
export function newMatchScratch(): MatchScratch {
  return {
    isStart: new Uint8Array(64),
    flags: new Uint8Array(64),
    stems: [],
    open: undefined,
    closed: undefined,
    phraseHit: new Uint8Array(64),
    full: new Uint8Array(64),
    spans: undefined,
    state: new Int32Array(0),
    nextState: new Int32Array(0),
    mine: new Set(),
    shared: new Set(),
    run: 0,
    words: new Map(),
  };
}

/** The question spans of an utterance that has none (never written to). */
const NO_QUESTION_SPANS: readonly { start: number; end: number }[] = [];

function startsWithSeq(tokens: readonly Token[], i: number, seq: readonly string[]): boolean {
  for (let k = 0; k < seq.length; k++) if (tokens[i + k]?.norm !== seq[k]) return false;
  return true;
}

/** The form of the sentence whose first content token is `tokens[i]`. */
function sentenceForm(tokens: readonly Token[], i: number, asked: boolean): QuestionForm {
  const w = tokens[i]?.norm;
  if (w === undefined) return asked ? "closed" : null;
  if (WH_WORDS.has(w)) {
    if ((w === "how" || w === "how's") && HOW_CLOSED.has(tokens[i + 1]?.norm ?? ""))
      return "closed";
    return "open";
  }
  for (const inv of OPEN_INVITATIONS) if (startsWithSeq(tokens, i, inv)) return "open";
  if (AUX_WORDS.has(w) && SUBJECTS.has(tokens[i + 1]?.norm ?? "")) return "closed";
  return asked ? "closed" : null;
}

/**
 * Analyses an utterance in one pass over its tokens.
 * @internal
 */
export function analyse(
  text: string,
  tokens: readonly Token[] = tokenize(text),
  scratch: MatchScratch = newMatchScratch(),
): Analysis {
  const n = tokens.length;
  // The scratch's arrays, reused by the owner's next analysis: an analysis is used before then.
  if (scratch.isStart.length < n)
    scratch.isStart = new Uint8Array(Math.max(n, 2 * scratch.isStart.length));
  const isStart = scratch.isStart;
  isStart.fill(0, 0, n);
  if (scratch.flags.length < n)
    scratch.flags = new Uint8Array(Math.max(n, 2 * scratch.flags.length));
  // Entries at n and beyond are stale: never read.
  const flagsOf = scratch.flags;
  const stems = scratch.stems;
  let firstCount = 0;
  let secondCount = 0;
  let lastWord = -1;
  let wordCount = 0;
  // Made on the first question span only (most utterances have none).
  scratch.open = undefined;
  scratch.closed = undefined;
  let sentenceStart = 0;
  let contentStart = -1;
  for (let i = 0; i < n; i++) {
    const t = tokens[i] as Token;
    if (i === sentenceStart) {
      isStart[i] = 1;
      contentStart = -1;
    }
    const isWord = t.kind === "word";
    let flags = 0;
    let st: string | undefined;
    if (isWord) {
      const info = wordInfo(t.norm, scratch.words);
      flags = info.flags | W_KNOWN;
      st = info.stem;
    }
    flagsOf[i] = flags;
    stems[i] = st;
    const isEnd = isWord ? (flags & W_END) !== 0 : isSentenceEnd(t.norm);
    if (isWord) {
      lastWord = i;
      wordCount++;
      if (flags & W_FIRST) firstCount++;
      else if (flags & W_SECOND) secondCount++;
    }
    if (contentStart < 0) {
      if ((flags & W_DISCOURSE) !== 0 || t.norm === "," || t.norm === "-") {
        // still in the sentence's lead-in; the next token is a start too
        if (i + 1 < n) isStart[i + 1] = 1;
      } else if (!isEnd) contentStart = i;
    }
    if (isEnd) {
      closeSentence(scratch, tokens, contentStart, i, t.norm === "?", false);
      sentenceStart = i + 1;
      contentStart = -1;
    }
  }
  if (sentenceStart < n) closeSentence(scratch, tokens, contentStart, n - 1, false, true);
  const openSpans = scratch.open ?? NO_QUESTION_SPANS;
  const closedSpans = scratch.closed ?? NO_QUESTION_SPANS;
  scratch.open = undefined;
  scratch.closed = undefined;
  const question: QuestionForm =
    openSpans.length > 0 ? "open" : closedSpans.length > 0 ? "closed" : null;
  return {
    tokens,
    isStart,
    flags: flagsOf,
    stems,
    lastWord,
    wordCount,
    question,
    openSpans,
    closedSpans,
    firstCount,
    secondCount,
  };
}

/** `SENTENCE_END.has(norm)` for a punctuation token, by its code unit. */
function isSentenceEnd(norm: string): boolean {
  if (norm.length !== 1) return false;
  const c = norm.charCodeAt(0);
  return c === 46 || c === 33 || c === 63 || c === 0x2026 || c === 59;
}

/**
 * Ends the sentence whose content starts at token `contentStart` and ends at token `endIdx`
 * (inclusive): adds its span to the open or closed question spans when it is a question.
 */
function closeSentence(
  qs: MatchScratch,
  tokens: readonly Token[],
  contentStart: number,
  endIdx: number,
  asked: boolean,
  isLast: boolean,
): void {
  if (contentStart < 0 || contentStart > endIdx) return;
  // Without a question mark, only an open invitation or a wh-/aux-start of the final,
  // unpunctuated sentence counts as a question.
  const form = sentenceForm(tokens, contentStart, asked);
  if (form === null) return;
  if (!asked && !isLast) return;
  const span = {
    start: (tokens[contentStart] as Token).start,
    end: (tokens[endIdx] as Token).end,
  };
  if (form === "open") {
    qs.open ??= [];
    qs.open.push(span);
  } else {
    qs.closed ??= [];
    qs.closed.push(span);
  }
}

/** The first- (`flag` W_FIRST) or second-person (W_SECOND) pronoun tokens, at most `max`. */
function pronounTokens(a: Analysis, flag: number, max: number): Token[] {
  const out: Token[] = [];
  const n = a.tokens.length;
  for (let i = 0; i < n && out.length < max; i++) {
    // As in `analyse`: a word that is both counts as first person.
    const f = (a.flags[i] as number) & (W_FIRST | W_SECOND);
    if ((f & W_FIRST ? W_FIRST : f) === flag) out.push(a.tokens[i] as Token);
  }
  return out;
}

// What the lexicon says of a word form, looked up once per form instead of once per set per
// occurrence, in a map owned by the caller's MatchScratch (so by one set of compiled cues, not the
// module). Only short forms are kept (bounded), so that no kept key can be a view into a whole
// input text; other words are looked up directly.
const W_FIRST = 1;
const W_SECOND = 2;
const W_END = 4;
const W_DISCOURSE = 8;
const W_STOP = 16;
/** Set for every word token (so that a word's flags are never 0: 0 means "not looked up yet"). */
const W_KNOWN = 32;
/** What the lexicon says of a word form. @internal */
export interface WordInfo {
  readonly flags: number;
  /** The stem, for content words (undefined for stop words). */
  readonly stem: string | undefined;
}
const WORD_CACHE_MAX = 50_000;
function lookUpWord(word: string): WordInfo {
  const stop = STOPWORDS.has(word);
  return {
    flags:
      (FIRST_PERSON.has(word) ? W_FIRST : 0) |
      (SECOND_PERSON.has(word) ? W_SECOND : 0) |
      (SENTENCE_END.has(word) ? W_END : 0) |
      (DISCOURSE.has(word) ? W_DISCOURSE : 0) |
      (stop ? W_STOP : 0),
    stem: stop ? undefined : stem(word),
  };
}
/** The lexicon facts of a word token's form, remembered in `words` (when given). */
function wordInfo(word: string, words: Map<string, WordInfo> | undefined): WordInfo {
  let w = words?.get(word);
  if (w === undefined) {
    w = lookUpWord(word);
    if (words && word.length <= 12 && words.size < WORD_CACHE_MAX) words.set(word, w);
  }
  return w;
}

/** The distinct content-word stems of a text (for mirroring). @internal */
export function contentStems(tokens: readonly Token[], words?: Map<string, WordInfo>): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== "word") continue;
    const st = wordInfo(t.norm, words).stem;
    if (st !== undefined) out.add(st);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matching

/**
 * The cues that fired on one utterance, with what is needed to give their spans on demand (spans
 * are built only for the cues a classifier reports, not for every cue that fired).
 * @internal
 */
export interface MatchState {
  /** Indices (into `compiled.cues`) of the cues that fired, ascending. */
  readonly fired: number[];
  /** Spans of phrase/token-pattern matches, by cue index. */
  readonly phraseSpans: ReadonlyMap<number, CueSpan[]>;
  /** Share of content words shared with the client's previous turn, and those tokens. */
  readonly overlap: number;
  readonly overlapTokens: readonly Token[];
}

/** The overlap tokens of an utterance that shares no word (never written to). */
const NO_TOKENS: Token[] = [];
/** The phrase spans of an utterance on which no phrase matched (never written to). */
const NO_SPANS: ReadonlyMap<number, CueSpan[]> = new Map();

/**
 * Adds the span [start, end) of cue `name` to a cue's list, kept in (start, end) order (stable:
 * after equal spans) and to its first MAX_SPANS_PER_CUE: the spans a walk from each token in turn
 * would have found first. Matches arrive by end, so most are past the last kept span and cost one
 * comparison (and no allocation).
 */
function keepSpan(list: CueSpan[], start: number, end: number, name: string): void {
  let k = list.length;
  while (k > 0) {
    const prev = list[k - 1] as CueSpan;
    if (prev.start < start || (prev.start === start && prev.end <= end)) break;
    k--;
  }
  if (k >= MAX_SPANS_PER_CUE) return;
  const span = { start, end, cue: name };
  if (k === list.length) list.push(span);
  else list.splice(k, 0, span);
  if (list.length > MAX_SPANS_PER_CUE) list.pop();
}

/** The spans of a cue that has some, in the utterance being matched. */
function spansOfCue(sc: MatchScratch, cue: number): CueSpan[] {
  return (sc.spans as Map<number, CueSpan[]>).get(cue) as CueSpan[];
}

/** Records a match of cue `cue` from token `from` to token `to` in `sc.spans`. */
function recordSpan(sc: MatchScratch, cue: number, from: Token, to: Token, name: string): void {
  sc.spans ??= new Map();
  let list = sc.spans.get(cue);
  if (!list) {
    list = [];
    sc.spans.set(cue, list);
    sc.phraseHit[cue] = 1;
  }
  keepSpan(list, from.start, to.end, name);
  if (list.length >= MAX_SPANS_PER_CUE) sc.full[cue] = 1;
}

/** The node after `o` on its dictionary chain in match run `run`, past dead nodes. */
const nextOf = (o: TrieNode, run: number) => (o.skipRun === run ? o.skip : o.dict);

/** The next node after dead node `o` on its dictionary chain that is not known to be dead. */
function after(o: TrieNode, run: number): TrieNode | undefined {
  let x = nextOf(o, run);
  while (x !== undefined && x.dead === run) x = nextOf(x, run);
  // Path compression: every dead node passed on the way now jumps straight to x.
  for (let y: TrieNode | undefined = o; y !== undefined && y !== x && y.dead === run; ) {
    const z = nextOf(y, run);
    y.skip = x;
    y.skipRun = run;
    y = z;
  }
  return x;
}

/**
 * Runs compiled cues over an analysed utterance.
 * @internal
 */
export function runCues(
  compiled: CompiledCues,
  a: Analysis,
  previousStems: ReadonlySet<string> | undefined,
): MatchState {
  // Which phrase/token-pattern cues matched, and which hold MAX_SPANS_PER_CUE spans (scratch,
  // read before this function returns).
  const sc = compiled.scratch;
  if (sc.phraseHit.length < compiled.cues.length) {
    sc.phraseHit = new Uint8Array(compiled.cues.length * 2);
    sc.full = new Uint8Array(compiled.cues.length * 2);
  }
  const phraseHit = sc.phraseHit;
  phraseHit.fill(0, 0, compiled.cues.length);
  const full = sc.full;
  full.fill(0, 0, compiled.cues.length);
  // Made on the first phrase match only: most utterances match none.
  sc.spans = undefined;
  const tokens = a.tokens;
  const n = tokens.length;
  // Phrases and literal patterns: one Aho–Corasick pass (each token steps forward once, and
  // failure links are followed at most as often as steps were taken).
  const root = compiled.root;
  if (root.next.size > 0) {
    // A cue is spent once it holds MAX_SPANS_PER_CUE spans and no match ending at token j or later
    // can sort before its last (even its longest phrase would start after that span): spent cues
    // are skipped, and a node whose terminals are all spent is cut out of the dictionary chains
    // for the rest of the utterance. So nested or repeated phrases that match at every token cost
    // their first few matches, not one step per match.
    const run = ++sc.run;
    const maxLen = compiled.maxLen;
    let st = root;
    for (let j = 0; j < n; j++) {
      const norm = (tokens[j] as Token).norm;
      let nx: TrieNode | undefined;
      for (;;) {
        nx = st.next.get(norm);
        if (st === root || nx !== undefined) break;
        st = st.fail as TrieNode;
      }
      st = nx ?? root;
      // Every phrase that ends at token j: this node's, then its dictionary suffix chain's.
      let o = st.out.length > 0 ? st : st.dict;
      while (o !== undefined) {
        if (o.dead === run) {
          o = after(o, run);
          continue;
        }
        const i = j - o.depth + 1;
        let live = false;
        for (let t = 0; t < o.out.length; t++) {
          const term = o.out[t] as Terminal;
          const cue = term.cue;
          if (full[cue] === 1) {
            // Spent when even its longest phrase, ending at j or later, would start after its
            // last span.
            const first = j + 1 - (maxLen[cue] as number);
            const list = spansOfCue(sc, cue);
            if (
              (list[MAX_SPANS_PER_CUE - 1] as CueSpan).start <=
              (tokens[Math.max(first, 0)] as Token).start
            )
              continue;
          }
          live = true;
          if (term.at === "start" && !a.isStart[i]) continue;
          if (term.at === "end" && j < a.lastWord) continue;
          recordSpan(sc, cue, tokens[i] as Token, tokens[j] as Token, term.name);
        }
        if (!live) {
          o.dead = run;
          o = after(o, run);
        } else o = nextOf(o, run);
      }
    }
  }
  // Token patterns with `*`: one shift-and pass, `words` words of work per token.
  const wc = compiled.wildcards;
  if (wc !== undefined && n > 0) {
    const W = wc.words;
    if (sc.state.length < W) {
      sc.state = new Int32Array(W);
      sc.nextState = new Int32Array(W);
    }
    let cur = sc.state;
    let nxt = sc.nextState;
    cur.fill(0, 0, W);
    const { startBits, anyMask, masks, noMask, endOwner } = wc;
    // A pattern's matches come in order of start, so once its cue holds MAX_SPANS_PER_CUE spans
    // no later match can be kept: its end bit is cleared, and a pattern that matches at every
    // token costs nothing more after its first spans.
    const endBits = wc.endBits.slice();
    for (let j = 0; j < n; j++) {
      const m = masks.get((tokens[j] as Token).norm) ?? noMask;
      let carry = 0;
      let ends = 0;
      for (let w = 0; w < W; w++) {
        const d = cur[w] as number;
        const x =
          ((d << 1) | carry | (startBits[w] as number)) &
          ((anyMask[w] as number) | (m[w] as number));
        carry = d >>> 31;
        nxt[w] = x;
        ends |= x & (endBits[w] as number);
      }
      const swap = cur;
      cur = nxt;
      nxt = swap;
      if (ends === 0) continue;
      for (let w = 0; w < W; w++) {
        let e = (cur[w] as number) & (endBits[w] as number);
        while (e !== 0) {
          const low = e & -e;
          const p = endOwner[w * 32 + 31 - Math.clz32(low)] as WildcardPattern;
          recordSpan(sc, p.cue, tokens[j + 1 - p.seq.length] as Token, tokens[j] as Token, p.name);
          if (full[p.cue] === 1) endBits[w] = (endBits[w] as number) & ~low;
          e ^= low;
        }
      }
    }
    sc.state = cur;
    sc.nextState = nxt;
  }
  // Mirroring: the share of this utterance's content words that the client just used.
  let overlap = 0;
  let overlapTokens: Token[] = NO_TOKENS;
  if (compiled.hasMirroring && previousStems && previousStems.size > 0) {
    const mine = sc.mine;
    const shared = sc.shared;
    mine.clear();
    shared.clear();
    const stems = a.stems;
    for (let i = 0; i < n; i++) {
      const st = stems[i];
      if (st === undefined) continue;
      const t = tokens[i] as Token;
      mine.add(st);
      if (previousStems.has(st)) {
        shared.add(st);
        if (overlapTokens === NO_TOKENS) overlapTokens = [];
        if (overlapTokens.length < MAX_SPANS_PER_CUE) overlapTokens.push(t);
      }
    }
    overlap = mine.size > 0 ? shared.size / mine.size : 0;
    // Keep no word of the utterance after the call.
    mine.clear();
    shared.clear();
  }
  const fired: number[] = [];
  const cues = compiled.cues;
  const kinds = compiled.kinds;
  for (let i = 0; i < cues.length; i++) {
    const kind = kinds[i] as number;
    // Phrases and token patterns (most cues) by their hit flag, without reading the cue.
    if (kind === 0) {
      if (phraseHit[i] === 1) fired.push(i);
      continue;
    }
    const cue = (cues[i] as CompiledCues["cues"][number]).cue;
    let ok = false;
    switch (cue.kind) {
      case "question":
        ok = cue.form === "any" ? a.question !== null : a.question === cue.form;
        break;
      case "pronoun":
        ok = (cue.person === "first" ? a.firstCount : a.secondCount) >= (cue.min ?? 1);
        break;
      case "mirroring":
        ok = overlap >= cue.min && overlap > 0;
        break;
      case "length":
        ok = a.wordCount >= (cue.min ?? 0) && (cue.max === undefined || a.wordCount <= cue.max);
        break;
    }
    if (ok) fired.push(i);
  }
  const phraseSpans = sc.spans ?? NO_SPANS;
  sc.spans = undefined;
  return { fired, phraseSpans, overlap, overlapTokens };
}

/**
 * The character spans of one fired cue.
 * @internal
 */
export function spansOf(
  compiled: CompiledCues,
  a: Analysis,
  state: MatchState,
  index: number,
): CueSpan[] {
  const entry = compiled.cues[index];
  if (!entry) return [];
  const { cue, name } = entry;
  switch (cue.kind) {
    case "phrase":
    case "tokens":
      return state.phraseSpans.get(index) ?? [];
    case "question": {
      const src =
        cue.form === "open"
          ? a.openSpans
          : cue.form === "closed"
            ? a.closedSpans
            : [...a.openSpans, ...a.closedSpans];
      return src.slice(0, MAX_SPANS_PER_CUE).map((x) => ({ ...x, cue: `${name} ${cue.form}` }));
    }
    case "pronoun":
      return pronounTokens(a, cue.person === "first" ? W_FIRST : W_SECOND, MAX_SPANS_PER_CUE).map(
        (t) => ({ start: t.start, end: t.end, cue: `${name} ${cue.person}` }),
      );
    case "mirroring":
      return state.overlapTokens.map((t) => ({
        start: t.start,
        end: t.end,
        cue: `${name} ${state.overlap.toFixed(2)}`,
      }));
    case "length": {
      const last = a.tokens[a.tokens.length - 1];
      return last ? [{ start: 0, end: last.end, cue: `${name} ${a.wordCount}` }] : [];
    }
  }
}

/**
 * Matches a list of cues against one utterance and returns the cues that fired and their summed
 * weight. `context.previousClientText` is the client's previous turn (for `mirroring` cues). Time
 * is linear in the text. Use it to test a code's cues while writing them; the rules classifier
 * compiles a whole codebook once and does the same for every utterance.
 * @throws {CodebookError} for a weight that is not a finite number within ±{@link MAX_CUE_WEIGHT}
 * (path `cues[i].weight`).
 * @example
 * matchCues([{ kind: "phrase", phrases: ["makes sense"] }], "That makes sense to me.").score; // 1
 * @category Classifiers
 */
export function matchCues(
  cues: readonly Cue[],
  text: string,
  context: CueContext = {},
): { score: number; fired: FiredCue[] } {
  const compiled = compileCues(cues);
  const prev =
    context.previousClientText !== undefined
      ? contentStems(tokenize(context.previousClientText))
      : undefined;
  const a = analyse(text);
  const state = runCues(compiled, a, prev);
  let score = 0;
  const fired = state.fired.map((i) => {
    const { cue, name, weight } = compiled.cues[i] as CompiledCues["cues"][number];
    score += weight;
    return { index: i, kind: cue.kind, name, weight, spans: spansOf(compiled, a, state, i) };
  });
  return { score, fired };
}
