import type { Issue } from "../core/errors.js";
import { issueAt } from "./_shared.js";

/**
 * Checks bytes as UTF-8, chunk by chunk (a sequence may straddle chunks), counting the invalid
 * sequences a decoder replaces with U+FFFD and noting the line of the first. Lines are counted as
 * the readers count them (`\n`, `\r\n` and a lone `\r` each end one). Linear, one pass.
 * @internal
 */
export class Utf8Check {
  /** Invalid sequences seen. */
  count = 0;
  /** The 1-based line of the first invalid sequence (0: none). */
  firstLine = 0;
  private line = 1;
  private cr = false;
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;
  /** The line where the sequence being read began. */
  private seqLine = 1;

  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (this.need > 0) {
        if (b >= this.lo && b <= this.hi) {
          this.need--;
          this.lo = 0x80;
          this.hi = 0xbf;
          continue;
        }
        // A truncated sequence: one replacement; the byte is read again as a start.
        this.bad(this.seqLine);
        this.need = 0;
        this.lo = 0x80;
        this.hi = 0xbf;
      }
      if (b < 0x80) {
        if (b === 10) {
          if (!this.cr) this.line++;
          this.cr = false;
        } else if (b === 13) {
          this.line++;
          this.cr = true;
        } else this.cr = false;
        continue;
      }
      this.cr = false;
      this.seqLine = this.line;
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.need = 2;
        if (b === 0xe0) this.lo = 0xa0;
        else if (b === 0xed) this.hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.need = 3;
        if (b === 0xf0) this.lo = 0x90;
        else if (b === 0xf4) this.hi = 0x8f;
      } else this.bad(this.line);
    }
  }

  /** Ends the input (a sequence cut off at the end is one more invalid sequence). */
  end(): void {
    if (this.need > 0) this.bad(this.seqLine);
    this.need = 0;
  }

  private bad(line: number): void {
    if (this.count === 0) this.firstLine = line;
    this.count++;
  }

  /** The warning for what was found (`invalid_utf8`, at the first line), or undefined. */
  issue(format: string, file: string | undefined): Issue | undefined {
    if (this.count === 0) return undefined;
    return issueAt(file, {
      code: "invalid_utf8",
      line: this.firstLine,
      message: `${format}: ${this.count} invalid UTF-8 byte sequence${this.count === 1 ? "" : "s"}, the first on this line, read as U+FFFD (the file is not UTF-8: re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8)`,
    });
  }
}
