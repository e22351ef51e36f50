import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRapportkitError, TranscriptParseError } from "../../src/core/errors.js";
import {
  type ReadResult,
  readCodedRows,
  readTranscript,
  TRANSCRIPT_FORMATS,
} from "../../src/io/index.js";

const SECRET = "ZQXSECRET";

/** Bad inputs whose utterance text holds SECRET; each must fail with a location and no SECRET. */
const BAD: [string, (typeof TRANSCRIPT_FORMATS)[number], string][] = [
  ["csv: wrong field count", "csv", `speaker,text\nT,${SECRET},extra\n`],
  ["csv: unclosed quote", "csv", `speaker,text\nT,"${SECRET}\n`],
  ["csv: bad time", "csv", `speaker,text,start\nT,${SECRET},${SECRET}\n`],
  ["csv: no header (text column missing)", "csv", `T,${SECRET}\nC,${SECRET}\n`],
  ["csv: bad metadata json", "csv", `speaker,text,metadata\nT,${SECRET},"{${SECRET}"\n`],
  ["json: syntax", "json", `{"id":"s","utterances":[{"speaker":"T","text":"${SECRET}" x}]}`],
  [
    "json: shape",
    "json",
    `{"id":"s","utterances":[{"speaker":"T","text":"${SECRET}","start":"${SECRET}"}]}`,
  ],
  ["jsonl: not json", "jsonl", `{"speaker":"T","text":"${SECRET}"\n`],
  ["jsonl: shape", "jsonl", `{"speaker":"T","text":["${SECRET}"]}\n`],
  ["vtt: broken timestamp", "vtt", `WEBVTT\n\n00:00:01.000 --> 00:00:${SECRET}\n<v T>${SECRET}\n`],
  ["vtt: no header", "vtt", `${SECRET}\n`],
  ["srt: broken timestamp", "srt", `1\n00:00:01,000 --> ${SECRET}\nT: ${SECRET}\n`],
  [
    "annomi: bad row",
    "annomi",
    `transcript_id,utterance_id,interlocutor,utterance_text\n1,${SECRET},client,${SECRET}\n`,
  ],
  ["annomi: missing column", "annomi", `transcript_id,utterance_id,${SECRET}\n1,0,${SECRET}\n`],
];

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("errors and warnings never contain utterance text", () => {
  for (const [name, format, text] of BAD) {
    it(name, () => {
      const e = thrown(() => readTranscript(text, { format, file: "in.x" }));
      expect(e).toBeInstanceOf(TranscriptParseError);
      const err = e as TranscriptParseError;
      expect(err.message).not.toContain(SECRET);
      for (const i of err.issues) {
        expect(i.message).not.toContain(SECRET);
        expect(i.file).toBe("in.x");
        // Every error names a place: a line, or a path into the structure.
        expect(i.line !== undefined || i.path.length > 0).toBe(true);
      }
    });
  }

  it("coded rows", () => {
    const e = thrown(() =>
      readCodedRows(
        `id,session,index,speaker,code,confidence,text\na,s,x,therapist,c,1,${SECRET}\n`,
        { format: "csv" },
      ),
    );
    expect((e as Error).message).not.toContain(SECRET);
  });

  it("warnings (unmapped speaker, skipped rows) hold no utterance text", () => {
    const inputs: [(typeof TRANSCRIPT_FORMATS)[number], string][] = [
      ["csv", `speaker,text,start\nNarrator,${SECRET},1\nT,${SECRET},${SECRET}\nT,${SECRET},1,2\n`],
      ["jsonl", `{"speaker":"Narrator","text":"${SECRET}"}\n{${SECRET}\n`],
      ["txt", `${SECRET}\nNarrator: ${SECRET}\n`],
      ["vtt", `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Narrator>${SECRET}\n`],
    ];
    for (const [format, text] of inputs) {
      const r: ReadResult = readTranscript(text, { format, onError: "skip" });
      expect(r.warnings.length, format).toBeGreaterThan(0);
      for (const w of r.warnings) expect(w.message, format).not.toContain(SECRET);
    }
  });

  it("fuzz: every reader either reads or throws a typed error with a location", () => {
    const piece = fc.constantFrom(
      SECRET,
      ",",
      '"',
      "\n",
      "\r",
      "\r\n",
      ":",
      " --> ",
      "00:00:01.000",
      "00:00:01,000",
      "WEBVTT",
      "<v T>",
      "{",
      "}",
      "[",
      "]",
      '"text":',
      '"speaker":',
      "T:",
      "\u0000",
      "\ufeff",
      "&amp;",
      "__proto__",
      "1",
    );
    const input = fc.oneof(
      fc.array(piece, { maxLength: 40 }).map((a) => a.join("")),
      fc.string({ unit: "binary", maxLength: 200 }),
    );
    fc.assert(
      fc.property(input, fc.constantFrom(...TRANSCRIPT_FORMATS), (text, format) => {
        const e = thrown(() => readTranscript(text, { format }));
        if (e === undefined) return;
        expect(isRapportkitError(e)).toBe(true);
        const err = e as TranscriptParseError;
        expect(err.issues.length).toBeGreaterThan(0);
        for (const i of err.issues) expect(i.line !== undefined || i.path.length > 0).toBe(true);
        expect(err.message).not.toContain(SECRET);
      }),
      { seed: 7, numRuns: 1500 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
