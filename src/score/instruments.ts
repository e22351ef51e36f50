import { type Issue, ScoreInputError } from "../core/errors.js";
import * as z from "../core/zod.js";

/**
 * A cut-off on a scale's sum: `atOrBelow`, `below`, `atOrAbove` or `above` `value` raises a flag.
 * @category Questionnaires
 */
export interface Cutoff {
  readonly id: string;
  /** `total` or a subscale name. */
  readonly scale: string;
  readonly when: "atOrBelow" | "below" | "atOrAbove" | "above";
  readonly value: number;
  readonly label: string;
}

/** Normative mean and SD of a scale's sum, for z-scores. @category Questionnaires */
export interface Norm {
  readonly mean: number;
  readonly sd: number;
  readonly n?: number;
  readonly source?: string;
}

/** What to do with missing answers. @category Questionnaires */
export type MissingRule =
  | { readonly rule: "none" }
  | {
      readonly rule: "prorate";
      /** At most this many missing items in the whole questionnaire. */
      readonly maxMissing: number;
      /** At most this many missing items per subscale (default `maxMissing`). */
      readonly maxMissingPerSubscale?: number;
    };

/** A questionnaire's scoring key: no item wording unless the user supplies it. @category Questionnaires */
export interface Instrument {
  readonly id: string;
  readonly label: string;
  /** Number of items; items are numbered 1..items. */
  readonly items: number;
  /** The response range every item must fall in (inclusive). */
  readonly range: { readonly min: number; readonly max: number };
  /** Subscale name → 1-based item numbers. */
  readonly subscales: Readonly<Record<string, readonly number[]>>;
  /** Reverse-keyed items: scored as min + max − answer. */
  readonly reverse: readonly number[];
  readonly missing: MissingRule;
  readonly cutoffs: readonly Cutoff[];
  /** Scale (`total` or subscale) → norm. */
  readonly norms: Readonly<Record<string, Norm>>;
  /** Scale → reliability coefficient (0–1), used by {@link trend} for the reliable change index. */
  readonly reliability: Readonly<Record<string, number>>;
  /** Citation of the scoring key. */
  readonly source?: string;
  /** Item text the user is licensed to use, by item number (never bundled by rapportkit). */
  readonly itemText?: Readonly<Record<string, string>>;
}

/** The input of {@link defineInstrument}: optional parts default to empty. @category Questionnaires */
export type InstrumentInput = Pick<Instrument, "id" | "items" | "range"> &
  Partial<Omit<Instrument, "id" | "items" | "range">>;

// A zod number is finite: it rejects NaN and ±Infinity.
const finite = z.number();
const nonEmpty = z.string().check(z.minLength(1));
const integer = z.number().check(z.int());
const InstrumentSchema = z.strictObject({
  id: nonEmpty,
  label: z.optional(nonEmpty),
  items: z.number().check(z.int(), z.positive()),
  range: z.object({ min: finite, max: finite }),
  subscales: z.optional(z.record(z.string(), z.array(integer))),
  reverse: z.optional(z.array(integer)),
  missing: z.optional(
    z.discriminatedUnion("rule", [
      z.object({ rule: z.literal("none") }),
      z.object({
        rule: z.literal("prorate"),
        maxMissing: z.number().check(z.int(), z.nonnegative()),
        maxMissingPerSubscale: z.optional(z.number().check(z.int(), z.nonnegative())),
      }),
    ]),
  ),
  cutoffs: z.optional(
    z.array(
      z.object({
        id: nonEmpty,
        scale: nonEmpty,
        when: z.enum(["atOrBelow", "below", "atOrAbove", "above"]),
        value: finite,
        label: z.string(),
      }),
    ),
  ),
  norms: z.optional(
    z.record(
      z.string(),
      z.object({
        mean: finite,
        sd: z.number().check(z.positive()),
        n: z.optional(z.number().check(z.int(), z.positive())),
        source: z.optional(z.string()),
      }),
    ),
  ),
  reliability: z.optional(z.record(z.string(), z.number().check(z.gte(0), z.lte(1)))),
  source: z.optional(z.string()),
  itemText: z.optional(z.record(z.string(), z.string())),
});

/**
 * Validates a scoring key and fills defaults (no subscales, no reverse keys, no missing answers
 * allowed, no cut-offs, norms or reliabilities). Item numbers must be 1..items; cut-offs, norms
 * and reliabilities must name `total` or a subscale.
 *
 * @throws ScoreInputError with the path of every problem (e.g. `subscales.task[2]`).
 * @example
 * const phq = defineInstrument({ id: "my-scale", items: 3, range: { min: 0, max: 3 },
 *   reverse: [2], missing: { rule: "prorate", maxMissing: 1 } });
 * @category Questionnaires
 */
export function defineInstrument(input: InstrumentInput): Instrument {
  const r = InstrumentSchema.safeParse(input);
  if (!r.success)
    throw new ScoreInputError(
      r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
    );
  const d = r.data;
  const issues: Issue[] = [];
  if (d.range.max <= d.range.min)
    issues.push({
      code: "out_of_range",
      path: ["range", "max"],
      message: "range.max must exceed range.min",
    });
  const item = (n: number, path: PropertyKey[]) => {
    if (n < 1 || n > d.items)
      issues.push({ code: "out_of_range", path, message: `item numbers run from 1 to ${d.items}` });
  };
  const subscales = d.subscales ?? {};
  for (const [name, list] of Object.entries(subscales)) {
    if (name === "total")
      issues.push({
        code: "invalid_input",
        path: ["subscales", name],
        message: "'total' is reserved",
      });
    if (list.length === 0)
      issues.push({
        code: "too_small",
        path: ["subscales", name],
        message: "a subscale needs at least one item",
      });
    list.forEach((n, i) => {
      item(n, ["subscales", name, i]);
    });
    if (new Set(list).size !== list.length)
      issues.push({
        code: "invalid_input",
        path: ["subscales", name],
        message: "an item is listed twice",
      });
  }
  (d.reverse ?? []).forEach((n, i) => {
    item(n, ["reverse", i]);
  });
  const scales = new Set(["total", ...Object.keys(subscales)]);
  (d.cutoffs ?? []).forEach((c, i) => {
    if (!scales.has(c.scale))
      issues.push({
        code: "invalid_input",
        path: ["cutoffs", i, "scale"],
        message: `scale must be one of: ${[...scales].join(", ")}`,
      });
  });
  for (const key of ["norms", "reliability"] as const)
    for (const s of Object.keys(d[key] ?? {}))
      if (!scales.has(s))
        issues.push({
          code: "invalid_input",
          path: [key, s],
          message: `scale must be one of: ${[...scales].join(", ")}`,
        });
  if (issues.length > 0) throw new ScoreInputError(issues);
  return {
    id: d.id,
    label: d.label ?? d.id,
    items: d.items,
    range: d.range,
    subscales,
    reverse: d.reverse ?? [],
    missing: d.missing ?? { rule: "none" },
    cutoffs: d.cutoffs ?? [],
    norms: d.norms ?? {},
    reliability: d.reliability ?? {},
    ...(d.source !== undefined ? { source: d.source } : {}),
    ...(d.itemText !== undefined ? { itemText: d.itemText } : {}),
  };
}

/** A copy of an instrument with other cut-offs (validated). @category Questionnaires */
export function withCutoffs(instrument: Instrument, cutoffs: readonly Cutoff[]): Instrument {
  return defineInstrument({ ...instrument, cutoffs });
}

/**
 * Working Alliance Inventory – Short Revised (client form): 12 items on a 5-point scale (1 Seldom …
 * 5 Always); Task = items 1, 2, 10, 12; Bond = 3, 5, 7, 9; Goal = 4, 6, 8, 11; no reverse-keyed
 * items; subscales 4–20, total 12–60. No published clinical cut-off. Missing answers: rapportkit
 * prorates with at most one missing item per subscale (a library convention, not the authors').
 *
 * Reference: Hatcher & Gillaspy (2006), Development and validation of a revised short version of
 * the Working Alliance Inventory, *Psychotherapy Research* 16(1):12-25. Item
 * wording is copyrighted and not bundled.
 * @category Questionnaires
 */
export const waiSr: Instrument = defineInstrument({
  id: "wai-sr",
  label: "WAI-SR",
  items: 12,
  range: { min: 1, max: 5 },
  subscales: { task: [1, 2, 10, 12], bond: [3, 5, 7, 9], goal: [4, 6, 8, 11] },
  reverse: [],
  missing: { rule: "prorate", maxMissing: 3, maxMissingPerSubscale: 1 },
  source: "Hatcher & Gillaspy (2006), Psychotherapy Research 16(1):12-25",
});

/**
 * Session Rating Scale v3.0: 4 visual-analogue items scored 0–10 (cm from the left, to the mm),
 * total 0–40; a total at or below 36 suggests an alliance check-in (change it with
 * {@link withCutoffs}). No missing answers allowed (four items).
 *
 * Reference: Duncan, Miller, Sparks, Claud, Reynolds, Brown & Johnson (2003), The Session Rating
 * Scale, *Journal of Brief Therapy* 3(1):3-12.
 * @category Questionnaires
 */
export const srs: Instrument = defineInstrument({
  id: "srs",
  label: "SRS v3.0",
  items: 4,
  range: { min: 0, max: 10 },
  missing: { rule: "none" },
  cutoffs: [
    {
      id: "concern",
      scale: "total",
      when: "atOrBelow",
      value: 36,
      label: "SRS total at or below 36: check in on the alliance",
    },
  ],
  source: "Duncan et al. (2003), Journal of Brief Therapy 3(1):3-12",
});

/**
 * Revised Helping Alliance Questionnaire (patient form): 19 items on a 6-point scale;
 * items 4, 8, 11, 16 and 19 are negatively worded and reverse-keyed (7 − answer); total 19–114 and
 * mean 1–6, higher meaning a stronger alliance. Missing answers: prorated when at most 2 are
 * missing (a library convention, not the authors').
 *
 * Reference: Luborsky, Barber, Siqueland, Johnson, Najavits, Frank & Daley (1996), The Revised
 * Helping Alliance Questionnaire (HAq-II), *Journal of Psychotherapy Practice and Research*
 * 5(3):260-271.
 * @category Questionnaires
 */
export const haqII: Instrument = defineInstrument({
  id: "haq-ii",
  label: "HAq-II",
  items: 19,
  range: { min: 1, max: 6 },
  reverse: [4, 8, 11, 16, 19],
  missing: { rule: "prorate", maxMissing: 2 },
  source: "Luborsky et al. (1996), J Psychother Pract Res 5(3):260-271",
});

/** The built-in instruments by id. @category Questionnaires */
export const BUILTIN_INSTRUMENTS: Readonly<Record<string, Instrument>> = {
  "wai-sr": waiSr,
  srs,
  "haq-ii": haqII,
};

/** One scale's score. @category Questionnaires */
export interface ScaleScore {
  /** Sum of the (reverse-keyed) item scores, prorated to all items when some are missing. */
  readonly sum: number;
  /** Mean of the answered (reverse-keyed) items. */
  readonly mean: number;
  readonly items: number;
  readonly answered: number;
  /** Item numbers without an answer. */
  readonly missing: readonly number[];
  readonly prorated: boolean;
  /** (sum − norm mean) / norm SD, when the instrument has a norm for this scale. */
  readonly z?: number;
}

/** A raised cut-off. @category Questionnaires */
export interface CutoffFlag {
  readonly cutoff: string;
  readonly scale: string;
  readonly value: number;
  readonly threshold: number;
  readonly label: string;
}

/** What {@link scoreInstrument} returns. @category Questionnaires */
export interface InstrumentScore {
  readonly instrument: string;
  readonly total: ScaleScore;
  readonly subscales: Readonly<Record<string, ScaleScore>>;
  readonly flags: readonly CutoffFlag[];
}

/** Answers: an array (index 0 is item 1) or an object keyed by item number ("1", "2", …). @category Questionnaires */
export type Answers =
  | readonly (number | null | undefined)[]
  | Readonly<Record<string, number | null | undefined>>;

function cutoffHit(when: Cutoff["when"], v: number, t: number): boolean {
  switch (when) {
    case "atOrBelow":
      return v <= t;
    case "below":
      return v < t;
    case "atOrAbove":
      return v >= t;
    case "above":
      return v > t;
  }
}

/**
 * Scores one administration of a questionnaire.
 *
 * - Reverse-keyed items are scored min + max − answer.
 * - A scale's sum is the sum of its items. With missing answers and the `prorate` rule, when at
 *   most `maxMissing` items (per subscale: `maxMissingPerSubscale`) are missing, the sum is
 *   prorated: observed sum × items / answered (mean substitution), and `prorated` is true.
 *   Otherwise a missing answer is an error.
 * - Cut-offs compare a scale's (prorated) sum; norms give z = (sum − mean) / SD.
 *
 * Reference: proration (person-mean substitution) as commonly recommended for short scales, e.g.
 * Downey & King (1998), *Journal of General Psychology* 125(2):175-191.
 *
 * @throws ScoreInputError naming the item (`answers.item7`) for an answer out of range, not a
 *   number, an unknown item, or missing answers beyond the rule.
 * @example
 * scoreInstrument(srs, [9, 9, 8.5, 9]).total.sum; // => 35.5
 * scoreInstrument(srs, [9, 9, 8.5, 9]).flags[0]?.cutoff; // => "concern"
 * @category Questionnaires
 */
export function scoreInstrument(instrument: Instrument, answers: Answers): InstrumentScore {
  const n = instrument.items;
  const { min, max } = instrument.range;
  const values: (number | undefined)[] = new Array(n).fill(undefined);
  const issues: Issue[] = [];
  const put = (item: number, v: unknown, key: string) => {
    if (!Number.isInteger(item) || item < 1 || item > n) {
      issues.push({
        code: "invalid_input",
        path: ["answers", key],
        message: `unknown item '${key}': ${instrument.id} has items 1 to ${n}`,
      });
      return;
    }
    if (v === null || v === undefined || v === "") return;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
      issues.push({
        code: "out_of_range",
        path: ["answers", `item${item}`],
        message: `item ${item}: expected a number from ${min} to ${max}`,
      });
      return;
    }
    values[item - 1] = instrument.reverse.includes(item) ? min + max - v : v;
  };
  if (Array.isArray(answers)) {
    if (answers.length > n)
      issues.push({
        code: "invalid_input",
        path: ["answers"],
        message: `${answers.length} answers for ${n} items`,
      });
    answers.forEach((v, i) => {
      if (i < n) put(i + 1, v, `item${i + 1}`);
    });
  } else {
    for (const [k, v] of Object.entries(answers as Record<string, unknown>)) {
      const num = /^(item)?\d{1,4}$/i.test(k) ? Number(k.replace(/^item/i, "")) : Number.NaN;
      put(num, v, k);
    }
  }
  if (issues.length > 0) throw new ScoreInputError(issues);

  const rule = instrument.missing;
  const scale = (name: string, items: readonly number[], limit: number): ScaleScore => {
    let sum = 0;
    const missing: number[] = [];
    for (const it of items) {
      const v = values[it - 1];
      if (v === undefined) missing.push(it);
      else sum += v;
    }
    const answered = items.length - missing.length;
    if (missing.length > 0 && (rule.rule === "none" || missing.length > limit || answered === 0))
      issues.push({
        code: "missing_answer",
        path: ["answers", `item${missing[0]}`],
        message:
          rule.rule === "none"
            ? `${name}: item(s) ${missing.join(", ")} missing; ${instrument.id} allows no missing answers`
            : `${name}: ${missing.length} item(s) missing (${missing.join(", ")}); at most ${limit} may be prorated`,
      });
    const prorated = missing.length > 0;
    const total = answered > 0 ? (sum * items.length) / answered : 0;
    const norm = instrument.norms[name];
    return {
      sum: total,
      mean: answered > 0 ? sum / answered : 0,
      items: items.length,
      answered,
      missing,
      prorated,
      ...(norm ? { z: (total - norm.mean) / norm.sd } : {}),
    };
  };
  const all = Array.from({ length: n }, (_, i) => i + 1);
  const totalLimit = rule.rule === "prorate" ? rule.maxMissing : 0;
  const subLimit = rule.rule === "prorate" ? (rule.maxMissingPerSubscale ?? rule.maxMissing) : 0;
  const total = scale("total", all, totalLimit);
  const subscales: Record<string, ScaleScore> = {};
  for (const [name, items] of Object.entries(instrument.subscales))
    subscales[name] = scale(name, items, subLimit);
  if (issues.length > 0) throw new ScoreInputError(issues);
  const flags: CutoffFlag[] = [];
  for (const c of instrument.cutoffs) {
    const s = c.scale === "total" ? total : subscales[c.scale];
    if (s && cutoffHit(c.when, s.sum, c.value))
      flags.push({
        cutoff: c.id,
        scale: c.scale,
        value: s.sum,
        threshold: c.value,
        label: c.label,
      });
  }
  return { instrument: instrument.id, total, subscales, flags };
}
