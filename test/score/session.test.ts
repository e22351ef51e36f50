/**
 * `sessionScores`: every session score of one coded session at once, equal to calling the five
 * functions one by one with the same options (it only shares their validation and tokenisation).
 */
import { describe, expect, it } from "vitest";
import { ScoreInputError } from "../../src/core/errors.js";
import {
  flagSession,
  miscSummary,
  mitiSummary,
  rapportProfile,
  type SessionScoresOptions,
  sessionScores,
  summarizeSession,
} from "../../src/index.js";
import { build } from "./_build.js";

const coded = build([
  ["therapist", "question.open", "What brings you in today?"],
  ["client", undefined, "My sleep, mostly. I have been up at three every night."],
  ["therapist", "reflection.complex", "The nights have been wearing you down."],
  ["client", undefined, "Yeah."],
  ["therapist", "advice.unsolicited", "You should stop drinking coffee."],
  ["therapist", "self_disclosure", "I had the same trouble last year, it was awful for me."],
  ["client", undefined, "Did it get better for you?"],
]);

describe("sessionScores", () => {
  const cases: SessionScoresOptions[] = [
    {},
    { volleyRules: true },
    { source: "gold", secondary: true, scale: 10 },
    { source: "someone else" },
  ];
  it.each(cases)("equals the five scores one by one (%o)", (options) => {
    expect(sessionScores(coded, options)).toEqual({
      summary: summarizeSession(coded, options),
      miti: mitiSummary(coded, options),
      misc: miscSummary(coded, options),
      profile: rapportProfile(coded, options),
      flags: flagSession(coded, options),
    });
  });

  it("throws the scores' ScoreInputError for an invalid session", () => {
    const twice = {
      ...coded,
      transcript: {
        ...coded.transcript,
        utterances: [...coded.transcript.utterances, coded.transcript.utterances[0]],
      },
    } as typeof coded;
    expect(() => sessionScores(twice)).toThrow(ScoreInputError);
  });
});
