import {
  adviceCues,
  affirmationCues,
  autonomyCues,
  changeTalkCues,
  closedQuestionCues,
  complexReflectionCues,
  facilitationCues,
  feedbackRequestCues,
  informationCues,
  invalidationCues,
  judgementCues,
  neutralClientCues,
  openQuestionCues,
  otherCues,
  oversharingCues,
  permissionCues,
  permittedAdviceCues,
  questionCues,
  reflectionCues,
  selfDisclosureCues,
  simpleReflectionCues,
  structuringCues,
  summaryCues,
  sustainTalkCues,
  unsolicitedAdviceCues,
  validationCues,
} from "./cues.js";
import { builtinCodebook } from "./trusted.js";

const MISC_CHANGE = ["C+", "A+", "R+", "N+", "D+", "TS+", "O+"];
const MISC_SUSTAIN = ["C-", "A-", "R-", "N-", "D-", "TS-", "O-"];

/**
 * `rapport`: rapportkit's own codebook of therapist behaviours that build or harm rapport, and the
 * client's talk about change. Derived from the rapport-building literature (the working alliance of
 * goals, tasks and bond; active listening and verbal mirroring; open questions; validation; and
 * avoiding judgement, oversharing and unsolicited advice). Definitions, examples and counter-examples
 * were written for this project. Crosswalk entries map each code to MITI 4.2.1, MISC 2.5, AnnoMI and
 * ESConv where a counterpart exists, with a `note` where the mapping is lossy.
 * @category Codebooks
 */
export const rapportCodebook = /* @__PURE__ */ builtinCodebook({
  id: "rapport",
  version: "1.0.0",
  label: "Rapport behaviours",
  description:
    "Therapist behaviours that build or harm rapport (alliance: goals, tasks, bond), and client change/sustain talk. Written for rapportkit.",
  source:
    "rapportkit project; informed by the working-alliance literature, MITI 4.2.1, MISC 2.5, Linehan's validation levels and ESConv strategies. Examples written for this project.",
  codes: [
    // ------------------------------------------------------------------ reflections
    {
      id: "reflection",
      label: "Reflection",
      definition:
        "The therapist gives back, as a statement, what the client said or seems to mean: a restatement, paraphrase or interpretation of the client's words, feelings or meaning.",
      include: [
        "Statements that mirror the client's words or meaning, including ones that end with a rising tone",
      ],
      exclude: ["Questions that ask the client to confirm a fact (question.closed)"],
      examples: [
        "You've been sleeping badly since the move.",
        "Part of you wants to quit and part of you is scared to.",
        "So it's the evenings that are hardest.",
      ],
      counterExamples: ["How have you been sleeping?", "Lots of people find evenings hard."],
      role: "therapist",
      valence: "builds",
      cues: reflectionCues,
      crosswalk: {
        "miti-4.2.1": ["SR", "CR"],
        "misc-2.5": ["SR", "CR"],
        annomi: ["reflection"],
        esconv: ["Restatement or Paraphrasing", "Reflection of feelings"],
      },
    },
    {
      id: "reflection.simple",
      label: "Simple reflection",
      definition:
        "A reflection that stays close to what the client said: it repeats or rephrases the content or a stated feeling and adds little or no meaning.",
      include: ["Repeating or lightly rephrasing the client's last statement"],
      exclude: [
        "Reflections that add an unstated feeling, meaning or the other side of ambivalence (reflection.complex)",
      ],
      examples: [
        "You drank less this week.",
        "Your mother calls you every day.",
        "You're feeling tired a lot of the time.",
      ],
      counterExamples: [
        "It sounds like you're worn out from carrying everyone else.",
        "Are you feeling tired?",
      ],
      role: "therapist",
      parent: "reflection",
      valence: "builds",
      cues: simpleReflectionCues,
      crosswalk: {
        "miti-4.2.1": ["SR"],
        "misc-2.5": ["SR"],
        annomi: ["reflection.simple"],
        esconv: ["Restatement or Paraphrasing"],
      },
    },
    {
      id: "reflection.complex",
      label: "Complex reflection",
      definition:
        "A reflection that adds meaning or emphasis: it names an unspoken feeling, a likely meaning, both sides of the client's ambivalence, or continues the client's thought.",
      include: [
        "Double-sided reflections",
        "Reflections of feeling that the client did not name",
        "Metaphors and amplified reflections",
      ],
      exclude: [
        "Verbatim repetition (reflection.simple)",
        "Several reflections gathered together (summary)",
      ],
      examples: [
        "It sounds like you're worn out from holding everything together for everyone else.",
        "On the one hand the drinking helps you unwind, and on the other you're worried about what it's doing to your marriage.",
        "You're not sure you can trust yourself around your old friends yet.",
      ],
      counterExamples: ["You said you went to the party.", "What was the party like?"],
      role: "therapist",
      parent: "reflection",
      valence: "builds",
      cues: complexReflectionCues,
      crosswalk: {
        "miti-4.2.1": ["CR"],
        "misc-2.5": ["CR"],
        annomi: ["reflection.complex"],
        esconv: ["Reflection of feelings"],
      },
    },
    {
      id: "summary",
      label: "Summary",
      definition:
        "The therapist pulls together several things the client has said, often across turns, and offers them back as a whole.",
      include: ["Collecting, linking or transitional summaries"],
      exclude: ["A single reflection of the last turn (reflection)"],
      examples: [
        "Let me see if I've got it: work is piling up, you're not sleeping, and you've started skipping meals, and you want that to change.",
        "So far you've told me about the move, losing touch with friends, and feeling flat most mornings.",
        "To sum up what we've covered: you'd like to cut down, you're worried about weekends, and your sister could help.",
      ],
      counterExamples: ["You're tired.", "Let's look at your week next."],
      role: "therapist",
      valence: "builds",
      cues: summaryCues,
      crosswalk: {
        "miti-4.2.1": ["CR"],
        "misc-2.5": ["CR", "SR"],
        annomi: ["reflection.complex"],
        esconv: ["Restatement or Paraphrasing"],
        note: "MITI, MISC and AnnoMI have no summary code: summaries are coded as reflections, usually complex.",
      },
    },
    // ------------------------------------------------------------------ questions
    {
      id: "question",
      label: "Question",
      definition: "The therapist asks for information, opinions or reflection from the client.",
      include: ["Any question, whatever its grammar"],
      exclude: [
        "Questions that ask permission or the client's preference about the session (permission)",
        "Questions that ask for feedback on the therapy (feedback_request)",
      ],
      examples: ["What brings you in today?", "Did you take the tablets?", "How did that go?"],
      counterExamples: ["You took the tablets.", "Mm-hmm."],
      role: "therapist",
      valence: "neutral",
      cues: questionCues,
      crosswalk: {
        "miti-4.2.1": ["Q"],
        "misc-2.5": ["OQ", "CQ"],
        annomi: ["question"],
        esconv: ["Question"],
      },
    },
    {
      id: "question.open",
      label: "Open question",
      definition:
        "A question that invites the client to answer at length in their own words (what, how, tell me about…).",
      include: ["What/how/why questions", "'Tell me more about…' requests"],
      exclude: ["Questions answerable with yes, no or a single fact (question.closed)"],
      examples: [
        "What would you like to be different by the summer?",
        "How do you feel when you get home from work?",
        "Tell me more about what happened at the weekend.",
      ],
      counterExamples: ["Did you go to work on Monday?", "How many drinks did you have?"],
      role: "therapist",
      parent: "question",
      valence: "builds",
      cues: openQuestionCues,
      crosswalk: {
        "miti-4.2.1": ["Q"],
        "misc-2.5": ["OQ"],
        annomi: ["question.open"],
        esconv: ["Question"],
        note: "MITI 4.2.1 does not split open from closed questions.",
      },
    },
    {
      id: "question.closed",
      label: "Closed question",
      definition:
        "A question that can be answered with yes, no or a short fact (a number, a date, a name).",
      include: ["Yes/no questions", "Questions asking for one fact", "Tag questions"],
      exclude: ["Open invitations to talk (question.open)"],
      examples: [
        "Do you smoke?",
        "How many nights a week do you drink?",
        "Have you talked to your doctor about it?",
      ],
      counterExamples: [
        "What do you make of that?",
        "Would you be okay with me sharing what other people have tried?",
      ],
      role: "therapist",
      parent: "question",
      valence: "neutral",
      cues: closedQuestionCues,
      crosswalk: {
        "miti-4.2.1": ["Q"],
        "misc-2.5": ["CQ"],
        annomi: ["question.closed"],
        esconv: ["Question"],
        note: "MITI 4.2.1 does not split open from closed questions.",
      },
    },
    // ------------------------------------------------------------------ rapport-building
    {
      id: "validation",
      label: "Validation",
      definition:
        "The therapist communicates that the client's feelings, thoughts or reactions are understandable, legitimate or make sense given their situation (validating the experience, not necessarily the behaviour).",
      include: [
        "Normalising ('anyone would feel…')",
        "Saying a reaction makes sense or is understandable",
        "Acknowledging that something is genuinely hard",
      ],
      exclude: [
        "Praise of the client's strengths or efforts (affirmation)",
        "Plain restatement of what the client said (reflection)",
      ],
      examples: [
        "It makes complete sense that you'd feel angry after being treated like that.",
        "Anyone in your position would be exhausted.",
        "Your worry is understandable given everything that's happened this year.",
      ],
      counterExamples: [
        "You've worked really hard to get here.",
        "You shouldn't let it get to you so much.",
      ],
      role: "therapist",
      valence: "builds",
      cues: validationCues,
      crosswalk: {
        "miti-4.2.1": ["CR", "AF"],
        "misc-2.5": ["SU"],
        annomi: ["reflection.complex", "reflection.simple", "therapist_input.information", "other"],
        esconv: ["Affirmation and Reassurance", "Reflection of feelings"],
        note: "No MITI, MISC or AnnoMI code is validation; the nearest are complex reflection or affirm (MITI), support (MISC), and reflection, information or other (AnnoMI; in data/annomi-rapport AnnoMI labels 43 % of validations as reflections and 30 % as information). Lossy.",
      },
    },
    {
      id: "affirmation",
      label: "Affirmation",
      definition:
        "The therapist says something genuinely positive about the client: a strength, an effort, a value, an intention or a step taken.",
      include: ["Praise of effort, courage, honesty or persistence", "Noticing a success"],
      exclude: [
        "Saying a feeling is understandable (validation)",
        "Generic reassurance that things will be fine (other)",
      ],
      examples: [
        "You took a real step coming here today.",
        "That took a lot of courage to say out loud.",
        "You've stuck with the walking plan even on the hard days, which says a lot about you.",
      ],
      counterExamples: ["It's understandable you felt scared.", "Good morning."],
      role: "therapist",
      valence: "builds",
      cues: affirmationCues,
      crosswalk: {
        "miti-4.2.1": ["AF"],
        "misc-2.5": ["AF"],
        annomi: ["reflection.complex", "reflection.simple", "other"],
        esconv: ["Affirmation and Reassurance"],
        note: "AnnoMI has no affirm code; in data/annomi-rapport its annotators labelled 54 % of affirmations as reflections and 25 % as other. Lossy.",
      },
    },
    {
      id: "permission",
      label: "Asking permission or preference",
      definition:
        "The therapist asks the client's permission before offering something, or asks what the client would prefer from the session or from the therapist.",
      include: [
        "Asking whether it is all right to share information or advice",
        "Offering a choice of how to use the session",
      ],
      exclude: [
        "Asking for feedback on how the therapy has gone (feedback_request)",
        "Stating that the choice is the client's (autonomy)",
      ],
      examples: [
        "Would you like my advice today, or would you rather I just listen?",
        "Is it okay if I share some information about how sleep and alcohol interact?",
        "Would it help if I suggested a few ideas, or would you prefer to think it through first?",
      ],
      counterExamples: [
        "You should cut down before the wedding.",
        "What did you think of last week?",
      ],
      role: "therapist",
      valence: "builds",
      cues: permissionCues,
      crosswalk: {
        "miti-4.2.1": ["Seek"],
        "misc-2.5": ["EC"],
        annomi: ["question.closed", "therapist_input.negotiation"],
        esconv: ["Question"],
        note: "In MITI, asking permission is not coded itself (it makes later advice Persuade with Permission); asking the client's preference is Seek. MISC 2.5 folds permission seeking into Emphasize Control. AnnoMI usually annotates it as a closed question. Lossy.",
      },
    },
    {
      id: "feedback_request",
      label: "Feedback request",
      definition:
        "The therapist asks the client for feedback on the work together: what helps, what doesn't, how the session or the relationship feels, what has or hasn't worked in past therapy.",
      include: [
        "Asking how the session is going for the client",
        "Asking what did or didn't work in earlier help",
        "Checking whether the therapist has understood or has got something wrong",
      ],
      exclude: ["Questions about the client's life outside the therapy (question)"],
      examples: [
        "What did or didn't work for you in therapy before?",
        "How is this conversation going for you so far?",
        "Is there anything I've said today that didn't sit right with you?",
      ],
      counterExamples: ["How was your week?", "Would you like some advice?"],
      role: "therapist",
      valence: "builds",
      cues: feedbackRequestCues,
      crosswalk: {
        "miti-4.2.1": ["Seek"],
        "misc-2.5": ["OQ", "CQ"],
        annomi: ["question.open", "question.closed"],
        esconv: ["Question"],
        note: "No code of these schemes is a feedback request; MITI's Seek (acknowledging the client's expertise) is nearest, and MISC/AnnoMI code it as a question. Lossy.",
      },
    },
    {
      id: "autonomy",
      label: "Emphasising autonomy",
      definition:
        "The therapist puts the choice and responsibility for change with the client, or affirms the client's right to decide.",
      include: ["'It's up to you', 'you're the expert on your life', 'only you can decide'"],
      exclude: ["Asking which option the client prefers (permission)"],
      examples: [
        "In the end it's your decision whether to cut down.",
        "You know your life better than anyone, so you're the one who gets to choose.",
        "Whatever you decide, it has to be something that fits for you.",
      ],
      counterExamples: ["You need to stop tonight.", "Would you like to hear some options?"],
      role: "therapist",
      valence: "builds",
      cues: autonomyCues,
      crosswalk: {
        "miti-4.2.1": ["Emphasize"],
        "misc-2.5": ["EC"],
        annomi: ["therapist_input.options", "therapist_input.information", "other"],
        note: "AnnoMI has no autonomy code; such statements are annotated as options, information or other. Lossy.",
      },
    },
    // ------------------------------------------------------------------ information and advice
    {
      id: "information",
      label: "Information",
      definition:
        "The therapist gives neutral information, education or feedback (e.g. test results) without pushing the client to change.",
      include: ["Facts about a condition, a treatment, a service or the process"],
      exclude: ["Telling the client what to do (advice)"],
      examples: [
        "The recommended limit is fourteen units a week.",
        "Nicotine withdrawal usually peaks in the first three days.",
        "The group meets on Tuesdays at the community centre.",
      ],
      counterExamples: ["You should join the Tuesday group.", "How many units do you drink?"],
      role: "therapist",
      valence: "neutral",
      cues: informationCues,
      crosswalk: {
        "miti-4.2.1": ["GI"],
        "misc-2.5": ["GI"],
        annomi: ["therapist_input.information"],
        esconv: ["Information"],
      },
    },
    {
      id: "advice",
      label: "Advice",
      definition: "The therapist suggests or recommends what the client should do.",
      include: ["Suggestions, recommendations, instructions"],
      exclude: ["Neutral facts (information)"],
      examples: [
        "You could try keeping a drink diary.",
        "I'd suggest talking to your GP about the pain.",
        "It might help to plan what you'll say before the meeting.",
      ],
      counterExamples: ["A drink diary is a record of what you drink.", "What have you tried?"],
      role: "therapist",
      valence: "neutral",
      cues: adviceCues,
      crosswalk: {
        "miti-4.2.1": ["Persuade", "PersuadeWithPermission"],
        "misc-2.5": ["ADP", "ADW"],
        annomi: ["therapist_input.advice"],
        esconv: ["Providing Suggestions"],
      },
    },
    {
      id: "advice.permitted",
      label: "Advice with permission",
      definition:
        "Advice given after the client asked for it or agreed to hear it, or framed so that the client stays free to take it or leave it.",
      include: [
        "Advice after a permission question was answered yes",
        "Menus of options the client can choose from",
      ],
      exclude: ["Advice given without any permission or autonomy framing (advice.unsolicited)"],
      examples: [
        "Since you asked, one thing that works for some people is a drink diary; see what you think.",
        "You might consider talking to your GP, though you'll know best whether that fits.",
        "Here are a couple of options, and you can take or leave any of them.",
      ],
      counterExamples: ["You have to stop drinking.", "The clinic opens at nine."],
      role: "therapist",
      parent: "advice",
      valence: "builds",
      cues: permittedAdviceCues,
      crosswalk: {
        "miti-4.2.1": ["PersuadeWithPermission"],
        "misc-2.5": ["ADP"],
        annomi: [
          "therapist_input.advice",
          "therapist_input.information",
          "therapist_input.options",
        ],
        esconv: ["Providing Suggestions"],
        note: "AnnoMI does not record whether advice had permission.",
      },
    },
    {
      id: "advice.unsolicited",
      label: "Unsolicited advice",
      definition:
        "Advice, instructions or warnings given without the client asking or agreeing, and without leaving the choice with them.",
      include: ["'You should/need to/must…'", "Directing and warning"],
      exclude: ["Advice the client asked for or agreed to hear (advice.permitted)"],
      examples: [
        "You need to stop drinking before it ruins your liver.",
        "What you should do is tell your boss tomorrow.",
        "Just throw the cigarettes away tonight.",
      ],
      counterExamples: [
        "If you'd like, I could share what's worked for others.",
        "Cigarettes contain nicotine and tar.",
      ],
      role: "therapist",
      parent: "advice",
      valence: "harms",
      cues: unsolicitedAdviceCues,
      crosswalk: {
        "miti-4.2.1": ["Persuade"],
        "misc-2.5": ["ADW", "DI", "WA"],
        annomi: ["therapist_input.advice"],
        esconv: ["Providing Suggestions"],
        note: "AnnoMI does not record whether advice had permission; MISC splits directing and warning into DI and WA.",
      },
    },
    // ------------------------------------------------------------------ self-disclosure
    {
      id: "self_disclosure",
      label: "Self-disclosure",
      definition:
        "The therapist briefly shares something about themself (an experience, a reaction) in the client's interest, and returns the focus to the client.",
      include: [
        "Short, relevant disclosures that keep the focus on the client",
        "Sharing one's own reaction in the moment",
      ],
      exclude: [
        "Long or self-focused disclosure that shifts attention to the therapist (oversharing)",
      ],
      examples: [
        "I've had a parent in hospital too, so I have some sense of how draining it is; how are you holding up?",
        "I notice I feel moved hearing you say that.",
        "When I moved country I also felt lost for a while, and I wonder what it's like for you.",
      ],
      counterExamples: [
        "Let me tell you all about my divorce, it was a nightmare from start to finish.",
        "You've moved country recently.",
      ],
      role: "therapist",
      valence: "builds",
      cues: selfDisclosureCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": [],
        annomi: ["therapist_input.information", "other"],
        esconv: ["Self-disclosure"],
        note: "MITI has no neutral self-disclosure code (self-disclosure used to persuade is Persuade); no MISC 2.5 code was found; AnnoMI annotates it as information or other.",
      },
    },
    {
      id: "oversharing",
      label: "Oversharing",
      definition:
        "Self-disclosure that is long, intimate or self-focused, and moves the attention from the client's concerns to the therapist's own life or needs.",
      include: [
        "Extended stories about the therapist's own problems",
        "Disclosures that ask the client to attend to the therapist",
      ],
      exclude: ["Brief disclosures that return the focus to the client (self_disclosure)"],
      examples: [
        "Honestly, my own marriage is falling apart right now and I haven't slept properly in weeks.",
        "That reminds me of my divorce; my ex took the house, the car, everything, and I still haven't got over it.",
        "I drank far more than you when I was your age, I used to black out every weekend, let me tell you about one night.",
        "I'm going through something similar with my own dad at the moment and I've been crying in the car most mornings.",
        "My brother stopped speaking to me last year and I still can't sleep for thinking about it, it's been the worst year of my life.",
      ],
      counterExamples: [
        "I've felt nervous before big talks too; what's it like for you?",
        "You've had a tough few weeks.",
      ],
      role: "therapist",
      valence: "harms",
      cues: oversharingCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": [],
        annomi: ["other"],
        esconv: ["Self-disclosure"],
        note: "No standard instrument has an oversharing code; rapportkit defines it. ESConv's self-disclosure does not distinguish helpful from self-focused disclosure. Lossy.",
      },
    },
    // ------------------------------------------------------------------ rapport-harming
    {
      id: "judgement",
      label: "Judgement",
      definition:
        "The therapist criticises, blames, moralises, labels, condescends to or jumps to conclusions about the client.",
      include: [
        "Blaming and shaming",
        "Labels such as 'addict', 'lazy', 'in denial'",
        "Moralising ('that's irresponsible')",
        "Condescension and sarcasm",
      ],
      exclude: [
        "Dismissing or correcting the client's feelings (invalidation)",
        "Neutral feedback about risk (information)",
      ],
      examples: [
        "Frankly, that was a pretty selfish thing to do to your kids.",
        "You're just in denial about how bad it's got.",
        "People like you always have an excuse.",
      ],
      counterExamples: [
        "It sounds like you regret how that went with your kids.",
        "It's understandable you want a break.",
      ],
      role: "therapist",
      valence: "harms",
      cues: judgementCues,
      crosswalk: {
        "miti-4.2.1": ["Confront"],
        "misc-2.5": ["CO"],
        annomi: ["therapist_input.advice", "other"],
        note: "AnnoMI has no confront code; judgements are annotated as therapist input (advice) or other. Lossy.",
      },
    },
    {
      id: "invalidation",
      label: "Invalidation",
      definition:
        "The therapist dismisses, minimises or corrects the client's feelings or perceptions, or brushes aside the client's feedback about the therapy.",
      include: [
        "'You shouldn't feel that way', 'it's not a big deal'",
        "Telling the client their feeling is wrong or overblown",
        "Dismissing the client's criticism of the therapy",
      ],
      exclude: ["Criticism of the client's character or choices (judgement)"],
      examples: [
        "You shouldn't feel so upset about something that small.",
        "Come on, it's really not that big a deal.",
        "I don't think the sessions are the problem; you just need to try harder.",
        "Try not to be so sensitive about what she said.",
        "Honestly, you're overreacting to one bad night.",
      ],
      counterExamples: [
        "It makes sense that it hit you hard.",
        "You feel the sessions haven't helped much.",
      ],
      role: "therapist",
      valence: "harms",
      cues: invalidationCues,
      crosswalk: {
        "miti-4.2.1": ["Confront"],
        "misc-2.5": ["CO"],
        annomi: ["therapist_input.information", "therapist_input.advice", "other"],
        note: "Correcting or disagreeing with the client is Confront in MITI and CO in MISC; AnnoMI annotates it as information, advice or other. Lossy.",
      },
    },
    // ------------------------------------------------------------------ process
    {
      id: "facilitation",
      label: "Facilitation",
      definition:
        "A short encourager that keeps the client talking and shows the therapist is listening, with no content of its own.",
      include: ["'Mm-hmm', 'right', 'okay', 'I see', 'go on'"],
      exclude: ["Short reflections that repeat a content word (reflection.simple)"],
      examples: ["Mm-hmm.", "Right, go on.", "I see."],
      counterExamples: ["Right, so the weekends are hardest.", "Okay, what happened next?"],
      role: "therapist",
      valence: "builds",
      cues: facilitationCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": ["FA"],
        annomi: ["other"],
        note: "MITI does not code facilitative utterances.",
      },
    },
    {
      id: "structuring",
      label: "Structuring",
      definition:
        "The therapist orients the client to the session: agenda, time, what will happen next, transitions between topics.",
      include: ["Agenda setting", "Time checks", "Explaining the session's format"],
      exclude: ["Asking what the client would prefer to focus on (permission)"],
      examples: [
        "We've got about ten minutes left, so let's start thinking about next steps.",
        "Today I'd like to spend some time on your goals, and then on the sleep diary.",
        "Let's move on to the questionnaire now.",
      ],
      counterExamples: ["What would you like to focus on today?", "Good to see you."],
      role: "therapist",
      valence: "neutral",
      cues: structuringCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": ["ST"],
        annomi: ["therapist_input.information", "other", "therapist_input.negotiation"],
        note: "MITI does not code structuring statements; AnnoMI annotates them mostly as information (40 % in data/annomi-rapport) or other, and agenda-setting sometimes as negotiation.",
      },
    },
    {
      id: "other",
      label: "Other",
      definition:
        "Therapist talk that fits no other code: greetings, pleasantries, incomplete thoughts, off-topic remarks.",
      include: ["Greetings and goodbyes", "Unfinished sentences", "Small talk"],
      exclude: ["Anything that fits a more specific code"],
      examples: [
        "Hi, good to see you again.",
        "Take care, see you next week.",
        "So, um, I was just…",
      ],
      counterExamples: ["How are you feeling today?", "That sounds hard."],
      role: "therapist",
      valence: "neutral",
      cues: otherCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": ["FI"],
        annomi: ["other"],
        esconv: ["Others"],
        note: "MITI does not code greetings, pleasantries or incomplete thoughts.",
      },
    },
    // ------------------------------------------------------------------ client
    {
      id: "change_talk",
      label: "Change talk",
      definition:
        "Client speech in favour of change: desire, ability, reasons, need, commitment or steps taken toward the target behaviour.",
      include: ["'I want to…', 'I could…', 'I need to…', 'I'm going to…', 'I've started…'"],
      exclude: ["Arguments for staying the same (sustain_talk)"],
      examples: [
        "I really want to be there for my kids.",
        "I've already cut down to two drinks on weeknights.",
        "I think I could manage a walk after lunch.",
      ],
      counterExamples: ["I don't see why I should stop.", "It was raining yesterday."],
      role: "client",
      valence: "builds",
      cues: changeTalkCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": MISC_CHANGE,
        annomi: ["change"],
        note: "MITI does not code client utterances.",
      },
    },
    {
      id: "sustain_talk",
      label: "Sustain talk",
      definition:
        "Client speech in favour of the status quo: reasons, desire, need or commitment to keep things as they are.",
      include: ["'I don't want to…', 'I can't…', 'it helps me relax', 'I'm not going to stop'"],
      exclude: ["Neutral description (neutral)"],
      examples: [
        "Smoking is the only thing that calms me down.",
        "I'm not going to give up my Friday drinks.",
        "I can't see myself ever exercising.",
      ],
      counterExamples: ["I'd like to smoke less.", "I work in a bakery."],
      role: "client",
      valence: "harms",
      cues: sustainTalkCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": MISC_SUSTAIN,
        annomi: ["sustain"],
        note: "MITI does not code client utterances. Sustain talk is not a therapist failing; its valence reflects its bearing on change.",
      },
    },
    {
      id: "neutral",
      label: "Neutral client talk",
      definition:
        "Client speech that is neither for nor against change: description, questions, agreement, small talk.",
      include: ["Answers with facts", "Backchannels ('yeah', 'mm')", "Questions to the therapist"],
      exclude: ["Anything for or against the target change (change_talk, sustain_talk)"],
      examples: ["I live with my sister.", "Yeah.", "What time is it?"],
      counterExamples: ["I want to stop.", "I'm never giving it up."],
      role: "client",
      valence: "neutral",
      cues: neutralClientCues,
      crosswalk: {
        "miti-4.2.1": [],
        "misc-2.5": ["FN"],
        annomi: ["neutral"],
        note: "MITI does not code client utterances.",
      },
    },
  ],
});

/** The code ids of the `rapport` codebook. @category Codebooks */
export type RapportCodeId = (typeof rapportCodebook.codes)[number]["id"];
