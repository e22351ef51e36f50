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
  scan(text, out);
  return out;
}

/** Character classes of the ASCII range: 0 punctuation, 1 space, 2 word character. */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_CLASS[c] = isSpace(c) ? 1 : isWordChar(c) ? 2 : 0;

/** Pushes the tokens of `text` onto `out`. */
function scan(text: string, out: Token[]): void {
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
        i++;
        if (joiner) {
          const e = text.charCodeAt(i);
          if (e >= 128) ascii = false;
          else if (e >= 65 && e <= 90) upper = true;
          i++;
        }
      }
      let norm: string;
      if (ascii) norm = upper ? text.slice(start, i).toLowerCase() : text.slice(start, i);
      else {
        norm = text.slice(start, i).toLowerCase();
        if (norm.includes("\u2019") || norm.includes("\u2018") || norm.includes("\u02bc")) {
          norm = norm.replace(/[\u2019\u2018\u02bc]/g, "'");
        }
      }
      out.push({ norm, start, end: i, kind: "word" });
      continue;
    }
    // A surrogate pair is one punctuation token (an emoji, say), never split in half.
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    const raw = width === 1 ? (text[i] as string) : text.slice(i, i + width);
    const norm = isApostrophe(c) ? "'" : c === 0x201c || c === 0x201d ? '"' : raw;
    out.push({ norm, start: i, end: i + width, kind: "punct" });
    i += width;
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
