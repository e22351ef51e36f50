/**
 * Whether two codes' styles could be confused: a shared fill colour (CIEDE2000 < 5 under normal
 * vision), or the same pattern and outline with colours closer than CIEDE2000 12 under normal
 * vision or simulated protanopia, deuteranopia or tritanopia (Machado, Oliveira & Fernandes 2009,
 * as implemented by culori).
 */
import {
  type Color,
  converter,
  differenceCiede2000,
  filterDeficiencyDeuter,
  filterDeficiencyProt,
  filterDeficiencyTrit,
  parse,
} from "culori";
import type { CodeStyle } from "../../src/report/index.js";

const de = differenceCiede2000();
const toOklch = converter("oklch");
export const oklch = (hex: string) => toOklch(hex) as { l: number; h?: number };
const VISION: Record<string, (c: Color) => Color> = {
  normal: (c) => c,
  protanopia: filterDeficiencyProt(1),
  deuteranopia: filterDeficiencyDeuter(1),
  tritanopia: filterDeficiencyTrit(1),
};

/** The smallest colour difference between two hex colours over the four kinds of vision. */
function minDifference(a: string, b: string): { delta: number; vision: string } {
  let best = { delta: Number.POSITIVE_INFINITY, vision: "" };
  for (const [vision, f] of Object.entries(VISION)) {
    const delta = de(f(parse(a) as Color), f(parse(b) as Color));
    if (delta < best.delta) best = { delta, vision };
  }
  return best;
}

/** Pairs of codes of one role that a reader could confuse, as readable lines (empty when none). */
export function confusable(styles: ReadonlyMap<string, CodeStyle>, codes: readonly string[]) {
  const problems: string[] = [];
  for (let i = 0; i < codes.length; i++)
    for (let j = i + 1; j < codes.length; j++) {
      const [x, y] = [codes[i] as string, codes[j] as string];
      const a = styles.get(x) as CodeStyle;
      const b = styles.get(y) as CodeStyle;
      const normal = de(parse(a.color) as Color, parse(b.color) as Color);
      if (normal < 5) {
        problems.push(`${x} and ${y} share a colour (${a.color}, ${b.color})`);
        continue;
      }
      if (a.pattern !== b.pattern || a.harms !== b.harms) continue;
      const m = minDifference(a.color, b.color);
      if (m.delta < 12)
        problems.push(`${x} and ${y}: CIEDE2000 ${m.delta.toFixed(1)} under ${m.vision}`);
    }
  return problems;
}
