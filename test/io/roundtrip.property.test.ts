import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Transcript, Utterance } from "../../src/core/schemas.js";
import {
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

const SEED = 20261126;
const RUNS = 150;

// Text with everything CSV and JSON must escape: delimiters, quotes, CR/LF, tabs, unicode.
const tricky = fc.string({
  unit: fc.constantFrom(
    "a",
    "Z",
    " ",
    ",",
    '"',
    "'",
    "\n",
    "\r\n",
    "\r",
    "\t",
    ";",
    ":",
    "é",
    "中",
    "😀",
    "\u00a0",
    "\\",
    "<",
    "&",
  ),
  maxLength: 30,
});
const anyText = fc.oneof(tricky, fc.string({ unit: "grapheme", maxLength: 30 }));
const role = fc.constantFrom("therapist" as const, "client" as const, "other" as const);
const ms = fc.nat(10_000_000).map((n) => n / 1000);
const times = fc
  .option(fc.tuple(ms, fc.option(ms, { nil: undefined })), { nil: undefined })
  .map((t) =>
    t === undefined
      ? {}
      : t[1] === undefined
        ? { start: t[0] }
        : { start: Math.min(t[0], t[1]), end: Math.max(t[0], t[1]) },
  );
const metadata = fc.option(
  fc.dictionary(
    fc.string({ maxLength: 8 }).filter((k) => k !== "__proto__"),
    fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constant(null)),
    { maxKeys: 3 },
  ),
  { nil: undefined },
);

/** Sessions with unique ids, utterances indexed 0..n-1 within each, ids `<session>:<index>` or custom. */
function transcripts(opts: { metadata: boolean; customIds: boolean }) {
  return fc
    .uniqueArray(
      fc.string({
        unit: fc.constantFrom("a", "b", "1", "-", " ", "é", ",", '"'),
        minLength: 1,
        maxLength: 6,
      }),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    .chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc
            .array(
              fc.record({
                speaker: anyText,
                role,
                text: anyText,
                times,
                metadata: opts.metadata ? metadata : fc.constant(undefined),
                customId: opts.customIds
                  ? fc.option(fc.uuid(), { nil: undefined })
                  : fc.constant(undefined),
              }),
              { minLength: 1, maxLength: 5 },
            )
            .map(
              (us): Transcript => ({
                id,
                utterances: us.map((u, index): Utterance => {
                  const out: Utterance = {
                    id: u.customId ?? `${id}:${index}`,
                    session: id,
                    index,
                    speaker: u.speaker,
                    role: u.role,
                    text: u.text,
                    ...u.times,
                  };
                  if (u.metadata !== undefined) out.metadata = u.metadata;
                  return out;
                }),
              }),
            ),
        ),
      ),
    );
}

describe("writer/reader round trips (fast-check)", () => {
  it("readCsv(writeCsv(ts)) equals ts", () => {
    fc.assert(
      fc.property(transcripts({ metadata: true, customIds: true }), (ts) => {
        const r = readCsv(writeCsv(ts));
        expect(r.transcripts).toEqual(ts);
        expect(r.warnings).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("readJsonl(writeJsonl(ts)) equals ts", () => {
    fc.assert(
      fc.property(transcripts({ metadata: true, customIds: true }), (ts) => {
        expect(readJsonl(writeJsonl(ts)).transcripts).toEqual(ts);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("readJson(writeJson(ts)) equals ts, transcript metadata included", () => {
    fc.assert(
      fc.property(transcripts({ metadata: true, customIds: true }), metadata, (ts, md) => {
        const withMd = md === undefined ? ts : ts.map((t) => ({ ...t, metadata: md }));
        expect(readJson(writeJson(withMd)).transcripts).toEqual(withMd);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  // Subtitle and text formats carry one session, speakers that map to roles, and times (VTT/SRT).
  const named = fc.constantFrom(
    ["Therapist", "therapist"] as const,
    ["Client", "client"] as const,
    ["Dr Lee", "therapist"] as const,
    ["PT", "client"] as const,
  );
  const lineText = fc
    .string({
      unit: fc.constantFrom("a", "B", " ", ",", '"', "'", "é", "中", "😀", "&", "<", ">", "?", "."),
      minLength: 1,
      maxLength: 20,
    })
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const multiLine = fc.array(lineText, { minLength: 1, maxLength: 3 }).map((ls) => ls.join("\n"));
  const timed = fc
    .tuple(fc.nat(3_000_000), fc.nat(60_000))
    .map(([s, d]) => ({ start: s / 1000, end: (s + d) / 1000 }));
  const cueSession = (withTimes: boolean) =>
    fc
      .array(fc.record({ who: named, text: multiLine, t: timed }), { minLength: 1, maxLength: 6 })
      .map(
        (us): Transcript => ({
          id: "s",
          utterances: us.map((u, index) => ({
            id: `s:${index}`,
            session: "s",
            index,
            speaker: u.who[0],
            role: u.who[1],
            text: u.text,
            ...(withTimes ? u.t : {}),
          })),
        }),
      );

  it("readVtt(writeVtt(t)) equals t", () => {
    fc.assert(
      fc.property(cueSession(true), (t) => {
        expect(readVtt(writeVtt(t), { session: "s" }).transcripts).toEqual([t]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("readSrt(writeSrt(t)) equals t", () => {
    fc.assert(
      fc.property(cueSession(true), (t) => {
        expect(readSrt(writeSrt(t), { session: "s" }).transcripts).toEqual([t]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("readText(writeText(t)) equals t (continuation lines without colons)", () => {
    fc.assert(
      fc.property(cueSession(false), (t) => {
        expect(readText(writeText(t), { session: "s" }).transcripts).toEqual([t]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
