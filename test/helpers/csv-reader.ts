/**
 * Feeds a text to a {@link CsvRecordReader} in chunks of `chunk` bytes and collects what it
 * yields, or the issues it throws: the streaming reader as a test sees it.
 */
import { type CsvReadItem, CsvRecordReader } from "../../src/io/csv.js";

export type CsvReaderOptions = ConstructorParameters<typeof CsvRecordReader>[0];

export function feedInChunks(
  text: string,
  chunk: number,
  options: CsvReaderOptions,
): { readonly items?: CsvReadItem[]; readonly thrown?: unknown } {
  const bytes = new TextEncoder().encode(text);
  const r = new CsvRecordReader(options);
  const items: CsvReadItem[] = [];
  try {
    for (let i = 0; i < bytes.length; i += chunk)
      items.push(...r.push(bytes.subarray(i, i + chunk)));
    items.push(...r.end());
  } catch (e) {
    return { thrown: (e as { issues: unknown }).issues };
  }
  return { items };
}
