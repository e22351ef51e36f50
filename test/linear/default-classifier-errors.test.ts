import { describe, expect, it } from "vitest";
import { CodebookError } from "../../src/core/errors.js";
import { defaultClassifier } from "../../src/model/index.js";

describe("defaultClassifier with a codebook it has no default for", () => {
  it.each([
    ["an id", "miti-4.2.1"],
    ["a codebook object", { id: "my-codebook" }],
  ] as const)("throws CodebookError unknown_codebook at path codebook (%s)", (_, codebook) => {
    let caught: unknown;
    try {
      defaultClassifier({ codebook: codebook as "rapport" });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CodebookError);
    const err = caught as CodebookError;
    expect(err.name).toBe("CodebookError");
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.code).toBe("unknown_codebook");
    expect(err.issues[0]?.path).toEqual(["codebook"]);
    const id = typeof codebook === "string" ? codebook : codebook.id;
    expect(err.message).toContain(`"${id}"`);
    expect(err.message).toContain('"annomi" or "rapport"');
  });

  it("still builds the two defaults it has", () => {
    expect(defaultClassifier({ codebook: "annomi" }).codebook.id).toBe("annomi");
    expect(defaultClassifier({ codebook: "rapport" }).codebook.id).toBe("rapport");
  });
});
