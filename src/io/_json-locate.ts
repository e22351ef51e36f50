/**
 * Finds where a JSON text stops being valid, so an error can name a line and column without quoting
 * the input (JSON.parse's own messages quote it). Iterative (no recursion, so deep nesting is fine)
 * and linear in the input.
 * @internal
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  // Stack of containers: "{" or "[".
  const stack: string[] = [];
  // What may come next: a value, an object key (or "}" right after "{"), ":" , or "," / closer.
  let expect: "value" | "key" | "key-or-close" | "colon" | "comma-or-close" | "value-or-close" =
    "value";
  let doneTop = false;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = text.charAt(i + 1);
        if (e === "u") {
          for (let k = 2; k < 6; k++) if (!/[0-9a-fA-F]/.test(text.charAt(i + k))) return false;
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== "") i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const afterValue = () => {
    expect = stack.length === 0 ? "value" : "comma-or-close";
    return stack.length === 0;
  };
  for (;;) {
    ws();
    if (i >= n) return n;
    const ch = text.charAt(i);
    if (expect === "value" || expect === "value-or-close") {
      if (doneTop && stack.length === 0) return i;
      if (ch === "]" && expect === "value-or-close") {
        stack.pop();
        i++;
        if (afterValue()) doneTop = true;
        continue;
      }
      if (ch === "{") {
        stack.push("{");
        i++;
        expect = "key-or-close";
        continue;
      }
      if (ch === "[") {
        stack.push("[");
        i++;
        expect = "value-or-close";
        continue;
      }
      if (ch === '"') {
        if (!str()) return i;
      } else if (ch === "t" || ch === "f" || ch === "n") {
        const word = ch === "t" ? "true" : ch === "f" ? "false" : "null";
        if (text.slice(i, i + word.length) !== word) return i;
        i += word.length;
      } else if (ch === "-" || (ch >= "0" && ch <= "9")) {
        const start = i;
        if (ch === "-") i++;
        if (text.charAt(i) === "0") i++;
        else if (text.charAt(i) >= "1" && text.charAt(i) <= "9")
          while (text.charAt(i) >= "0" && text.charAt(i) <= "9") i++;
        else return i;
        if (text.charAt(i) === ".") {
          i++;
          if (!(text.charAt(i) >= "0" && text.charAt(i) <= "9")) return i;
          while (text.charAt(i) >= "0" && text.charAt(i) <= "9") i++;
        }
        if (text.charAt(i) === "e" || text.charAt(i) === "E") {
          i++;
          if (text.charAt(i) === "+" || text.charAt(i) === "-") i++;
          if (!(text.charAt(i) >= "0" && text.charAt(i) <= "9")) return i;
          while (text.charAt(i) >= "0" && text.charAt(i) <= "9") i++;
        }
        if (i === start) return i;
      } else return i;
      if (afterValue()) doneTop = true;
      continue;
    }
    if (expect === "key" || expect === "key-or-close") {
      if (ch === "}" && expect === "key-or-close") {
        stack.pop();
        i++;
        if (afterValue()) doneTop = true;
        continue;
      }
      if (ch !== '"' || !str()) return i;
      expect = "colon";
      continue;
    }
    if (expect === "colon") {
      if (ch !== ":") return i;
      i++;
      expect = "value";
      continue;
    }
    // comma-or-close
    const top = stack[stack.length - 1];
    if (ch === ",") {
      i++;
      expect = top === "{" ? "key" : "value";
      continue;
    }
    if ((ch === "}" && top === "{") || (ch === "]" && top === "[")) {
      stack.pop();
      i++;
      if (afterValue()) doneTop = true;
      continue;
    }
    return i;
  }
}
/**
 * The 1-based line and column of the first JSON syntax error in `text` (see
 * {@link jsonErrorOffset}).
 * @internal
 */
export function jsonErrorLocation(text: string): { line: number; column: number } {
  const off = jsonErrorOffset(text);
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < off && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: off - lineStart + 1 };
}

/**
 * The deepest nesting of arrays and objects rapportkit reads in JSON input. Deeper values are
 * refused: `JSON.stringify` and `postMessage` overflow the stack on a few thousand levels, so a
 * value that deep could be read but never written back.
 * @internal
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The 1-based line and column of the first `[` or `{` nested deeper than `max` in a JSON text
 * (outside strings), or `undefined`. One linear pass; does not validate the syntax.
 * @internal
 */
export function jsonDepthLocation(
  text: string,
  max = MAX_JSON_DEPTH,
): { line: number; column: number } | undefined {
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > max) return { line, column: i - lineStart + 1 };
    } else if (c === 93 || c === 125) depth--;
    else if (c === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return undefined;
}
