import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

export const FIXTURES = new URL("../fixtures/agreement/", import.meta.url);

/** Reads a vector CSV: header row, then rows; empty cells are missing (null). */
export function readCsv(name: string): { header: string[]; rows: (string | null)[][] } {
  const records = parse(readFileSync(new URL(name, FIXTURES), "utf8")) as string[][];
  const [header, ...rest] = records;
  return { header: header ?? [], rows: rest.map((r) => r.map((c) => (c === "" ? null : c))) };
}

// biome-ignore lint/suspicious/noExplicitAny: golden JSON files are read loosely and checked field by field
export function readJson(name: string): any {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));
}

/** The items × raters matrix of a vector whose first column is the item id. */
export function ratingMatrix(name: string): (string | null)[][] {
  return readCsv(name).rows.map((r) => r.slice(1));
}

/**
 * Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: nominal data, 4
 * observers (columns) × 12 units (rows), with missing values. The same matrix is `nmm` in R irr's
 * `kripp.alpha` examples.
 */
export const KRIPPENDORFF_2011_C: readonly (readonly (number | null)[])[] = [
  [1, 1, null, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [null, 5, 5, 5],
  [null, null, 1, 1],
  [null, null, 3, null],
];

/** Shrout & Fleiss (1979), Table 2: 6 targets (rows) × 4 judges (columns). */
export const SHROUT_FLEISS_TABLE2: readonly (readonly number[])[] = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];
