import {
  affirmationCues,
  autonomyCues,
  closedQuestionCues,
  complexReflectionCues,
  feedbackRequestCues,
  informationCues,
  invalidationCues,
  judgementCues,
  openQuestionCues,
  oversharingCues,
  permissionCues,
  permittedAdviceCues,
  reflectionCues,
  simpleReflectionCues,
  summaryCues,
  unsolicitedAdviceCues,
  validationCues,
} from "./cues.js";
import { builtinCodebook } from "./trusted.js";

/**
 * `miti-4.2.1`: the ten behaviour codes of the Motivational Interviewing Treatment Integrity code,
 * version 4.2.1 (Moyers, Manuel & Ernst, 2015), and its four global ratings as session-level 1–5
 * scales. Definitions are paraphrased and every example was written for rapportkit. MITI codes
 * only clinician speech; client utterances are not coded, so this codebook has no client codes.
 * @category Codebooks
 */
export const mitiCodebook = /* @__PURE__ */ builtinCodebook({
  id: "miti-4.2.1",
  version: "4.2.1",
  label: "MITI 4.2.1",
  description:
    "Motivational Interviewing Treatment Integrity 4.2.1: ten clinician behaviour codes and four global ratings (1-5). Client speech is not coded.",
  source:
    "Moyers, Manuel & Ernst, Motivational Interviewing Treatment Integrity Coding Manual 4.2.1 (2015); definitions paraphrased, examples written for rapportkit.",
  codes: [
    {
      id: "GI",
      label: "Giving Information",
      definition:
        "The clinician gives information, educates, explains or gives feedback, in a neutral way that does not push the client to change.",
      examples: [
        "Your liver test came back within the normal range.",
        "Withdrawal symptoms usually ease after the first week.",
        "The programme runs for eight weeks.",
      ],
      counterExamples: [
        "You really need to get your liver checked.",
        "You're relieved the test was normal.",
      ],
      role: "therapist",
      valence: "neutral",
      cues: informationCues,
      crosswalk: {
        rapport: ["information"],
        annomi: ["therapist_input.information"],
        "misc-2.5": ["GI"],
      },
    },
    {
      id: "Persuade",
      label: "Persuade",
      definition:
        "An overt attempt to change the client's opinions, attitudes or behaviour by logic, argument, self-disclosure or facts, or advice given without permission or emphasis on autonomy.",
      examples: [
        "If you keep smoking, your asthma is only going to get worse.",
        "I quit myself and it was the best thing I ever did, so you should too.",
        "You'd be much better off telling your partner tonight.",
      ],
      counterExamples: [
        "Some people find it useful to tell a partner; what do you think?",
        "Smoking can make asthma worse.",
      ],
      role: "therapist",
      valence: "harms",
      cues: [...unsolicitedAdviceCues, ...oversharingCues],
      crosswalk: {
        rapport: ["advice.unsolicited", "oversharing"],
        annomi: ["therapist_input.advice"],
        "misc-2.5": ["ADW", "DI", "WA", "RCW"],
        note: "Persuasion by self-disclosure maps to rapport's oversharing or self_disclosure depending on focus. Lossy.",
      },
    },
    {
      id: "PersuadeWithPermission",
      label: "Persuade with Permission",
      definition:
        "Persuasion or advice given after the client asked for it or the clinician asked permission, or framed so that the client is free to disagree.",
      examples: [
        "Since you asked, I'd think about setting a quit date, though you may see it differently.",
        "With your okay, I'll share a concern: the drinking seems to be affecting your sleep.",
        "This may or may not fit for you, but some people find a drink diary helpful.",
      ],
      counterExamples: ["Set a quit date now.", "The quit line is free."],
      role: "therapist",
      valence: "builds",
      cues: permittedAdviceCues,
      crosswalk: {
        rapport: ["advice.permitted"],
        annomi: ["therapist_input.advice", "therapist_input.options"],
        "misc-2.5": ["ADP", "RCP"],
      },
    },
    {
      id: "Q",
      label: "Question",
      definition: "Any question the clinician asks (MITI does not distinguish open from closed).",
      examples: [
        "What would make this week a good one?",
        "Did you manage the walk on Tuesday?",
        "How do you feel about that?",
      ],
      counterExamples: ["You managed the walk.", "It's okay to feel that way."],
      role: "therapist",
      valence: "neutral",
      cues: [...openQuestionCues, ...closedQuestionCues],
      crosswalk: {
        rapport: ["question", "question.open", "question.closed"],
        annomi: ["question"],
        "misc-2.5": ["OQ", "CQ"],
        note: "rapport and AnnoMI split open from closed; MITI does not.",
      },
    },
    {
      id: "SR",
      label: "Simple Reflection",
      definition:
        "A reflection that conveys understanding and adds little or no meaning or emphasis to what the client said.",
      examples: [
        "You'd like to feel less tired.",
        "You've cut down to weekends.",
        "It's been a hard month.",
      ],
      counterExamples: [
        "You're afraid that without it you won't cope at all.",
        "Have you cut down?",
      ],
      role: "therapist",
      valence: "builds",
      cues: [...reflectionCues, ...simpleReflectionCues],
      crosswalk: {
        rapport: ["reflection.simple"],
        annomi: ["reflection.simple"],
        "misc-2.5": ["SR"],
      },
    },
    {
      id: "CR",
      label: "Complex Reflection",
      definition:
        "A reflection that adds substantial meaning or emphasis, conveying a deeper or more complex picture than the client said.",
      examples: [
        "You're tired of being the one who always holds it together.",
        "The drinking started as a way to relax and now it's become one more thing to worry about.",
        "You want your kids to see you differently.",
      ],
      counterExamples: ["You have two kids.", "How are the kids?"],
      role: "therapist",
      valence: "builds",
      cues: [...reflectionCues, ...complexReflectionCues, ...summaryCues, ...validationCues],
      crosswalk: {
        rapport: ["reflection.complex", "summary", "validation"],
        annomi: ["reflection.complex"],
        "misc-2.5": ["CR"],
        note: "MITI codes summaries and many validating statements as complex reflections.",
      },
    },
    {
      id: "AF",
      label: "Affirm",
      definition:
        "The clinician accentuates something positive about the client: a strength, effort, value or intention.",
      examples: [
        "You've shown real determination this month.",
        "You care a great deal about being a good father.",
        "Coming back after a slip like that takes honesty.",
      ],
      counterExamples: ["Great weather today.", "That must have been upsetting."],
      role: "therapist",
      valence: "builds",
      cues: affirmationCues,
      crosswalk: { rapport: ["affirmation"], annomi: ["other"], "misc-2.5": ["AF"] },
    },
    {
      id: "Seek",
      label: "Seeking Collaboration",
      definition:
        "The clinician explicitly shares power or acknowledges the client's expertise: asking for the client's ideas, preferences or agreement about the work.",
      examples: [
        "What do you think would work best for you?",
        "Would it be all right if we looked at your week together?",
        "You know yourself best, so I'd value your ideas on this.",
      ],
      counterExamples: ["Here's the plan for this week.", "How many days did you walk?"],
      role: "therapist",
      valence: "builds",
      cues: [...permissionCues, ...feedbackRequestCues],
      crosswalk: {
        rapport: ["permission", "feedback_request"],
        annomi: ["therapist_input.negotiation", "question.open"],
        "misc-2.5": ["EC"],
        note: "rapport splits seeking preferences (permission) from asking for feedback on the work (feedback_request).",
      },
    },
    {
      id: "Emphasize",
      label: "Emphasizing Autonomy",
      definition:
        "The clinician puts the responsibility and choice for change with the client, or emphasises the client's freedom and ability to choose.",
      examples: [
        "It's your call what happens next.",
        "Nobody can make this decision for you.",
        "You're free to do as much or as little of this as you like.",
      ],
      counterExamples: ["You have to decide today.", "What would you like to do?"],
      role: "therapist",
      valence: "builds",
      cues: autonomyCues,
      crosswalk: {
        rapport: ["autonomy"],
        annomi: ["therapist_input.options", "other"],
        "misc-2.5": ["EC"],
      },
    },
    {
      id: "Confront",
      label: "Confront",
      definition:
        "The clinician confronts the client by disagreeing, arguing, correcting, shaming, blaming, criticising, labelling, warning, moralising, ridiculing or questioning their honesty.",
      examples: [
        "You say you've cut down, but I don't believe that for a second.",
        "That's an irresponsible way to treat your health.",
        "You're an alcoholic, and the sooner you admit it the better.",
      ],
      counterExamples: [
        "You're not sure it's as bad as people say.",
        "Some people find the label unhelpful.",
      ],
      role: "therapist",
      valence: "harms",
      cues: [...judgementCues, ...invalidationCues],
      crosswalk: {
        rapport: ["judgement", "invalidation"],
        annomi: ["other", "therapist_input.advice"],
        "misc-2.5": ["CO", "WA"],
        note: "rapport splits confrontation of the person (judgement) from dismissing their feelings or feedback (invalidation).",
      },
    },
  ],
  globals: [
    {
      id: "CCT",
      label: "Cultivating Change Talk",
      definition:
        "How far the clinician actively encourages the client's own language in favour of change and confidence in making it.",
      min: 1,
      max: 5,
      anchors: {
        "1": "No explicit attention to or preference for change talk",
        "3": "Often attends to change talk but misses many chances to encourage it",
        "5": "A marked and consistent effort to increase the depth, strength or momentum of change talk",
      },
    },
    {
      id: "SST",
      label: "Softening Sustain Talk",
      definition:
        "How far the clinician avoids focusing on, and works to lessen, the client's language in favour of the status quo.",
      min: 1,
      max: 5,
      anchors: {
        "1": "Consistently responds in ways that deepen the client's arguments for the status quo",
        "3": "Gives sustain talk about as much attention as change talk",
        "5": "A marked and consistent effort to lessen the depth or strength of sustain talk",
      },
    },
    {
      id: "Partnership",
      label: "Partnership",
      definition:
        "How far the clinician conveys that the session is a partnership in which power is shared and the client's knowledge and ideas shape it.",
      min: 1,
      max: 5,
      anchors: {
        "1": "The clinician takes the expert role; collaboration is absent",
        "3": "Some collaboration, but chances to share power are missed",
        "5": "Power sharing is actively fostered, so that the client's input substantially shapes the session",
      },
    },
    {
      id: "Empathy",
      label: "Empathy",
      definition:
        "How far the clinician understands, or tries to grasp, the client's perspective and experience.",
      min: 1,
      max: 5,
      anchors: {
        "1": "Little or no attention to the client's perspective",
        "3": "Tries to understand the client's perspective with modest success",
        "5": "Deep understanding of the client's perspective, including what was meant but not said",
      },
    },
  ],
});

/** The code ids of the `miti-4.2.1` codebook. @category Codebooks */
export type MitiCodeId = (typeof mitiCodebook.codes)[number]["id"];
