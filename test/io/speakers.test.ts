import { describe, expect, it } from "vitest";
import { defaultSpeakerMap, lookupRole, parseSpeakerMap, roleOf } from "../../src/io/index.js";

describe("speaker roles", () => {
  it("maps the usual therapist names, case-insensitively and trimmed", () => {
    for (const n of [
      "therapist",
      "Counsellor",
      "COUNSELOR",
      " clinician ",
      "Coach",
      "helper",
      "Interviewer",
      "T",
      "TH",
      "Dr Lee",
      "Dr. Patel",
      "dr",
      "Therapist:",
    ])
      expect(roleOf(n), n).toBe("therapist");
  });

  it("maps the usual client names", () => {
    for (const n of ["client", "Patient", "C", "CL", "P", "participant", "PT"])
      expect(roleOf(n), n).toBe("client");
  });

  it("does not take words that merely start with dr for doctors", () => {
    expect(lookupRole("Drew")).toBeUndefined();
    expect(roleOf("Drew")).toBe("other");
  });

  it("lets a user map override and extend the defaults", () => {
    expect(roleOf("Sam", { sam: "client" })).toBe("client");
    expect(roleOf("SAM", { Sam: "client" })).toBe("client");
    expect(roleOf("T", { t: "client" })).toBe("client");
    expect(roleOf("Narrator")).toBe("other");
    expect(defaultSpeakerMap.counsellor).toBe("therapist");
  });

  it("parses name=role lists and points at a bad entry", () => {
    expect(parseSpeakerMap("Sam=client, Dr Lee=therapist")).toEqual({
      ok: true,
      map: { sam: "client", "dr lee": "therapist" },
    });
    const bad = parseSpeakerMap("Sam=client,Lee=boss");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.entry).toBe(1);
    expect(parseSpeakerMap("=client").ok).toBe(false);
  });
});
