/**
 * Text for a terminal: user-supplied ids and labels printed by the CLI go through
 * {@link terminalSafe}, so a session id or label holding an escape sequence (ESC `[2J`, an OSC 8
 * link, a title change) or a bidirectional override is printed as visible `\xNN` / `\uNNNN`
 * escapes instead of acting on the terminal.
 * @module
 */

/** C0 and C1 control characters, DEL, and the bidirectional controls (Trojan Source). */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters escaped
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character (C0, DEL, C1, and the bidirectional controls, line and
 * paragraph separators included) written as a visible escape: `\x1b`, `\x0a`, `\u202e`.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100
      ? `\\x${n.toString(16).padStart(2, "0")}`
      : `\\u${n.toString(16).padStart(4, "0")}`;
  });
}

/** The characters {@link jsonSafe} escapes: JSON.stringify leaves DEL, C1 and these as they are. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text safe for a terminal: `JSON.stringify(value, null, indent)` with DEL, the C1 controls
 * (0x9b is a one-byte CSI on some terminals) and the bidirectional controls written as `\uNNNN`
 * escapes. Outside strings JSON has none of these characters, so the text parses to the same value.
 */
export function jsonSafe(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
