import type { SpeakerRole } from "../core/schemas.js";

/**
 * Maps speaker names (lower-cased, trimmed) to roles. Keys are matched case-insensitively after
 * trimming whitespace and a trailing colon.
 * @category Transcripts
 */
export type SpeakerMap = Readonly<Record<string, SpeakerRole>>;

/**
 * The speaker names rapportkit recognises without configuration. Names starting with `Dr` (`Dr Lee`,
 * `Dr. Patel`) are also therapists; see {@link lookupRole}.
 * @category Transcripts
 * @example
 * ```ts
 * defaultSpeakerMap.counsellor; // => "therapist"
 * defaultSpeakerMap.pt; // => "client"
 * ```
 */
export const defaultSpeakerMap: SpeakerMap = Object.freeze({
  therapist: "therapist",
  counsellor: "therapist",
  counselor: "therapist",
  clinician: "therapist",
  coach: "therapist",
  helper: "therapist",
  interviewer: "therapist",
  psychologist: "therapist",
  psychotherapist: "therapist",
  psychiatrist: "therapist",
  practitioner: "therapist",
  provider: "therapist",
  doctor: "therapist",
  dr: "therapist",
  nurse: "therapist",
  supporter: "therapist",
  t: "therapist",
  th: "therapist",
  client: "client",
  patient: "client",
  participant: "client",
  interviewee: "client",
  seeker: "client",
  caller: "client",
  c: "client",
  cl: "client",
  p: "client",
  pt: "client",
  other: "other",
});

/** Lower-cases and trims a speaker name, dropping one trailing colon. @internal */
export function normalizeSpeaker(name: string): string {
  let s = name.trim();
  if (s.endsWith(":")) s = s.slice(0, -1).trim();
  return s.toLowerCase();
}

function isDoctor(n: string): boolean {
  // "dr lee", "dr. lee", "dr.lee", "dr_lee": a title, not the start of a word like "drew".
  if (!n.startsWith("dr")) return false;
  const next = n.charAt(2);
  return next === "" || next === " " || next === "." || next === "_" || next === "-";
}

/**
 * The role a speaker name maps to, or `undefined` when neither `map` nor the defaults cover it.
 * `map` entries take precedence over {@link defaultSpeakerMap}; keys are matched case-insensitively.
 * @category Transcripts
 * @example
 * ```ts
 * lookupRole("  COUNSELLOR "); // => "therapist"
 * lookupRole("Dr. Lee"); // => "therapist"
 * lookupRole("Sam"); // => undefined
 * lookupRole("Sam", { sam: "client" }); // => "client"
 * ```
 */
export function lookupRole(name: string, map?: SpeakerMap): SpeakerRole | undefined {
  const n = normalizeSpeaker(name);
  if (map) {
    if (Object.hasOwn(map, n)) return map[n];
    for (const [k, v] of Object.entries(map)) if (normalizeSpeaker(k) === n) return v;
  }
  if (Object.hasOwn(defaultSpeakerMap, n)) return defaultSpeakerMap[n];
  if (isDoctor(n)) return "therapist";
  return undefined;
}

/**
 * The role of a speaker name: as {@link lookupRole}, with `other` for names no map covers.
 * @category Transcripts
 * @example
 * ```ts
 * roleOf("T"); // => "therapist"
 * roleOf("Patient"); // => "client"
 * roleOf("Narrator"); // => "other"
 * ```
 */
export function roleOf(name: string, map?: SpeakerMap): SpeakerRole {
  return lookupRole(name, map) ?? "other";
}

/**
 * Parses a speaker map written as `name=role,name=role` (the CLI's `--speaker-map`). Returns the
 * map, or the 0-based index of the first bad entry.
 * @category Transcripts
 * @example
 * ```ts
 * parseSpeakerMap("Sam=client, Dr Lee=therapist");
 * // => { ok: true, map: { sam: "client", "dr lee": "therapist" } }
 * ```
 */
export function parseSpeakerMap(
  spec: string,
): { ok: true; map: SpeakerMap } | { ok: false; entry: number; expected: string } {
  const map: Record<string, SpeakerRole> = Object.create(null);
  const parts = spec.split(",");
  for (let i = 0; i < parts.length; i++) {
    const part = (parts[i] ?? "").trim();
    if (part === "") continue;
    const eq = part.lastIndexOf("=");
    const name = eq > 0 ? normalizeSpeaker(part.slice(0, eq)) : "";
    const role =
      eq > 0
        ? part
            .slice(eq + 1)
            .trim()
            .toLowerCase()
        : "";
    if (!name || (role !== "therapist" && role !== "client" && role !== "other"))
      return { ok: false, entry: i, expected: "name=therapist|client|other" };
    map[name] = role;
  }
  return { ok: true, map: { ...map } };
}
