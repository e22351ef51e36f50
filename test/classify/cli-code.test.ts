import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { linearClassifier } from "../../src/classify/linear/index.js";
import type { Classifier, SyncClassifier } from "../../src/classify/types.js";
import type { Transcript, Utterance } from "../../src/core/schemas.js";
import type { CodedRow } from "../../src/io/coded.js";
import {
  type CodeStreamOptions,
  type CodeStreamSummary,
  codeStreamChunks,
} from "../../src/node/code-stream.js";
import { type StreamItem, streamCsvUtterances } from "../../src/node/stream.js";
import { ANNOMI, annomi, run, smallModel, tmp, writeSessionsCsv } from "./_cli.js";

let dir: string;
let modelPath: string;
let model: SyncClassifier;
let sessions: Transcript[];

beforeAll(() => {
  dir = tmp();
  modelPath = smallModel(dir);
  model = linearClassifier(JSON.parse(readFileSync(modelPath, "utf8")));
  sessions = annomi().transcripts.slice(20, 32);
}, 120_000);

async function* itemsOf(us: readonly Utterance[]): AsyncGenerator<StreamItem> {
  let line = 2;
  for (const u of us) yield { utterance: u, line: line++, codings: [], warnings: [] };
}

/** Runs the streaming coder to its end, handing each chunk's rows to `onRows`. */
async function codeItems(
  items: AsyncIterable<StreamItem>,
  classifier: Classifier,
  options: CodeStreamOptions & { onRows: (rows: readonly CodedRow[]) => unknown },
): Promise<CodeStreamSummary> {
  const chunks = codeStreamChunks(items, classifier, options);
  for (;;) {
    const next = await chunks.next();
    if (next.done) return next.value;
    options.onRows(next.value);
  }
}

async function codeAll(us: readonly Utterance[], chunkSize: number) {
  const rows: CodedRow[] = [];
  const summary = await codeItems(itemsOf(us), model, {
    chunkSize,
    onRows: (r) => rows.push(...r),
  });
  return { rows, summary };
}

describe("code: chunked coding with context", () => {
  it("gives the same codes for any chunk size, equal to coding each session whole", async () => {
    const us = sessions.flatMap((t) => t.utterances);
    const whole = sessions.flatMap((t) => model.classify(t.utterances));
    const expected = whole.map((p) => [p.utteranceId, p.codeId, p.confidence]);
    for (const size of [3, 50, 100_000]) {
      const { rows, summary } = await codeAll(us, size);
      expect(rows.map((r) => [r.id, r.code, r.confidence])).toEqual(expected);
      expect(summary.coded).toBe(us.length);
      if (size === 3) console.log(`chunk size 3: ${summary.widened} chunks widened`);
    }
  });

  it("keeps context per session when sessions interleave", async () => {
    const [a, b] = sessions as [Transcript, Transcript];
    const mixed: Utterance[] = [];
    const n = Math.max(a.utterances.length, b.utterances.length);
    for (let i = 0; i < n; i++) {
      if (a.utterances[i]) mixed.push(a.utterances[i] as Utterance);
      if (b.utterances[i]) mixed.push(b.utterances[i] as Utterance);
    }
    const byId = new Map(
      [...model.classify(a.utterances), ...model.classify(b.utterances)].map((p) => [
        p.utteranceId,
        p,
      ]),
    );
    const { rows } = await codeAll(mixed, 5);
    expect(rows.map((r) => r.id)).toEqual(mixed.map((u) => u.id));
    for (const r of rows)
      expect([r.code, r.confidence]).toEqual([byId.get(r.id)?.codeId, byId.get(r.id)?.confidence]);
  });
});

describe("code: failures", () => {
  it("throws a chunk's classifier error in order, with no unhandled rejection from later chunks", async () => {
    const us = sessions.flatMap((t) => t.utterances).slice(0, 40);
    let calls = 0;
    const classifyBatch = async () => {
      calls++;
      throw new Error(`chunk ${calls} failed`);
    };
    const rows: CodedRow[] = [];
    await expect(
      codeItems(itemsOf(us), model, {
        classifyBatch,
        chunkSize: 5,
        inFlight: 4,
        onRows: (r) => rows.push(...r),
      }),
    ).rejects.toThrow("chunk 1 failed");
    expect(rows).toEqual([]);
  });

  it("rejects a classifier that returns the wrong number of codes", async () => {
    const us = sessions.flatMap((t) => t.utterances).slice(0, 4);
    const short: SyncClassifier = { ...model, classify: (xs) => model.classify(xs).slice(1) };
    await expect(codeItems(itemsOf(us), short, { onRows: () => {} })).rejects.toThrow(
      /returned 3 codes for 4 utterances/,
    );
  });
});

describe("code: --context-column", () => {
  it("puts each row's context in front of it as the other speaker's turn, and writes only the rows", async () => {
    const f = join(dir, "ctx.csv");
    writeFileSync(
      f,
      'text,context\n"So you feel stuck at work.","I feel stuck at work."\n"What else?",\n',
    );
    const seen: Utterance[][] = [];
    const spy: SyncClassifier = {
      ...model,
      classify(us) {
        seen.push([...us]);
        return us.map((u) => ({
          utteranceId: u.id,
          codeId: "other",
          confidence: 1,
          source: "spy",
        }));
      },
    };
    const rows: CodedRow[] = [];
    async function* items(): AsyncGenerator<StreamItem> {
      yield* streamCsvUtterances(f, {
        columns: { context: "context" },
        role: "therapist",
        session: "ctx",
      });
    }
    await codeItems(items(), spy, {
      onRows: (r) => rows.push(...r),
    });
    expect(rows.map((r) => r.id)).toEqual(["ctx:0", "ctx:1"]);
    expect(seen[0]?.map((u) => [u.id, u.role])).toEqual([
      ["ctx:0#context", "client"],
      ["ctx:0", "therapist"],
      ["ctx:1", "therapist"],
    ]);
    const r = await run([
      "code",
      f,
      "--context-column",
      "context",
      "--speaker",
      "therapist",
      "--classifier",
      "rules",
    ]);
    expect(r.code).toBe(0);
    const out = parse(r.out, { columns: true }) as Record<string, string>[];
    expect(out.map((x) => x.id)).toEqual(["ctx:0", "ctx:1"]);
    expect(out[0]?.code).toMatch(/^reflection/);
  });
});

describe("rapportkit code", () => {
  it("writes exactly id,session,index,speaker,code,confidence,text, one row per utterance in order", async () => {
    const f = join(dir, "two.csv");
    writeSessionsCsv(f, sessions.slice(0, 2));
    const r = await run([
      "code",
      f,
      "--session-column",
      "session",
      "--speaker-column",
      "speaker",
      "--codebook",
      "annomi",
      "--classifier",
      modelPath,
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe("id,session,index,speaker,code,confidence,text");
    const us = sessions.slice(0, 2).flatMap((t) => t.utterances);
    expect(lines).toHaveLength(us.length + 1);
    const [id, session, index, speaker] = (lines[1] as string).split(",");
    expect([id, session, index, speaker]).toEqual([
      `${us[0]?.session}:0`,
      us[0]?.session,
      "0",
      us[0]?.role,
    ]);
  });

  it("gives the same output with --workers 3 (ignored, with a note) and across chunk boundaries", async () => {
    // One session of > 2 chunks (no session column): context must cross chunk boundaries.
    const f = join(dir, "one-session.csv");
    const all = annomi().transcripts;
    writeSessionsCsv(f, all, false);
    const argv = [
      "code",
      f,
      "--speaker-column",
      "speaker",
      "--codebook",
      "annomi",
      "--classifier",
      modelPath,
    ];
    const one = await run(argv);
    const three = await run([...argv, "--workers", "3"]);
    expect(one.code).toBe(0);
    expect(three.err).toBe(
      "rapportkit: note: --workers is ignored: coding runs in one thread (worker threads were slower)\n",
    );
    expect(three.code).toBe(0);
    const records = parse(one.out, { columns: true }) as Record<string, string>[];
    expect(records.length).toBeGreaterThan(4096);
    expect(three.out).toBe(one.out);
    // And equal to coding the whole session at once.
    const us = all
      .flatMap((t) => t.utterances)
      .map((u, i) => ({ ...u, id: `one-session:${i}`, session: "one-session", index: i }));
    const whole = model.classify(us);
    const codes = records.map((r) => `${r.code},${r.confidence}`);
    // Confidences are written rounded to 4 decimals.
    expect(codes).toEqual(whole.map((p) => `${p.codeId},${Number(p.confidence.toFixed(4))}`));
  }, 120_000);

  it("--on-error skip reports a malformed row with its line, counts it, and codes every other row", async () => {
    const f = join(dir, "bad.csv");
    writeFileSync(
      f,
      "speaker,text\ntherapist,How are you?\nclient,one,two\nclient,I am fine.\ntherapist,Good.\n",
    );
    const base = ["code", f, "--speaker-column", "speaker", "--classifier", "rules"];
    const stop = await run(base);
    expect(stop.code).toBe(1);
    expect(stop.err).toMatch(/^rapportkit: .*bad\.csv:3: .*\n$/);
    expect(stop.out).toBe("");
    const skip = await run([...base, "--on-error", "skip"]);
    expect(skip.code).toBe(0);
    expect(
      skip.out
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    ).toEqual(["bad:0", "bad:1", "bad:2"]);
    expect(skip.err).toContain("bad.csv:3:");
    expect(skip.err).toContain("skipped 1 malformed row");
    expect(skip.err).not.toContain("one,two");
  });

  it("writes JSONL to --out", async () => {
    const f = join(dir, "two.csv");
    writeSessionsCsv(f, sessions.slice(0, 1));
    const out = join(dir, "coded.jsonl");
    const r = await run([
      "code",
      f,
      "--session-column",
      "session",
      "--speaker-column",
      "speaker",
      "--classifier",
      "rules",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    const rows = readFileSync(out, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(sessions[0]?.utterances.length ?? -1);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "id",
      "session",
      "index",
      "speaker",
      "code",
      "confidence",
      "text",
    ]);
  });

  it("codes AnnoMI input with <transcript_id>:<utterance_id> ids", async () => {
    const f = join(dir, "annomi.csv");
    const lines = readFileSync(ANNOMI, "utf8").split("\n").slice(0, 40);
    writeFileSync(f, `${lines.join("\n")}\n`);
    const r = await run([
      "code",
      f,
      "--format",
      "annomi",
      "--codebook",
      "annomi",
      "--classifier",
      modelPath,
    ]);
    expect(r.code).toBe(0);
    const ids = r.out
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",")[0]);
    expect(ids[0]).toBe("0:0");
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("shows progress on stderr only when it is a terminal", async () => {
    const f = join(dir, "two.csv");
    writeSessionsCsv(f, sessions.slice(0, 1));
    const argv = [
      "code",
      f,
      "--session-column",
      "session",
      "--speaker-column",
      "speaker",
      "--classifier",
      "rules",
    ];
    expect((await run(argv)).err).toBe("");
    const tty = await run(argv, { isTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.err).toMatch(/^\r. coded \d+ utterances \([\d,]+\/s\)/);
    expect(tty.err.endsWith("\r\u001b[2K")).toBe(true);
    expect(tty.out).toBe((await run(argv)).out);
  });

  it("fails with one line and exit 1 for user mistakes", async () => {
    const f = join(dir, "two.csv");
    writeSessionsCsv(f, sessions.slice(0, 1));
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "{");
    const bad = join(dir, "bad-model.json");
    writeFileSync(bad, JSON.stringify({ format: "rapportkit/linear@1" }));
    const cases: [string[], RegExp, number][] = [
      [["code", f, "--codebook", "nope"], /unknown codebook 'nope'/, 1],
      [["code", f, "--classifier", join(dir, "missing.json")], /cannot read the model file/, 1],
      [["code", f, "--classifier", notJson], /not valid JSON/, 1],
      [["code", f, "--classifier", bad], /bad-model\.json/, 1],
      [
        ["code", f, "--classifier", modelPath, "--codebook", "rapport"],
        /model_mismatch|not "rapport"|codebook/,
        1,
      ],
      [["code", f, "--text-column", "nope"], /no column "nope"/, 1],
      [["code", join(dir, "none.csv")], /no such file/, 1],
      [["code", f, "--workers", "0"], /--workers/, 2],
      [["code", f, "--out-format", "xml"], /--out-format/, 2],
      [["code"], /missing input file/, 2],
    ];
    for (const [argv, msg, code] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).toBe(code);
      expect(r.err, argv.join(" ")).toMatch(msg);
      expect(r.err.trimEnd().split("\n"), argv.join(" ")).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe("");
    }
  });
});
