import { type Issue, TranscriptParseError } from "../core/errors.js";
import { fromZodIssues } from "../core/result.js";
import {
  type Coding,
  CodingSchema,
  type Transcript,
  TranscriptSchema,
  type Utterance,
  UtteranceSchema,
} from "../core/schemas.js";
import * as z from "../core/zod.js";
import { jsonDepthLocation, jsonErrorLocation, MAX_JSON_DEPTH } from "./_json-locate.js";
import {
  groupSessions,
  issueAt,
  makeUtterance,
  maxUtteranceBytesOf,
  type ReadOptions,
  type ReadResult,
  SessionIndexer,
  speakerResolver,
  splitLines,
  tooLargeIssue,
  utf8Over,
} from "./_shared.js";
import { type MappedRow, RowError } from "./csv.js";

/** The `codings` array of a coded transcript. */
const CodingsSchema = z.array(CodingSchema);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON, or throws a `bad_json` TranscriptParseError with line and column (no content). */
function parseJsonText(text: string, format: string, file: string | undefined): unknown {
  const deep = jsonDepthLocation(text);
  if (deep)
    throw new TranscriptParseError(format, [
      issueAt(file, {
        code: "bad_json",
        ...deep,
        message: `${format}: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
      }),
    ]);
  try {
    return JSON.parse(text);
  } catch {
    const { line, column } = jsonErrorLocation(text);
    throw new TranscriptParseError(format, [
      issueAt(file, {
        code: "bad_json",
        line,
        column,
        message: `${format}: not valid JSON here (expected a JSON value, ",", ":" or a closing bracket)`,
      }),
    ]);
  }
}

/**
 * Fills what a hand-written utterance may leave out: `session` (the transcript's id), `index`
 * (position), `id` (`<session>:<index>`) and `role` (from the speaker map).
 */
function fillUtterance(
  raw: unknown,
  fallbackSession: string,
  position: number,
  resolve: (speaker: string) => string,
  forceRole: boolean,
): unknown {
  if (!isObject(raw)) return raw;
  const u: Record<string, unknown> = { ...raw };
  if (u.session === undefined) u.session = fallbackSession;
  if (u.index === undefined) u.index = position;
  if (u.id === undefined && typeof u.session === "string" && typeof u.index === "number")
    u.id = `${u.session}:${u.index}`;
  if (u.speaker === undefined && typeof u.role === "string") u.speaker = u.role;
  if (typeof u.speaker === "string" && (u.role === undefined || forceRole))
    u.role = resolve(u.speaker);
  return u;
}

/**
 * Reads JSON: a Transcript, an array of Transcripts, `{ transcripts: [...] }`, or coded
 * transcripts (`{ transcript, codebook, codings }`, alone or in an array) whose codings are returned.
 * Utterances may leave out `session` (the transcript's id), `index` (their position), `id`
 * (`<session>:<index>`) and `role` (from `speaker` through the speaker map; `options.role`
 * overrides every role). A transcript without an id takes `options.session` (default `session`).
 * Validated with the zod schemas.
 * @throws {TranscriptParseError} `bad_json` with line and column for a syntax error; zod issue
 * codes with the path (e.g. `transcripts[0].utterances[3].text`) for a value of the wrong shape.
 * @category Transcripts
 * @example
 * ```ts
 * readJson('{"id":"s1","utterances":[{"speaker":"T","text":"Hi."}]}').transcripts[0].utterances[0];
 * // => { id: "s1:0", session: "s1", index: 0, speaker: "T", role: "therapist", text: "Hi." }
 * ```
 */
export function readJson(text: string, options: ReadOptions = {}): ReadResult {
  const file = options.file;
  const maxBytes = maxUtteranceBytesOf("json", options);
  const data = parseJsonText(stripBom(text), "json", file);
  const warnings: Issue[] = [];
  const resolver = speakerResolver("json", options);
  let list: unknown[];
  let prefix: PropertyKey[];
  if (Array.isArray(data)) {
    list = data;
    prefix = [];
  } else if (isObject(data) && Array.isArray(data.transcripts)) {
    list = data.transcripts;
    prefix = ["transcripts"];
  } else {
    list = [data];
    prefix = [];
  }
  const single = !Array.isArray(data) && prefix.length === 0;
  const transcripts: Transcript[] = [];
  const codings: Coding[] = [];
  const issues: Issue[] = [];
  let codebookId: string | undefined;
  list.forEach((item, ti) => {
    const at: PropertyKey[] = single ? [] : [...prefix, ti];
    let raw = item;
    let rawCodings: unknown;
    let tPath = at;
    if (isObject(item) && isObject(item.transcript)) {
      raw = item.transcript;
      rawCodings = item.codings;
      tPath = [...at, "transcript"];
      if (isObject(item.codebook) && typeof item.codebook.id === "string")
        codebookId = item.codebook.id;
    }
    if (isObject(raw) && Array.isArray(raw.utterances)) {
      raw.utterances.forEach((u, i) => {
        if (isObject(u) && typeof u.text === "string" && utf8Over(u.text, maxBytes))
          issues.push(
            tooLargeIssue("json", file, maxBytes, { path: [...tPath, "utterances", i, "text"] }),
          );
      });
      const sid =
        typeof raw.id === "string" && raw.id !== "" ? raw.id : (options.session ?? "session");
      const utterances = raw.utterances.map((u, i) =>
        fillUtterance(
          u,
          sid,
          i,
          (s) => resolver(s, undefined, warnings),
          options.role !== undefined,
        ),
      );
      raw = { ...raw, id: raw.id ?? sid, utterances };
    }
    const r = TranscriptSchema.safeParse(raw);
    if (!r.success) {
      for (const i of fromZodIssues(r.error.issues, tPath))
        issues.push(file === undefined ? i : { ...i, file });
      return;
    }
    transcripts.push(r.data);
    if (rawCodings !== undefined) {
      const c = CodingsSchema.safeParse(rawCodings);
      if (!c.success) {
        for (const i of fromZodIssues(c.error.issues, [...at, "codings"]))
          issues.push(file === undefined ? i : { ...i, file });
        return;
      }
      for (const x of c.data) codings.push(x);
    }
  });
  if (issues.length > 0) throw new TranscriptParseError("json", issues);
  return codebookId === undefined
    ? { transcripts, codings, warnings }
    : { transcripts, codings, warnings, codebookId };
}

/**
 * Writes transcripts as a JSON array (pretty-printed with 2 spaces), readable by {@link readJson}.
 * @category Transcripts
 */
export function writeJson(transcripts: readonly Transcript[]): string {
  return `${JSON.stringify(transcripts, null, 2)}\n`;
}

/**
 * Options of {@link readJsonl}.
 * @category Transcripts
 */
export interface JsonlReadOptions extends ReadOptions {
  /** The `source` of codings read from `code` keys (default `human`). */
  readonly source?: string;
}

/**
 * Maps JSONL lines to utterances. Shared by {@link readJsonl} and the streaming reader in
 * `rapportkit/node`. Returns `null` for a blank line.
 * @internal
 */
export function jsonlLineMapper(
  options: JsonlReadOptions,
): (lineText: string, line: number) => MappedRow | null {
  const file = options.file;
  const resolve = speakerResolver("jsonl", options);
  const maxBytes = maxUtteranceBytesOf("jsonl", options);
  const indexer = new SessionIndexer();
  const defaultSession = options.session ?? "session";
  const source = options.source ?? "human";
  return (lineText, line) => {
    if (lineText.trim() === "") return null;
    const deep = jsonDepthLocation(lineText);
    if (deep)
      throw new RowError(
        issueAt(file, {
          code: "bad_json",
          line,
          column: deep.column,
          message: `jsonl: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
        }),
      );
    let data: unknown;
    try {
      data = JSON.parse(lineText);
    } catch {
      const { column } = jsonErrorLocation(lineText);
      throw new RowError(
        issueAt(file, {
          code: "bad_json",
          line,
          column,
          message: "jsonl: the line is not valid JSON (expected one JSON object per line)",
        }),
      );
    }
    if (!isObject(data))
      throw new RowError(
        issueAt(file, {
          code: "bad_row",
          line,
          column: 1,
          message: "jsonl: the line is not a JSON object (expected one utterance object per line)",
        }),
      );
    if (typeof data.text === "string" && utf8Over(data.text, maxBytes))
      throw new RowError(tooLargeIssue("jsonl", file, maxBytes, { line }));
    const warnings: Issue[] = [];
    const u: Record<string, unknown> = { ...data };
    const code = u.code;
    const confidence = u.confidence;
    delete u.code;
    delete u.confidence;
    if (u.session === undefined || u.session === "") u.session = defaultSession;
    if (u.speaker === undefined && typeof u.role === "string") u.speaker = u.role;
    if (options.role) u.role = options.role;
    else if (u.role === undefined && typeof u.speaker === "string")
      u.role = resolve(u.speaker, line, warnings);
    else if (u.role === undefined && u.speaker === undefined && options.defaultRole) {
      u.role = options.defaultRole;
      u.speaker = options.defaultRole;
    }
    if (typeof u.session === "string") {
      const n = indexer.next(u.session);
      if (u.index === undefined) u.index = n;
    }
    if (u.id === undefined && typeof u.session === "string" && typeof u.index === "number")
      u.id = `${u.session}:${u.index}`;
    const r = UtteranceSchema.safeParse(u);
    if (!r.success) {
      const first = fromZodIssues(r.error.issues)[0] as Issue;
      throw new RowError(
        issueAt(file, {
          code: first.code,
          line,
          path: first.path,
          message: `jsonl: ${first.path.map(String).join(".") || "utterance"}: ${first.message}`,
        }),
      );
    }
    const utterance: Utterance = r.data;
    const codings: Coding[] = [];
    if (typeof code === "string" && code !== "") {
      const conf = confidence === undefined || confidence === null ? 1 : confidence;
      if (typeof conf !== "number" || !(conf >= 0 && conf <= 1))
        throw new RowError(
          issueAt(file, {
            code: "out_of_range",
            line,
            path: ["confidence"],
            message: "jsonl: confidence must be a number in [0, 1]",
          }),
        );
      codings.push({ utteranceId: utterance.id, codeId: code, confidence: conf, source });
    }
    return { utterance, codings, warnings };
  };
}

/**
 * Reads JSONL: one utterance object per line (`speaker`, `text`, and optionally `id`, `session`,
 * `index`, `role`, `start`, `end`, `metadata`; `code`/`confidence` keys become codings). Utterances
 * are grouped by `session` (order of first appearance); a missing `index` counts lines within the
 * session, a missing `id` is `<session>:<index>`. Blank lines are ignored.
 * @throws {TranscriptParseError} `bad_json` with the line (and column) of a line that is not JSON;
 * zod issue codes with line and path for an object of the wrong shape. With `onError: "skip"` such
 * lines are left out and reported as warnings.
 * @category Transcripts
 * @example
 * ```ts
 * readJsonl('{"session":"s1","speaker":"C","text":"OK."}\n').transcripts[0].utterances[0].id; // => "s1:0"
 * ```
 */
export function readJsonl(text: string, options: JsonlReadOptions = {}): ReadResult {
  const map = jsonlLineMapper(options);
  const lines = splitLines(text);
  const utterances: Utterance[] = [];
  const codings: Coding[] = [];
  const warnings: Issue[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      const row = map(lines[i] as string, i + 1);
      if (!row) continue;
      utterances.push(row.utterance);
      for (const c of row.codings) codings.push(c);
      for (const w of row.warnings) warnings.push(w);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      if (options.onError !== "skip") throw new TranscriptParseError("jsonl", [e.issue]);
      warnings.push({ ...e.issue, message: `${e.issue.message}; line skipped` });
    }
  }
  return { transcripts: groupSessions(utterances), codings, warnings };
}

/**
 * One JSONL line for an utterance: keys `id, session, index, speaker, role, text`, then `start`,
 * `end`, `metadata` when present.
 * @category Transcripts
 */
export function utteranceToJsonl(u: Utterance): string {
  // makeUtterance copies the fields in this order and leaves out the undefined optional ones.
  return JSON.stringify(makeUtterance(u));
}

/**
 * Writes transcripts as JSONL, one utterance object per line (see {@link utteranceToJsonl}),
 * readable by {@link readJsonl}. Transcript metadata and empty transcripts are not kept.
 * @category Transcripts
 * @example
 * ```ts
 * writeJsonl([{ id: "s1", utterances: [{ id: "s1:0", session: "s1", index: 0, speaker: "T", role: "therapist", text: "Hi." }] }]);
 * // => '{"id":"s1:0","session":"s1","index":0,"speaker":"T","role":"therapist","text":"Hi."}\n'
 * ```
 */
export function writeJsonl(transcripts: readonly Transcript[]): string {
  let out = "";
  for (const t of transcripts) for (const u of t.utterances) out += `${utteranceToJsonl(u)}\n`;
  return out;
}
