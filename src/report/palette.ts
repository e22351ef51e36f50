/**
 * How codes are drawn: a fill colour per code, distinct within a speaker role, and a second channel
 * (a fill pattern, and a dark outline for codes that harm rapport) for codes whose colours a reader
 * with a colour-vision deficiency could confuse. Colour is never the only channel: every mark also
 * carries its code in text (tooltip, `aria-label`, data table).
 *
 * Hues come from the Okabe–Ito palette (Okabe & Ito 2008); each family of codes (reflections,
 * questions, …) keeps one hue, and parent and child codes differ in lightness within it, so they
 * read as related. The built-in codes' styles were chosen so that any two codes of one role either
 * differ in pattern or outline, or differ by a CIEDE2000 colour difference of at least 12 under
 * normal vision and under simulated protanopia, deuteranopia and tritanopia (Machado, Oliveira &
 * Fernandes 2009); a test checks it.
 * @module
 */

/**
 * The eight Okabe–Ito colours, by name.
 * Source: Okabe, M. & Ito, K. (2008), *Color Universal Design (CUD): how to make figures and
 * presentations that are friendly to colorblind people*, https://jfly.uni-koeln.de/color/.
 * @category Report
 */
export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  black: "#000000",
} as const;

/** Grey for uncoded, neutral and "other" utterances. @category Report */
export const NEUTRAL_GREY = "#999999";

/** A fill pattern: the second channel, for codes whose colours could be confused. @category Report */
export type FillPattern = "solid" | "hatch" | "dots" | "cross";

/** How one code is drawn. @category Report */
export interface CodeStyle {
  /** The fill colour (a `#RRGGBB` hex). */
  readonly color: string;
  /** The pattern drawn over the colour (`solid`: none). */
  readonly pattern: FillPattern;
  /** Whether the code harms rapport: drawn with a dark outline. */
  readonly harms: boolean;
  /** The family the code belongs to (its hue), e.g. "Reflections". */
  readonly family: string;
}

const s = (
  color: string,
  family: string,
  pattern: FillPattern = "solid",
  harms = false,
): CodeStyle => ({ color, pattern, harms, family });

const REFL = "Reflections and summaries";
const QUES = "Questions";
const SUPP = "Validation and affirmation";
const COLL = "Permission, feedback, autonomy";
const INPU = "Information, advice, structuring";
const HARM = "Harms rapport";
const NEUT = "Other, facilitation, neutral";
const CHNG = "Change talk";

/**
 * The styles of the built-in `rapport`, `annomi` and `miti-4.2.1` codes, by code id. Codes that
 * correspond across codebooks (e.g. `reflection.complex` and MITI `CR`) look the same.
 * @category Report
 */
export const BUILTIN_CODE_STYLES: Readonly<Record<string, CodeStyle>> = {
  reflection: s("#0072B2", REFL),
  "reflection.simple": s("#80B7DC", REFL),
  "reflection.complex": s("#00446B", REFL),
  summary: s("#3C8FC6", REFL, "hatch"),
  SR: s("#80B7DC", REFL),
  CR: s("#00446B", REFL),
  question: s("#E69F00", QUES),
  "question.open": s("#F7D17F", QUES),
  "question.closed": s("#9C6500", QUES),
  Q: s("#E69F00", QUES),
  validation: s("#009E73", SUPP, "dots"),
  affirmation: s("#00664A", SUPP, "dots"),
  AF: s("#00664A", SUPP, "dots"),
  permission: s("#CC79A7", COLL, "cross"),
  feedback_request: s("#EBC0D8", COLL, "cross"),
  autonomy: s("#8E4A73", COLL, "cross"),
  Seek: s("#CC79A7", COLL, "cross"),
  Emphasize: s("#8E4A73", COLL, "cross"),
  information: s("#F0E442", INPU, "hatch"),
  advice: s("#B0A500", INPU, "hatch"),
  "advice.permitted": s("#D8CE55", INPU, "dots"),
  structuring: s("#6B6500", INPU, "hatch"),
  GI: s("#F0E442", INPU, "hatch"),
  PersuadeWithPermission: s("#D8CE55", INPU, "dots"),
  therapist_input: s("#B0A500", INPU, "hatch"),
  "therapist_input.information": s("#F0E442", INPU, "hatch"),
  "therapist_input.advice": s("#6B6500", INPU, "hatch"),
  "therapist_input.negotiation": s("#D8CE55", INPU, "dots"),
  "therapist_input.options": s("#8A8000", INPU, "dots"),
  self_disclosure: s("#000000", "Self-disclosure", "hatch"),
  "advice.unsolicited": s("#978D00", INPU, "hatch", true),
  Persuade: s("#978D00", INPU, "hatch", true),
  oversharing: s("#D55E00", HARM, "solid", true),
  judgement: s("#8C3900", HARM, "solid", true),
  invalidation: s("#F0A375", HARM, "solid", true),
  Confront: s("#8C3900", HARM, "solid", true),
  facilitation: s("#BBBBBB", NEUT),
  other: s("#777777", NEUT),
  neutral: s("#DDDDDD", NEUT),
  change_talk: s("#009E73", CHNG),
  change: s("#009E73", CHNG),
  sustain_talk: s("#D55E00", "Sustain talk", "solid", true),
  sustain: s("#D55E00", "Sustain talk", "solid", true),
};

/** A code to place in a palette: its id, and what the codebook says about it. @category Report */
export interface PaletteCode {
  readonly id: string;
  readonly role?: string | undefined;
  readonly parent?: string | undefined;
  readonly valence?: string | undefined;
  readonly label?: string | undefined;
}

const CYCLE = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.yellow,
  NEUTRAL_GREY,
];
const PATTERNS: readonly FillPattern[] = ["solid", "hatch", "dots", "cross"];

/** Mixes a `#RRGGBB` colour with white (`t` > 0) or black (`t` < 0). @internal */
export function shade(hex: string, t: number): string {
  const v = Number.parseInt(hex.slice(1), 16);
  const ch = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) =>
    Math.round(t >= 0 ? c + (255 - c) * t : c * (1 + t)),
  );
  return `#${ch
    .map((c) => c.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase()}`;
}

/**
 * Styles for a set of codes, distinct within each role: built-in codes keep their fixed styles;
 * a code whose parent has a style gets the parent's hue, lighter or darker, and the first pattern
 * not yet used with that colour in its role; any other code gets the first Okabe–Ito colour and
 * pattern pair not yet used in its role (so 32 codes per role before lightness variants are
 * needed). A code with valence `harms` is outlined. Deterministic: the same codes in the same
 * order always get the same styles.
 * @category Report
 * @example
 * const styles = codePalette([{ id: "reflection.simple", role: "therapist" }, { id: "my.code", role: "therapist" }]);
 * styles.get("reflection.simple")?.color; // => "#80B7DC"
 */
export function codePalette(codes: readonly PaletteCode[]): Map<string, CodeStyle> {
  const out = new Map<string, CodeStyle>();
  const used = new Map<string, Set<string>>();
  const key = (st: CodeStyle) => `${st.color}|${st.pattern}|${st.harms}`;
  const take = (role: string, st: CodeStyle) => {
    const set = used.get(role) ?? new Set<string>();
    set.add(key(st));
    used.set(role, set);
  };
  const free = (role: string, st: CodeStyle) => !used.get(role)?.has(key(st));
  const later: PaletteCode[] = [];
  for (const c of codes) {
    if (out.has(c.id)) continue;
    const fixed = Object.hasOwn(BUILTIN_CODE_STYLES, c.id) ? BUILTIN_CODE_STYLES[c.id] : undefined;
    if (fixed) {
      out.set(c.id, fixed);
      take(c.role ?? "", fixed);
    } else later.push(c);
  }
  for (const c of later) {
    if (out.has(c.id)) continue;
    const role = c.role ?? "";
    const harms = c.valence === "harms";
    const parent = c.parent !== undefined ? out.get(c.parent) : undefined;
    let style: CodeStyle | undefined;
    // Lightness steps for children (parent's hue), then every palette colour at full strength,
    // then lighter and darker variants; each with every pattern.
    const colors = parent
      ? [0.45, -0.35, 0.7, -0.6].map((t) => shade(parent.color, t))
      : [0, 0.5, -0.4].flatMap((t) => CYCLE.map((col) => shade(col, t)));
    for (const color of colors) {
      for (const pattern of PATTERNS) {
        const st = s(color, parent?.family ?? c.label ?? c.id, pattern, harms);
        if (free(role, st)) {
          style = st;
          break;
        }
      }
      if (style) break;
    }
    // More codes in one role than styles: reuse (the code is still named in every mark's text).
    style ??= s(NEUTRAL_GREY, c.label ?? c.id, "solid", harms);
    out.set(c.id, style);
    take(role, style);
  }
  return out;
}

/** A page-unique id for a pattern fill. @internal */
export function patternId(st: CodeStyle): string {
  return `rk-${st.pattern}-${st.color.slice(1)}`;
}

/** The SVG `fill` value of a style: its colour, or a reference to its pattern. @internal */
export function fillOf(st: CodeStyle): string {
  return st.pattern === "solid" ? st.color : `url(#${patternId(st)})`;
}

/** Whether a colour is light (relative luminance above 0.45): patterns on it are drawn dark. */
function light(hex: string): boolean {
  const v = Number.parseInt(hex.slice(1), 16);
  const lin = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (lin[0] ?? 0) + 0.7152 * (lin[1] ?? 0) + 0.0722 * (lin[2] ?? 0) > 0.45;
}

/**
 * The `<pattern>` definitions of the patterned styles, for one hidden `<svg>` of the page: every
 * chart and legend swatch refers to them by id.
 * @internal
 */
export function patternDefs(styles: Iterable<CodeStyle>): string {
  const seen = new Set<string>();
  let out = "";
  for (const st of styles) {
    const id = patternId(st);
    if (st.pattern === "solid" || seen.has(id)) continue;
    seen.add(id);
    const ink = light(st.color) ? "#000" : "#fff";
    const o = light(st.color) ? ' stroke-opacity="0.55"' : "";
    const marks =
      st.pattern === "dots"
        ? `<circle cx="3" cy="3" r="1.4" fill="${ink}"${o.replace("stroke", "fill")}/>`
        : st.pattern === "hatch"
          ? `<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="${ink}" stroke-width="1.4"${o}/>`
          : `<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5M0 0L6 6M-1 5L1 7M5 -1L7 1" stroke="${ink}" stroke-width="1.1"${o}/>`;
    out += `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${st.color}"/>${marks}</pattern>`;
  }
  return out;
}
