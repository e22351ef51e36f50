/**
 * For codebook authors: extend the built-in `rapport` codebook with a code of your own, give it
 * cues for the rules classifier, train a small linear model on your own coded data, and define a
 * questionnaire as a scoring key.
 *
 * Run: npx tsx examples/codebook-author.ts
 */
import {
  defineInstrument,
  extendCodebook,
  type LinearExample,
  linearClassifier,
  rapportCodebook,
  rulesClassifier,
  scoreInstrument,
  trainLinear,
  type Utterance,
} from "../src/index.js";

// 1. Extend the codebook: a new therapist code with a definition, examples, counter-examples, its
//    valence for rapport, and cues (declared as data; matched on tokens in linear time).
const { codebook, conflicts } = extendCodebook(rapportCodebook, {
  id: "rapport-clinic",
  version: "1.0.0",
  add: [
    {
      id: "humour",
      label: "Gentle humour",
      definition: "A light, warm remark that eases tension without making fun of the client.",
      role: "therapist",
      valence: "builds",
      examples: [
        "Well, at least the printer isn't judging you.",
        "Sounds like your cat has strong opinions about your schedule.",
        "Only a small mountain of laundry, then.",
      ],
      counterExamples: ["That's a silly thing to worry about.", "Ha, you always overreact."],
      cues: [
        // Weights compete with other codes' cues ("strong" is an affirmation cue, weight 2.5; "at
        // least" an invalidation cue): the prediction's evidence lists the scores to tune against.
        { kind: "phrase", phrases: ["strong opinions", "small mountain"], weight: 4 },
      ],
    },
  ],
});
console.log(
  `codebook ${codebook.id}@${codebook.version}: ${codebook.codes.length} codes, ${conflicts.length} conflicts`,
);

const utt = (id: string, role: Utterance["role"], text: string, index = 0): Utterance => ({
  id,
  session: "demo",
  index,
  speaker: role,
  role,
  text,
});

// 2. The rules classifier picks up the new code's cues.
const rules = rulesClassifier(codebook);
const [joke] = rules.classify([
  utt("u1", "therapist", "Sounds like your dog has strong opinions about the new sofa."),
]);
console.log(
  `rules: "${joke?.codeId}" (${joke?.confidence.toFixed(2)}); scores: ${joke?.evidence?.features?.map((f) => `${f.name}=${f.weight}`).join(" ")}`,
);

// 3. Train a small linear model on your own coded utterances (here a toy set; use hundreds).
const data: [string, string][] = [
  ["What brings you here today?", "question.open"],
  ["How have things been at home?", "question.open"],
  ["What would you like to change?", "question.open"],
  ["Did you take the medication?", "question.closed"],
  ["Are you sleeping better?", "question.closed"],
  ["Is your sister still visiting?", "question.closed"],
  ["You feel stuck between the two jobs.", "reflection.simple"],
  ["You're tired of arguing about it.", "reflection.simple"],
  ["You want things to be calmer at home.", "reflection.simple"],
  ["Well, at least the printer isn't judging you.", "humour"],
  ["Sounds like your cat has strong opinions.", "humour"],
  ["Only a small mountain of laundry, then.", "humour"],
];
const examples: LinearExample[] = data.map(([text, label], i) => ({
  session: `train-${i % 3}`,
  role: "therapist",
  text,
  label,
}));
const model = trainLinear(examples, {
  codebook: { id: codebook.id, version: codebook.version },
  contextCodes: "none",
  minCount: 1,
  seed: 7,
});
const linear = linearClassifier(model, { codebook });
const tests = [
  utt("t1", "therapist", "What would make this week easier?"),
  utt("t2", "therapist", "Are you still walking in the mornings?", 1),
];
for (const p of linear.classify(tests))
  console.log(`linear: ${p.utteranceId} -> ${p.codeId} (${p.confidence.toFixed(2)})`);
console.log(`model: ${model.format}, ${JSON.stringify(model).length} bytes of JSON`);

// 4. A questionnaire as a scoring key: no item wording is bundled; subscales, reverse keys, a
//    missing-data rule and a cutoff are data.
const checkIn = defineInstrument({
  id: "session-checkin",
  label: "Session check-in (3 items, 1-5)",
  items: 3,
  range: { min: 1, max: 5 },
  subscales: { bond: [1, 2], task: [3] },
  reverse: [2],
  missing: { rule: "prorate", maxMissing: 1 },
  cutoffs: [
    {
      id: "low",
      scale: "total",
      when: "atOrBelow",
      value: 8,
      label: "Low: talk about how sessions are going",
    },
  ],
});
const score = scoreInstrument(checkIn, [null, 2, 4]); // item 1 unanswered: prorated
console.log(
  `check-in total ${score.total.sum} (prorated: ${score.total.prorated}); flags: ${score.flags.map((f) => f.cutoff).join(", ") || "none"}`,
);
