/**
 * A token of an utterance: its normalised form (lower case, curly quotes straightened) and its
 * half-open character span `[start, end)` in the original text.
 * @category Text
 */
export interface Token {
  readonly norm: string;
  readonly start: number;
  readonly end: number;
  /** `word` (letters, digits, inner apostrophes or hyphens), or `punct` (one punctuation character). */
  readonly kind: "word" | "punct";
}

function isApostrophe(code: number): boolean {
  return code === 39 || code === 0x2019 || code === 0x2018 || code === 0x02bc;
}

function isWordChar(code: number): boolean {
  // ASCII letters and digits, and every non-ASCII letter or number (\p{L}\p{N} without a regex per char).
  if (code >= 97 && code <= 122) return true;
  if (code >= 65 && code <= 90) return true;
  if (code >= 48 && code <= 57) return true;
  if (code < 128) return false;
  return WORD_RE.test(String.fromCharCode(code));
}
const WORD_RE = /[\p{L}\p{N}\p{M}]/u;

/** Unicode White_Space (what `\s` matches, plus NEL U+0085), and the BOM. */
function isSpace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

// Interned ASCII word forms: the same word gives the same string object every time, so that
// it is neither sliced nor lower-cased again, and the hash that Set and Map lookups compute for
// a string is computed once per word form instead of once per occurrence. The table is bounded
// (it stops growing when three quarters full, and holds words of at most 32 characters); other
// words are built as before. It holds copies of word forms only, never whole texts, and is never
// exposed.
const INTERN_BITS = 16;
const INTERN_CAP = 1 << INTERN_BITS;
const INTERN_MAX = (INTERN_CAP * 3) >> 2;
const internKeys = new Int32Array(INTERN_CAP);
const internForms: (string | undefined)[] = new Array(INTERN_CAP).fill(undefined);
let internCount = 0;
/** Longer words are not interned. */
const INTERN_MAX_LENGTH = 32;
/**
 * Slots looked at per word. Without a bound, words crafted to share hash buckets pile up into one
 * long probe run, and every later word that lands in it walks the run: a 442 kB text of such words
 * made every later 1 MB text tokenize 120 times slower, for the life of the process.
 */
const INTERN_MAX_PROBES = 8;

/** The intern slot of the form `internAscii` last returned, or -1 when it is not interned. */
let internSlot = -1;

/**
 * Token ids index per-form caches (arrays of this length) instead of looking word forms up in a
 * map: an interned ASCII word's id is its slot in the intern table, which never changes once
 * given (the table only grows, up to its bound); an ASCII punctuation token's id is
 * `INTERN_CAP` + its code unit; every other token's id is -1. @internal
 */
export const TOKEN_ID_COUNT = INTERN_CAP + 128;
/** The id of the ASCII punctuation token `c` is `PUNCT_ID + c` (a word's id is below). @internal */
export const PUNCT_ID = INTERN_CAP;

/**
 * The lower-cased form of the ASCII word `text[start, end)`, whose FNV-1a hash over the
 * lower-cased code units is `h`: the interned string when there is one (its slot in
 * `internSlot`, else -1).
 */
function internAscii(text: string, start: number, end: number, h: number): string {
  const len = end - start;
  const mask = INTERN_CAP - 1;
  let i = (h ^ (h >>> 16)) & mask;
  let free = -1;
  for (let probe = 0; probe < INTERN_MAX_PROBES; probe++) {
    const form = internForms[i];
    if (form === undefined) {
      free = i;
      break;
    }
    if (internKeys[i] === h && form.length === len) {
      let k = 0;
      for (; k < len; k++) {
        let c = text.charCodeAt(start + k);
        if (c >= 65 && c <= 90) c += 32;
        if (form.charCodeAt(k) !== c) break;
      }
      if (k === len) {
        internSlot = i;
        return form;
      }
    }
    i = (i + 1) & mask;
  }
  // A fresh copy of the characters: a slice could keep the whole input text alive.
  const codes: number[] = new Array(len);
  for (let k = 0; k < len; k++) {
    const c = text.charCodeAt(start + k);
    codes[k] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  const form = String.fromCharCode(...codes);
  internSlot = -1;
  if (free >= 0 && internCount < INTERN_MAX) {
    internKeys[free] = h;
    internForms[free] = form;
    internCount++;
    internSlot = free;
  }
  return form;
}

/**
 * Splits text into word and punctuation tokens in one left-to-right pass (time linear in the
 * input, no regex backtracking). Apostrophes and hyphens inside a word stay in it ("don't",
 * "self-care"); every other non-space character is its own punctuation token.
 *
 * @example
 * tokenize("So you've tried, right?").map((t) => t.norm);
 * // => ["so", "you've", "tried", ",", "right", "?"]
 * @category Text
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  scan(text, out, undefined);
  return out;
}

/** Tokens and their ids (see {@link TOKEN_ID_COUNT}). @internal */
export interface Tokenized {
  readonly tokens: Token[];
  readonly ids: readonly number[];
}

/** {@link tokenize}, with each token's id. @internal */
export function tokenizeWithIds(text: string): Tokenized {
  const ids: number[] = [];
  const tokens: Token[] = [];
  scan(text, tokens, ids);
  return { tokens, ids };
}

/**
 * The id of the token whose norm is `norm` (a token's own norm, e.g. a trie key made by
 * tokenising a phrase), or -1 when `norm` is not one whole token with an id. The same norm always
 * gets the same id, so a user's token has this id exactly when its norm is `norm`. @internal
 */
export function tokenIdOf(norm: string): number {
  const { tokens, ids } = tokenizeWithIds(norm);
  return tokens.length === 1 && (tokens[0] as Token).norm === norm ? (ids[0] as number) : -1;
}

/** Character classes of the ASCII range: 0 punctuation, 1 space, 2 word character. */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_CLASS[c] = isSpace(c) ? 1 : isWordChar(c) ? 2 : 0;

/**
 * The tokens of the text last given to {@link scanTokens}, in reusable arrays: token `i` has id
 * `ids[i]` (see {@link TOKEN_ID_COUNT}), span `[starts[i], ends[i])`, is a word when `words[i]`
 * is 1, and has the norm `formOf(ids[i])`, or `norms[i]` when it has no id (-1). Valid until the
 * next scan; entries at or after `length` are stale. `norms` is set only for tokens without an
 * id: such a norm may be a slice that keeps the whole text alive, so {@link releaseTokens}
 * forgets them once the tokens are used. @internal
 */
export interface TokenScratch {
  length: number;
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  words: Uint8Array;
  norms: string[];
}

const scratch: TokenScratch = {
  length: 0,
  ids: new Int32Array(256),
  starts: new Int32Array(256),
  ends: new Int32Array(256),
  words: new Uint8Array(256),
  norms: [],
};
/** How many norms the last scan set (tokens without an id). */
let oddNorms = 0;

/** Forgets the norms of the last scan's tokens without an id (see {@link TokenScratch}). @internal */
export function releaseTokens(): void {
  if (oddNorms === 0) return;
  const { ids, norms } = scratch;
  for (let k = 0; k < scratch.length; k++) if ((ids[k] as number) < 0) norms[k] = "";
  oddNorms = 0;
}

/**
 * Lets the scratch arrays go back to their first size when a long text made them large and the
 * next text is short (so that one long text does not keep megabytes for the life of the process).
 */
function shrinkScratch(textLength: number): void {
  if (scratch.ids.length > 1 << 16 && textLength < 1 << 14) {
    releaseTokens();
    scratch.length = 0;
    scratch.ids = new Int32Array(256);
    scratch.starts = new Int32Array(256);
    scratch.ends = new Int32Array(256);
    scratch.words = new Uint8Array(256);
  }
}

/** Makes room for token `m` in the scratch arrays. */
function grow(m: number): void {
  const cap = Math.max(256, m * 2);
  const ids = new Int32Array(cap);
  ids.set(scratch.ids);
  scratch.ids = ids;
  const starts = new Int32Array(cap);
  starts.set(scratch.starts);
  scratch.starts = starts;
  const ends = new Int32Array(cap);
  ends.set(scratch.ends);
  scratch.ends = ends;
  const words = new Uint8Array(cap);
  words.set(scratch.words);
  scratch.words = words;
}

/**
 * Tokenises `text` into the shared {@link TokenScratch} (no Token objects: the linear model's
 * hot path reads ids and, for tokens without an id, norms). Same tokens as {@link tokenize}.
 * @internal
 */
export function scanTokens(text: string): TokenScratch {
  shrinkScratch(text.length);
  scratch.length = scan(text, undefined, undefined);
  return scratch;
}

/**
 * Tokenises `text`: pushes Token objects onto `out` (and their ids onto `ids`) when `out` is
 * given, else fills the scratch arrays; returns the scratch's token count (0 with `out`).
 */
function scan(text: string, out: Token[] | undefined, ids: number[] | undefined): number {
  releaseTokens();
  // A long text leaves a long array of blanked norms behind: start again small.
  if (scratch.norms.length > 4096) scratch.norms = [];
  let m = 0;
  const norms = scratch.norms;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cls = c < 128 ? (ASCII_CLASS[c] as number) : isSpace(c) ? 1 : isWordChar(c) ? 2 : 0;
    if (cls === 1) {
      i++;
      continue;
    }
    if (cls === 2) {
      const start = i;
      // FNV-1a over the lower-cased code units, for the intern table (ASCII words only).
      let h = Math.imul(0x811c9dc5 ^ (c >= 65 && c <= 90 ? c + 32 : c), 16777619);
      let ascii = c < 128;
      let upper = c >= 65 && c <= 90;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        let joiner = false;
        if (d < 128 ? ASCII_CLASS[d] !== 2 : !isWordChar(d)) {
          if ((isApostrophe(d) || d === 45) && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) {
            joiner = true;
          } else break;
        }
        if (d >= 128) ascii = false;
        else if (d >= 65 && d <= 90) upper = true;
        h = Math.imul(h ^ (d >= 65 && d <= 90 ? d + 32 : d), 16777619);
        i++;
        if (joiner) {
          const e = text.charCodeAt(i);
          if (e >= 128) ascii = false;
          else if (e >= 65 && e <= 90) upper = true;
          h = Math.imul(h ^ (e >= 65 && e <= 90 ? e + 32 : e), 16777619);
          i++;
        }
      }
      let norm: string;
      let id = -1;
      if (ascii && i - start <= INTERN_MAX_LENGTH) {
        norm = internAscii(text, start, i, h);
        id = internSlot;
      } else if (ascii) norm = upper ? text.slice(start, i).toLowerCase() : text.slice(start, i);
      else {
        norm = text.slice(start, i).toLowerCase();
        if (norm.includes("\u2019") || norm.includes("\u2018") || norm.includes("\u02bc")) {
          norm = norm.replace(/[\u2019\u2018\u02bc]/g, "'");
        }
      }
      if (out) {
        out.push({ norm, start, end: i, kind: "word" });
        if (ids) ids.push(id);
        continue;
      }
      if (m === scratch.ids.length) grow(m);
      scratch.ids[m] = id;
      scratch.starts[m] = start;
      scratch.ends[m] = i;
      scratch.words[m] = 1;
      if (id < 0) {
        // Stored at m: fill the gap first, so that the array stays packed.
        while (norms.length < m) norms.push("");
        norms[m] = norm;
        oddNorms++;
      }
      m++;
      continue;
    }
    // A surrogate pair is one punctuation token (an emoji, say), never split in half.
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    // An ASCII punctuation token's norm is its character (an apostrophe stays "'"), its id
    // INTERN_CAP + that character.
    if (out) {
      const raw = width === 1 ? (text[i] as string) : text.slice(i, i + width);
      const norm = isApostrophe(c) ? "'" : c === 0x201c || c === 0x201d ? '"' : raw;
      out.push({ norm, start: i, end: i + width, kind: "punct" });
      if (ids) ids.push(c < 128 ? INTERN_CAP + c : -1);
      i += width;
      continue;
    }
    if (m === scratch.ids.length) grow(m);
    scratch.ids[m] = c < 128 ? INTERN_CAP + c : -1;
    scratch.starts[m] = i;
    scratch.ends[m] = i + width;
    scratch.words[m] = 0;
    if (c >= 128) {
      const raw = width === 1 ? (text[i] as string) : text.slice(i, i + width);
      while (norms.length < m) norms.push("");
      norms[m] = isApostrophe(c) ? "'" : c === 0x201c || c === 0x201d ? '"' : raw;
      oddNorms++;
    }
    m++;
    i += width;
  }
  return m;
}

/**
 * The norm of every token with id `id` (≥ 0): its interned form, or its ASCII punctuation
 * character. @internal
 */
export function formOf(id: number): string {
  return id < INTERN_CAP ? (internForms[id] as string) : (PUNCT_FORMS[id - INTERN_CAP] as string);
}
const PUNCT_FORMS = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

// Within `shareTokens(fn)`, `tokenizedOf(turn)` tokenises each turn object once, however many
// classifiers look at it (the rapport default runs the linear model and the rules on the same
// utterances). The memo lives for that one synchronous call only.
let memo: Map<object, Tokenized> | undefined;

/**
 * `tokenizeWithIds(turn.text)`, memoised per turn object inside {@link shareTokens}. @internal
 */
export function tokenizedOf(turn: { readonly text: string }): Tokenized {
  if (memo === undefined) return tokenizeWithIds(turn.text);
  let t = memo.get(turn);
  if (t === undefined) {
    t = tokenizeWithIds(turn.text);
    memo.set(turn, t);
  }
  return t;
}

/**
 * The tokens of `turn.text` in the shared {@link TokenScratch}: copied from the memoised
 * tokens inside {@link shareTokens} (where other classifiers need Token objects anyway), else
 * scanned without making Token objects. Valid until the next scan. @internal
 */
export function scanTurn(turn: { readonly text: string }): TokenScratch {
  if (memo === undefined) return scanTokens(turn.text);
  const { tokens, ids } = tokenizedOf(turn);
  shrinkScratch(turn.text.length);
  releaseTokens();
  const m = tokens.length;
  if (m > scratch.ids.length) grow(m);
  if (scratch.norms.length > 4096) scratch.norms = [];
  const norms = scratch.norms;
  for (let k = 0; k < m; k++) {
    const t = tokens[k] as Token;
    const id = ids[k] as number;
    scratch.ids[k] = id;
    scratch.starts[k] = t.start;
    scratch.ends[k] = t.end;
    scratch.words[k] = t.kind === "word" ? 1 : 0;
    if (id < 0) {
      while (norms.length < k) norms.push("");
      norms[k] = t.norm;
      oddNorms++;
    }
  }
  scratch.length = m;
  return scratch;
}

/**
 * `tokenize(turn.text)`, memoised per turn object inside {@link shareTokens}. @internal
 */
export function tokensOf(turn: { readonly text: string }): Token[] {
  return memo === undefined ? tokenize(turn.text) : tokenizedOf(turn).tokens;
}

/**
 * Runs `fn` with {@link tokensOf} and {@link tokenizedOf} memoising tokens per turn object, and
 * forgets them after.
 * @internal
 */
export function shareTokens<T>(fn: () => T): T {
  if (memo !== undefined) return fn();
  memo = new Map();
  try {
    return fn();
  } finally {
    memo = undefined;
  }
}

/**
 * The normalised word tokens of a text (punctuation dropped).
 * @example
 * words("Mm-hmm. Right!"); // => ["mm-hmm", "right"]
 * @category Text
 */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) if (t.kind === "word") out.push(t.norm);
  return out;
}
