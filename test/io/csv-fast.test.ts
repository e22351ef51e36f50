import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CsvReadItem,
  CsvRecordReader,
  parseCsvRecords,
  parseCsvText,
} from "../../src/io/csv.js";
import { readCsv } from "../../src/io/index.js";
import { feedInChunks } from "../helpers/csv-reader.js";

/** What csv-parse reads (the byte reader without parseCsvText), or undefined when it throws. */
function reference(text: string, delimiter = ",") {
  try {
    const r = new CsvRecordReader({ format: "csv", delimiter, csvParseOnly: true });
    return [...r.push(new TextEncoder().encode(text)), ...r.end()];
  } catch {
    return undefined;
  }
}

const noBom = (t: string) => (t.charCodeAt(0) === 0xfeff ? 1 : 0);

describe("parseCsvText: csv-parse's records and lines, or nothing", () => {
  const text = fc.stringMatching(/^[ab",;\r\n é\t]{0,40}$/);

  it("agrees with csv-parse wherever it reads, and reads whatever csv-parse reads", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(",", ";", "\t"), (t, d) => {
        const ref = reference(t, d);
        const fast = parseCsvText(t, 0, t.length, d.charCodeAt(0), 1);
        if (fast === undefined || fast.open !== undefined) {
          expect(ref).toBeUndefined();
          return;
        }
        // The reader checks field counts; parseCsvText leaves that to its callers.
        const width = fast.records[0]?.record.length;
        if (fast.records.some((r) => r.record.length !== width)) return;
        expect(fast.records).toEqual(ref);
        let n = 0;
        for (let i = 0; i < t.length; i++)
          if (t[i] === "\n" || (t[i] === "\r" && t[i + 1] !== "\n")) n++;
        expect(fast.lines).toBe(n);
      }),
      { numRuns: Number(process.env.RK_FUZZ_RUNS ?? 5000) },
    );
  });

  it("handles RFC 4180 quoting, CRLF, a BOM, quotes inside fields and embedded line breaks", () => {
    const t = '\ufeffa,b\r\n"x, ""y""",z\r\n\r\n"multi\r\nline\nfield",w\n"",\n';
    const fast = parseCsvText(t, noBom(t), t.length, 44, 1);
    expect(fast?.records).toEqual([
      { record: ["a", "b"], line: 1 },
      { record: ['x, "y"', "z"], line: 2 },
      { record: ["multi\r\nline\nfield", "w"], line: 4 },
      { record: ["", ""], line: 7 },
    ]);
    expect(fast?.lines).toBe(7);
  });

  it("gives up at malformed quoting, for csv-parse to report", () => {
    for (const t of ['a,b"c\n', 'a,"b"c\n', '"a" ,b\n', 'a, "b"\n'])
      expect(parseCsvText(t, 0, t.length, 44, 1)).toBeUndefined();
  });

  it("stops at a quote still open at the end, with the records before it", () => {
    const t = 'a,b\n\nc,"d\ne';
    expect(parseCsvText(t, 0, t.length, 44, 1)).toEqual({
      records: [{ record: ["a", "b"], line: 1 }],
      lines: 2,
      open: 5,
    });
  });
});

describe("parseCsvRecords: the fast path and the byte reader agree", () => {
  const viaReader = (text: string) => {
    const r = new CsvRecordReader({ format: "csv", csvParseOnly: true });
    return [...r.push(new TextEncoder().encode(text)), ...r.end()] as CsvReadItem[];
  };
  const cell = fc.stringMatching(/^[ab",\r\n é\ufeff]{0,6}$/);
  const field = cell.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c));
  const row = fc.array(field, { minLength: 2, maxLength: 2 }).map((cells) => cells.join(","));
  const eol = fc.constantFrom("\n", "\r\n", "\r", "\n\n");

  it("on well-formed text of one width, with any line ends", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(row, eol), { maxLength: 12 }), fc.boolean(), (rows, bom) => {
        const text = (bom ? "\ufeff" : "") + rows.map(([r, e]) => r + e).join("");
        expect(parseCsvRecords(text, "csv", {})).toEqual(viaReader(text));
      }),
      { numRuns: Number(process.env.RK_FUZZ_RUNS ?? 2000) },
    );
  });

  it("in windows and chunks of any size, damaged or not, as csv-parse alone reads it", () => {
    const read = (text: string, window: number, chunk: number, csvParseOnly: boolean) =>
      feedInChunks(text, chunk, { format: "csv", skip: true, window, csvParseOnly });
    const raw = fc.stringMatching(/^[ab",\r\n é]{0,8}$/);
    const anyRow = fc.oneof(row, raw);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyRow, eol), { maxLength: 12 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 16 }),
        (rows, window, chunk) => {
          const text = rows.map(([r, e]) => r + e).join("");
          expect(read(text, window, chunk, false)).toEqual(read(text, window, chunk, true));
        },
      ),
      { numRuns: Number(process.env.RK_FUZZ_RUNS ?? 2000) },
    );
  });

  it("replaces lone surrogates as encoding to UTF-8 does", () => {
    const text = "text\nab\ud800c\n\udc00\n";
    expect(parseCsvRecords(text, "csv", {})).toEqual(viaReader(text));
    expect(parseCsvRecords(text, "csv", {})[1]?.record).toEqual(["ab\ufffdc"]);
  });

  it("keeps a byte order mark that begins a later window of the reader", () => {
    const text = `text\n${"x\n".repeat(10)}\ufeffy\n`;
    const r = new CsvRecordReader({ format: "csv", window: 4 });
    const bytes = new TextEncoder().encode(text);
    const items: CsvReadItem[] = [];
    for (let i = 0; i < bytes.length; i += 3) items.push(...r.push(bytes.subarray(i, i + 3)));
    items.push(...r.end());
    expect(items.at(-1)).toEqual({ record: ["\ufeffy"], line: 12 });
  });

  it("leaves rows of another width to the reader (errors and skipped rows as before)", () => {
    const text = "speaker,text\nT,hi\nT,a,b\nC,ok\n";
    expect(() => readCsv(text)).toThrow(/^3: csv: the row has a different number of fields/);
    const r = readCsv(text, { onError: "skip" });
    expect(r.transcripts[0]?.utterances.map((u) => u.text)).toEqual(["hi", "ok"]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([["bad_row", 3]]);
  });
});

describe("CsvRecordReader: values do not keep their window alive", () => {
  it("one value kept from each of 2,000 windows of 64 kB holds a few MB, not 128 MB", () => {
    // In a child process with --expose-gc: the heap after a full collection.
    const script = `
      const { CsvRecordReader } = await import(${JSON.stringify(new URL("../../src/io/csv.ts", import.meta.url).pathname)});
      const r = new CsvRecordReader({ format: "csv" });
      const enc = new TextEncoder();
      const kept = [];
      r.push(enc.encode("text\\n"));
      const row = "a long enough utterance to be sliced by V8\\n";
      const window = enc.encode(row.repeat(Math.ceil(65536 / row.length)));
      for (let i = 0; i < 2000; i++) {
        const items = r.push(window);
        if (items.length) kept.push(items[0].record[0]);
      }
      kept.push(...r.end().slice(0, 1).map((i) => i.record[0]));
      globalThis.gc();
      process.stdout.write(String(process.memoryUsage().heapUsed / 1e6) + " " + kept.length);
    `;
    const out = execFileSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script],
      { encoding: "utf8" },
    );
    const [mb, kept] = out.split(" ").map(Number);
    expect(kept).toBeGreaterThan(1000);
    expect(mb).toBeLessThan(60);
  }, 60_000);
});
