import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TranscriptParseError } from "../../src/core/errors.js";
import { readCsv, readJsonl, writeCsv, writeJsonl } from "../../src/io/index.js";
import {
  collectStream,
  type StreamItem,
  streamCsvUtterances,
  streamJsonlUtterances,
} from "../../src/node/index.js";
import { ANNOMI_DEV, fixture, fixturePath, SESSION_CSV_COLUMNS } from "../io/_fixtures.js";

async function all(items: AsyncIterable<StreamItem>): Promise<StreamItem[]> {
  const out: StreamItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

/**
 * A source that delivers `text` as UTF-8 bytes in small chunks, so records (and multi-byte
 * characters) straddle chunk boundaries, as they do when reading a file.
 */
function chunked(text: string, size = 7): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

describe("streamCsvUtterances", () => {
  it("gives exactly readCsv's result on the AnnoMI file (ids, order, indices, roles)", async () => {
    const columns = {
      text: "utterance_text",
      session: "transcript_id",
      speaker: "interlocutor",
      start: "timestamp",
    };
    const opts = { columns, file: ANNOMI_DEV, onError: "skip" as const };
    const sync = readCsv(readFileSync(ANNOMI_DEV, "utf8"), opts);
    const streamed = await collectStream(streamCsvUtterances(ANNOMI_DEV, opts));
    expect(streamed).toEqual(sync);
    // 10,669 rows, one of which has AnnoMI's malformed timestamp (00:09:025): skipped and reported.
    expect(sync.transcripts.flatMap((t) => t.utterances)).toHaveLength(10668);
    expect(sync.warnings.map((w) => [w.code, w.line])).toEqual([["bad_timestamp", 2414]]);
  });

  it("gives readCsv's result on a fixture, from a path, a Node stream, a web stream and chunks", async () => {
    const columns = SESSION_CSV_COLUMNS;
    const text = fixture("session.csv");
    const sync = readCsv(text, { columns, file: "f" });
    const sources = [
      fixturePath("session.csv"),
      Readable.from([text]),
      new Blob([text]).stream(),
      chunked(text),
    ];
    for (const s of sources)
      expect(await collectStream(streamCsvUtterances(s, { columns, file: "f" }))).toEqual(sync);
  });

  it("property: equals readCsv on any written CSV, fed in arbitrary chunk sizes", async () => {
    const t = fc.array(
      fc.record({
        speaker: fc.constantFrom("T", "C", "Narrator"),
        text: fc.string({
          unit: fc.constantFrom("a", ",", '"', "\n", "\r\n", "é", "😀", " "),
          maxLength: 20,
        }),
      }),
      { minLength: 1, maxLength: 20 },
    );
    await fc.assert(
      fc.asyncProperty(t, fc.integer({ min: 1, max: 50 }), async (rows, size) => {
        const text = writeCsv([
          {
            id: "s",
            utterances: rows.map((r, index) => ({
              id: `s:${index}`,
              session: "s",
              index,
              speaker: r.speaker,
              role: "other" as const,
              text: r.text,
            })),
          },
        ]).replace("role", "kind");
        const sync = readCsv(text);
        expect(await collectStream(streamCsvUtterances(chunked(text, size)))).toEqual(sync);
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it("property: same items, lines and skipped rows as readCsv on messy CSV (blank lines, CRLF, bad rows)", async () => {
    const cell = fc.oneof(
      fc.constantFrom("T", "C", "x", "", "1", "00:00:02"),
      fc
        .string({ unit: fc.constantFrom("a", ",", "\n", "\r\n", "é", " "), maxLength: 6 })
        .map((v) => `"${v}"`),
    );
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(cell, cell, cell).map((c) => c.join(",")) },
      { weight: 1, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.tuple(cell, cell).map((c) => c.join(",")) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 25 }),
        fc.constantFrom("\n", "\r\n"),
        fc.integer({ min: 1, max: 40 }),
        async (lines, eol, size) => {
          const text = `speaker,text,start${eol}${lines.join(eol)}${eol}`;
          const opts = { onError: "skip" as const };
          let sync: unknown;
          try {
            sync = readCsv(text, opts);
          } catch (e) {
            sync = e;
          }
          let streamed: unknown;
          try {
            streamed = await collectStream(streamCsvUtterances(chunked(text, size), opts));
          } catch (e) {
            streamed = e;
          }
          expect(streamed).toEqual(sync);
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });

  it("yields { utterance, line } items with the line each row starts on", async () => {
    const items = await all(streamCsvUtterances(chunked('speaker,text\nT,"a\nb"\nC,c\n')));
    expect(items.map((i) => [i.utterance?.id, i.line])).toEqual([
      ["session:0", 2],
      ["session:1", 4],
    ]);
  });

  it("throws a TranscriptParseError with the line of a malformed row", async () => {
    const text = "speaker,text\nT,a\nC,secret,extra\nT,b\n";
    await expect(all(streamCsvUtterances(chunked(text), { file: "m.csv" }))).rejects.toMatchObject({
      name: "TranscriptParseError",
      line: 3,
    });
    const e = await all(streamCsvUtterances(chunked(text))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TranscriptParseError);
    expect((e as Error).message).not.toContain("secret");
  });

  it("with onError skip, yields an error item for each bad row, in order, and every other row", async () => {
    const text = "speaker,text,start\nT,a,1\nC,b,c,d\nT,c,oops\nC,d,4\n";
    const items = await all(streamCsvUtterances(chunked(text), { onError: "skip" }));
    expect(
      items.map((i) =>
        i.error ? `error:${i.error.code}@${i.line}` : `${i.utterance.id}@${i.line}`,
      ),
    ).toEqual(["session:0@2", "error:bad_row@3", "error:bad_timestamp@4", "session:1@5"]);
    expect(await collectStream(streamCsvUtterances(chunked(text), { onError: "skip" }))).toEqual(
      readCsv(text, { onError: "skip" }),
    );
  });

  it("throws missing_column even when skipping", async () => {
    await expect(
      all(
        streamCsvUtterances(chunked("a,b\n1,2\n"), { columns: { text: "text" }, onError: "skip" }),
      ),
    ).rejects.toMatchObject({
      issues: [{ code: "missing_column", line: 1 }],
    });
  });

  it("streams a large CSV in bounded memory (never holds the whole input)", async () => {
    const rows = 200_000;
    const row = (i: number) =>
      `s${i % 50},${i % 2 ? "T" : "C"},"utterance number ${i}, with a comma and ""quotes"" in it"\n`;
    let bytes = 0;
    const source = (async function* () {
      yield "session,speaker,text\n";
      let chunk = "";
      for (let i = 0; i < rows; i++) {
        chunk += row(i);
        if (chunk.length > 64 * 1024) {
          bytes += chunk.length;
          yield chunk;
          chunk = "";
        }
      }
      bytes += chunk.length;
      yield chunk;
    })();
    // A real collector, so what is measured is what the stream retains, not garbage not yet collected.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let n = 0;
    let last: StreamItem | undefined;
    for await (const item of streamCsvUtterances(source)) {
      n++;
      last = item;
      if (n % 40_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    expect(n).toBe(rows);
    expect(last?.utterance?.id).toBe(`s${(rows - 1) % 50}:${Math.floor((rows - 1) / 50)}`);
    expect(bytes).toBeGreaterThan(13_000_000);
    // Holding the rows read so far would retain well over the input size (strings plus objects);
    // the stream retains a few buffers' worth.
    expect(peak).toBeLessThan(5_000_000);
  });
});

describe("streamJsonlUtterances", () => {
  it("equals readJsonl on a fixture and on written JSONL, CRLF and BOM included", async () => {
    const text = fixture("session.jsonl");
    expect(await collectStream(streamJsonlUtterances(fixturePath("session.jsonl")))).toEqual(
      readJsonl(text, { file: fixturePath("session.jsonl") }),
    );
    const ts = readCsv(readFileSync(ANNOMI_DEV, "utf8"), {
      columns: { text: "utterance_text", session: "transcript_id", speaker: "interlocutor" },
    }).transcripts;
    const jl = `\ufeff${writeJsonl(ts).replaceAll("\n", "\r\n")}`;
    expect(await collectStream(streamJsonlUtterances(chunked(jl, 4096)))).toEqual(readJsonl(jl));
  });

  it("throws with the line of a line that is not JSON, or skips it", async () => {
    const text = '{"speaker":"T","text":"a"}\n{oops secret\n{"speaker":"C","text":"b"}\n';
    await expect(all(streamJsonlUtterances(chunked(text)))).rejects.toMatchObject({
      line: 2,
      issues: [{ code: "bad_json" }],
    });
    const items = await all(streamJsonlUtterances(chunked(text), { onError: "skip" }));
    expect(items.map((i) => (i.error ? `error@${i.line}` : i.utterance.id))).toEqual([
      "session:0",
      "error@2",
      "session:1",
    ]);
    expect(items[1]?.error?.message).not.toContain("secret");
  });
});
