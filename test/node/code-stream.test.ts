/**
 * The streaming coder of `rapportkit/node` (`codeStream`, `codeStreamChunks`, `codeFile`): one row
 * per utterance in input order, the codes of coding each session whole whatever the chunk size,
 * bounded memory of sessions, skipped items and warnings reported, never utterance text in errors.
 * (The CLI's `code` runs on it: test/classify/cli-code.test.ts.)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { linearClassifier } from "../../src/classify/linear/index.js";
import { rulesClassifier } from "../../src/classify/rules/classifier.js";
import type { SyncClassifier } from "../../src/classify/types.js";
import { rapportCodebook } from "../../src/codebook/builtin/rapport.js";
import { ClassifierError, type Issue } from "../../src/core/errors.js";
import type { Transcript, Utterance } from "../../src/core/schemas.js";
import type { CodedRow } from "../../src/io/coded.js";
import {
  type CodeStreamSummary,
  codeFile,
  codeStream,
  codeStreamChunks,
  streamCsvUtterances,
} from "../../src/node/index.js";
import { annomi, smallModel, tmp, writeSessionsCsv } from "../classify/_cli.js";

let dir: string;
let model: SyncClassifier;
let sessions: Transcript[];

beforeAll(() => {
  dir = tmp();
  model = linearClassifier(JSON.parse(readFileSync(smallModel(dir), "utf8")));
  sessions = annomi().transcripts.slice(20, 26);
}, 120_000);

/** Every row of a generator, and what it returns. */
async function drain<T>(
  gen: AsyncGenerator<T, CodeStreamSummary, undefined>,
): Promise<{ rows: T[]; summary: CodeStreamSummary }> {
  const rows: T[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { rows, summary: next.value };
    rows.push(next.value);
  }
}

const codesOf = (rows: readonly CodedRow[]) => rows.map((r) => [r.id, r.code, r.confidence]);

describe("codeStream", () => {
  it("yields the codes of coding each session whole, in input order, for any chunk size", async () => {
    const us = sessions.flatMap((t) => t.utterances);
    const whole = sessions
      .flatMap((t) => model.classify(t.utterances))
      .map((p) => [p.utteranceId, p.codeId, p.confidence]);
    for (const chunkSize of [1, 7, 64, 100_000]) {
      const { rows, summary } = await drain(codeStream(us, model, { chunkSize }));
      expect(codesOf(rows)).toEqual(whole);
      expect(summary).toMatchObject({ coded: us.length, skipped: 0 });
    }
  });

  it("checks a context window alone before coding the chunk with it: a widened chunk is not coded again and again", async () => {
    const us = sessions.flatMap((t) => t.utterances);
    let classified = 0;
    const counting: SyncClassifier = {
      ...model,
      classify: (xs) => {
        classified += xs.length;
        return model.classify(xs);
      },
    };
    const { summary } = await drain(codeStream(us, counting, { chunkSize: 64 }));
    expect(summary.widened).toBeGreaterThan(0);
    // Beyond the input, only windows: less than one chunk per widened chunk plus 32 turns per
    // chunk (750 turns for these 372; it was 994 when a widened chunk was classified again in full
    // with each longer window).
    const chunks = Math.ceil(us.length / 64);
    expect(classified - us.length).toBeLessThan(summary.widened * 64 + chunks * 32);
  });

  it("widens the window for a classifier whose context reaches further than the window checks", async () => {
    // Each turn's code is read from the turn `reach` turns before it in its session (none: "other").
    // A window's turns that lack that turn are coded "other" where the whole session is not, so the
    // later half of a window agrees only when the window holds the reach. (The limit of any such
    // check: a classifier that reads further back than 32 turns but codes the whole first window
    // the same without them is not caught; the module's documentation says so.)
    const us = sessions.flatMap((t) => t.utterances);
    const reaching = (reach: number): SyncClassifier => ({
      ...model,
      classify: (xs) => {
        const seen = new Map<string, Utterance[]>();
        return xs.map((u) => {
          const before = seen.get(u.session) ?? [];
          seen.set(u.session, [...before, u]);
          const far = before[before.length - reach];
          return {
            utteranceId: u.id,
            codeId: far === undefined ? "other" : far.text.length % 2 ? "question" : "reflection",
            confidence: far === undefined ? 0.5 : 0.9,
            source: "reach",
          };
        });
      },
    });
    for (const reach of [1, 20]) {
      const c = reaching(reach);
      const whole = sessions
        .flatMap((t) => c.classify(t.utterances))
        .map((p) => [p.utteranceId, p.codeId, p.confidence]);
      for (const chunkSize of [7, 64]) {
        const { rows, summary } = await drain(codeStream(us, c, { chunkSize }));
        expect(codesOf(rows)).toEqual(whole);
        // Reach 1 (the linear models read the previous turn): the first window holds it.
        if (reach > 16) expect(summary.widened).toBeGreaterThan(0);
        else expect(summary.widened).toBe(0);
      }
    }
  });

  it("rows carry the utterance's session, index, role and text", async () => {
    const u = sessions[0]?.utterances[0] as Utterance;
    const { rows } = await drain(codeStream([u], rulesClassifier(rapportCodebook)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: u.id,
      session: u.session,
      index: u.index,
      speaker: u.role,
      text: u.text,
    });
  });

  it("keeps at most maxSessions sessions, and says when one comes back without its context", async () => {
    const [a, b, c] = sessions as [Transcript, Transcript, Transcript];
    const us = [
      ...a.utterances.slice(0, 3),
      ...b.utterances.slice(0, 3),
      ...c.utterances.slice(0, 3),
      ...a.utterances.slice(3, 6),
    ];
    const lost: string[] = [];
    const { rows } = await drain(
      codeStream(us, model, {
        chunkSize: 3,
        maxSessions: 2,
        onContextLost: (s) => lost.push(s),
      }),
    );
    expect(rows.map((r) => r.id)).toEqual(us.map((u) => u.id));
    expect(lost).toEqual([a.id]);
  });

  it("skips error items (onSkip, counted) and passes warnings on", async () => {
    const us = sessions[0]?.utterances.slice(0, 3) as Utterance[];
    const issue: Issue = { code: "bad_row", path: [], message: "bad row", line: 3 };
    const warning: Issue = { code: "unknown_speaker", path: [], message: "who", line: 2 };
    const items = [
      { utterance: us[0] as Utterance, line: 2, codings: [], warnings: [warning] },
      { error: issue, line: 3 },
      { utterance: us[1] as Utterance, line: 4, codings: [], warnings: [] },
    ];
    const skipped: [Issue, number | undefined][] = [];
    const warned: Issue[] = [];
    const { rows, summary } = await drain(
      codeStream(items, model, {
        onSkip: (i, line) => skipped.push([i, line]),
        onWarnings: (w) => warned.push(...w),
      }),
    );
    expect(rows.map((r) => r.id)).toEqual([us[0]?.id, us[1]?.id]);
    expect(summary).toMatchObject({ coded: 2, skipped: 1 });
    expect(skipped).toEqual([[issue, 3]]);
    expect(warned).toEqual([warning]);
  });

  it("a classifier that answers with the wrong count: a ClassifierError without utterance text", async () => {
    const us = sessions[0]?.utterances.slice(0, 4) as Utterance[];
    const short: SyncClassifier = { ...model, classify: (xs) => model.classify(xs).slice(1) };
    const err = await drain(codeStream(us, short)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClassifierError);
    expect((err as Error).message).toBe("the classifier returned 3 codes for 4 utterances");
  });

  it("classifyBatch runs the first pass; chunks in flight still come out in order", async () => {
    const us = sessions.flatMap((t) => t.utterances).slice(0, 200);
    let calls = 0;
    const { rows } = await drain(
      codeStreamChunks(us, model, {
        chunkSize: 16,
        inFlight: 4,
        classifyBatch: async (xs) => {
          calls++;
          await new Promise((r) => setTimeout(r, (calls % 3) * 5));
          return model.classify(xs);
        },
      }),
    );
    expect(calls).toBeGreaterThan(1);
    expect(rows.flat().map((r) => r.id)).toEqual(us.map((u) => u.id));
  });
});

describe("codeFile", () => {
  it("codes a CSV file as codeStream over its streamed utterances", async () => {
    const f = join(dir, "two.csv");
    writeSessionsCsv(f, sessions.slice(0, 2));
    const columns = { session: "session", speaker: "speaker" };
    const byFile = await drain(codeFile(f, model, { columns, chunkSize: 50 }));
    const byStream = await drain(codeStream(streamCsvUtterances(f, { columns }), model));
    expect(byFile.rows).toEqual(byStream.rows);
    expect(byFile.rows).toHaveLength(
      sessions.slice(0, 2).reduce((n, t) => n + t.utterances.length, 0),
    );
  });

  it("reads other formats whole; one session named after the file", async () => {
    const f = join(dir, "visit.txt");
    writeFileSync(f, "Therapist: What brings you in today?\nClient: My sleep, mostly.\n");
    const { rows } = await drain(codeFile(f, rulesClassifier(rapportCodebook)));
    expect(rows.map((r) => [r.id, r.speaker])).toEqual([
      ["visit:0", "therapist"],
      ["visit:1", "client"],
    ]);
  });
});
