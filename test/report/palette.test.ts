/**
 * The report's code styles: within each speaker role of each built-in codebook, no two codes may
 * look alike. Two codes pass when they differ in fill pattern or outline, or when their colours
 * differ by CIEDE2000 ≥ 12 under normal vision and under simulated protanopia, deuteranopia and
 * tritanopia (Machado, Oliveira & Fernandes 2009, as implemented by culori); and no two codes of a
 * role may share a fill colour outright (CIEDE2000 < 5 under normal vision).
 */
import { describe, expect, it } from "vitest";
import { builtinCodebooks } from "../../src/codebook/index.js";
import {
  BUILTIN_CODE_STYLES,
  type CodeStyle,
  codePalette,
  OKABE_ITO,
  type PaletteCode,
} from "../../src/report/index.js";
import { confusable, oklch } from "./_confusable.js";

describe("code styles", () => {
  for (const cb of Object.values(builtinCodebooks))
    for (const role of ["therapist", "client"] as const) {
      const codes = cb.codes.filter((c) => c.role === role);
      if (codes.length === 0) continue;
      it(`${cb.id}, ${role}: every code looks different, also to colour-blind readers`, () => {
        const styles = codePalette(codes);
        expect(
          confusable(
            styles,
            codes.map((c) => c.id),
          ),
        ).toEqual([]);
        // codes that harm rapport are outlined
        for (const c of codes) expect(styles.get(c.id)?.harms).toBe(c.valence === "harms");
      });
    }

  it("the check catches codes that share a colour or are confusable without a second channel", () => {
    const same = new Map<string, CodeStyle>([
      ["question.open", BUILTIN_CODE_STYLES["question.open"] as CodeStyle],
      ["question.closed", { ...(BUILTIN_CODE_STYLES["question.open"] as CodeStyle) }],
    ]);
    expect(confusable(same, ["question.open", "question.closed"])).toEqual([
      "question.open and question.closed share a colour (#F7D17F, #F7D17F)",
    ]);
    // Okabe–Ito's blue and reddish purple are told apart by hue; under deuteranopia they are close.
    const s = (color: string): CodeStyle => ({ color, pattern: "solid", harms: false, family: "" });
    const near = new Map([
      ["a", s(OKABE_ITO.skyBlue)],
      ["b", s("#80B7DC")],
    ]);
    expect(confusable(near, ["a", "b"])).toEqual(["a and b share a colour (#56B4E9, #80B7DC)"]);
    const cvd = new Map([
      ["a", s(OKABE_ITO.bluishGreen)],
      ["b", s("#777777")],
    ]);
    expect(confusable(cvd, ["a", "b"])[0]).toMatch(/^a and b: CIEDE2000 \d+\.\d under /);
    // a second channel resolves it
    cvd.set("b", { ...s("#777777"), pattern: "hatch" });
    expect(confusable(cvd, ["a", "b"])).toEqual([]);
  });

  it("parents and children share a hue: a child is its parent's colour, lighter or darker", () => {
    const pairs: [string, string][] = [
      ["reflection", "reflection.simple"],
      ["reflection", "reflection.complex"],
      ["question", "question.open"],
      ["question", "question.closed"],
      ["advice", "advice.permitted"],
      ["therapist_input", "therapist_input.information"],
    ];
    for (const [p, c] of pairs) {
      const a = BUILTIN_CODE_STYLES[p] as CodeStyle;
      const b = BUILTIN_CODE_STYLES[c] as CodeStyle;
      expect(b.family, `${c} is in ${p}'s family`).toBe(a.family);
      const [x, y] = [oklch(a.color), oklch(b.color)];
      const dh = Math.abs((((x.h ?? 0) - (y.h ?? 0) + 540) % 360) - 180);
      expect(dh, `${p} → ${c}: hue difference`).toBeLessThan(20);
      expect(Math.abs(x.l - y.l), `${p} → ${c}: lightness difference`).toBeGreaterThan(0.08);
    }
  });

  it("gives codes of a custom codebook distinct styles per role, children in their parent's hue", () => {
    const codes: PaletteCode[] = [
      ...Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, role: "therapist" })),
      { id: "t0.a", role: "therapist", parent: "t0" },
      { id: "t0.b", role: "therapist", parent: "t0" },
      { id: "bad", role: "therapist", valence: "harms" },
      { id: "c0", role: "client" },
    ];
    const styles = codePalette(codes);
    const key = (st: CodeStyle | undefined) => `${st?.color}|${st?.pattern}|${st?.harms}`;
    const therapist = codes.filter((c) => c.role === "therapist").map((c) => key(styles.get(c.id)));
    expect(new Set(therapist).size).toBe(therapist.length);
    expect(styles.get("t0.a")?.family).toBe(styles.get("t0")?.family);
    expect(styles.get("t0.a")?.color).not.toBe(styles.get("t0")?.color);
    expect(styles.get("bad")?.harms).toBe(true);
    // the first code of each role gets the first colour: roles do not take colours from each other
    expect(styles.get("c0")?.color).toBe(styles.get("t0")?.color);
    // deterministic
    expect(codePalette(codes)).toEqual(styles);
  });
});
