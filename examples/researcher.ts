/**
 * For researchers: code a small corpus, check agreement between a human coder and the classifier,
 * compute session scores, and export tidy CSV (one row per utterance, one row per session x
 * measure) for R or pandas.
 *
 * Run: npx tsx examples/researcher.ts
 */
import {
  type CodedRow,
  type Coding,
  codeTranscript,
  codingAgreement,
  csvField,
  mitiSummary,
  rapportCodebook,
  rapportProfile,
  readCsv,
  rulesClassifier,
  summarizeSession,
  writeCodedCsv,
} from "../src/index.js";

// 1. A corpus with one human coder's codes in a `code` column (read as codings, source "human").
//    For a real corpus, read files with readTranscriptFile from "rapportkit/node".
const corpus = [
  "session,speaker,text,code",
  "s1,Therapist,What brings you in today?,question.open",
  "s1,Client,I have been drinking more than I want to.,change_talk",
  "s1,Therapist,You want to cut back.,reflection.simple",
  "s1,Client,But it helps me relax after work.,sustain_talk",
  "s1,Therapist,It makes sense that you'd want a way to unwind.,validation",
  "s1,Therapist,Have you tried stopping?,question.closed",
  "s2,Therapist,How did the week go?,question.open",
  "s2,Client,Better. I only had two drinks.,change_talk",
  "s2,Therapist,That took real effort.,affirmation",
  "s2,Therapist,Would you like some ideas for the weekends?,permission",
  "s2,Client,Sure.,neutral",
  "s2,Therapist,You should just stay home on Fridays.,advice.unsolicited",
].join("\n");
const { transcripts, codings: human } = readCsv(corpus, { file: "corpus.csv" });

// 2. Code every session with the classifier.
const classifier = rulesClassifier(rapportCodebook);
const coded = transcripts.map((t) => codeTranscript(classifier, t));
const machine: Coding[] = coded.flatMap((c) => c.codings);

// 3. Agreement, human as gold: kappa, alpha, AC1 and per-code precision/recall. (A toy corpus of
//    12 utterances: this is how to measure, not a measurement; see docs/model-card.md for those.)
const agreement = codingAgreement(human, machine);
const show = (v: { value: number | null; reason?: string }) =>
  v.value === null ? `undefined (${v.reason})` : v.value.toFixed(3);
console.log(`utterances coded by both: ${agreement.nUsed}`);
console.log(`percent agreement: ${show(agreement.overall.percentAgreement)}`);
console.log(`Cohen's kappa: ${show(agreement.overall.cohenKappa)}`);
console.log(`Krippendorff's alpha: ${show(agreement.overall.krippendorffAlpha)}`);

// 4. Session scores from the classifier's codes.
const scoreRows: string[] = ["session,measure,value,reason"];
const put = (session: string, measure: string, v: { value: number | null; reason?: string }) =>
  scoreRows.push(
    [session, measure, v.value === null ? "" : String(v.value), v.reason ?? ""]
      .map(csvField)
      .join(","),
  );
for (const c of coded) {
  const s = c.transcript.id;
  const summary = summarizeSession(c);
  const miti = mitiSummary(c);
  const profile = rapportProfile(c);
  put(s, "talk_share_therapist", summary.talkShare.therapist);
  put(s, "miti_rq", miti.rq);
  put(s, "miti_pct_cr", miti.pctCR);
  put(s, "miti_mia", { value: miti.mia });
  put(s, "miti_mina", { value: miti.mina });
  put(s, "rapport_goal", profile.goal);
  put(s, "rapport_task", profile.task);
  put(s, "rapport_bond", profile.bond);
  put(s, "rapport_overall", profile.overall);
}

// 5. Tidy CSV: one row per utterance (the `rapportkit code` columns) and one per session x measure.
const rows: CodedRow[] = coded.flatMap((c) =>
  c.transcript.utterances.map((u, i) => ({
    id: u.id,
    session: u.session,
    index: u.index,
    speaker: u.role,
    code: c.codings[i]?.codeId ?? "",
    confidence: c.codings[i]?.confidence ?? 0,
    text: u.text,
  })),
);
const utteranceCsv = writeCodedCsv(rows);
console.log(`utterances.csv: ${utteranceCsv.trim().split("\n").length - 1} rows`);
console.log(`scores.csv: ${scoreRows.length - 1} rows`);
console.log(scoreRows.slice(0, 4).join("\n"));
// In R: read.csv("scores.csv"); in pandas: pd.read_csv("scores.csv").pivot(index="session", columns="measure", values="value")
