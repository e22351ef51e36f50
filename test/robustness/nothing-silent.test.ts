/**
 * Nothing lost, nothing silent, part 2 (issue 15 items 4, 5, 6, 16–20): spreadsheet formula cells,
 * the utterance size bound, backpressure on stdout, terminal escapes, partial outputs, the worker
 * count, empty inputs and silent changes of content. Inputs are synthetic.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CsvRecordReader } from "../../src/io/csv.js";
import {
  type CodedRow,
  codedCsvLine,
  DEFAULT_MAX_UTTERANCE_BYTES,
  readAnnomi,
  readCsv,
  readJson,
  readJsonl,
  readSrt,
  readText,
  writeCodedCsv,
  writeCsv,
} from "../../src/io/index.js";
import {
  collectStream,
  readTranscriptFile,
  streamCsvUtterances,
  streamJsonlUtterances,
} from "../../src/node/index.js";
import { hasStackTrace, runCli, spawnCli } from "../helpers/cli.js";

const tmp = () => mkdtempSync(join(tmpdir(), "rk-nothing-silent-"));

const oneLine = (err: string) => {
  expect(err.trimEnd().split("\n")).toHaveLength(1);
  expect(hasStackTrace(err)).toBe(false);
  expect(err).not.toContain("internal error");
};

/** Cells a spreadsheet would run as formulas (OWASP, "CSV Injection"). */
const FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")'];

const uttOf = (text: string, speaker = "T") => ({
  id: "s:0",
  session: "s",
  index: 0,
  speaker,
  role: "therapist" as const,
  text,
});

describe("item 4: --csv-safe neutralises formula cells (OWASP CSV injection)", () => {
  it("writeCsv and writeCodedCsv: each formula-leading cell gets a ' and is quoted", () => {
    for (const f of FORMULAS) {
      const csv = writeCsv([{ id: "s", utterances: [uttOf(f, f)] }], { csvSafe: true });
      const row = csv.split("\n").slice(1).join("\n");
      const quoted = `"'${f.replaceAll('"', '""')}"`;
      expect(row).toContain(`,${quoted},`);
      expect(row.endsWith(`${quoted}\n`)).toBe(true);
      // Read back: the text keeps the ' (the trade-off: no exact round trip).
      expect(readCsv(csv).transcripts[0]?.utterances[0]?.text).toBe(`'${f}`);
      const r: CodedRow = {
        id: f,
        session: "s",
        index: 0,
        speaker: "therapist",
        code: f,
        confidence: 1,
        text: f,
      };
      const coded = writeCodedCsv([r], { csvSafe: true });
      expect(coded.split("\n")[1]).toBe(`${quoted},"s","0","therapist",${quoted},"1",${quoted}`);
      expect(codedCsvLine(r, { csvSafe: true })).toBe(`${coded.split("\n")[1]}\n`);
    }
  });

  it("without the option nothing changes (exact round trip)", () => {
    const csv = writeCsv([{ id: "s", utterances: [uttOf("=1+2")] }]);
    expect(readCsv(csv).transcripts[0]?.utterances[0]?.text).toBe("=1+2");
    expect(csv).not.toContain("'");
  });

  it("code --csv-safe and convert --csv-safe write no cell a spreadsheet would run", async () => {
    const dir = tmp();
    const f = join(dir, "f.csv");
    writeFileSync(
      f,
      `speaker,text\n${FORMULAS.map((x) => `T,"${x.replaceAll('"', '""')}"`).join("\n")}\n`,
    );
    for (const argv of [
      ["code", f, "--classifier", "rules", "--csv-safe"],
      ["convert", f, "--to", "csv", "--csv-safe"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, r.err).toBe(0);
      const back = readCsv(r.out).transcripts[0]?.utterances ?? [];
      expect(back.map((u) => u.text)).toEqual(FORMULAS.map((x) => `'${x}`));
      // Every cell either is quoted or starts with a harmless character.
      for (const line of r.out.trimEnd().split("\n").slice(1))
        expect(line.startsWith('"')).toBe(true);
      const plain = await runCli(argv.filter((a) => a !== "--csv-safe"));
      expect(readCsv(plain.out).transcripts[0]?.utterances.map((u) => u.text)).toEqual(FORMULAS);
    }
  });
});

describe("item 5: a documented maximum utterance size", () => {
  const MB = DEFAULT_MAX_UTTERANCE_BYTES;
  const long = "x".repeat(MB + 1);
  const fits = "é".repeat(MB / 2); // exactly 1 MB of UTF-8
  const csv = `speaker,text\nT,a\nC,${long}\nT,b\n`;

  it("the default is 1 MB of UTF-8", () => {
    expect(MB).toBe(1_000_000);
    expect(readCsv(`speaker,text\nT,${fits}\n`).transcripts[0]?.utterances).toHaveLength(1);
    expect(() => readCsv(`speaker,text\nT,${fits}é\n`)).toThrow(/too_large|longer than/);
  });

  it("readCsv: a longer utterance is an error naming its line; skipped and counted with skip", () => {
    expect(() => readCsv(csv, { file: "f.csv" })).toThrow(
      /^f\.csv:3 \(text\): csv: the utterance is longer than the maximum of 1 MB/,
    );
    const r = readCsv(csv, { onError: "skip" });
    expect(r.transcripts[0]?.utterances.map((u) => u.text)).toEqual(["a", "b"]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["too_large", 3]]);
    expect(r.warnings[0]?.message).toMatch(/row skipped$/);
    expect(readCsv(csv, { maxUtteranceBytes: 2 * MB }).transcripts[0]?.utterances).toHaveLength(3);
    expect(() => readCsv(csv, { maxUtteranceBytes: 0 })).toThrow(/maxUtteranceBytes/);
  });

  it("the streaming readers, JSONL, JSON, text, SRT and AnnoMI give the same bound", async () => {
    const s = await collectStream(streamCsvUtterances([csv], { onError: "skip" }));
    expect(s.warnings.map((w) => [w.code, w.line])).toEqual([["too_large", 3]]);
    const jsonl = `{"speaker":"T","text":"a"}\n{"speaker":"C","text":"${long}"}\n`;
    expect(() => readJsonl(jsonl)).toThrow(/^2 \(text\): jsonl: the utterance is longer/);
    const j = await collectStream(streamJsonlUtterances([jsonl], { onError: "skip" }));
    expect(j.warnings.map((w) => w.line)).toEqual([2]);
    expect(() =>
      readJson(JSON.stringify({ id: "s", utterances: [{ speaker: "T", text: long }] })),
    ).toThrow(/utterances\[0\]\.text|utterances\.0\.text/);
    expect(() => readText(`T: a\nC: ${long.slice(0, MB / 2)}\n${long.slice(0, MB / 2)}\n`)).toThrow(
      /^2 \(text\): txt: the utterance is longer/,
    );
    expect(() => readSrt(`1\n00:00:01,000 --> 00:00:02,000\n${long}\n`)).toThrow(/longer than/);
    const annomi = `transcript_id,utterance_id,interlocutor,utterance_text\n1,0,therapist,a\n1,1,client,${long}\n`;
    expect(() => readAnnomi(annomi)).toThrow(
      /^3 \(utterance_text\): annomi: the utterance is longer/,
    );
    expect(readAnnomi(annomi, { onError: "skip" }).transcripts[0]?.utterances).toHaveLength(1);
  });

  it("the CLI: --max-utterance-mb raises the bound; a bad value is a usage error", async () => {
    const dir = tmp();
    const f = join(dir, "f.csv");
    writeFileSync(f, csv);
    const r = await runCli(["code", f, "--classifier", "rules"]);
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err).toContain("f.csv:3");
    const skip = await runCli(["code", f, "--classifier", "rules", "--on-error", "skip"]);
    expect(skip.code).toBe(0);
    expect(skip.err).toContain("skipped 1 malformed row");
    const more = await runCli(["convert", f, "--to", "jsonl", "--max-utterance-mb", "1.5"]);
    expect(more.code).toBe(0);
    expect(more.out.trimEnd().split("\n")).toHaveLength(3);
    expect((await runCli(["convert", f, "--to", "csv", "--max-utterance-mb", "0"])).code).toBe(2);
  });

  it("a 60 MB cell is a one-line error (was a V8 abort), read in bounded memory", () => {
    const dir = tmp();
    const f = join(dir, "huge.csv");
    writeFileSync(f, `speaker,text\nT,short\nC,${"so I hear you ".repeat(4_300_000)}\nT,after\n`);
    const shell = `/usr/bin/time -f "peak %M" $CMD`;
    const r = spawnCli(["code", f, "--classifier", "rules"], { shell });
    expect(r.code).toBe(1);
    const lines = r.err.trimEnd().split("\n");
    expect(lines[0]).toMatch(/huge\.csv:3: csv: the row that begins here is too long/);
    expect(lines.filter((l) => l.startsWith("rapportkit"))).toHaveLength(1);
    expect(hasStackTrace(r.err)).toBe(false);
    const peak = Number(/peak (\d+)/.exec(r.err)?.[1]) / 1024;
    expect(peak).toBeLessThan(400);
    const skip = spawnCli(["code", f, "--classifier", "rules", "--on-error", "skip"], { shell });
    expect(skip.code).toBe(0);
    expect(skip.out.trimEnd().split("\n")).toHaveLength(3);
    expect(skip.err).toContain("skipped 1 malformed row");
  }, 60_000);
});

describe("item 6: stdout respects backpressure", () => {
  it("code big.csv | slow-reader: what waits in the process stays bounded (was the whole output)", () => {
    const dir = tmp();
    const f = join(dir, "big.csv");
    let s = "speaker,text\n";
    for (let i = 0; i < 30_000; i++) s += `${i % 2 ? "C" : "T"},utterance ${i} with a few words\n`;
    writeFileSync(f, s);
    // Records the most bytes ever queued in process.stdout (written but not yet taken by the pipe).
    const probe = join(dir, "probe.cjs");
    writeFileSync(
      probe,
      `let max = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (...a) => { const r = write(...a); max = Math.max(max, process.stdout.writableLength); return r; };
process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(join(dir, "max.txt"))}, String(max)));
`,
    );
    for (const argv of [
      ["code", f, "--classifier", "rules"],
      ["convert", f, "--to", "jsonl"],
    ]) {
      const r = spawnCli(argv, {
        shell: "$CMD | (sleep 2; wc -c)",
        env: { NODE_OPTIONS: `--require ${probe}` },
      });
      expect(r.code, r.err).toBe(0);
      expect(Number(r.out.trim())).toBeGreaterThan(1_000_000);
      const max = Number(readFileSync(join(dir, "max.txt"), "utf8"));
      expect(max).toBeGreaterThan(0);
      expect(max).toBeLessThan(256 * 1024);
    }
  }, 60_000);
});

describe("item 17: ids and labels reach a terminal escaped", () => {
  // A title change (OSC 0), a screen clear (CSI 2J), an 8-bit CSI and a right-to-left override.
  const EVIL = ["s\u001b]0;pwned\u0007", "t\u001b[2Jx", "u\u009b31mv", "w\u202ex"];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the raw control characters the output must not contain
  const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

  it("score: session ids, utterance ids and codes are printed as visible escapes", async () => {
    const dir = tmp();
    let s = "id,session,index,speaker,code,confidence,text\n";
    for (const sid of EVIL)
      s += `"${sid}:0","${sid}",0,therapist,reflection.simple,1,words\n"${sid}:1","${sid}",1,client,change,1,more\n`;
    writeFileSync(join(dir, "coded.csv"), s);
    const r = await runCli(["score", "coded.csv"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(raw);
    expect(r.err).not.toMatch(raw);
    expect(r.out).toContain("session s\\x1b]0;pwned\\x07 ");
    expect(r.out).toContain("session w\\u202ex ");
  });

  it("agree: labels in the text tables are escaped, and the rows stay aligned", async () => {
    const dir = tmp();
    const rows = EVIL.flatMap((l) => [`${l},${l}`, `${l},a`]);
    writeFileSync(
      join(dir, "p.csv"),
      `gold,pred\n${rows.map((r) => r.replaceAll("\n", "")).join("\n")}\n`,
    );
    const r = await runCli(["agree", "--pairs", "p.csv", "--resamples", "0"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(raw);
    expect(r.out).toContain("t\\x1b[2Jx");
  });

  it("errors and warnings: a value from the input in the message is escaped", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "f.csv"), "speaker,text\nT,a\n");
    const argv = ["code", "f.csv", "--classifier", "rules", "--text-column", "x\u001b[2J\u009b"];
    const r = await runCli(argv, { cwd: dir });
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err).not.toMatch(raw);
    expect(r.err).toContain("x\\u001b[2J\\x9b");
  });
});

describe("item 18: a failure midway leaves no partial --out; damage is named where it began", () => {
  it("code and convert failing midway (a bad row, an over-long utterance) leave no --out and no temporary file", async () => {
    const dir = tmp();
    let s = "speaker,text\n";
    for (let i = 0; i < 5000; i++) s += `T,row ${i} with some words to pass 64 kB of output\n`;
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, `${s}C,"broken" quote\n${s.slice(13)}`);
    const big = join(dir, "big.csv");
    writeFileSync(big, `${s}C,${"x".repeat(1_000_001)}\n`);
    const out = join(dir, "out.csv");
    for (const [f, line] of [
      [bad, 5002],
      [big, 5002],
    ] as const)
      for (const argv of [
        ["code", f, "--classifier", "rules", "--out", out],
        ["convert", f, "--to", "csv", "--out", out],
      ]) {
        const r = await runCli(argv);
        expect(r.code).toBe(1);
        oneLine(r.err);
        expect(r.err).toContain(`:${line}`);
        expect(existsSync(out)).toBe(false);
        expect(readdirSync(dir).sort()).toEqual(["bad.csv", "big.csv"]);
      }
  }, 60_000);

  it("reading that gives up on damaged quoting names the line where the damage began", () => {
    // Good rows to line 4,986; from line 4,987 every tenth line opens a quote the next one breaks.
    let s = "a,b\n";
    for (let i = 2; i < 4987; i++) s += `x,good row number ${i}\n`;
    for (let i = 0; i < 40_000; i++) s += i % 10 === 0 ? 'a,"b\n' : '"",c\n';
    // workFactor 0: give up as soon as the re-reading passes the fixed allowance.
    const r = new CsvRecordReader({ format: "csv", skip: true, workFactor: 0, file: "f.csv" });
    const bytes = Buffer.from(s);
    let thrown: unknown;
    try {
      for (let i = 0; i < bytes.length; i += 4096) r.push(bytes.subarray(i, i + 4096));
      r.end();
    } catch (e) {
      thrown = e;
    }
    const issue = (thrown as { issues?: { line?: number; message: string; code: string }[] })
      ?.issues?.[0];
    expect(issue?.code).toBe("bad_csv");
    expect(issue?.line).toBe(4987);
    const last = Number(/read past line (\d+)/.exec(issue?.message ?? "")?.[1]);
    expect(last).toBeGreaterThan(4987);
  });
});

describe("item 19: --workers no longer starts threads (they were slower than one)", () => {
  it("code --workers 64 on a 2-line file: one thread, a one-line note, the same output", async () => {
    const dir = tmp();
    const f = join(dir, "two.csv");
    writeFileSync(f, "speaker,text\nT,How are you?\nC,Fine.\n");
    const r = await runCli(["code", f, "--classifier", "rules", "--workers", "64"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe(
      "rapportkit: note: --workers is ignored: coding runs in one thread (worker threads were slower)\n",
    );
    const one = await runCli(["code", f, "--classifier", "rules"]);
    expect(r.out).toBe(one.out);
    const help = await runCli(["code", "--help"]);
    expect(help.out).toMatch(/--workers=<workers> +ignored/);
  }, 60_000);
});

describe("item 20: an empty CSV is an error; an SRT cue number must be a number", () => {
  it("readCsv, readAnnomi and the streaming readers: empty input is empty_input at line 1", async () => {
    for (const text of ["", "\n\n", "\uFEFF", "\r\n"]) {
      expect(() => readCsv(text, { file: "e.csv" })).toThrow(/^e\.csv:1: csv: the input is empty/);
      expect(() => readAnnomi(text)).toThrow(/annomi: the input is empty/);
      await expect(collectStream(streamCsvUtterances([text]))).rejects.toThrow(/input is empty/);
    }
    // A header alone is a valid file with no utterances.
    expect(readCsv("speaker,text\n").transcripts).toEqual([]);
  });

  it("code and convert on an empty CSV: exit 1, one line", async () => {
    const dir = tmp();
    const f = join(dir, "empty.csv");
    writeFileSync(f, "");
    for (const argv of [
      ["code", f, "--classifier", "rules"],
      ["convert", f, "--to", "jsonl"],
    ]) {
      const r = await runCli(argv);
      expect(r.code).toBe(1);
      oneLine(r.err);
      expect(r.err).toContain("empty.csv:1: csv: the input is empty");
      expect(r.out).toBe("");
    }
  });

  it("readSrt: a non-numeric cue number is bad_cue at its line", () => {
    const ok =
      "1\n00:00:01,000 --> 00:00:02,000\nT: hi\n\n2\n00:00:03,000 --> 00:00:04,000\nC: yo\n";
    expect(readSrt(ok).transcripts[0]?.utterances).toHaveLength(2);
    const bad = ok.replace("\n2\n", "\nsecret two\n");
    expect(() => readSrt(bad, { file: "s.srt" })).toThrow(
      /^s\.srt:5:1: srt: expected a cue number/,
    );
    expect(() => readSrt(bad)).not.toThrow(/secret/);
  });
});

describe("item 16: no silent change of content", () => {
  it("duplicate CSV headers are an error naming the columns", async () => {
    expect(() => readCsv("speaker,text,Text\nT,a,b\n", { file: "d.csv" })).toThrow(
      /^d\.csv:1 \(columns\): csv: header columns 2 and 3 are both named "text"/,
    );
    expect(() =>
      readCsv("who,secret,speaker, secret\nT,a,T,b\n", { columns: { text: "who" } }),
    ).toThrow(/header columns 2 and 4 have the same name/);
    expect(() => readCsv("who,secret,speaker, secret\n")).not.toThrow(/"secret"/);
    await expect(collectStream(streamCsvUtterances(["text,text\na,b\n"]))).rejects.toThrow(
      /columns 1 and 2/,
    );
    // Empty names (e.g. trailing commas) are not compared.
    expect(readCsv("speaker,text,,\nT,a,,\n").transcripts[0]?.utterances).toHaveLength(1);
    const annomi = "transcript_id,utterance_id,interlocutor,utterance_text,topic,topic\n";
    expect(() => readAnnomi(`${annomi}1,0,client,a,x,y\n`)).toThrow(/columns 5 and 6/);
  });

  it("AnnoMI rows of one utterance with different text are an error naming both lines", () => {
    const head =
      "transcript_id,utterance_id,interlocutor,utterance_text,annotator_id,client_talk_type\n";
    const same = `${head}1,0,client,I will try,1,change\n1,0,client,I will try,2,neutral\n`;
    expect(readAnnomi(same).transcripts[0]?.utterances).toHaveLength(1);
    const differ = `${head}1,0,client,I will try,1,change\n1,1,client,ok,1,neutral\n1,0,client,secret other,2,neutral\n`;
    expect(() => readAnnomi(differ, { file: "a.csv" })).toThrow(
      /^a\.csv:4 \(utterance_text\): annomi: utterance 1:0 has a different utterance_text here than at line 2/,
    );
    expect(() => readAnnomi(differ)).not.toThrow(/secret/);
    const r = readAnnomi(differ, { onError: "skip" });
    expect(r.transcripts[0]?.utterances.map((u) => u.text)).toEqual(["I will try", "ok"]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["conflicting_rows", 4]]);
  });
});

describe("item 16: invalid UTF-8 is reported (count and first line), not replaced silently", () => {
  // Latin-1 "é" (0xe9), a lone continuation byte and a truncated 3-byte sequence.
  const latin1 = (s: string) => Buffer.from(s, "latin1");
  const csv = Buffer.concat([
    Buffer.from("speaker,text\nT,fine\nC,caf"),
    latin1("\u00e9"),
    Buffer.from(" and "),
    Buffer.from([0x80]),
    Buffer.from("\nT,ok "),
    Buffer.from([0xe2, 0x82]),
    Buffer.from("\n"),
  ]);

  it("readTranscriptFile and the streaming readers: one warning, the count and the first line", async () => {
    const dir = tmp();
    const f = join(dir, "latin.csv");
    writeFileSync(f, csv);
    const r = await readTranscriptFile(f);
    expect(r.transcripts[0]?.utterances).toHaveLength(3);
    const w = r.warnings.filter((x) => x.code === "invalid_utf8");
    expect(w).toHaveLength(1);
    expect(w[0]?.line).toBe(3);
    expect(w[0]?.message).toMatch(/^csv: 3 invalid UTF-8 byte sequences, the first on this line/);
    const seen: string[] = [];
    for await (const _ of streamCsvUtterances(f, { onWarning: (x) => seen.push(x.code) }));
    expect(seen).toEqual(["invalid_utf8"]);
    // JSONL and the whole-file formats too.
    const jl = join(dir, "latin.jsonl");
    writeFileSync(
      jl,
      Buffer.concat([
        Buffer.from('{"speaker":"T","text":"ok"}\n{"speaker":"C","text":"caf'),
        latin1("\u00e9"),
        Buffer.from('"}\n'),
      ]),
    );
    const j = await readTranscriptFile(jl);
    expect(j.warnings.map((x) => [x.code, x.line])).toEqual([["invalid_utf8", 2]]);
    const txt = join(dir, "latin.txt");
    writeFileSync(
      txt,
      Buffer.concat([Buffer.from("T: hi\nC: caf"), latin1("\u00e9"), Buffer.from("\n")]),
    );
    expect((await readTranscriptFile(txt)).warnings.map((x) => [x.code, x.line])).toEqual([
      ["invalid_utf8", 2],
    ]);
    // Valid UTF-8 (accents, emoji, a BOM) gives no warning.
    const good = join(dir, "good.csv");
    writeFileSync(good, "\uFEFFspeaker,text\nT,café 👍\n");
    expect((await readTranscriptFile(good)).warnings).toEqual([]);
  });

  it("code and convert print the warning once and go on", async () => {
    const dir = tmp();
    const f = join(dir, "latin.csv");
    writeFileSync(f, csv);
    for (const argv of [
      ["code", f, "--classifier", "rules"],
      ["convert", f, "--to", "csv"],
    ]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(
        /latin\.csv:3: csv: 3 invalid UTF-8 byte sequences, the first on this line/,
      );
      expect(r.err.match(/invalid UTF-8/g)).toHaveLength(1);
    }
  });
});
