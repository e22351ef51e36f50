import { expect } from "vitest";
import { TranscriptParseError } from "../../src/core/errors.js";

/** Runs `f`, expects a TranscriptParseError and returns it. */
export function parseError(f: () => unknown): TranscriptParseError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TranscriptParseError);
    return e as TranscriptParseError;
  }
  throw new Error("expected a TranscriptParseError");
}
