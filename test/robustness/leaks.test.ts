/**
 * Nothing leaked.
 * 1. The built package (dist/*.js, dist/*.cjs; src/ when dist is absent) references no network API
 *    (fetch, XMLHttpRequest, WebSocket, http/https/net/dgram/tls modules, sendBeacon, EventSource)
 *    outside the adapters, which only call the functions the user passes in.
 * 2. Error messages and warnings never contain utterance text: every utterance text holds a unique
 *    marker, the input is damaged around it, and every message and warning the readers, stream
 *    readers, classifiers, adapters and CLI produce is checked for the marker.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llmClassifier } from "../../src/classify/adapters/llm.js";
import { linearClassifier } from "../../src/classify/linear/classifier.js";
import { trainLinear } from "../../src/classify/linear/train.js";
import { rulesClassifier } from "../../src/classify/rules/classifier.js";
import { builtinCodebooks } from "../../src/codebook/builtin/index.js";
import { type Issue, isRapportkitError } from "../../src/core/errors.js";
import type { Codebook, Transcript, Utterance } from "../../src/core/schemas.js";
import {
  readTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  writeCsv,
  writeJson,
  writeJsonl,
  writeSrt,
  writeText,
  writeVtt,
} from "../../src/io/index.js";
import { streamCsvUtterances, streamJsonlUtterances } from "../../src/node/index.js";
import { mutated } from "../helpers/arbitraries.js";
import { runCli } from "../helpers/cli.js";
import { ensureDist } from "../helpers/dist.js";
import { SEED } from "./_harness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// ---------------------------------------------------------------------------------------------
// 1. Network APIs

const NETWORK: [string, RegExp][] = [
  ["fetch(", /\bfetch\s*\(/],
  ["XMLHttpRequest", /\bXMLHttpRequest\b/],
  ["WebSocket", /\bWebSocket\b/],
  ["EventSource", /\bEventSource\b/],
  ["sendBeacon", /\bsendBeacon\b/],
  ["http/https/net/dgram/tls/http2 module", /["'](?:node:)?(?:https?|net|dgram|tls|http2)["']/],
];

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ext));
    else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

/** Network API uses in a text: [pattern name, line] pairs. */
function networkUses(text: string): { name: string; line: string }[] {
  const hits: { name: string; line: string }[] = [];
  for (const line of text.split("\n"))
    for (const [name, re] of NETWORK)
      if (re.test(line)) hits.push({ name, line: line.trim().slice(0, 160) });
  return hits;
}

describe("the package makes no network calls", () => {
  const srcFiles = filesUnder(join(ROOT, "src"), /\.ts$/);
  const isAdapter = (f: string) =>
    relative(ROOT, f).startsWith(join("src", "classify", "adapters"));

  // Build dist when it is missing or older than src (npm test builds before vitest anyway).
  beforeAll(() => ensureDist(), 300_000);

  it("src/: no network API outside src/classify/adapters", () => {
    const hits = srcFiles
      .filter((f) => !isAdapter(f))
      .flatMap((f) =>
        networkUses(readFileSync(f, "utf8")).map(
          (h) => `${relative(ROOT, f)}: ${h.name}: ${h.line}`,
        ),
      );
    expect(hits).toEqual([]);
  });

  it("the adapters only call the user's functions (no network API of their own either)", () => {
    const hits = srcFiles
      .filter(isAdapter)
      .flatMap((f) =>
        networkUses(readFileSync(f, "utf8")).map((h) => `${relative(ROOT, f)}: ${h.line}`),
      );
    expect(hits).toEqual([]);
  });

  it("dist/**/*.js and dist/**/*.cjs: no network API", () => {
    const dist = join(ROOT, "dist");
    // The ESM build is one file per module (dist/core/…, dist/node/index.js, …): scan them all.
    const files = (readdirSync(dist, { recursive: true }) as string[])
      .filter((f) => /\.(c?js)$/.test(f))
      .map((f) => join(dist, f));
    expect(files.map((f) => relative(dist, f))).toEqual(
      expect.arrayContaining([
        "index.js",
        "index.cjs",
        join("node", "index.js"),
        join("classify", "adapters", "llm.js"),
        "node.cjs",
        "model.js",
        "model.cjs",
        "cli.js",
      ]),
    );
    const hits = files.flatMap((f) =>
      networkUses(readFileSync(f, "utf8")).map((h) => `${relative(ROOT, f)}: ${h.name}: ${h.line}`),
    );
    expect(hits).toEqual([]);
  });

  it("the scan finds what it looks for (no vacuous pass)", () => {
    expect(networkUses('await fetch("https://x")').map((h) => h.name)).toContain("fetch(");
    expect(networkUses('import http from "node:http";').length).toBe(1);
    expect(networkUses('const s = require("https")').length).toBe(1);
    expect(networkUses("new WebSocket(url)").length).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. No utterance text in messages

const MARK = "QZXMARKQZX";

/** A session whose every utterance text carries the marker. */
const session: Transcript = {
  id: "s1",
  utterances: [
    { text: `${MARK} what brings you in`, role: "therapist" as const },
    { text: `well ${MARK}, my doctor said`, role: "client" as const },
    { text: `so you ${MARK} feel stuck?`, role: "therapist" as const },
    { text: `"${MARK}" I guess`, role: "client" as const },
  ].map((u, index) => ({
    id: `s1:${index}`,
    session: "s1",
    index,
    speaker: u.role === "therapist" ? "Therapist" : "Client",
    role: u.role,
    text: u.text,
    start: index * 2,
    end: index * 2 + 1.5,
  })),
};

const BASES: Record<TranscriptFormat, string> = {
  csv: writeCsv([session]),
  json: writeJson([session]),
  jsonl: writeJsonl([session]),
  vtt: writeVtt(session),
  srt: writeSrt(session),
  txt: writeText(session),
  annomi:
    "mi_quality,transcript_id,video_title,video_url,topic,utterance_id,interlocutor,timestamp,utterance_text,annotator_id,main_therapist_behaviour,client_talk_type\n" +
    session.utterances
      .map(
        (u, i) =>
          `high,1,v,u,t,${i},${u.role},00:00:0${i},"${u.text.replace(/"/g, '""')}",0,${u.role === "therapist" ? "question" : "n/a"},${u.role === "client" ? "neutral" : "n/a"}`,
      )
      .join("\n"),
};

/** Every message of an error (its message and its issues'). */
function errorMessages(e: unknown): string[] {
  if (!(e instanceof Error)) return [String(e)];
  const out = [e.message];
  if (isRapportkitError(e))
    for (const i of e.issues) out.push(i.message, i.path.map(String).join("."));
  return out;
}

/** Every warning's message and path (unknown-speaker warnings included: they never quote the label). */
function warningMessages(ws: readonly Issue[]): string[] {
  return ws.map((w) => `${w.message} ${w.path.map(String).join(".")}`);
}

function leaks(messages: readonly string[]): string[] {
  return messages.filter((m) => m.includes(MARK));
}

describe("readers: no utterance text in errors or warnings, whatever the damage", () => {
  for (const format of TRANSCRIPT_FORMATS) {
    it(`${format}: the undamaged base carries the marker in every utterance`, () => {
      const r = readTranscript(BASES[format], { format, session: "s1" });
      const texts = r.transcripts.flatMap((t) => t.utterances.map((u) => u.text));
      expect(texts.length).toBe(4);
      for (const t of texts) expect(t).toContain(MARK);
    });

    for (const onError of ["throw", "skip"] as const)
      it(`${format} (onError: ${onError})`, () => {
        let reported = 0;
        fc.assert(
          fc.property(mutated(BASES[format]), (text) => {
            let messages: string[] = [];
            try {
              const r = readTranscript(text, { format, onError, file: "in" });
              messages = warningMessages(r.warnings);
            } catch (e) {
              messages = errorMessages(e);
            }
            if (messages.length > 0) reported++;
            expect(leaks(messages)).toEqual([]);
          }),
          { seed: SEED, numRuns: 150 },
        );
        // Not vacuous: the damage made the reader report something in a good share of runs (plain
        // text has no structure to break: any line is an utterance or a continuation).
        if (format !== "txt") expect(reported).toBeGreaterThan(10);
      });
  }

  it("streaming readers (CSV, JSONL) with onError skip: skipped-row issues and warnings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom("csv" as const, "jsonl" as const)
          .chain((f) => mutated(BASES[f]).map((t) => [f, t] as const)),
        async ([format, text]) => {
          const messages: string[] = [];
          const stream = format === "csv" ? streamCsvUtterances : streamJsonlUtterances;
          try {
            for await (const item of stream([new TextEncoder().encode(text)], {
              onError: "skip",
            })) {
              if (item.error) messages.push(item.error.message);
              else messages.push(...warningMessages(item.warnings));
            }
          } catch (e) {
            messages.push(...errorMessages(e));
          }
          expect(leaks(messages)).toEqual([]);
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe("classifiers and adapters: no utterance text in errors or evidence", () => {
  const utterances: Utterance[] = session.utterances;

  it("rules classifier: evidence names cues and spans, never the text", () => {
    for (const cb of Object.values(builtinCodebooks)) {
      const preds = rulesClassifier(cb as unknown as Codebook).classify(utterances);
      expect(leaks(preds.map((p) => JSON.stringify(p.evidence ?? {})))).toEqual([]);
    }
  });

  it("linear classifier: a model that cannot code a role fails by utterance id, without text", () => {
    const model = trainLinear(
      [
        { session: "a", role: "therapist", text: `${MARK} what now?`, label: "q" },
        { session: "a", role: "therapist", text: `${MARK} you feel it.`, label: "r" },
      ],
      { codebook: { id: "mini", version: "1" }, minCount: 1, calibrationHoldout: 0 },
    );
    const clf = linearClassifier(model);
    let err: unknown;
    try {
      clf.classify(utterances);
    } catch (e) {
      err = e;
    }
    expect(isRapportkitError(err)).toBe(true);
    expect(leaks(errorMessages(err))).toEqual([]);
    // Evidence lists features by name: the model's own vocabulary may hold training words, but
    // predictions of therapist turns must not echo the input text.
    const preds = clf.classify(utterances.filter((u) => u.role === "therapist"));
    expect(preds.length).toBe(2);
  });

  it("llm adapter: a throwing, echoing or garbled complete() never puts text in errors", async () => {
    const codebook = builtinCodebooks.rapport as unknown as Codebook;
    const behaviours: ((prompt: string) => Promise<string>)[] = [
      async () => {
        throw new Error(`upstream failed on ${MARK}`);
      },
      async (prompt) => prompt, // echoes the prompt, utterance text included
      async () => `[{"id": "${MARK}", "code": "${MARK}"}]`,
      async () => `{"${MARK}": [1, 2`,
      async () =>
        JSON.stringify(utterances.map((u) => ({ id: u.id, code: u.text, confidence: 2 }))),
    ];
    for (const complete of behaviours) {
      const clf = llmClassifier({ codebook, complete, maxRetries: 1 });
      let err: unknown;
      try {
        await clf.classify(utterances);
      } catch (e) {
        err = e;
      }
      expect(err, "each bad answer makes classify fail").toBeDefined();
      expect(leaks(errorMessages(err))).toEqual([]);
    }
  });
});

describe("CLI: no utterance text on stderr", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rk-leaks-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Non-empty stderr lines (unknown-speaker warnings included). */
  const stderrLines = (err: string) => err.split("\n").filter((l) => l !== "");

  it("code and convert on damaged files, with and without --on-error skip", async () => {
    const samples = fc.sample(
      fc
        .constantFrom(...TRANSCRIPT_FORMATS)
        .chain((f) => mutated(BASES[f]).map((t) => [f, t] as const)),
      { seed: SEED, numRuns: 60 },
    );
    let failures = 0;
    for (const [k, [format, text]] of samples.entries()) {
      const f = join(dir, `in-${k}.${format === "annomi" ? "csv" : format}`);
      writeFileSync(f, text);
      for (const argv of [
        ["code", f, "--format", format],
        ["code", f, "--format", format, "--on-error", "skip"],
        ["convert", f, "--format", format, "--to", "jsonl"],
      ]) {
        const r = await runCli(argv);
        if (r.code !== 0) failures++;
        expect(leaks(stderrLines(r.err)), `${argv.join(" ")}`).toEqual([]);
        expect(r.code, r.err.slice(0, 300)).not.toBe(70);
      }
    }
    // The damage really made some runs fail (the checks saw error paths, not only successes).
    expect(failures).toBeGreaterThan(10);
  }, 120_000);
});
