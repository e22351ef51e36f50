/**
 * Escaping for text that goes into the HTML report. Utterance text is the user's own data, but it is
 * untrusted markup: every piece of it is escaped before it reaches the page, in text and attributes.
 * @module
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

// One character class, no quantifier: linear time, no backtracking.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
const UNSAFE = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Escapes `&`, `<`, `>`, `"` and `'` so that a string is safe as HTML/SVG text and as a quoted
 * attribute value. Control characters other than tab, newline and carriage return (which HTML does
 * not allow) are replaced by U+FFFD. Linear time.
 * @category Report
 * @example
 * escapeHtml('<script>alert("x")</script>');
 * // => '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(UNSAFE, (ch) => ENTITIES[ch] ?? "\ufffd");
}

/**
 * Shortens a string to at most `max` characters (by UTF-16 code units, never splitting a surrogate
 * pair), adding an ellipsis when it was cut.
 * @internal
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = Math.max(0, max - 1);
  const last = value.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${value.slice(0, cut)}…`;
}

/** Formats a number for display: fixed digits, trailing zeros dropped. @internal */
export function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return "–";
  const s = value.toFixed(digits);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}
