/**
 * A streaming coder: codes a stream of utterances with a classifier, chunk by chunk, and yields one
 * coded row per input utterance, in input order, with memory bounded whatever the input's size.
 *
 * Each chunk is classified together with a window of the preceding turns of each of its sessions,
 * so that context (the previous client turn, the codes of earlier turns) crosses chunk boundaries.
 * The window's own predictions are checked against the ones already yielded for those turns, on
 * the later half of each session's window (its first turns lack the turns before them); when they
 * differ (the classifier's context reaches further back), the chunk is coded with a longer
 * window, up to {@link CODE_STREAM_MAX_HISTORY} turns or the whole session. A window is checked
 * on its own turns before the chunk is coded with it (a turn's code depends only on the turns
 * before it), so a chunk is coded once in this thread, whatever window it needs. So the output
 * equals coding each session whole, and does not depend on the chunk size or on where the first
 * pass runs (`classifyBatch`, e.g. a pool of worker threads), for every classifier whose reach
 * the check can see: the built-in ones read the previous turns of each role (and the linear
 * `annomi` model the codes before), which a window of 32 turns holds. A classifier that reads
 * further back than the first window but codes that window's turns the same without it (e.g.
 * every turn from the turn 40 before it, and the first 40 turns alike) is not caught: code such
 * a stream whole (`classifier.classify` per session) instead.
 * @module
 */
import { flatten, oneEach } from "../_internal/batches.js";
import type { Classifier, Prediction } from "../classify/types.js";
import { ClassifierError, type Issue } from "../core/errors.js";
import type { Utterance } from "../core/schemas.js";
import type { CodedRow } from "../io/coded.js";
import { formatOfFile, type ReadFileOptions, readTranscriptFile, sessionNameOf } from "./files.js";
import { type StreamItem, streamCsvItemBatches, streamJsonlUtterances } from "./stream.js";

/** Utterances per chunk, by default. @category Node */
export const CODE_STREAM_CHUNK_SIZE = 2048;
/** Turns of each session sent along with a chunk as its first context window. @category Node */
export const CODE_STREAM_CONTEXT_WINDOW = 32;
/** The longest context window tried when the first one is not enough (turns per session). @category Node */
export const CODE_STREAM_MAX_HISTORY = 512;
/** Sessions whose recent turns are kept for context, by default (least recently seen dropped first). @category Node */
export const CODE_STREAM_MAX_SESSIONS = 128;

/**
 * Options of {@link codeStream} and {@link codeStreamChunks}.
 * @category Node
 */
export interface CodeStreamOptions {
  /** Utterances per chunk (default {@link CODE_STREAM_CHUNK_SIZE}); the output does not depend on it. */
  readonly chunkSize?: number;
  /**
   * Sessions whose recent turns are kept for context (default {@link CODE_STREAM_MAX_SESSIONS}).
   * A session that comes back after more than this many others is coded without its earlier
   * turns, and `onContextLost` is told.
   */
  readonly maxSessions?: number;
  /** Chunks classified at once (default 1; more only helps when `classifyBatch` runs in parallel). */
  readonly inFlight?: number;
  /**
   * Where each chunk's first pass runs (default: `classifier.classify`), e.g. a pool of worker
   * threads. It must answer as `classifier` does: a chunk whose context window must be widened is
   * coded again with `classifier` itself.
   */
  readonly classifyBatch?: (utterances: readonly Utterance[]) => Promise<readonly Prediction[]>;
  /** Called for each item that is an error (a row the reader skipped), with its line. */
  readonly onSkip?: (issue: Issue, line: number | undefined) => void;
  /** Called with the warnings an item carries (e.g. an unmapped speaker). */
  readonly onWarnings?: (warnings: readonly Issue[]) => void;
  /** Called once per session whose earlier turns were dropped from memory, with the item's line. */
  readonly onContextLost?: (session: string, line: number) => void;
}

/**
 * What a coding run did; the value a {@link codeStream} or {@link codeStreamChunks} generator
 * returns when it is done.
 * @category Node
 */
export interface CodeStreamSummary {
  /** Rows yielded. */
  readonly coded: number;
  /** Error items left out (see {@link CodeStreamOptions.onSkip}). */
  readonly skipped: number;
  /** Chunks that needed a longer context window than the first. */
  readonly widened: number;
}

/**
 * What the streaming coder reads: utterances, or the items of the streaming readers
 * (`streamCsvUtterances`, `streamJsonlUtterances`), whose error items are skipped and whose
 * warnings go to `onWarnings`.
 * @category Node
 */
export type CodeStreamInput =
  | AsyncIterable<Utterance | StreamItem>
  | Iterable<Utterance | StreamItem>;

/**
 * The turn a row's context (`utterance.metadata.context`, e.g. a CSV's `--context-column`)
 * describes: the other speaker, just before the row (also used by the CLI's `eval`).
 * @internal
 */
export function contextTurn(u: Utterance, text: string): Utterance {
  return {
    id: `${u.id}#context`,
    session: u.session,
    index: u.index,
    speaker: "context",
    role: u.role === "client" ? "therapist" : "client",
    text,
  };
}

/** Keeps the last items of each session, for at most `maxSessions` sessions (LRU). */
class History<T> {
  private readonly map = new Map<string, T[]>();
  /** The session pushed last (the newest in `map`'s order). */
  private recent: string | undefined;
  constructor(
    private readonly max: number,
    private readonly maxSessions: number,
  ) {}
  get(session: string): T[] | undefined {
    return this.map.get(session);
  }
  push(session: string, item: T): void {
    // Turns of one session mostly come together: the most recent session stays where it is.
    if (session === this.recent) {
      const list = this.map.get(session) as T[];
      list.push(item);
      if (list.length >= this.max + 64) list.splice(0, list.length - this.max);
      return;
    }
    this.recent = session;
    let list = this.map.get(session);
    if (!list) {
      list = [];
      if (this.map.size >= this.maxSessions) {
        const oldest = this.map.keys().next().value as string;
        this.map.delete(oldest);
      }
    } else this.map.delete(session);
    this.map.set(session, list);
    list.push(item);
    if (list.length >= this.max + 64) list.splice(0, list.length - this.max);
  }
  last(session: string, n: number): T[] {
    const list = this.map.get(session);
    if (!list) return [];
    return list.slice(Math.max(0, list.length - n));
  }
}

/** A turn with the code yielded for it. */
interface Turn {
  readonly u: Utterance;
  readonly code: string;
  readonly confidence: number;
}

/** A chunk sent to the classifier, waiting for its answer. */
interface Job {
  readonly window: Utterance[];
  readonly chunk: Utterance[];
  /** Which turns of `chunk` are context turns made from `metadata.context` (not yielded). */
  readonly synthetic: boolean[];
  /** Turns of each chunk session seen before this chunk (to know if the window is complete). */
  readonly before: Map<string, number>;
  /** The first pass, when it was started as the job was made (see `eager`). */
  readonly result: Promise<readonly Prediction[]> | undefined;
}

function isStreamItem(x: Utterance | StreamItem): x is StreamItem {
  return "utterance" in x || "error" in x;
}

function rowOf(u: Utterance, p: Prediction): CodedRow {
  return {
    id: u.id,
    session: u.session,
    index: u.index,
    speaker: u.role,
    code: p.codeId,
    confidence: p.confidence,
    text: u.text,
  };
}

/** Whether every session of a job had at most `n` turns before it (the window holds them all). */
function complete(job: Job, n: number): boolean {
  for (const seen of job.before.values()) if (seen > n) return false;
  return true;
}

/**
 * Whether the predictions for a window equal the codes yielded for those turns, on the later half
 * of each session's window. The first turns of a window are coded without the turns before them,
 * so a classifier that reads the previous turn codes them differently by construction; a window
 * shows that it holds the classifier's context when the turns whose own context it holds agree.
 */
function matches(
  written: History<Turn>,
  window: readonly Utterance[],
  preds: readonly Prediction[],
  n: number,
): boolean {
  const bySession = new Map<string, { turns: Turn[]; size: number }>();
  for (const u of window) {
    const e = bySession.get(u.session);
    if (e) e.size++;
    else bySession.set(u.session, { turns: written.last(u.session, n), size: 1 });
  }
  const offset = new Map<string, number>();
  for (let i = 0; i < window.length; i++) {
    const u = window[i] as Utterance;
    const k = offset.get(u.session) ?? 0;
    offset.set(u.session, k + 1);
    const e = bySession.get(u.session);
    const t = e?.turns[k];
    if (!e || !t || t.u.id !== u.id) return false;
    if (k < Math.floor(e.size / 2)) continue;
    const p = preds[i] as Prediction;
    if (t.code !== p.codeId || t.confidence !== p.confidence) return false;
  }
  return true;
}

/**
 * Codes a stream of utterances chunk by chunk and yields each chunk's rows (one per input
 * utterance, context turns left out), in input order; returns a {@link CodeStreamSummary}. The
 * lower-level twin of {@link codeStream}, for writers that write a chunk at a time.
 *
 * Memory is bounded: the current chunks, and the recent turns of at most `maxSessions` sessions
 * ({@link CODE_STREAM_MAX_HISTORY} turns each).
 * @throws {ClassifierError} `classifier_failed` when the classifier returns a different number of
 * predictions than it was given utterances; whatever the classifier or the input throws.
 * @category Node
 * @example
 * ```ts
 * const classifier = rulesClassifier(rapportCodebook);
 * for await (const rows of codeStreamChunks(streamCsvUtterances("big.csv"), classifier))
 *   out.write(rows.map((r) => codedCsvLine(r)).join("")); // one write per chunk
 * ```
 */
export function codeStreamChunks(
  input: CodeStreamInput,
  classifier: Classifier,
  options: CodeStreamOptions = {},
): AsyncGenerator<readonly CodedRow[], CodeStreamSummary, undefined> {
  return codeStreamSource({ items: input }, classifier, options);
}

/**
 * {@link codeStreamChunks} of an input read in batches (e.g. `streamCsvItemBatches`, a batch per
 * chunk of the file): the same rows, with one await per batch instead of one per item.
 * @internal
 */
export function codeStreamBatches(
  batches: AsyncIterable<readonly (Utterance | StreamItem)[]>,
  classifier: Classifier,
  options: CodeStreamOptions = {},
): AsyncGenerator<readonly CodedRow[], CodeStreamSummary, undefined> {
  return codeStreamSource({ batches }, classifier, options);
}

async function* codeStreamSource(
  source:
    | { readonly items: CodeStreamInput; readonly batches?: never }
    | {
        readonly batches: AsyncIterable<readonly (Utterance | StreamItem)[]>;
        readonly items?: never;
      },
  classifier: Classifier,
  options: CodeStreamOptions,
): AsyncGenerator<readonly CodedRow[], CodeStreamSummary, undefined> {
  const chunkSize = Math.max(1, options.chunkSize ?? CODE_STREAM_CHUNK_SIZE);
  const inFlight = Math.max(1, options.inFlight ?? 1);
  const maxSessions = Math.max(1, options.maxSessions ?? CODE_STREAM_MAX_SESSIONS);
  const firstPass =
    options.classifyBatch ?? (async (us: readonly Utterance[]) => classifier.classify(us));
  const eager = options.classifyBatch !== undefined || inFlight > 1;
  // Reader side: the turns of each session (for windows), and how many each session has had.
  const readerHistory = new History<Utterance>(CODE_STREAM_CONTEXT_WINDOW, maxSessions);
  const seenCount = new Map<string, number>();
  // Writer side: turns with the codes yielded for them (to check and widen windows).
  const written = new History<Turn>(CODE_STREAM_MAX_HISTORY, maxSessions);
  const lostWarned = new Set<string>();
  const pending: Job[] = [];
  let coded = 0;
  let skipped = 0;
  let widened = 0;
  let chunk: Utterance[] = [];
  let synthetic: boolean[] = [];
  let lines: number[] = [];

  const dispatch = () => {
    const sessions: string[] = [];
    const before = new Map<string, number>();
    for (const u of chunk)
      if (!before.has(u.session)) {
        before.set(u.session, seenCount.get(u.session) ?? 0);
        sessions.push(u.session);
      }
    const window: Utterance[] = [];
    for (const s of sessions) window.push(...readerHistory.last(s, CODE_STREAM_CONTEXT_WINDOW));
    chunk.forEach((u, k) => {
      const n = seenCount.get(u.session) ?? 0;
      if (n > 0 && readerHistory.get(u.session) === undefined && !lostWarned.has(u.session)) {
        lostWarned.add(u.session);
        options.onContextLost?.(u.session, lines[k] ?? 0);
      }
      seenCount.set(u.session, n + 1);
      readerHistory.push(u.session, u);
    });
    // Chunks in flight (or on `classifyBatch`) are classified now, with the first window; one at
    // a time in this thread, when its turn comes (see `firstWindow`).
    const result = eager ? firstPass(window.length ? [...window, ...chunk] : chunk) : undefined;
    // A failure is thrown when its chunk's turn comes; until then, it is not "unhandled".
    result?.catch(() => {});
    pending.push({ window, chunk, synthetic, before, result });
    chunk = [];
    synthetic = [];
    lines = [];
  };

  /** The classifier's answer for a batch, checked to have one prediction per utterance. */
  const checked = (preds: readonly Prediction[], total: number): readonly Prediction[] => {
    if (preds.length !== total)
      throw new ClassifierError(classifier.id, [
        {
          code: "classifier_failed",
          path: [],
          message: `the classifier returned ${preds.length} codes for ${total} utterances`,
        },
      ]);
    return preds;
  };

  /**
   * The codes of a window alone. A turn's code depends only on the turns before it (the
   * classifier contract), so they are the window's codes in `[...window, ...chunk]` too: checking
   * a window costs its own turns, not the chunk's. Undefined when the answer has the wrong length.
   */
  const probe = async (win: readonly Utterance[]): Promise<readonly Prediction[] | undefined> => {
    const preds = await classifier.classify(win);
    return preds.length === win.length ? preds : undefined;
  };

  /**
   * The chunk's codes with the first context window, or undefined when that window's own codes
   * differ from those yielded (the classifier's context reaches further back).
   */
  const firstWindow = async (job: Job): Promise<readonly Prediction[] | undefined> => {
    const w = job.window.length;
    const total = w + job.chunk.length;
    const enough = w === 0 || complete(job, CODE_STREAM_CONTEXT_WINDOW);
    if (job.result === undefined && !enough) {
      // Coded in this thread: check the window first, and code the chunk only with a window that
      // holds (the same codes as coding [window, chunk] and then checking, for far less work).
      const p = await probe(job.window);
      if (p !== undefined && !matches(written, job.window, p, CODE_STREAM_CONTEXT_WINDOW))
        return undefined;
    }
    const all = w ? [...job.window, ...job.chunk] : job.chunk;
    const preds = checked(await (job.result ?? classifier.classify(all)), total);
    if (enough || matches(written, job.window, preds, CODE_STREAM_CONTEXT_WINDOW))
      return preds.slice(w);
    return undefined;
  };

  /**
   * The chunk's codes with a longer window: widened until the window's own codes agree with those
   * yielded, or it holds the whole session (or the most kept).
   */
  const widen = async (job: Job): Promise<readonly Prediction[]> => {
    for (let n = CODE_STREAM_CONTEXT_WINDOW * 4; ; n = Math.min(CODE_STREAM_MAX_HISTORY, n * 4)) {
      const win: Utterance[] = [];
      for (const s of job.before.keys()) win.push(...written.last(s, n).map((t) => t.u));
      const last = n >= CODE_STREAM_MAX_HISTORY || complete(job, n);
      if (!last) {
        const p = await probe(win);
        if (p !== undefined && !matches(written, win, p, n)) continue;
      }
      const again = await classifier.classify([...win, ...job.chunk]);
      if (last || matches(written, win, again, n)) return again.slice(win.length);
    }
  };

  /** The rows of a job, widening its window when the first one was not enough. */
  const finish = async (job: Job): Promise<CodedRow[]> => {
    let out = await firstWindow(job);
    if (out === undefined) {
      widened++;
      out = await widen(job);
    }
    const rows: CodedRow[] = [];
    job.chunk.forEach((u, i) => {
      const p = out[i] as Prediction;
      written.push(u.session, { u, code: p.codeId, confidence: p.confidence });
      if (!job.synthetic[i]) rows.push(rowOf(u, p));
    });
    coded += rows.length;
    return rows;
  };

  /** Adds an input item to the chunk; true when the chunk is full. */
  const take = (x: Utterance | StreamItem): boolean => {
    let u: Utterance;
    let line = 0;
    if (isStreamItem(x)) {
      if (x.error) {
        skipped++;
        options.onSkip?.(x.error, x.line);
        return false;
      }
      if (x.warnings.length) options.onWarnings?.(x.warnings);
      u = x.utterance;
      line = x.line;
    } else u = x;
    const ctx = u.metadata?.context;
    if (typeof ctx === "string" && ctx.trim() !== "") {
      // A row's preceding turn goes in front of it as a turn of the other speaker, so classifiers
      // see it as the previous client (or therapist) turn.
      chunk.push(contextTurn(u, ctx));
      synthetic.push(true);
      lines.push(line);
    }
    chunk.push(u);
    synthetic.push(false);
    lines.push(line);
    return chunk.length >= chunkSize;
  };

  if (source.batches !== undefined) {
    for await (const batch of source.batches)
      for (const x of batch)
        if (take(x)) {
          dispatch();
          while (pending.length >= inFlight) yield await finish(pending.shift() as Job);
        }
  } else
    for await (const x of source.items)
      if (take(x)) {
        dispatch();
        while (pending.length >= inFlight) yield await finish(pending.shift() as Job);
      }
  if (chunk.length) dispatch();
  while (pending.length) yield await finish(pending.shift() as Job);
  return { coded, skipped, widened };
}

/**
 * Codes a stream of utterances with a classifier and yields one coded row per input utterance, in
 * input order, carrying each session's context across the chunks it is coded in: the codes equal
 * those of coding each session whole (`codeTranscript`), whatever the chunk size, with bounded
 * memory (see {@link codeStreamChunks}). Sessions may interleave. An utterance whose
 * `metadata.context` holds text (a CSV's context column) is coded after that text, as the other
 * speaker's turn; the context turn itself is not yielded.
 *
 * The input is utterances or the items of the streaming readers (error items, from
 * `onError: "skip"`, go to `onSkip`). The generator returns a {@link CodeStreamSummary}.
 * @throws {ClassifierError} `classifier_failed` when the classifier returns a different number of
 * predictions than it was given utterances; whatever the classifier or the input throws.
 * @category Node
 * @example
 * ```ts
 * import { rapportCodebook, rulesClassifier } from "rapportkit";
 * import { codeStream, streamCsvUtterances } from "rapportkit/node";
 *
 * const rows = codeStream(
 *   streamCsvUtterances("sessions.csv", { columns: { session: "visit", speaker: "who" } }),
 *   rulesClassifier(rapportCodebook),
 * );
 * for await (const row of rows) console.log(row.id, row.code, row.confidence.toFixed(2));
 * ```
 */
export async function* codeStream(
  input: CodeStreamInput,
  classifier: Classifier,
  options: CodeStreamOptions = {},
): AsyncGenerator<CodedRow, CodeStreamSummary, undefined> {
  return yield* flatten(codeStreamChunks(input, classifier, options));
}

/**
 * Options of {@link codeFile}: how to read the file, and how to code it.
 * @category Node
 */
export type CodeFileOptions = ReadFileOptions & CodeStreamOptions;

/**
 * Codes a transcript file with {@link codeStream}: CSV and JSONL files are streamed (constant
 * memory whatever their size), other formats are read whole with `readTranscriptFile`. Warnings
 * (the reader's, and invalid UTF-8 at the end of a streamed file) go to `onWarnings`.
 * @throws {TranscriptParseError} as the format's reader; Node's own error for a missing file;
 * what {@link codeStream} throws.
 * @category Node
 * @example
 * ```ts
 * import { defaultClassifier } from "rapportkit/model";
 * import { codeFile } from "rapportkit/node";
 *
 * for await (const row of codeFile("visit-3.vtt", defaultClassifier({ codebook: "rapport" })))
 *   if (row.speaker === "therapist") console.log(row.index, row.code);
 * ```
 */
export async function* codeFile(
  path: string,
  classifier: Classifier,
  options: CodeFileOptions = {},
): AsyncGenerator<CodedRow, CodeStreamSummary, undefined> {
  return yield* flatten(codeStreamBatches(batchesOfFile(path, options), classifier, options));
}

/**
 * The utterances of a file as batches of streamed items: CSV streamed a batch per chunk read,
 * JSONL an item at a time, other formats read whole (one batch).
 */
async function* batchesOfFile(
  path: string,
  options: CodeFileOptions,
): AsyncGenerator<readonly StreamItem[], void, undefined> {
  const format = await formatOfFile(path, options.format);
  if (format === "csv" || format === "jsonl") {
    const onWarning = (w: Issue) => options.onWarnings?.([w]);
    const tsv = format === "csv" && path.toLowerCase().endsWith(".tsv");
    const readOptions = {
      session: sessionNameOf(path),
      file: path,
      ...(tsv ? { delimiter: "\t" } : {}),
      ...options,
      onWarning,
    };
    if (format === "csv") yield* streamCsvItemBatches(path, readOptions);
    else yield* oneEach(streamJsonlUtterances(path, readOptions));
    return;
  }
  const result = await readTranscriptFile(path, { ...options, format });
  if (result.warnings.length) options.onWarnings?.(result.warnings);
  const items: StreamItem[] = [];
  for (const t of result.transcripts)
    for (const u of t.utterances) items.push({ utterance: u, line: 0, codings: [], warnings: [] });
  if (items.length) yield items;
}
