// Prints the model card's `rapport-en` tables (docs/model-card.md §7) as Markdown from the JSON
// that `npm run eval:rapport -- --seeds 1,2,3 --json FILE` writes, so that a retrained model's
// card is filled from one evaluation run rather than copied by hand:
//   node scripts/model-card-tables.mjs FILE
// Means are over the fold assignments (seeds) in the file; each seed's figure is in brackets.
import { readFileSync } from "node:fs";
import { RAPPORT_TARGET_CODES } from "./rapport-data.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/model-card-tables.mjs EVAL.json");
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, "utf8"));
const seeds = Object.keys(report.seeds);
const runs = seeds.map((s) => report.seeds[s]);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f2 = (x) => (x == null || Number.isNaN(x) ? "–" : x.toFixed(2));
const f3 = (x) => (x == null || Number.isNaN(x) ? "–" : x.toFixed(3));
const each = (xs, f) => (xs.length > 1 ? ` (${xs.map(f).join(" / ")})` : "");
const at = (get, f = f2) => {
  const xs = runs.map(get);
  return `${f(mean(xs))}${each(xs, f)}`;
};

// The ten codes the rapport codebook adds to MITI's (issue #12's F1 targets), in bold.
const RAPPORT_SPECIFIC = new Set(RAPPORT_TARGET_CODES);
const codes = Object.keys(runs[0].written.perClass);
const cross = report.crossRegister;

console.log(
  `Per code, out of fold (mean over ${seeds.length} fold assignments, seeds ${seeds.join(", ")})\n`,
);
console.log(
  `| code | written P | R | F1 (seeds ${seeds.join(" / ")}) | n | F1, each turn alone | AnnoMI P | R | F1 | n | AnnoMI→written F1 | written→AnnoMI F1 |`,
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const c of codes) {
  const w = (r) => r.written.perClass[c];
  const a = (r) => r.annomi.perClass[c];
  const name = RAPPORT_SPECIFIC.has(c) ? `**${c}**` : c;
  console.log(
    `| ${name} | ${f2(mean(runs.map((r) => w(r).precision)))} ` +
      `| ${f2(mean(runs.map((r) => w(r).recall)))} | ${at((r) => w(r).f1)} | ${w(runs[0]).support} ` +
      `| ${f2(mean(runs.map((r) => r.alone.written.perClass[c].f1)))} ` +
      `| ${f2(mean(runs.map((r) => a(r).precision)))} | ${f2(mean(runs.map((r) => a(r).recall)))} ` +
      `| ${f2(mean(runs.map((r) => a(r).f1)))} | ${a(runs[0]).support} ` +
      `| ${f2(cross.annomiToWritten.perClass[c]?.f1)} | ${f2(cross.writtenToAnnomi.perClass[c]?.f1)} |`,
  );
}
console.log(
  `| macro-F1 | | | ${at((r) => r.written.macroF1, f3)} | ${runs[0].written.n} | ${f3(mean(runs.map((r) => r.alone.written.macroF1)))} | | | ${at((r) => r.annomi.macroF1, f3)} | ${runs[0].annomi.n} | ${f3(cross.annomiToWritten.macroF1)} | ${f3(cross.writtenToAnnomi.macroF1)} |`,
);

console.log("\nBy register of the written corpus (macro-F1 over the codes present / n):\n");
console.log(
  Object.keys(runs[0].byRegister)
    .map(
      (g) =>
        `${g} ${f3(mean(runs.map((r) => r.byRegister[g].macroF1)))} / ${runs[0].byRegister[g].n}`,
    )
    .join(", "),
);

console.log("\nAnnoMI's own labels:\n");
console.log(`- therapist 4-way, summed distribution: ${at((r) => r.annomi4, f3)}`);
console.log(`- therapist 4-way, top code mapped: ${at((r) => r.annomi4Top, f3)}`);
console.log(`- client 3-way: ${at((r) => r.client3, f3)}`);
if (report.rules) {
  console.log(
    `\nRules alone: written ${f3(report.rules.written?.macroF1)}, AnnoMI ${f3(report.rules.annomi?.macroF1)}`,
  );
}

const SCORE_NAMES = {
  overall: "rapport overall",
  goal: "goal",
  task: "task",
  bond: "bond",
  rq: "MITI R:Q",
  pctCR: "MITI %CR",
  mia: "MITI MI-adherent",
  mina: "MITI MI-non-adherent",
};
console.log("\nSession scores (AnnoMI, out of fold)\n");
console.log(
  `| score | Spearman ρ, predicted (top code) vs human rapport codes (seeds ${seeds.join(" / ")}) | ρ, expected counts | ρ vs AnnoMI's own labels | human rapport codes vs AnnoMI's labels | AUROC hi/lo, predicted (top code) | AUROC, expected counts | AUROC, human rapport codes | AUROC, AnnoMI's labels |`,
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const [k, name] of Object.entries(SCORE_NAMES)) {
  console.log(
    `| ${name} | ${at((r) => r.validityHuman[k].spearman)} | ${at((r) => r.validityExpected[k].spearman)} ` +
      `| ${f2(mean(runs.map((r) => r.validityAnnomi[k].spearman)))} ` +
      `| ${f2(runs[0].humanVsAnnomiLabels[k])} | ${at((r) => r.validityHuman[k].aurocPred)} ` +
      `| ${at((r) => r.validityExpected[k].aurocPred)} ` +
      `| ${f2(runs[0].validityHuman[k].aurocHuman)} | ${f2(runs[0].validityAnnomi[k].aurocHuman)} |`,
  );
}
