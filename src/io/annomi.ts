import { type Issue, TranscriptParseError } from "../core/errors.js";
import type { Coding, SpeakerRole, Utterance } from "../core/schemas.js";
import {
  groupSessions,
  issueAt,
  makeUtterance,
  maxUtteranceBytesOf,
  parseTime,
  type ReadOptions,
  type ReadResult,
  tooLargeIssue,
  utf8Over,
} from "./_shared.js";
import { type CsvRecordAt, duplicateColumns, emptyCsvIssue, parseCsvRecords } from "./csv.js";

/** The columns {@link readAnnomi} needs. @category Transcripts */
export const ANNOMI_REQUIRED_COLUMNS = [
  "transcript_id",
  "utterance_id",
  "interlocutor",
  "utterance_text",
] as const;

/** AnnoMI-full's columns, in its order (what `rapportkit convert --to annomi` writes). @internal */
export const ANNOMI_COLUMNS = [
  "mi_quality",
  "transcript_id",
  "video_title",
  "video_url",
  "topic",
  "utterance_id",
  "interlocutor",
  "timestamp",
  "utterance_text",
  "annotator_id",
  "therapist_input_exists",
  "therapist_input_subtype",
  "reflection_exists",
  "reflection_subtype",
  "question_exists",
  "question_subtype",
  "main_therapist_behaviour",
  "client_talk_type",
] as const;

/**
 * The label columns of one annotator's row, kept with `annomiLabels`: every column of
 * {@link ANNOMI_COLUMNS} but the transcript's metadata and the utterance's own fields, in the
 * file's order.
 */
export const ANNOMI_LABEL_COLUMNS: readonly (typeof ANNOMI_COLUMNS)[number][] =
  ANNOMI_COLUMNS.filter(
    (c) =>
      c === "timestamp" ||
      c === "annotator_id" ||
      c.startsWith("therapist_") ||
      c.startsWith("reflection_") ||
      c.startsWith("question_") ||
      c === "main_therapist_behaviour" ||
      c === "client_talk_type",
  );

type Required = (typeof ANNOMI_REQUIRED_COLUMNS)[number];
/** The columns read when present: every AnnoMI-full column but the required ones. */
const OPTIONAL = ANNOMI_COLUMNS.filter(
  (c): c is Exclude<(typeof ANNOMI_COLUMNS)[number], Required> =>
    !(ANNOMI_REQUIRED_COLUMNS as readonly string[]).includes(c),
);

type Col = (typeof ANNOMI_COLUMNS)[number];

const SUBTYPES: Record<string, readonly string[]> = {
  reflection: ["simple", "complex"],
  question: ["open", "closed"],
  therapist_input: ["information", "advice", "negotiation", "options"],
};
const SUBTYPE_COLUMN: Record<string, Col> = {
  reflection: "reflection_subtype",
  question: "question_subtype",
  therapist_input: "therapist_input_subtype",
};
const MAIN = new Set(["reflection", "question", "therapist_input", "other"]);
const CLIENT = new Set(["change", "neutral", "sustain"]);

/**
 * The `annomi` code of one annotator's labels on one utterance: for a therapist the most specific
 * code (`reflection.simple`, `question.open`, `therapist_input.advice`, …, or the main behaviour
 * when it has no subtype); for a client the talk type (`change`, `neutral`, `sustain`). Returns
 * `undefined` when the row carries no usable label.
 * @category Transcripts
 * @example
 * ```ts
 * annomiCode("therapist", "question", { question_subtype: "open" }); // => "question.open"
 * annomiCode("client", "n/a", { client_talk_type: "change" }); // => "change"
 * ```
 */
export function annomiCode(
  interlocutor: string,
  mainBehaviour: string,
  row: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (interlocutor === "client") {
    const t = (row.client_talk_type ?? "").trim();
    return CLIENT.has(t) ? t : undefined;
  }
  const main = mainBehaviour.trim();
  if (!MAIN.has(main)) return undefined;
  const subCol = SUBTYPE_COLUMN[main];
  const sub = subCol ? (row[subCol] ?? "").trim() : "";
  return SUBTYPES[main]?.includes(sub) ? `${main}.${sub}` : main;
}

/**
 * Reads the AnnoMI CSV format (AnnoMI-full: one row per utterance and annotator). Rows repeated once
 * per annotator collapse to ONE utterance per distinct (`transcript_id`, `utterance_id`), built from
 * the row of the lowest `annotator_id`; every annotator's labels are kept as human codings in the
 * `annomi` codebook (source `annotator:<id>`, confidence 1; see {@link annomiCode}).
 *
 * Utterance id `<transcript_id>:<utterance_id>`, session `transcript_id`, index = rank of
 * `utterance_id` (numeric order) within the transcript, role from `interlocutor`, start from
 * `timestamp`. Transcript metadata: `mi_quality`, `topic`, `video_title`, `video_url`.
 * Sessions come in order of first appearance.
 *
 * @throws {TranscriptParseError} `empty_input` (line 1) for an empty input, `missing_column`
 * (line 1), `bad_row`/`bad_csv` with the line,
 * `bad_row` for a non-numeric `utterance_id` or an unknown `interlocutor`; `duplicate_column`
 * (line 1) for two header columns of one name; `conflicting_rows` for a row whose `utterance_text`
 * differs from the first row of the same utterance (naming both lines). A malformed `timestamp`
 * is a `bad_timestamp` warning (the utterance is kept without a start time).
 * With `onError: "skip"` bad rows are reported as warnings and left out.
 * @category Transcripts
 */
export function readAnnomi(text: string, options: ReadOptions = {}): ReadResult {
  const file = options.file;
  const warnings: Issue[] = [];
  const records = parseCsvRecords(text, "annomi", {
    file,
    ...(options.onError === "skip" ? { skipped: warnings } : {}),
  });
  const header = records[0]?.record;
  if (!header) throw new TranscriptParseError("annomi", [emptyCsvIssue("annomi", file)]);
  const collector = annomiCollector(header, options, warnings);
  for (let r = 1; r < records.length; r++) {
    const { record, line } = records[r] as CsvRecordAt;
    collector.add(record, line);
  }
  return collector.finish();
}

/**
 * Builds AnnoMI utterances and codings from CSV records (header first), so that the whole-text
 * reader and the streaming file reader in `rapportkit/node` give the same result. Issues (skipped
 * rows, warnings) are pushed onto `warnings`.
 * @throws {TranscriptParseError} `missing_column` at creation; bad rows from `add` unless skipping.
 * @internal
 */
export function annomiCollector(
  header: readonly string[],
  options: ReadOptions,
  warnings: Issue[],
): { add(record: readonly string[], line: number): void; finish(): ReadResult } {
  const file = options.file;
  const skip = options.onError === "skip";
  const maxBytes = maxUtteranceBytesOf("annomi", options);
  const dup = duplicateColumns(header);
  if (dup)
    throw new TranscriptParseError("annomi", [
      issueAt(file, {
        code: "duplicate_column",
        path: ["columns"],
        line: 1,
        message: `annomi: header columns ${dup.first} and ${dup.second} are both named ${JSON.stringify(dup.name.slice(0, 40))}; rename one`,
      }),
    ]);
  const col: Partial<Record<Col, number>> = {};
  for (const c of [...ANNOMI_REQUIRED_COLUMNS, ...OPTIONAL]) {
    const i = header.findIndex((h) => h.trim().toLowerCase() === c);
    if (i >= 0) col[c] = i;
    else if ((ANNOMI_REQUIRED_COLUMNS as readonly string[]).includes(c))
      throw new TranscriptParseError("annomi", [
        issueAt(file, {
          code: "missing_column",
          path: ["columns", c],
          line: 1,
          message: `annomi: the header has no ${JSON.stringify(c)} column (AnnoMI needs ${ANNOMI_REQUIRED_COLUMNS.join(", ")})`,
        }),
      ]);
  }
  const get = (rec: readonly string[], c: Col): string => {
    const i = col[c];
    return i === undefined ? "" : (rec[i] ?? "");
  };

  interface Entry {
    utterance: Utterance;
    order: number;
    annotator: number;
    seq: number;
    /** The line of the first row of this utterance (every annotator's row must match its text). */
    line: number;
  }
  const sessions = new Map<string, Map<string, Entry>>();
  const sessionMeta = new Map<string, Record<string, unknown>>();
  const rowCodings: {
    session: string;
    utt: string;
    annotator: string;
    code: string;
    seq: number;
  }[] = [];
  /** With `annomiLabels`: each utterance's annotator rows, as in the file. */
  const labels = new Map<string, Record<string, string>[]>();
  let seq = 0;
  const add = (record: readonly string[], line: number): void => {
    const bad = (c: Col, code: string, message: string) => {
      const issue = issueAt(file, { code, line, path: [c], message: `annomi: ${message}` });
      if (!skip) throw new TranscriptParseError("annomi", [issue]);
      warnings.push({ ...issue, message: `${issue.message}; row skipped` });
    };
    const session = get(record, "transcript_id").trim();
    const uttId = get(record, "utterance_id").trim();
    if (session === "") {
      bad("transcript_id", "bad_row", "transcript_id is empty");
      return;
    }
    const order = Number(uttId);
    if (uttId === "" || !Number.isInteger(order) || order < 0) {
      bad("utterance_id", "bad_row", "utterance_id is not a non-negative integer");
      return;
    }
    if (utf8Over(get(record, "utterance_text"), maxBytes)) {
      const issue = tooLargeIssue("annomi", file, maxBytes, { line, path: ["utterance_text"] });
      if (!skip) throw new TranscriptParseError("annomi", [issue]);
      warnings.push({ ...issue, message: `${issue.message}; row skipped` });
      return;
    }
    const who = get(record, "interlocutor").trim().toLowerCase();
    if (who !== "therapist" && who !== "client") {
      bad("interlocutor", "bad_row", 'interlocutor must be "therapist" or "client"');
      return;
    }
    let ts = parseTime(get(record, "timestamp"));
    if (ts === null) {
      // AnnoMI has a few malformed timestamps (e.g. "00:09:025"): keep the utterance, drop the time.
      warnings.push(
        issueAt(file, {
          code: "bad_timestamp",
          line,
          path: ["timestamp"],
          message: `annomi: timestamp of utterance ${session}:${uttId} is not hh:mm:ss or seconds; start left empty`,
        }),
      );
      ts = undefined;
    }
    const annotatorRaw = get(record, "annotator_id").trim();
    const annotator = annotatorRaw === "" ? Number.POSITIVE_INFINITY : Number(annotatorRaw);
    let utts = sessions.get(session);
    if (!utts) {
      utts = new Map();
      sessions.set(session, utts);
      const md: Record<string, unknown> = {};
      for (const k of ["mi_quality", "topic", "video_title", "video_url"] as const)
        if (col[k] !== undefined) md[k] = get(record, k);
      sessionMeta.set(session, md);
    }
    const id = `${session}:${uttId}`;
    const prev = utts.get(uttId);
    if (prev && prev.utterance.text !== get(record, "utterance_text")) {
      // Rows of one utterance (one per annotator) must carry the same text: keeping either would
      // change the content silently.
      const issue = issueAt(file, {
        code: "conflicting_rows",
        line,
        path: ["utterance_text"],
        message: `annomi: utterance ${id} has a different utterance_text here than at line ${prev.line}`,
      });
      if (!skip) throw new TranscriptParseError("annomi", [issue]);
      warnings.push({ ...issue, message: `${issue.message}; row skipped` });
      return;
    }
    const role: SpeakerRole = who;
    if (!prev || (Number.isFinite(annotator) && annotator < prev.annotator)) {
      utts.set(uttId, {
        utterance: makeUtterance({
          id,
          session,
          index: 0,
          speaker: who,
          role,
          text: get(record, "utterance_text"),
          start: ts,
        }),
        order,
        annotator: Number.isNaN(annotator) ? Number.POSITIVE_INFINITY : annotator,
        seq: prev?.seq ?? seq,
        line: prev?.line ?? line,
      });
    }
    if (options.annomiLabels) {
      const row: Record<string, string> = {};
      for (const c of ANNOMI_LABEL_COLUMNS) if (col[c] !== undefined) row[c] = get(record, c);
      const list = labels.get(id);
      if (list) list.push(row);
      else labels.set(id, [row]);
    }
    const code = annomiCode(who, get(record, "main_therapist_behaviour"), {
      client_talk_type: get(record, "client_talk_type"),
      reflection_subtype: get(record, "reflection_subtype"),
      question_subtype: get(record, "question_subtype"),
      therapist_input_subtype: get(record, "therapist_input_subtype"),
    });
    if (code)
      rowCodings.push({
        session,
        utt: uttId,
        annotator: annotatorRaw === "" ? "unknown" : annotatorRaw,
        code,
        seq,
      });
    else
      warnings.push(
        issueAt(file, {
          code: "missing_label",
          line,
          path: [who === "client" ? "client_talk_type" : "main_therapist_behaviour"],
          message: `annomi: utterance ${id} has no ${who === "client" ? "client talk type" : "therapist behaviour"} label for this annotator; no coding made`,
        }),
      );
    seq++;
  };
  const finish = (): ReadResult => {
    const utterances: Utterance[] = [];
    for (const [, utts] of sessions) {
      const entries = [...utts.values()].sort((a, b) => a.order - b.order || a.seq - b.seq);
      entries.forEach((e, i) => {
        e.utterance.index = i;
        const rows = labels.get(e.utterance.id);
        if (rows) e.utterance.metadata = { ...e.utterance.metadata, annomi: rows };
        utterances.push(e.utterance);
      });
    }
    const codings: Coding[] = rowCodings.map((c) => ({
      utteranceId: `${c.session}:${c.utt}`,
      codeId: c.code,
      confidence: 1,
      source: `annotator:${c.annotator}`,
    }));
    warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return {
      transcripts: groupSessions(utterances, sessionMeta),
      codings,
      warnings,
      codebookId: "annomi",
    };
  };
  return { add, finish };
}
