/**
 * Fuzzing every reader, the codebook loader and the model loader with hostile input: each call
 * returns valid data or throws a RapportkitError whose issues have a location; nothing else, within
 * a time bound, with no prototype pollution.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linearClassifier } from "../../src/classify/linear/classifier.js";
import { parseLinearModel, safeParseLinearModel } from "../../src/classify/linear/model.js";
import { builtinCodebooks } from "../../src/codebook/builtin/index.js";
import { parseCodebook, safeParseCodebook } from "../../src/codebook/define.js";
import { isRapportkitError, TranscriptParseError } from "../../src/core/errors.js";
import { safeParseCoding, safeParseTranscript } from "../../src/core/parse.js";
import type { Codebook } from "../../src/core/schemas.js";
import {
  type CodedRow,
  type ReadResult,
  readAnnomi,
  readCodedRows,
  readCsv,
  readJson,
  readJsonl,
  readSrt,
  readText,
  readTranscript,
  readVtt,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  writeCodedCsv,
  writeCodedJsonl,
  writeTranscript,
} from "../../src/io/index.js";
import { annomiModel } from "../../src/model/index.js";
import {
  assertNoPollution,
  deepJsonArray,
  deepJsonObject,
  hostileJsonValue,
  hostileText,
  hugeLine,
  prototypeSnapshot,
  unterminatedJson,
} from "../helpers/arbitraries.js";
import { checkContract, SEED } from "./_harness.js";

const fx = (name: string) =>
  readFileSync(new URL(`../fixtures/io/${name}`, import.meta.url), "utf8");

/** Valid examples of each format, the seeds the mutations start from. */
const BASES: Record<TranscriptFormat, string[]> = {
  csv: [
    fx("session.csv").replace("utterance", "text"),
    'id,session,speaker,role,text,start,end,code,confidence,metadata\nu1,s,T,therapist,Hi.,0,1,open,0.5,"{""k"":1}"\n',
    'text\nhello\n"multi\nline"\n',
  ],
  json: [fx("session.json"), '[{"id":"s","utterances":[{"speaker":"T","text":"Hi"}]}]'],
  jsonl: [fx("session.jsonl"), '{"session":"s","role":"client","text":"x","metadata":{"a":1}}\n'],
  vtt: [fx("session.vtt"), "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Therapist>Hi</v>\n"],
  srt: [fx("session.srt"), "1\n00:00:00,000 --> 00:00:01,000\nT: Hi\n"],
  txt: [fx("session.txt"), "T: one\nC: two\n\n[00:01] T: three\n"],
  annomi: [fx("annomi-mini.csv")],
};

const READERS: Record<TranscriptFormat, (text: string, o: object) => ReadResult> = {
  csv: readCsv,
  json: readJson,
  jsonl: readJsonl,
  vtt: readVtt,
  srt: readSrt,
  txt: readText,
  annomi: readAnnomi,
};

const READER_NAMES: Record<TranscriptFormat, string> = {
  csv: "readCsv",
  json: "readJson",
  jsonl: "readJsonl",
  vtt: "readVtt",
  srt: "readSrt",
  txt: "readText",
  annomi: "readAnnomi",
};

/** What a successful read must satisfy: valid transcripts and codings, located warnings. */
function checkResult(name: string, r: unknown): void {
  const res = r as ReadResult;
  if (!res || !Array.isArray(res.transcripts) || !Array.isArray(res.warnings))
    throw new Error(`${name} returned no ReadResult`);
  for (const t of res.transcripts) {
    const v = safeParseTranscript(t);
    if (!v.success) throw new Error(`${name} returned an invalid transcript: ${v.error.message}`);
  }
  for (const c of res.codings) {
    const v = safeParseCoding(c);
    if (!v.success) throw new Error(`${name} returned an invalid coding: ${v.error.message}`);
  }
  for (const w of res.warnings)
    if (typeof w.message !== "string" || !Array.isArray(w.path))
      throw new Error(`${name} returned a malformed warning`);
  // Whatever a reader returns, every writer can write back.
  for (const f of ["csv", "jsonl", "json"] as const) {
    try {
      writeTranscript(res.transcripts, f);
    } catch (e) {
      throw new Error(
        `writeTranscript(${f}) failed on ${name}'s output: ${String(e).slice(0, 200)}`,
      );
    }
  }
}

const RUNS = 150;

describe("readers on hostile text", () => {
  for (const format of TRANSCRIPT_FORMATS) {
    const name = READER_NAMES[format];
    const read = READERS[format];
    for (const onError of ["throw", "skip"] as const) {
      it(`${name} (onError: ${onError}) parses or throws a located RapportkitError`, () => {
        fc.assert(
          fc.property(hostileText(BASES[format]), (text) => {
            const out = checkContract(name, (t: string) => read(t, { onError, file: "in" }), text, {
              allowRootPath: true,
              file: "in",
            });
            if (out.ok) checkResult(name, out.value);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      });
    }
    it(`${name}: the bases themselves parse (the mutations start from valid input)`, () => {
      for (const b of BASES[format]) expect(() => read(b, {})).not.toThrow();
    });
  }

  it("readTranscript dispatches every format under the same contract", () => {
    const all = Object.values(BASES).flat();
    fc.assert(
      fc.property(hostileText(all), fc.constantFrom(...TRANSCRIPT_FORMATS), (text, format) => {
        const out = checkContract(
          "readTranscript",
          (t: string) => readTranscript(t, { format, file: "in" }),
          text,
          { allowRootPath: true, file: "in" },
        );
        if (out.ok) checkResult("readTranscript", out.value);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("readTranscript rejects an unknown format with a typed error", () => {
    const out = checkContract(
      "readTranscript",
      (t: string) => readTranscript(t, { format: "xml" as TranscriptFormat }),
      "x",
      { allowRootPath: false },
    );
    expect(out.ok).toBe(false);
  });
});

describe("readCodedRows (the input of score and agree) on hostile text", () => {
  const rows: CodedRow[] = [
    {
      id: "s:0",
      session: "s",
      index: 0,
      speaker: "therapist",
      code: "open",
      confidence: 0.5,
      text: 'a "b", c',
    },
    {
      id: "s:1",
      session: "s",
      index: 1,
      speaker: "client",
      code: "change",
      confidence: 1,
      text: "x\ny",
    },
  ];
  for (const format of ["csv", "jsonl"] as const) {
    const base = format === "csv" ? writeCodedCsv(rows) : writeCodedJsonl(rows);
    it(`${format}: rows or a located RapportkitError`, () => {
      expect(readCodedRows(base, { format })).toHaveLength(2);
      fc.assert(
        fc.property(hostileText([base]), (text) => {
          checkContract(
            "readCodedRows",
            (t: string) => readCodedRows(t, { format, file: "in" }),
            text,
            {
              file: "in",
            },
          );
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  }
});

describe("readers on 1 MB lines and 10,000-deep JSON", () => {
  // A few runs only: each input is a megabyte.
  for (const format of TRANSCRIPT_FORMATS) {
    const name = READER_NAMES[format];
    it(`${name} on a 1 MB line`, () => {
      fc.assert(
        fc.property(
          hugeLine(),
          fc.constantFrom("", "text\n", "T: ", "[", '{"text":"'),
          (line, prefix) => {
            const out = checkContract(name, (t: string) => READERS[format](t, {}), prefix + line, {
              maxMs: 5000,
            });
            if (out.ok) checkResult(name, out.value);
          },
        ),
        { seed: SEED, numRuns: 4 },
      );
    });
  }

  it.each([
    ["readJson", readJson],
    ["readJsonl", readJsonl],
  ] as const)("%s on 10,000-deep arrays and objects", (name, read) => {
    for (const text of [
      deepJsonArray(10_000),
      unterminatedJson(10_000),
      deepJsonObject(10_000),
      deepJsonObject(10_000, "__proto__"),
      `{"id":"s","utterances":[{"text":"x","metadata":${deepJsonObject(10_000)}}]}`,
      `{"session":"s","text":"x","metadata":${deepJsonObject(10_000)}}`,
    ]) {
      const out = checkContract(name, (t: string) => read(t, {}), text);
      if (out.ok) checkResult(name, out.value);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Codebook loader

const CODEBOOK_BASES = Object.values(builtinCodebooks).map(
  (cb) => JSON.parse(JSON.stringify(cb)) as unknown,
);

describe("codebook loader on hostile values", () => {
  it("the built-in codebooks, as JSON, load", () => {
    for (const b of CODEBOOK_BASES) expect(safeParseCodebook(b).success).toBe(true);
  });

  it("safeParseCodebook never throws; its errors are located CodebookErrors", () => {
    fc.assert(
      fc.property(hostileJsonValue(CODEBOOK_BASES), (value) => {
        const out = checkContract(
          "safeParseCodebook",
          (v: unknown) => {
            const r = safeParseCodebook(v);
            if (!r.success) throw r.error;
            return r.data;
          },
          value,
          { allowRootPath: true },
        );
        if (out.ok) {
          // A codebook that loads has none of the forbidden keys.
          const text = JSON.stringify(out.value);
          if (/"(__proto__|constructor|prototype)":/.test(text))
            throw new Error("a codebook with a forbidden key loaded");
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("parseCodebook throws only CodebookError", () => {
    fc.assert(
      fc.property(hostileJsonValue(CODEBOOK_BASES), (value) => {
        checkContract("parseCodebook", (v: unknown) => parseCodebook(v), value, {
          allowRootPath: true,
        });
        try {
          parseCodebook(value);
        } catch (e) {
          if (!isRapportkitError(e) || e.name !== "CodebookError")
            throw new Error(`parseCodebook threw ${String(e)}`);
        }
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
  });

  it("rejects __proto__/constructor/prototype keys with their path", () => {
    const base = JSON.parse(JSON.stringify(builtinCodebooks.rapport)) as Record<string, unknown>;
    const withProto = JSON.parse(
      JSON.stringify(base).replace('"codes":[{', '"codes":[{"__proto__":{"polluted":"yes"},'),
    ) as unknown;
    const r = safeParseCodebook(withProto);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues[0]?.code).toBe("forbidden_key");
      expect(r.error.issues[0]?.path).toEqual(["codes", 0, "__proto__"]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Model loader

/** A small valid model over two labels and three features. */
const MODEL_BASE = {
  format: "rapportkit/linear@1",
  codebook: { id: "rapport", version: builtinCodebooks.rapport.version },
  labels: [
    { id: "open_question", role: "therapist" },
    { id: "other", role: "therapist" },
  ],
  features: {
    hash: "fnv1a32",
    charNgrams: [3, 4],
    wordBigrams: true,
    contextWords: false,
    maxCharWord: 20,
    contextCodes: false,
  },
  vocabulary: ["w:what", "w:how", "f:question"],
  weights: [5, -5, 4, -4, 3, -3],
  scale: 0.1,
  bias: [0, 0],
  temperature: { therapist: 1 },
} as const;

describe("model loader on hostile values", () => {
  it("the base model loads", () => {
    expect(safeParseLinearModel(MODEL_BASE).success).toBe(true);
  });

  it("safeParseLinearModel/parseLinearModel: a model or a located ModelError", () => {
    fc.assert(
      fc.property(hostileJsonValue([MODEL_BASE]), (value) => {
        const out = checkContract(
          "safeParseLinearModel",
          (v: unknown) => {
            const r = safeParseLinearModel(v);
            if (!r.success) throw r.error;
            return r.data;
          },
          value,
          { allowRootPath: true },
        );
        try {
          parseLinearModel(value);
          if (!out.ok) throw new Error("parseLinearModel accepted what safeParse rejected");
        } catch (e) {
          if (!isRapportkitError(e) || e.name !== "ModelError")
            throw new Error(`parseLinearModel threw ${String(e)}`);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("the pretrained model, damaged: a model or a located ModelError", () => {
    const base = JSON.parse(JSON.stringify(annomiModel)) as unknown;
    expect(safeParseLinearModel(base).success).toBe(true);
    fc.assert(
      fc.property(hostileJsonValue([base]), (value) => {
        checkContract(
          "safeParseLinearModel(pretrained)",
          (v: unknown) => {
            const r = safeParseLinearModel(v);
            if (!r.success) throw r.error;
            return r.data;
          },
          value,
          { allowRootPath: true },
        );
      }),
      { seed: SEED, numRuns: 20 },
    );
  });

  it("linearClassifier(json, { codebook }) on hostile models: a classifier or a RapportkitError", () => {
    const codebook = builtinCodebooks.rapport as unknown as Codebook;
    fc.assert(
      fc.property(hostileJsonValue([MODEL_BASE]), (value) => {
        const out = checkContract(
          "linearClassifier",
          (v: unknown) => linearClassifier(v as never, { codebook }),
          value,
          { allowRootPath: true },
        );
        if (out.ok) {
          // A model that loads must classify without throwing anything but a RapportkitError.
          const clf = out.value as { classify: (us: unknown[]) => unknown };
          checkContract(
            "linearClassifier.classify",
            () =>
              clf.classify([
                {
                  id: "u",
                  session: "s",
                  index: 0,
                  speaker: "T",
                  role: "therapist",
                  text: "What now?",
                },
              ]),
            undefined,
            { allowRootPath: true },
          );
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe("100,000-deep JSON (linear in depth, no stack overflow)", () => {
  const deepArr = JSON.parse(deepJsonArray(100_000)) as unknown;
  const deepProto = JSON.parse(
    `${'{"a":'.repeat(100_000)}{"__proto__":{"polluted":1}}${"}".repeat(100_000)}`,
  ) as unknown;
  const cases: [string, (v: unknown) => unknown][] = [
    ["parseCodebook", (v) => parseCodebook(v)],
    ["parseLinearModel", (v) => parseLinearModel(v)],
    [
      "parseCodebook (inside a codebook)",
      (v) => parseCodebook({ ...(CODEBOOK_BASES[0] as object), metadata: v }),
    ],
    [
      "parseLinearModel (inside a model)",
      (v) => parseLinearModel({ ...MODEL_BASE, training: { v } }),
    ],
  ];
  it.each(cases)("%s", (name, load) => {
    for (const v of [deepArr, deepProto])
      checkContract(name, load, v, { allowRootPath: true, maxMs: 3000 });
  });
  it.each([
    ["readJson", readJson],
    ["readJsonl", readJsonl],
  ] as const)("%s on 100,000 levels", (name, read) => {
    for (const text of [
      deepJsonArray(100_000),
      `{"session":"s","text":"x","metadata":${deepJsonObject(100_000)}}`,
    ]) {
      const out = checkContract(name, (t: string) => read(t, { file: "in" }), text, {
        allowRootPath: true,
        file: "in",
        maxMs: 3000,
      });
      if (out.ok) checkResult(name, out.value);
    }
  });
});

describe("the harness itself", () => {
  it("notices a polluted prototype (so a silent pass means none happened)", () => {
    const before = prototypeSnapshot();
    const proto = Object.prototype as unknown as Record<string, unknown>;
    proto.polluted = "yes";
    try {
      expect(() => assertNoPollution(before)).toThrow(/polluted/);
    } finally {
      delete proto.polluted;
    }
    expect(() => assertNoPollution(before)).not.toThrow();
  });

  it("rejects a raw TypeError, an issue without a location and a slow call", () => {
    expect(() =>
      checkContract(
        "t",
        () => {
          throw new TypeError("x");
        },
        0,
      ),
    ).toThrow(/non-rapportkit/);
    expect(() =>
      checkContract(
        "t",
        () => {
          throw new TranscriptParseError("csv", [{ code: "bad_row", path: [], message: "m" }]);
        },
        0,
      ),
    ).toThrow(/without a location/);
    expect(() =>
      checkContract(
        "t",
        () => {
          const end = performance.now() + 30;
          while (performance.now() < end) {}
        },
        0,
        { maxMs: 10 },
      ),
    ).toThrow(/took/);
  });
});

describe("Object.prototype names as data", () => {
  const NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];
  it.each(NAMES)("%s as a speaker, a session id, a CSV header and a speaker-map entry", (name) => {
    const before = prototypeSnapshot();
    const inputs: [TranscriptFormat, string][] = [
      ["csv", `session,speaker,text,${name}\n${name},${name},hi,1\n`],
      [
        "jsonl",
        `${JSON.stringify({ session: name, speaker: name, text: "hi", metadata: { [name]: 1 } })}\n`,
      ],
      ["txt", `${name}: hi\n`],
      ["vtt", `WEBVTT\n\n${name}\n00:00.000 --> 00:01.000\n<v ${name}>hi\n`],
    ];
    for (const [format, text] of inputs) {
      const r = readTranscript(text, { format, speakerMap: { [name]: "client" } });
      const u = r.transcripts[0]?.utterances[0];
      expect(u?.role, format).toBe("client");
      expect(u?.text).toBe("hi");
      const plain = readTranscript(text, { format });
      expect(plain.transcripts[0]?.utterances[0]?.role, format).toBe("other");
    }
    assertNoPollution(before);
  });
});
