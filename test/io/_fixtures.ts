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

/** The AnnoMI development split, in `../shared` beside the repository (as in CI). */
export const ANNOMI_DEV = fileURLToPath(
  new URL("../../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url),
);

/** The column mapping of the `session.csv` fixture (its text column is `utterance`). */
export const SESSION_CSV_COLUMNS = {
  session: "session",
  speaker: "speaker",
  text: "utterance",
  start: "start",
  end: "end",
} as const;
