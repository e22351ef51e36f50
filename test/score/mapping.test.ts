import { describe, expect, it } from "vitest";
import {
  annomiCodebook,
  crosswalk,
  mitiCodebook,
  rapportCodebook,
} from "../../src/codebook/index.js";
import type { Codebook } from "../../src/core/schemas.js";
import {
  ANNOMI_TO_MISC,
  ANNOMI_TO_MITI,
  ANNOMI_TO_RAPPORT,
  composeMappings,
  type MappingTable,
  MITI_TO_MISC,
  MITI_TO_RAPPORT,
  RAPPORT_TO_MISC,
  RAPPORT_TO_MITI,
} from "../../src/score/index.js";

/** The candidates the codebook crosswalk gives for one code ([] when unmapped). */
function candidates(from: Codebook, to: Codebook, codeId: string): readonly string[] {
  const r = crosswalk([{ utteranceId: "u", codeId, confidence: 1, source: "t" }], from, to);
  if (r.unmapped.length > 0) return [];
  return r.oneToMany[0]?.to ?? r.codings.map((c) => c.codeId);
}

/**
 * Where the score layer's tables deliberately differ from the codebook crosswalk, and why.
 * The test checks that each listed difference is real, so this list stays honest.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  "rapport→miti-4.2.1:validation":
    "crosswalk: CR or AF; scores: not counted (domain.md §1.2: validation has no MITI code), so it inflates neither %CR nor MIA",
  "annomi→miti-4.2.1:other":
    "crosswalk: AF, Emphasize or Confront; scores: not counted (a residual code; counting it would inflate MIA or MINA)",
};

function compare(table: MappingTable, from: Codebook, to: Codebook) {
  const agree: string[] = [];
  const differ: string[] = [];
  for (const code of from.codes) {
    const e = table.entries[code.id];
    expect(e, `${table.from}→${table.to} has an entry for '${code.id}'`).toBeDefined();
    if (!e) continue;
    const mine = [e.to, e.withPermission].filter((x): x is string => typeof x === "string");
    const theirs = candidates(from, to, code.id);
    const ok = mine.length === 0 ? theirs.length === 0 : mine.every((m) => theirs.includes(m));
    (ok ? agree : differ).push(`${table.from}→${table.to}:${code.id}`);
  }
  return { agree, differ };
}

describe("score mapping tables vs the codebook crosswalk", () => {
  for (const [table, from, to] of [
    [RAPPORT_TO_MITI, rapportCodebook, mitiCodebook],
    [ANNOMI_TO_MITI, annomiCodebook, mitiCodebook],
    [ANNOMI_TO_RAPPORT, annomiCodebook, rapportCodebook],
    [MITI_TO_RAPPORT, mitiCodebook, rapportCodebook],
  ] as const) {
    it(`${table.from} → ${table.to}: every code mapped, each target among the crosswalk's candidates`, () => {
      const { differ } = compare(table, from as Codebook, to as Codebook);
      expect(differ.filter((d) => !(d in KNOWN_DIFFERENCES))).toEqual([]);
    });
  }

  it("every documented difference is a real difference", () => {
    const all = [
      compare(RAPPORT_TO_MITI, rapportCodebook as Codebook, mitiCodebook as Codebook),
      compare(ANNOMI_TO_MITI, annomiCodebook as Codebook, mitiCodebook as Codebook),
    ].flatMap((r) => r.differ);
    expect(all.sort()).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
  });

  it("tables name only codes that exist in the source codebook, and targets in the target set", () => {
    const ids = (cb: Codebook) => new Set(cb.codes.map((c) => c.id));
    const miti = ids(mitiCodebook as Codebook);
    const rapport = ids(rapportCodebook as Codebook);
    for (const [t, src, targets] of [
      [RAPPORT_TO_MITI, rapportCodebook, miti],
      [ANNOMI_TO_MITI, annomiCodebook, miti],
      [ANNOMI_TO_RAPPORT, annomiCodebook, rapport],
      [MITI_TO_RAPPORT, mitiCodebook, rapport],
      [RAPPORT_TO_MISC, rapportCodebook, undefined],
      [ANNOMI_TO_MISC, annomiCodebook, undefined],
      [MITI_TO_MISC, mitiCodebook, undefined],
    ] as const) {
      const have = ids(src as Codebook);
      for (const [k, e] of Object.entries(t.entries)) {
        expect(have.has(k), `${t.from}:${k}`).toBe(true);
        if (targets)
          for (const x of [e.to, e.withPermission])
            if (typeof x === "string") expect(targets.has(x), `${k}→${x}`).toBe(true);
      }
      expect(Object.keys(t.entries).length).toBe(have.size);
    }
  });
});

describe("one source per pair of codebooks", () => {
  it("annomi → MITI and annomi → MISC count an AnnoMI code as the rapport code it maps to", () => {
    for (const [table, second] of [
      [ANNOMI_TO_MITI, RAPPORT_TO_MITI],
      [ANNOMI_TO_MISC, RAPPORT_TO_MISC],
    ] as const) {
      for (const [code, e] of Object.entries(ANNOMI_TO_RAPPORT.entries)) {
        const direct = table.entries[code];
        const viaRapport = e.to === null ? null : (second.entries[e.to]?.to ?? null);
        expect(direct?.to, `${code}: ${table.from}→${table.to}`).toBe(viaRapport);
        if (e.withPermission)
          expect(direct?.withPermission, `${code} with permission`).toBe(
            second.entries[e.withPermission]?.to,
          );
      }
    }
    expect(
      composeMappings(ANNOMI_TO_RAPPORT, RAPPORT_TO_MISC).entries["therapist_input.negotiation"]
        ?.to,
    ).toBe("EC");
  });
});
