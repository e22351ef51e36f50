import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Reads a file from test/fixtures/io. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/io/${name}`, import.meta.url)), "utf8");
}

/** Absolute path of a file in test/fixtures/io. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/io/${name}`, import.meta.url));
}

export const ANNOMI_DEV = "/work/shared/data/annomi/AnnoMI-full.dev.csv";
