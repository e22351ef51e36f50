import { describe, expect, it } from "vitest";
import {
  adviceRequest,
  asksForAdvice,
  hasPhrase,
  phraseIndex,
  wordsOf,
} from "../../src/text/phrases.js";
import { tokenize } from "../../src/text/tokenize.js";

const request = (text: string) => {
  const { words, question } = wordsOf(tokenize(text));
  return adviceRequest(words, question);
};

describe("hasPhrase", () => {
  const index = phraseIndex([
    ["any", "tips"],
    ["what", "should", "i", "do"],
    ["what", "now"],
  ]);
  it("finds a phrase anywhere, only as whole consecutive words", () => {
    expect(hasPhrase(["so", "any", "tips"], index)).toBe(true);
    expect(hasPhrase(["what", "should", "i", "do"], index)).toBe(true);
    expect(hasPhrase(["what", "should", "i"], index)).toBe(false); // cut off at the end
    expect(hasPhrase(["any", "other", "tips"], index)).toBe(false);
    expect(hasPhrase(["anything", "tips"], index)).toBe(false);
    expect(hasPhrase([], index)).toBe(false);
  });
  it("keeps every phrase that shares a first word", () => {
    expect(hasPhrase(["ok", "what", "now"], index)).toBe(true);
  });
});

describe("adviceRequest", () => {
  it("an advice-seeking question is a request (the scores' rule)", () => {
    expect(request("I can't sleep. What should I do?")).toBe("asked");
    expect(request("How can I get him to listen?")).toBe("asked");
    expect(asksForAdvice(["how", "can", "i", "sleep"], true)).toBe(true);
    // Without a question mark those phrases are not enough ("how can I" in a statement).
    expect(request("I don't see how I can keep going like this.")).toBeUndefined();
  });
  it("an outright request needs no question mark", () => {
    expect(request("Any advice appreciated")).toBe("asked");
    expect(request("honestly what do I even do now")).toBe("asked");
    expect(request("Please just tell me what to do.")).toBe("asked");
  });
  it("indirect requests are left to the model's words", () => {
    expect(request("Is there anything that helps with the cravings?")).toBeUndefined();
    expect(request("Has anyone been through this with a parent?")).toBeUndefined();
  });
  it("saying one wants only to be heard is 'declined', and outweighs a request", () => {
    expect(request("Not looking for advice, I just needed to vent.")).toBe("declined");
    expect(request("Sorry, I don't even know why I'm posting this.")).toBe("declined");
    expect(request("I don’t even know why I’m posting")).toBe("declined"); // curly apostrophes
    expect(request("Rant over. What would you do though?")).toBe("declined");
    expect(asksForAdvice(wordsOf(tokenize("Just venting, what should I do?")).words, true)).toBe(
      false,
    );
  });
  it("other questions and statements say nothing about advice", () => {
    expect(request("Is this normal?")).toBeUndefined();
    expect(request("I can't sleep and I should sleep more.")).toBeUndefined();
    expect(request("When did it start, do you remember?")).toBeUndefined();
  });
});
