// The training options of the pretrained model, shared by train-model.mjs and eval-model.mjs so
// that the cross-validation evaluates exactly what ships.
const THERAPIST_CHILDREN = [
  "reflection.simple",
  "reflection.complex",
  "question.open",
  "question.closed",
  "therapist_input.information",
  "therapist_input.advice",
  "therapist_input.negotiation",
  "therapist_input.options",
];

export const MODEL_OPTIONS = {
  codebook: { id: "annomi", version: "1.0.0" },
  // Two-level softmax: the 4 behaviours, then the subtype of reflection, question and input.
  labels: [
    ...["reflection", "question", "therapist_input", "other"].map((id) => ({
      id,
      role: "therapist",
    })),
    ...THERAPIST_CHILDREN.map((id) => ({ id, role: "therapist", parent: id.split(".")[0] })),
    ...["change", "neutral", "sustain"].map((id) => ({ id, role: "client" })),
  ],
  fallback: { other: "other" },
  features: { charNgrams: null, sameRoleWords: true },
  l2: 0.001,
  classWeights: "balanced",
  minCount: 3,
  prune: 0.05,
};
