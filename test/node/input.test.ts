import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputOptionsOf, loadInput, streamInput } from "../../src/cli/_input.js";
import { type CliIO, UsageError } from "../../src/cli/io.js";
import { readCsv } from "../../src/io/index.js";
import type { StreamItem } from "../../src/node/index.js";
import { fixturePath } from "../io/_fixtures.js";

function ioWith(stdin?: string): CliIO & { errText: () => string } {
  let err = "";
  return {
    out: () => {},
    err: (t) => {
      err += t;
    },
    cwd: "/",
    isTTY: false,
    ...(stdin === undefined ? {} : { stdin: async () => stdin }),
    errText: () => err,
  };
}

async function all(items: AsyncIterable<StreamItem>): Promise<StreamItem[]> {
  const out: StreamItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

describe("CLI input options (_input.ts)", () => {
  it("maps the options to reader options, accepting kebab and camel spellings", () => {
    expect(
      inputOptionsOf({
        format: "csv",
        "text-column": "t",
        contextColumn: "ctx",
        speaker: "Therapist",
        "speaker-map": "Sam=client",
        "on-error": "skip",
      }),
    ).toEqual({
      format: "csv",
      columns: { text: "t", context: "ctx" },
      role: "therapist",
      speakerMap: { sam: "client" },
      onError: "skip",
      maxUtteranceBytes: 1_000_000,
    });
    expect(inputOptionsOf({ "max-utterance-mb": "2.5" }).maxUtteranceBytes).toBe(2_500_000);
    expect(() => inputOptionsOf({ "on-error": "maybe" })).toThrow(UsageError);
    expect(() => inputOptionsOf({ "text-column": true })).toThrow(UsageError);
  });

  it("streams a CSV file: one session named after the file, context kept, ids <session>:<index>", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rk-input-"));
    const p = join(dir, "replies.csv");
    writeFileSync(p, "client,reply\nI feel stuck,You feel stuck.\nNo idea,What comes to mind?\n");
    const args = { "text-column": "reply", "context-column": "client", speaker: "therapist" };
    const items = await all(streamInput(p, args, ioWith()));
    expect(
      items.map((i) => [
        i.utterance?.id,
        i.utterance?.role,
        i.utterance?.metadata?.context,
        i.line,
      ]),
    ).toEqual([
      ["replies:0", "therapist", "I feel stuck", 2],
      ["replies:1", "therapist", "No idea", 3],
    ]);
    const whole = await loadInput(p, args, ioWith());
    expect(whole.transcripts).toEqual(
      readCsv("client,reply\nI feel stuck,You feel stuck.\nNo idea,What comes to mind?\n", {
        columns: { text: "reply", context: "client" },
        role: "therapist",
        session: "replies",
      }).transcripts,
    );
  });

  it("streams other formats whole, with their codings (AnnoMI) and warnings printed", async () => {
    const items = await all(streamInput(fixturePath("annomi-mini.csv"), {}, ioWith()));
    expect(items.map((i) => i.utterance?.id)).toEqual(["7:0", "7:1", "9:0", "9:1", "9:2", "9:3"]);
    expect(items[0]?.codings?.map((c) => c.codeId).sort()).toEqual(["question", "question.open"]);
    const io = ioWith();
    await all(streamInput(fixturePath("session.txt"), { "speaker-map": "counsellor=client" }, io));
    expect(io.errText()).toBe("");
  });

  it("reads stdin with - (format from --format or the content)", async () => {
    const r = await loadInput("-", { format: "txt" }, ioWith("T: hi\nNarrator: hidden words\n"));
    expect(r.transcripts[0]?.id).toBe("stdin");
    const io = ioWith(
      "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Narrator>hidden words\n\n00:00:02.000 --> 00:00:03.000\n<v T>hi\n",
    );
    const v = await loadInput("-", {}, io);
    expect(v.transcripts[0]?.utterances[0]?.role).toBe("other");
    expect(io.errText()).toMatch(
      /^rapportkit: warning: <stdin>:3: vtt: the speaker label at line 3 /,
    );
    expect(io.errText()).not.toContain("Narrator");
    expect(io.errText()).not.toContain("hidden");
    await expect(loadInput("-", {}, ioWith("just text"))).rejects.toThrow(UsageError);
  });
});
