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
