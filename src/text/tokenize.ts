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

const APOSTROPHES = new Set(["'", "\u2019", "\u2018", "\u02bc"]);

function isWordChar(code: number): boolean {
  // ASCII letters and digits, and every non-ASCII letter or number (\p{L}\p{N} without a regex per char).
  if (code >= 97 && code <= 122) return true;
  if (code >= 65 && code <= 90) return true;
  if (code >= 48 && code <= 57) return true;
  if (code < 128) return false;
  return WORD_RE.test(String.fromCharCode(code));
}
const WORD_RE = /[\p{L}\p{N}\p{M}]/u;

function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 160 ||
    code === 0x2028 ||
    code === 0x2029 ||
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
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isWordChar(c)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isWordChar(d)) {
          i++;
          continue;
        }
        const ch = text[i] as string;
        if (
          (APOSTROPHES.has(ch) || ch === "-") &&
          i + 1 < n &&
          isWordChar(text.charCodeAt(i + 1))
        ) {
          i += 2;
          continue;
        }
        break;
      }
      let norm = text.slice(start, i).toLowerCase();
      if (norm.includes("\u2019") || norm.includes("\u2018") || norm.includes("\u02bc")) {
        norm = norm.replace(/[\u2019\u2018\u02bc]/g, "'");
      }
      out.push({ norm, start, end: i, kind: "word" });
      continue;
    }
    // A surrogate pair is one punctuation token (an emoji, say), never split in half.
    const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    const raw = text.slice(i, i + width);
    const norm = APOSTROPHES.has(raw) ? "'" : raw === "\u201c" || raw === "\u201d" ? '"' : raw;
    out.push({ norm, start: i, end: i + width, kind: "punct" });
    i += width;
  }
  return out;
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
