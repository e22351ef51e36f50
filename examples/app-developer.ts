/**
 * For app developers: embed the classifier in your app (the same code runs in a browser and in a
 * Node service), and send only the utterances it is unsure about to a stronger model, here a fake
 * LLM standing in for your own `complete` function (e.g. a call to your LLM provider's API).
 *
 * Run: npx tsx examples/app-developer.ts
 */
import {
  cascade,
  codeTranscriptAsync,
  llmClassifier,
  rapportCodebook,
  readText,
  renderReport,
  scoreForReport,
} from "../src/index.js";
// The pretrained model is on its own subpath (`rapportkit/model`), so apps that do not need it
// never load it.
import { defaultClassifier } from "../src/model/index.js";

// 1. A session from your app, as `Speaker: text` lines (or build the Transcript object yourself).
const { transcripts } = readText(
  [
    "Therapist: What would you like to focus on today?",
    "Client: My sleep, I guess. It has been awful since the move.",
    "Therapist: The move turned your nights upside down.",
    "Client: Yes. And I keep thinking I should be coping better.",
    "Therapist: It makes sense that you'd feel unsettled after such a big change.",
    "Therapist: Would it help if I shared a few things that have worked for others?",
    "Client: Okay.",
  ].join("\n"),
  { session: "app-session" },
);
const transcript = transcripts[0];
if (!transcript) throw new Error("no transcript");

// 2. The fast, local classifier: the pretrained `rapport` model (the codebook's cues are among its
//    features), synchronous, no network; `{ evidence: 3 }` makes each code say why.
//    (`rulesClassifier(rapportCodebook)` alone is smaller still.)
const fast = defaultClassifier({ codebook: "rapport" });

// 3. The strong classifier: an LLM reached through a function YOU pass in. rapportkit builds the
//    prompt (codebook definitions, examples, context) and validates the JSON answer with zod.
//    This fake one answers from the prompt's utterance lines; replace it with your API call.
let llmCalls = 0;
async function complete(prompt: string): Promise<string> {
  llmCalls++;
  const answers = prompt
    .split("\n")
    .filter((line) => line.startsWith('{"id"'))
    .map((line) => {
      const u = JSON.parse(line) as { id: string; speaker: string; text: string };
      const code =
        u.speaker === "client"
          ? u.text.includes("should")
            ? "sustain_talk"
            : "neutral"
          : u.text.endsWith("?")
            ? "question.open"
            : "reflection.complex";
      return { id: u.id, code, confidence: 0.9 };
    });
  return JSON.stringify(answers);
}
const strong = llmClassifier({ codebook: rapportCodebook, complete });

// 4. The cascade: the LLM sees only what the local model is unsure about (confidence below 0.7).
let escalated = 0;
const coder = cascade(fast, strong, {
  threshold: 0.7,
  onReport: (r) => {
    escalated = r.escalated;
  },
});
const coded = await codeTranscriptAsync(coder, transcript);

for (const c of coded.codings) {
  const u = transcript.utterances.find((x) => x.id === c.utteranceId);
  console.log(
    `${u?.role.padEnd(9)}  ${c.codeId.padEnd(20)} ${c.confidence.toFixed(2)}  ${c.source}`,
  );
}
console.log(
  `sent ${escalated} of ${transcript.utterances.length} utterances to the LLM in ${llmCalls} call(s)`,
);

// 5. A self-contained HTML report, e.g. for a supervisor. In a browser:
//    window.open(URL.createObjectURL(new Blob([html], { type: "text/html" })))
const html = renderReport([scoreForReport(coded)], { codebook: rapportCodebook });
console.log(`report: ${html.length} characters of self-contained HTML`);
