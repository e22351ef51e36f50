/**
 * The flat, one-row-per-session table `score --out scores.csv` writes: snake_case columns, every
 * number of the nested `score --json` object a column of its own (per-code lists become
 * `code_<code>_count` / `code_<code>_per100` / `code_<code>_per10min` and
 * `rapport_<dimension>_<code>` columns). The columns are documented, one by one, in
 * docs/guides/researchers.md ("Session scores as a table"); a test checks the two agree.
 * @module
 */
import { builtinCodebooks } from "../codebook/builtin/index.js";
import type { scoreSession } from "./commands/score.js";

type Scored = ReturnType<typeof scoreSession>;
type Cell = string | number | boolean | null;

/** `question.open` → `question_open`, `PersuadeWithPermission` → `persuade_with_permission`. */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .toLowerCase();
}

const v = (s: { value: number | null }) => s.value;

/** The fixed columns of one scored session, in order. */
function fixedRow(s: Scored): [string, Cell][] {
  const u = s.summary.utterances;
  const t = s.summary.talkShare;
  const c = s.miti.competency;
  const i = s.summary.interruptions;
  const m = s.summary.meanTurnWords;
  return [
    ["session", s.session],
    ["codebook", s.codebook],
    ["n_utterances", u.total],
    ["n_therapist", u.therapist],
    ["n_client", u.client],
    ["n_other", u.other],
    ["n_coded", u.coded],
    ["n_uncoded", u.uncoded],
    ["duration_seconds", v(s.summary.durationSeconds)],
    ["rapport_goal", s.rapport.goal],
    ["rapport_task", s.rapport.task],
    ["rapport_bond", s.rapport.bond],
    ["rapport_overall", s.rapport.overall],
    ["miti_rq_ratio", s.miti.rq_ratio],
    ["miti_rq_level", c.rq.level],
    ["miti_pct_complex_reflections", s.miti.pct_complex_reflections],
    ["miti_pct_complex_reflections_level", c.pctCR.level],
    ["miti_technical_level", c.technical.level],
    ["miti_relational_level", c.relational.level],
    ["miti_mi_adherent", s.miti.mi_adherent],
    ["miti_mi_non_adherent", s.miti.mi_non_adherent],
    ["miti_volley_rules", s.miti.volley_rules],
    ...Object.entries(s.miti.counts).map(([k, n]): [string, Cell] => [`miti_count_${snake(k)}`, n]),
    ["misc_pct_open_questions", s.misc.pct_open_questions],
    ["misc_pct_complex_reflections", s.misc.pct_complex_reflections],
    ["misc_pct_mi_consistent", s.misc.pct_mi_consistent],
    ["misc_rq_ratio", s.misc.rq_ratio],
    ["misc_pct_change_talk", s.misc.pct_change_talk],
    ["talk_share_basis", t.basis],
    ["talk_share_therapist", v(t.therapist)],
    ["talk_share_client", v(t.client)],
    ["talk_share_other", v(t.other)],
    ["turns_therapist", s.summary.turns.therapist],
    ["turns_client", s.summary.turns.client],
    ["turns_other", s.summary.turns.other],
    ["mean_turn_words_therapist", v(m.therapist)],
    ["mean_turn_words_client", v(m.client)],
    ["mean_turn_words_other", v(m.other)],
    ["interruptions", i.total],
    ["interruptions_by_therapist", i.byRole.therapist],
    ["interruptions_by_client", i.byRole.client],
    ["interruptions_by_other", i.byRole.other],
    ["overlaps", i.overlaps],
    ["cut_offs", i.cutOffs],
    ["question_share", v(s.summary.questionShare)],
    ["reflection_share", v(s.summary.reflectionShare)],
    ["reflection_to_question", v(s.summary.reflectionToQuestion)],
    ["n_flags", s.flags.length],
    ["flags", [...new Set(s.flags.map((f) => f.kind))].join(";")],
    ["n_warnings", s.warnings.length],
  ];
}

/** Every code a table's sessions may have: the codebook's codes, then any other code seen. */
function codeIds(scored: readonly Scored[]): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  };
  for (const s of scored) {
    const cb = Object.hasOwn(builtinCodebooks, s.codebook)
      ? builtinCodebooks[s.codebook as keyof typeof builtinCodebooks]
      : undefined;
    for (const c of cb?.codes ?? []) add(c.id);
  }
  for (const s of scored) for (const c of s.summary.codes) add(c.codeId);
  return ids;
}

/**
 * The table: a header and one row per session. Absent codes count 0; their rates are 0 when the
 * session has utterances and a duration, else empty (undefined). Rapport contributions of codes
 * that contributed nothing are 0.
 */
export function scoreTable(scored: readonly Scored[]): { header: string[]; rows: Cell[][] } {
  const ids = codeIds(scored);
  const dims = ["goal", "task", "bond"] as const;
  const contributors = new Map<string, Set<string>>(dims.map((d) => [d, new Set<string>()]));
  for (const s of scored)
    for (const d of dims)
      for (const c of s.rapport.contributions[d]) contributors.get(d)?.add(c.codeId);
  const header: string[] = [];
  const rows: Cell[][] = [];
  for (const s of scored) {
    const cells: [string, Cell][] = fixedRow(s);
    const byCode = new Map(s.summary.codes.map((c) => [c.codeId, c]));
    const hasTime = s.summary.durationSeconds.value !== null;
    for (const id of ids) {
      const c = byCode.get(id);
      const k = `code_${snake(id)}`;
      cells.push([`${k}_count`, c?.count ?? 0]);
      cells.push([`${k}_per100`, c ? v(c.per100) : s.summary.utterances.total > 0 ? 0 : null]);
      cells.push([`${k}_per10min`, c ? v(c.per10min) : hasTime ? 0 : null]);
    }
    for (const d of dims) {
      const got = new Map(s.rapport.contributions[d].map((c) => [c.codeId, c.contribution]));
      for (const id of contributors.get(d) ?? [])
        cells.push([`rapport_${d}_${snake(id)}`, got.get(id) ?? 0]);
    }
    if (header.length === 0) header.push(...cells.map(([h]) => h));
    rows.push(cells.map(([, x]) => x));
  }
  if (header.length === 0) header.push(...fixedHeaderOfNoSessions());
  return { header, rows };
}

function fixedHeaderOfNoSessions(): string[] {
  return ["session", "codebook"];
}

/** A number with at most 4 decimals (`0.1 + 0.2` → `0.3`); booleans as TRUE/FALSE, as R reads them. */
export function cellText(x: Cell): string {
  if (x === null) return "";
  if (typeof x === "number") return String(Math.round(x * 1e4) / 1e4);
  if (typeof x === "boolean") return x ? "TRUE" : "FALSE";
  return x;
}
