import type { CodedTranscript, Coding, SpeakerRole, Utterance } from "../../src/core/schemas.js";

/** One row of a test session: role, code (or undefined), text, optional start/end seconds. */
export type Row = readonly [SpeakerRole, string | undefined, string, number?, number?];

/** Builds a coded transcript: utterance ids `<session>:<i>`, speaker = role, one coding per coded row. */
export function build(rows: readonly Row[], codebook = "rapport", session = "s1"): CodedTranscript {
  const utterances: Utterance[] = rows.map(([role, , text, start, end], index) => ({
    id: `${session}:${index}`,
    session,
    index,
    speaker: role,
    role,
    text,
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
  }));
  const codings: Coding[] = rows.flatMap(([, code], index) =>
    code === undefined
      ? []
      : [{ utteranceId: `${session}:${index}`, codeId: code, confidence: 1, source: "gold" }],
  );
  return {
    transcript: { id: session, utterances },
    codebook: { id: codebook, version: "1" },
    codings,
  };
}

/** Therapist rows with the given codes and a neutral text, each followed by a client "I see it." turn. */
export function therapistCodes(codes: readonly string[], codebook = "rapport"): CodedTranscript {
  const rows: Row[] = [];
  for (const c of codes) {
    rows.push(["therapist", c, "Tell me more about that."]);
    rows.push(["client", undefined, "I think it has been hard for me lately."]);
  }
  return build(rows, codebook);
}

/** Runs `f`, which must throw a RapportkitError, and returns its issues (fails the test otherwise). */
export function issuesOf(
  f: () => unknown,
): readonly { code: string; path: readonly PropertyKey[]; message: string }[] {
  try {
    f();
  } catch (e) {
    const issues = (e as { issues?: unknown }).issues;
    if (Array.isArray(issues)) return issues;
    throw e;
  }
  throw new Error("expected an error to be thrown");
}
