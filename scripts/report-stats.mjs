// Report helpers shared by the evaluation scripts: the two coders' agreement on a double-coded
// set (eval-rapport, eval-longform), and a model's scores on a held-out set with a bootstrap
// interval over its conversations (eval-heldout, eval-longform). Both compute with rapportkit's
// own agreement functions.
import {
  bootstrap,
  classificationReport,
  cohenKappa,
  krippendorffAlpha,
  labelAgreement,
} from "../src/agreement/index.js";

const pct = (x) => (x === null || x === undefined || Number.isNaN(x) ? "  –  " : x.toFixed(3));

/**
 * Two independent codings of the same items (`coder1.code`, `coder2.code`; items without `coder2`
 * are left out) and their adjudication (`adjudicated.code`): agreement, Cohen's κ and
 * Krippendorff's α overall and per code, computed with rapportkit itself, printed as a table.
 */
export function coderAgreement(items, name) {
  const twice = items.filter((x) => x.coder2);
  if (twice.length === 0) {
    console.log(`\n${name}: no item coded twice yet`);
    return undefined;
  }
  const a = twice.map((x) => x.coder1.code);
  const b = twice.map((x) => x.coder2.code);
  const k = cohenKappa(a, b);
  const alpha = krippendorffAlpha(
    a.map((x, i) => [x, b[i]]),
    { level: "nominal" },
  );
  const codes = [...new Set([...a, ...b])].sort();
  const per = {};
  for (const c of codes) {
    const ka = cohenKappa(
      a.map((x) => (x === c ? 1 : 0)),
      b.map((x) => (x === c ? 1 : 0)),
    );
    per[c] = {
      n1: a.filter((x) => x === c).length,
      n2: b.filter((x) => x === c).length,
      both: a.filter((x, i) => x === c && b[i] === c).length,
      kappa: ka.value,
    };
  }
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  console.log(
    `\n${name}: ${twice.length} items coded twice independently; agreement ${pct(same / twice.length)}, ` +
      `Cohen's κ ${pct(k.value)}, Krippendorff's α ${pct(alpha.value)}`,
  );
  console.log(
    "\n| code | coder 1 | coder 2 | both | κ (code vs rest) |\n|---|---:|---:|---:|---:|",
  );
  for (const c of codes)
    console.log(`| ${c} | ${per[c].n1} | ${per[c].n2} | ${per[c].both} | ${pct(per[c].kappa)} |`);
  // Whose code the adjudicator took, where the two coders' primary codes differ.
  const split = twice.filter((x) => x.coder1.code !== x.coder2.code);
  const took = { coder1: 0, coder2: 0, third: 0, open: 0 };
  for (const x of split) {
    const c = x.adjudicated?.code;
    if (c === undefined) took.open++;
    else if (c === x.coder2.code) took.coder2++;
    else if (c === x.coder1.code) took.coder1++;
    else took.third++;
  }
  console.log(
    `\nDisagreements: ${split.length}; adjudicated ${split.length - took.open} (the second coder's code ${took.coder2} times, the first coder's ${took.coder1}, a third code ${took.third}); awaiting adjudication ${took.open}`,
  );
  return {
    n: twice.length,
    adjudication: took,
    agreement: same / twice.length,
    kappa: k.value,
    alpha: alpha.value,
    perCode: per,
  };
}

/**
 * Predicted against gold labels of a held-out set, over the codes the gold uses (`present`, in
 * the order of `labels`): `labelAgreement` (classification report and Cohen's κ, bootstrap 95 %
 * intervals over items) and macro-F1 with a bootstrap 95 % interval that resamples the items'
 * `groups` (conversations: their items are not independent). Predictions outside the codes
 * present count as errors: they are mapped to one extra label so that every item is kept.
 */
export function heldOutScores(gold, pred, groups, labels) {
  const present = labels.filter((c) => gold.includes(c));
  const OTHER = "(another code)";
  const predIn = pred.map((c) => (present.includes(c) ? c : OTHER));
  const all = [...present, OTHER];
  const agree = labelAgreement(gold, predIn, { labels: all, resamples: 1000, seed: 1 });
  const macro = (g, p) => {
    const r = classificationReport(g, p, { labels: all });
    const f = present.map((c) => r.perClass[c]?.f1 ?? 0);
    return f.reduce((a, b) => a + b, 0) / f.length;
  };
  // Each row of the matrix `bootstrap` resamples is one group's index, in order of first appearance.
  const names = [...new Set(groups)];
  const byGroup = new Map(names.map((x) => [x, []]));
  groups.forEach((g, k) => {
    byGroup.get(g).push(k);
  });
  const ci = bootstrap(
    (m) => {
      const ks = m.flatMap((r) => byGroup.get(names[r[0]]));
      return {
        value: macro(
          ks.map((k) => gold[k]),
          ks.map((k) => predIn[k]),
        ),
      };
    },
    names.map((_, j) => [j]),
    { resamples: 1000, seed: 1 },
  );
  return {
    present,
    agree,
    macroF1: macro(gold, predIn),
    macroF1ci95: ci.ci95,
    kappa: agree.cohenKappa.unweighted,
  };
}
