/**
 * The colour-blind-safe Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), and how codes
 * map to it. Colour is never the only channel: every mark also carries its code in text (tooltip,
 * `aria-label`, data table), and rapport-harming codes get a dark outline.
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

/** A code family: codes of one family share a colour. @category Report */
export interface CodeFamily {
  readonly label: string;
  readonly color: string;
  /** Whether codes of this family harm rapport (drawn with a dark outline). */
  readonly harms: boolean;
}

const FAMILIES = {
  listening: { label: "Reflections and summaries", color: OKABE_ITO.blue, harms: false },
  questions: { label: "Questions", color: OKABE_ITO.skyBlue, harms: false },
  support: { label: "Validation and affirmation", color: OKABE_ITO.bluishGreen, harms: false },
  collaboration: {
    label: "Permission, feedback, autonomy",
    color: OKABE_ITO.reddishPurple,
    harms: false,
  },
  input: { label: "Information and advice", color: OKABE_ITO.orange, harms: false },
  disclosure: { label: "Self-disclosure", color: OKABE_ITO.yellow, harms: false },
  harms: {
    label: "Judgement, invalidation, unsolicited advice",
    color: OKABE_ITO.vermillion,
    harms: true,
  },
  change: { label: "Client change talk", color: OKABE_ITO.bluishGreen, harms: false },
  sustain: { label: "Client sustain talk", color: OKABE_ITO.vermillion, harms: false },
  neutral: { label: "Other, neutral, facilitation", color: NEUTRAL_GREY, harms: false },
} as const satisfies Record<string, CodeFamily>;

/** Code id → family, for the built-in `rapport`, `annomi` and `miti-4.2.1` codebooks. */
const KNOWN: Readonly<Record<string, keyof typeof FAMILIES>> = {
  reflection: "listening",
  "reflection.simple": "listening",
  "reflection.complex": "listening",
  summary: "listening",
  SR: "listening",
  CR: "listening",
  question: "questions",
  "question.open": "questions",
  "question.closed": "questions",
  Q: "questions",
  validation: "support",
  affirmation: "support",
  AF: "support",
  permission: "collaboration",
  feedback_request: "collaboration",
  autonomy: "collaboration",
  Seek: "collaboration",
  Emphasize: "collaboration",
  information: "input",
  "advice.permitted": "input",
  advice: "input",
  structuring: "input",
  therapist_input: "input",
  "therapist_input.information": "input",
  "therapist_input.advice": "input",
  "therapist_input.negotiation": "input",
  "therapist_input.options": "input",
  GI: "input",
  "Persuade with Permission": "input",
  self_disclosure: "disclosure",
  "advice.unsolicited": "harms",
  judgement: "harms",
  invalidation: "harms",
  oversharing: "harms",
  Confront: "harms",
  Persuade: "harms",
  change_talk: "change",
  change: "change",
  sustain_talk: "sustain",
  sustain: "sustain",
  neutral: "neutral",
  facilitation: "neutral",
  other: "neutral",
};

const CYCLE = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.yellow,
];

/**
 * The family of a code: colour, label, and whether it harms rapport. Codes of the built-in codebooks
 * have fixed families; any other code gets an Okabe–Ito colour picked deterministically from its id,
 * and `valence` (from its codebook, when known) decides whether it is drawn as harmful.
 * @category Report
 * @example
 * codeFamily("reflection.complex").color; // => "#0072B2"
 * codeFamily("judgement").harms; // => true
 */
export function codeFamily(codeId: string | undefined, valence?: string): CodeFamily {
  if (codeId === undefined) return { label: "Uncoded", color: "#FFFFFF", harms: false };
  const known = Object.hasOwn(KNOWN, codeId) ? KNOWN[codeId] : undefined;
  if (known) return FAMILIES[known];
  let h = 0;
  for (let i = 0; i < codeId.length; i++) h = (h * 31 + codeId.charCodeAt(i)) >>> 0;
  const color = CYCLE[h % CYCLE.length] ?? NEUTRAL_GREY;
  return { label: codeId, color, harms: valence === "harms" };
}
