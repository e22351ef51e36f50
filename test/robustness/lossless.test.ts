/**
 * Nothing lost: for every input format, the utterances read back equal the utterances written —
 * same ids, sessions, indices, roles and text, in the same order, none added or dropped. Each
 * format gets text it can carry (CSV/JSON/JSONL: anything, line breaks and quotes included;
 * subtitles and plain text: one trimmed line). The streaming readers, fed the bytes in random
 * chunks (splitting multi-byte characters), equal the whole-text readers; and `rapportkit convert`
 * keeps every utterance of every format.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Transcript } from "../../src/core/schemas.js";
import {
  csvField,
  type ReadResult,
  readAnnomi,
  readCsv,
  readJson,
  readJsonl,
  readSrt,
  readText,
  readVtt,
  writeCsv,
  writeJson,
  writeJsonl,
  writeSrt,
  writeText,
  writeVtt,
} from "../../src/io/index.js";
import { collectStream, streamCsvUtterances, streamJsonlUtterances } from "../../src/node/index.js";
import { essence, transcriptsArb } from "../helpers/arbitraries.js";
import { runCli } from "../helpers/cli.js";
import { SEED } from "./_harness.js";

const RUNS = 100;

/** The essence of what a reader returned, in output order. */
const out = (r: ReadResult) => essence(r.transcripts);

/** Sessions in first-appearance order, as the readers group them. */
const inOrder = (ts: readonly Transcript[]) => essence(ts);

describe("every format gives back what was written", () => {
  it("csv (writeCsv → readCsv): any text, several sessions", () => {
    fc.assert(
      fc.property(transcriptsArb({ newlines: true, times: true }), (ts) => {
        expect(out(readCsv(writeCsv(ts)))).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("csv with custom column names (--text-column etc.), CRLF line ends", () => {
    fc.assert(
      fc.property(transcriptsArb({ newlines: true }), (ts) => {
        const rows = ts.flatMap((t) =>
          t.utterances.map(
            (u) => `${csvField(u.text)},${csvField(u.speaker)},${csvField(u.session)}\r\n`,
          ),
        );
        const text = `utterance,who,conversation\r\n${rows.join("")}`;
        const r = readCsv(text, {
          columns: { text: "utterance", speaker: "who", session: "conversation" },
        });
        expect(out(r)).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("json (writeJson → readJson)", () => {
    fc.assert(
      fc.property(transcriptsArb({ newlines: true, times: true }), (ts) => {
        expect(out(readJson(writeJson(ts)))).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("jsonl (writeJsonl → readJsonl)", () => {
    fc.assert(
      fc.property(transcriptsArb({ newlines: true, times: true }), (ts) => {
        expect(out(readJsonl(writeJsonl(ts)))).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  const single = transcriptsArb({
    maxSessions: 1,
    maxUtterances: 12,
    trimmed: true,
    minTextLength: 1,
    times: true,
  });

  it("vtt (writeVtt → readVtt): one session, ids as cue identifiers", () => {
    fc.assert(
      fc.property(single, ([t]) => {
        const ts = [t as Transcript];
        const r = readVtt(writeVtt(ts[0] as Transcript), { session: (t as Transcript).id });
        expect(out(r)).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("srt (writeSrt → readSrt): one session", () => {
    fc.assert(
      fc.property(single, ([t]) => {
        const ts = [t as Transcript];
        const r = readSrt(writeSrt(ts[0] as Transcript), { session: (t as Transcript).id });
        expect(out(r)).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("txt (writeText → readText): one session", () => {
    fc.assert(
      fc.property(single, ([t]) => {
        const ts = [t as Transcript];
        const r = readText(writeText(ts[0] as Transcript), { session: (t as Transcript).id });
        expect(out(r)).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("annomi (AnnoMI-shaped CSV, several annotators per utterance, rows shuffled within a session)", () => {
    const sessions = fc
      .uniqueArray(fc.integer({ min: 0, max: 9999 }), { minLength: 1, maxLength: 3 })
      .chain((ids) =>
        fc.tuple(
          ...ids.map((id) =>
            transcriptsArb({ maxSessions: 1, newlines: true }).map(([t]) => ({
              id: String(id),
              utterances: (t as Transcript).utterances.map((u, i) => ({
                ...u,
                id: `${id}:${i}`,
                session: String(id),
                index: i,
              })),
            })),
          ),
        ),
      );
    fc.assert(
      fc.property(
        sessions,
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        (ts, annotators, shuffleSeed) => {
          const header =
            "mi_quality,transcript_id,video_title,video_url,topic,utterance_id,interlocutor,timestamp,utterance_text,annotator_id,therapist_input_exists,therapist_input_subtype,reflection_exists,reflection_subtype,question_exists,question_subtype,main_therapist_behaviour,client_talk_type";
          const lines: string[] = [];
          for (const t of ts) {
            const rows: string[] = [];
            t.utterances.forEach((u, i) => {
              for (let a = 0; a < annotators; a++) {
                const therapist = u.role === "therapist";
                rows.push(
                  [
                    "high",
                    t.id,
                    csvField('Demo "video"'),
                    "https://example.org/v",
                    "smoking",
                    String(i),
                    u.role,
                    `00:00:${String(i % 60).padStart(2, "0")}`,
                    csvField(u.text),
                    String(a),
                    therapist ? "False" : "n/a",
                    "n/a",
                    therapist ? "False" : "n/a",
                    "n/a",
                    therapist ? "True" : "n/a",
                    therapist ? "open" : "n/a",
                    therapist ? "question" : "n/a",
                    therapist ? "n/a" : "neutral",
                  ].join(","),
                );
              }
            });
            // Shuffle the session's rows deterministically: AnnoMI orders by utterance_id.
            let s = shuffleSeed;
            for (let i = rows.length - 1; i > 0; i--) {
              s = (s * 1103515245 + 12345) >>> 0;
              const j = s % (i + 1);
              [rows[i], rows[j]] = [rows[j] as string, rows[i] as string];
            }
            lines.push(...rows);
          }
          const r = readAnnomi(`${header}\n${lines.join("\n")}\n`);
          expect(out(r)).toEqual(inOrder(ts));
          // One coding per annotator per utterance: none lost either.
          expect(r.codings.length).toBe(
            ts.reduce((n, t) => n + t.utterances.length, 0) * annotators,
          );
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/** Splits bytes at random points (multi-byte characters included) into an async iterable. */
function chunked(bytes: Uint8Array, cuts: number[]): AsyncIterable<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return (async function* () {
    let at = 0;
    for (const p of [...points, bytes.length]) {
      if (p > at) yield bytes.subarray(at, p);
      at = p;
    }
  })();
}

describe("streaming readers equal the whole-text readers, whatever the chunking", () => {
  const cuts = fc.array(fc.nat(), { maxLength: 12 });
  it("streamCsvUtterances", async () => {
    await fc.assert(
      fc.asyncProperty(transcriptsArb({ newlines: true }), cuts, async (ts, cs) => {
        const text = writeCsv(ts);
        const streamed = await collectStream(
          streamCsvUtterances(chunked(new TextEncoder().encode(text), cs)),
        );
        expect(out(streamed)).toEqual(out(readCsv(text)));
        expect(out(streamed)).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("streamJsonlUtterances", async () => {
    await fc.assert(
      fc.asyncProperty(transcriptsArb({ newlines: true }), cuts, async (ts, cs) => {
        const text = writeJsonl(ts);
        const streamed = await collectStream(
          streamJsonlUtterances(chunked(new TextEncoder().encode(text), cs)),
        );
        expect(out(streamed)).toEqual(out(readJsonl(text)));
        expect(out(streamed)).toEqual(inOrder(ts));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe("rapportkit convert keeps every utterance of every format", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rk-lossless-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("csv, json, jsonl, vtt, srt, txt → jsonl", async () => {
    const samples = fc.sample(
      transcriptsArb({ maxSessions: 1, maxUtterances: 20, trimmed: true, minTextLength: 1 }),
      { seed: SEED, numRuns: 5 },
    );
    for (const ts of samples) {
      const t = ts[0] as Transcript;
      // Files are named after the session, so one-session formats give the same ids.
      const files: Record<string, string> = {
        csv: writeCsv(ts),
        json: writeJson(ts),
        jsonl: writeJsonl(ts),
        vtt: writeVtt(t),
        srt: writeSrt(t),
        txt: writeText(t),
      };
      for (const [ext, text] of Object.entries(files)) {
        const f = join(dir, `${t.id}.${ext}`);
        writeFileSync(f, text);
        const r = await runCli(["convert", f, "--to", "jsonl"]);
        expect(r.code, `${ext}: ${r.err}`).toBe(0);
        expect(out(readJsonl(r.out)), ext).toEqual(inOrder(ts));
      }
    }
  });
});
