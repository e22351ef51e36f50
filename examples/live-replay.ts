/**
 * For a server-side app: replay a WebVTT file through the live coder with its timings, as if the
 * cues arrived one by one from speech recognition. Each utterance is pushed at its start time
 * (divided by the speed factor), and the coder answers with its code, the nudges it raised and the
 * running rapport profile.
 *
 * Run: npx tsx examples/live-replay.ts [file.vtt] [--speed N]
 *   (default: examples/demo-session.vtt, the demo session with timings made from its word
 *   counts, at --speed 20, i.e. its 5 min 42 s in about 17 s; --speed 1 is real time)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLiveCoder, formatNudge, readVtt } from "../src/index.js";
import { defaultClassifier } from "../src/model/index.js";

const args = process.argv.slice(2);
const speedAt = args.indexOf("--speed");
const speed = speedAt >= 0 ? Number(args[speedAt + 1]) : 20;
if (!(Number.isFinite(speed) && speed > 0)) {
  console.error("--speed: expected a number > 0 (1 = real time)");
  process.exit(2);
}
const file =
  args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--speed") ??
  join(import.meta.dirname, "demo-session.vtt");

// 1. Read the cues (roles from the voice names; errors name the line, never the text).
let text: string;
try {
  text = readFileSync(file, "utf8");
} catch {
  console.error(`${file}: cannot read the file`);
  process.exit(1);
}
const { transcripts, warnings } = readVtt(text, { file, session: "replay" });
for (const w of warnings) console.error(`warning: ${w.message}`);
const transcript = transcripts[0];
if (!transcript) {
  console.error(`${file}: no cues`);
  process.exit(1);
}

// 2. One live coder per session; the default classifier codes with the `rapport` codebook.
const live = createLiveCoder({ classifier: defaultClassifier(), session: transcript.id });

const mmss = (s: number) =>
  `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
const t0 = performance.now();
const sleepUntil = (seconds: number) => {
  const wait = (seconds * 1000) / speed - (performance.now() - t0);
  return wait > 0 ? new Promise((r) => setTimeout(r, wait)) : Promise.resolve();
};

// 3. Push each cue at its time, as it would arrive.
for (const u of transcript.utterances) {
  await sleepUntil(u.start ?? 0);
  const { coding, nudges, scores } = live.push({
    id: u.id,
    speaker: u.speaker,
    role: u.role,
    text: u.text,
    ...(u.start !== undefined ? { start: u.start } : {}),
    ...(u.end !== undefined ? { end: u.end } : {}),
  });
  const bond = scores.rapport.bond;
  console.log(
    `[${mmss(u.start ?? 0)}] ${u.role.padEnd(9)} ${coding.codeId.padEnd(22)} bond ${bond === null ? "-" : bond.toFixed(1)}`,
  );
  for (const n of nudges) console.log(`          nudge ${n.rule}: ${formatNudge(n)}`);
}

// 4. The session's scores: the same as the batch functions would give for the coded transcript.
const s = live.snapshot();
const p = s.profile;
console.log(
  `replayed ${s.summary.utterances.total} utterances in ${((performance.now() - t0) / 1000).toFixed(1)} s (speed ×${speed}); ` +
    `${s.nudges.length} nudges; goal ${p?.goal.value?.toFixed(1)}, task ${p?.task.value?.toFixed(1)}, bond ${p?.bond.value?.toFixed(1)}; ` +
    `R:Q ${s.miti?.rq.value?.toFixed(2) ?? "undefined"}`,
);
live.dispose();
