import { defineCodebook } from "../define.js";

/**
 * `annomi`: the coarse coding scheme of the AnnoMI dataset (main therapist behaviour with its
 * subtypes, and client talk type). Definitions are paraphrased and the examples were written for
 * rapportkit; they are not taken from the dataset. Crosswalk entries map to `rapport` and MITI 4.2.1.
 * @category Codebooks
 */
export const annomiCodebook = /* @__PURE__ */ defineCodebook({
  id: "annomi",
  version: "1.0.0",
  label: "AnnoMI",
  description:
    "The AnnoMI annotation scheme: therapist behaviour (reflection, question, therapist input, other, with subtypes) and client talk type (change, neutral, sustain).",
  source:
    "Wu et al., AnnoMI (uccollab/AnnoMI); scheme paraphrased; examples written for rapportkit.",
  codes: [
    {
      id: "reflection",
      label: "Reflection",
      definition:
        "The therapist restates or interprets what the client said, conveying understanding.",
      examples: [
        "You feel stuck at work.",
        "It sounds like the arguments leave you drained.",
        "So you're thinking about cutting down, but not quite ready.",
      ],
      counterExamples: ["What do you do at work?", "You should cut down."],
      role: "therapist",
      valence: "builds",
      crosswalk: {
        rapport: ["reflection"],
        "miti-4.2.1": ["SR", "CR"],
        "misc-2.5": ["SR", "CR"],
      },
    },
    {
      id: "reflection.simple",
      label: "Simple reflection",
      definition: "A reflection that adds little or nothing to what the client said.",
      parent: "reflection",
      examples: [
        "You've been smoking since you were fifteen.",
        "Your son worries about you.",
        "You're not keen on the gym.",
      ],
      counterExamples: [
        "You're worried that if you stop, you'll lose the one thing that gets you through the day.",
        "When did you start?",
      ],
      role: "therapist",
      valence: "builds",
      crosswalk: { rapport: ["reflection.simple"], "miti-4.2.1": ["SR"], "misc-2.5": ["SR"] },
    },
    {
      id: "reflection.complex",
      label: "Complex reflection",
      definition:
        "A reflection that adds meaning beyond what the client said: a feeling, an interpretation, both sides of ambivalence, or a summary.",
      parent: "reflection",
      examples: [
        "You're proud of how far you've come and a bit scared of slipping back.",
        "It's less about the cigarettes and more about having five minutes to yourself.",
        "You've had enough of people telling you what to do.",
      ],
      counterExamples: ["You smoke ten a day.", "How many do you smoke?"],
      role: "therapist",
      valence: "builds",
      crosswalk: {
        rapport: ["reflection.complex", "summary", "validation"],
        "miti-4.2.1": ["CR"],
        "misc-2.5": ["CR"],
        note: "AnnoMI's complex reflections include summaries and many validating statements, which rapport codes separately.",
      },
    },
    {
      id: "question",
      label: "Question",
      definition: "The therapist asks the client something.",
      examples: ["What brought you here?", "Do you drink every day?", "How is your sleep?"],
      counterExamples: ["You sleep badly.", "Mm-hmm."],
      role: "therapist",
      valence: "neutral",
      crosswalk: { rapport: ["question"], "miti-4.2.1": ["Q"], "misc-2.5": ["OQ", "CQ"] },
    },
    {
      id: "question.open",
      label: "Open question",
      definition: "A question that invites a wide range of answers.",
      parent: "question",
      examples: [
        "What worries you most about your drinking?",
        "How would things be different if you stopped?",
        "Tell me about a typical day.",
      ],
      counterExamples: ["Do you want to stop?", "Is that right?"],
      role: "therapist",
      valence: "builds",
      crosswalk: {
        rapport: ["question.open", "feedback_request"],
        "miti-4.2.1": ["Q"],
        "misc-2.5": ["OQ"],
        note: "rapport separates questions about the therapy itself (feedback_request).",
      },
    },
    {
      id: "question.closed",
      label: "Closed question",
      definition: "A question that asks for a yes/no answer or a specific fact.",
      parent: "question",
      examples: ["Are you still smoking?", "How old are your kids?", "Did the patches help?"],
      counterExamples: ["What was it like using the patches?", "You used the patches."],
      role: "therapist",
      valence: "neutral",
      crosswalk: {
        rapport: ["question.closed", "permission", "feedback_request"],
        "miti-4.2.1": ["Q"],
        "misc-2.5": ["CQ"],
        note: "rapport separates permission questions (permission) and questions about the therapy (feedback_request).",
      },
    },
    {
      id: "therapist_input",
      label: "Therapist input",
      definition:
        "The therapist contributes something of their own: information, advice, negotiation of goals or agenda, or options.",
      examples: [
        "Alcohol can make anxiety worse the next day.",
        "You could try cutting down one day at a time.",
        "Shall we agree on a goal for this week?",
      ],
      counterExamples: ["You're anxious the day after.", "What would you like to do?"],
      role: "therapist",
      valence: "neutral",
      crosswalk: {
        rapport: ["information", "advice", "structuring", "autonomy"],
        "miti-4.2.1": ["GI", "Persuade", "PersuadeWithPermission", "Seek", "Emphasize"],
        "misc-2.5": ["GI", "ADP", "ADW", "EC", "ST"],
        note: "A broad code; the subtype decides the counterpart.",
      },
    },
    {
      id: "therapist_input.information",
      label: "Information",
      definition: "The therapist gives information or education.",
      parent: "therapist_input",
      examples: [
        "Most people feel cravings for a few weeks after quitting.",
        "Your blood pressure reading today was higher than last time.",
        "The medication takes about two weeks to start working.",
      ],
      counterExamples: ["You should take the medication.", "Have you taken it?"],
      role: "therapist",
      valence: "neutral",
      crosswalk: { rapport: ["information"], "miti-4.2.1": ["GI"], "misc-2.5": ["GI"] },
    },
    {
      id: "therapist_input.advice",
      label: "Advice",
      definition: "The therapist recommends or suggests a course of action.",
      parent: "therapist_input",
      examples: [
        "I'd recommend setting a quit date.",
        "Try to have a glass of water between drinks.",
        "You should speak to your doctor about that.",
      ],
      counterExamples: ["Some people set a quit date.", "When might you quit?"],
      role: "therapist",
      valence: "neutral",
      crosswalk: {
        rapport: ["advice.unsolicited", "advice.permitted"],
        "miti-4.2.1": ["Persuade", "PersuadeWithPermission"],
        "misc-2.5": ["ADW", "ADP"],
        note: "AnnoMI does not record whether the client gave permission, so the mapping to rapport and MITI is one-to-many.",
      },
    },
    {
      id: "therapist_input.negotiation",
      label: "Negotiation",
      definition: "The therapist negotiates goals, plans or the agenda with the client.",
      parent: "therapist_input",
      examples: [
        "What if we set a target of three smoke-free days this week?",
        "Shall we spend today on the sleep problem and come back to work next time?",
        "Let's agree on something small you could try before we meet again.",
      ],
      counterExamples: ["You must quit this week.", "The clinic is closed on Mondays."],
      role: "therapist",
      valence: "neutral",
      crosswalk: {
        rapport: ["structuring", "permission"],
        "miti-4.2.1": ["Seek"],
        "misc-2.5": ["ST", "EC"],
        note: "Negotiation mixes agenda-setting (rapport structuring, not coded in MITI) and shared decision-making (MITI Seek). Lossy.",
      },
    },
    {
      id: "therapist_input.options",
      label: "Options",
      definition: "The therapist offers the client a choice among possible courses of action.",
      parent: "therapist_input",
      examples: [
        "Some people use patches, some use gum, and some go cold turkey.",
        "You could cut down gradually or pick a day to stop completely.",
        "There's a group, one-to-one sessions, or an app; any of those could work.",
      ],
      counterExamples: ["Use the patches.", "Patches contain nicotine."],
      role: "therapist",
      valence: "builds",
      crosswalk: {
        rapport: ["advice.permitted", "autonomy"],
        "miti-4.2.1": ["PersuadeWithPermission", "Emphasize"],
        "misc-2.5": ["ADP", "EC"],
        note: "A menu of options supports autonomy; MITI codes it Persuade with Permission or Emphasize depending on framing.",
      },
    },
    {
      id: "other",
      label: "Other",
      definition: "Therapist talk that is not a reflection, question or therapist input.",
      examples: ["Hello, come in.", "Mm-hmm.", "You've done really well this week."],
      counterExamples: ["How are you?", "You feel better."],
      role: "therapist",
      valence: "neutral",
      crosswalk: {
        rapport: [
          "other",
          "facilitation",
          "affirmation",
          "validation",
          "structuring",
          "self_disclosure",
        ],
        "miti-4.2.1": ["AF", "Emphasize", "Confront"],
        "misc-2.5": ["FA", "FI", "AF", "SU", "ST", "CO"],
        note: "A residual code that covers affirmations, facilitation, greetings and more; the mapping is one-to-many and lossy. Many 'other' utterances have no MITI code.",
      },
    },
    {
      id: "change",
      label: "Change talk",
      definition: "Client talk in favour of changing the target behaviour.",
      examples: [
        "I'd like to get my health back.",
        "I've stopped buying cigarettes at the petrol station.",
        "I know I need to do something about it.",
      ],
      counterExamples: ["I like a drink after work.", "My dog is called Max."],
      role: "client",
      valence: "builds",
      crosswalk: {
        rapport: ["change_talk"],
        "misc-2.5": ["C+", "A+", "R+", "N+", "D+", "TS+", "O+"],
        note: "MITI does not code client utterances.",
      },
    },
    {
      id: "neutral",
      label: "Neutral",
      definition: "Client talk that is neither for nor against change.",
      examples: ["I'm thirty-two.", "Yeah, okay.", "We moved here last year."],
      counterExamples: ["I want to quit.", "I'm fine as I am."],
      role: "client",
      valence: "neutral",
      crosswalk: {
        rapport: ["neutral"],
        "misc-2.5": ["FN"],
        note: "MITI does not code client utterances.",
      },
    },
    {
      id: "sustain",
      label: "Sustain talk",
      definition: "Client talk in favour of keeping the target behaviour as it is.",
      examples: [
        "I don't think my drinking is a problem.",
        "Everyone at work smokes, I'd be the odd one out.",
        "I've tried before and I just can't do it.",
      ],
      counterExamples: ["I'd like to try again.", "I work nights."],
      role: "client",
      valence: "harms",
      crosswalk: {
        rapport: ["sustain_talk"],
        "misc-2.5": ["C-", "A-", "R-", "N-", "D-", "TS-", "O-"],
        note: "MITI does not code client utterances.",
      },
    },
  ],
});

/** The code ids of the `annomi` codebook. @category Codebooks */
export type AnnomiCodeId = (typeof annomiCodebook.codes)[number]["id"];
