import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { trainLinear } from "../../src/classify/linear/index.js";
import { main } from "../../src/cli/main.js";
import type { Transcript } from "../../src/core/schemas.js";
import { readAnnomi } from "../../src/io/annomi.js";
import { csvField } from "../../src/io/csv.js";

/** The AnnoMI development split, in `../shared` beside the repository (as in CI). */
export const ANNOMI = fileURLToPath(
  new URL("../../../shared/data/annomi/AnnoMI-full.dev.csv", import.meta.url),
);

export interface Run {
  code: number;
  out: string;
  err: string;
}

export async function run(
  argv: string[],
  opts: { cwd?: string; isTTY?: boolean } = {},
): Promise<Run> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    cwd: opts.cwd ?? process.cwd(),
    isTTY: opts.isTTY ?? false,
  });
  return { code, out, err };
}

let cached: { transcripts: Transcript[]; gold: Map<string, string> } | undefined;
/** AnnoMI dev transcripts, first annotator's code per utterance. */
export function annomi(): { transcripts: Transcript[]; gold: Map<string, string> } {
  if (cached) return cached;
  const r = readAnnomi(readFileSync(ANNOMI, "utf8"));
  const gold = new Map<string, string>();
  for (const c of r.codings) if (!gold.has(c.utteranceId)) gold.set(c.utteranceId, c.codeId);
  cached = { transcripts: r.transcripts, gold };
  return cached;
}

export const tmp = () => mkdtempSync(join(tmpdir(), "rk-classify-"));

/** A small linear model (annomi codebook) that uses the codes of earlier turns as features. */
export function smallModel(dir: string, sessions = 8): string {
  const { transcripts, gold } = annomi();
  const ex = transcripts.slice(0, sessions).flatMap((t) =>
    t.utterances.map((u) => ({
      session: u.session,
      role: u.role,
      text: u.text,
      label: gold.get(u.id),
    })),
  );
  const model = trainLinear(ex, {
    codebook: { id: "annomi", version: "1.0.0" },
    contextCodes: "gold",
    epochs: 3,
    calibrationHoldout: 0,
  });
  const path = join(dir, "model.json");
  writeFileSync(path, JSON.stringify(model));
  return path;
}

/** Writes transcripts as a CSV with session, speaker and text columns. */
export function writeSessionsCsv(
  path: string,
  transcripts: readonly Transcript[],
  withSession = true,
): void {
  let s = withSession ? "session,speaker,text\n" : "speaker,text\n";
  for (const t of transcripts)
    for (const u of t.utterances)
      s += `${withSession ? `${csvField(u.session)},` : ""}${u.role},${csvField(u.text)}\n`;
  writeFileSync(path, s);
}
