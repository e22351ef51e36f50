import { describe, expect, it } from "vitest";
import {
  parseSoftmaxHead,
  type SoftmaxHead,
  type SoftmaxTrainOptions,
  softmaxProbabilities,
  trainSoftmaxHead,
} from "../../src/classify/adapters/index.js";
import { minimiseLbfgs, softmaxObjective } from "../../src/classify/adapters/softmax.js";
import { ModelError } from "../../src/core/errors.js";

type Rows = readonly (readonly number[])[];
const codebook = { id: "t", version: "1" };
const ABC = ["a", "b", "c"];

/** Inputs standardised as documented: (x − mean) / population SD, an SD of 0 counting as 1. */
function standardised(x: Rows): number[][] {
  const n = x.length;
  const dim = (x[0] as number[]).length;
  const mean = Array.from(
    { length: dim },
    (_, d) => x.reduce((a, r) => a + (r[d] as number), 0) / n,
  );
  const sd = Array.from({ length: dim }, (_, d) => {
    const s = Math.sqrt(
      x.reduce((a, r) => a + ((r[d] as number) - (mean[d] as number)) ** 2, 0) / n,
    );
    return s > 1e-12 ? s : 1;
  });
  return x.map((r) => r.map((v, d) => (v - (mean[d] as number)) / (sd[d] as number)));
}

/**
 * The documented objective, written out independently of the library:
 * (1/n) Σᵢ sᵢ · (−log softmax(W xᵢ + b)[yᵢ]) + (l2/2) ‖W‖², sᵢ = 1 or n / (K · n of yᵢ's class).
 */
function objective(
  x: Rows,
  labels: readonly string[],
  codes: readonly string[],
  l2: number,
  balanced: boolean,
  W: readonly (readonly number[])[],
  b: readonly number[],
): number {
  const xs = standardised(x);
  const n = xs.length;
  const K = codes.length;
  const count = (c: string) => labels.filter((l) => l === c).length;
  let loss = 0;
  xs.forEach((xi, i) => {
    const z = codes.map((_, k) =>
      xi.reduce((a, v, d) => a + v * ((W[k] as number[])[d] as number), b[k] as number),
    );
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    const y = labels[i] as string;
    const s = balanced ? n / (K * count(y)) : 1;
    loss += s * (lse - (z[codes.indexOf(y)] as number));
  });
  const penalty = W.flat().reduce((a, w) => a + w * w, 0);
  return loss / n + (l2 / 2) * penalty;
}

/** Central finite differences of {@link objective} with respect to every weight and bias. */
function numericGradient(
  x: Rows,
  labels: readonly string[],
  head: SoftmaxHead,
  l2: number,
  balanced: boolean,
  h = 1e-6,
): number[] {
  const W = head.weights.map((r) => [...r]);
  const b = [...head.bias];
  const f = () => objective(x, labels, head.codes, l2, balanced, W, b);
  const out: number[] = [];
  const diff = (arr: number[], j: number) => {
    const v = arr[j] as number;
    arr[j] = v + h;
    const up = f();
    arr[j] = v - h;
    const down = f();
    arr[j] = v;
    out.push((up - down) / (2 * h));
  };
  for (const row of W) for (let j = 0; j < row.length; j++) diff(row, j);
  for (let k = 0; k < b.length; k++) diff(b, k);
  return out;
}

const maxAbs = (v: readonly number[]) => Math.max(...v.map(Math.abs));

// Three small problems. A: three overlapping classes (no separating plane).
const XA = [
  [0, 0],
  [1, 0.5],
  [0.5, 1],
  [2, 2],
  [2.5, 1.5],
  [1.5, 2.5],
  [0, 3],
  [1, 2.5],
  [0.5, 3.5],
  [1, 1],
  [2, 1],
  [0.8, 2],
];
const yA = ["a", "a", "a", "b", "b", "b", "c", "c", "c", "b", "a", "c"];
// B: three linearly separable clusters.
const XB = [
  [0, 0],
  [0.2, 0.4],
  [3, 0],
  [3.3, 0.2],
  [0, 3],
  [0.1, 3.4],
];
const yB = ["a", "a", "b", "b", "c", "c"];
// C: imbalanced (7 a, 3 b, 2 c), overlapping, with a noise dimension.
const XC = [
  [0, 1],
  [0.2, 0],
  [0.4, 1],
  [0.6, 0],
  [0.8, 1],
  [1.0, 0],
  [1.2, 1],
  [1.4, 0],
  [1.5, 0.5],
  [1.9, 1],
  [2.0, 0],
  [2.2, 0.5],
];
const yC = ["a", "a", "a", "a", "a", "b", "a", "a", "b", "c", "b", "c"];

/**
 * Reference solutions from scikit-learn 1.9.1 (numpy 2.4.6, scipy 1.17.1), computed with
 *   python3: X standardised with X.std(0) (population SD);
 *   LogisticRegression(C=1/(n*l2), class_weight=cw, tol=1e-12, max_iter=100000).fit(Z, y)
 *   coef_, and intercept_ - intercept_.mean() (the objective does not fix the biases' common shift),
 * rounded to 10 decimals. sklearn's own stopping leaves them accurate to about 1e-7.
 */
const SKLEARN = {
  A: {
    l2: 0.05,
    balanced: false,
    weights: [
      [-0.0298394528, -1.3465156579],
      [0.8482867031, 0.1943174086],
      [-0.8184472503, 1.1521982493],
    ],
    bias: [-0.1372513985, 0.1781501486, -0.0408987502],
  },
  B: {
    l2: 0.01,
    balanced: false,
    weights: [
      [-1.5919464026, -1.5766384727],
      [2.0151796886, -0.471670391],
      [-0.4232332861, 2.0483088636],
    ],
    bias: [0.3374204599, -0.1690378743, -0.1683825856],
  },
  C: {
    l2: 0.02,
    balanced: false,
    weights: [
      [-1.8237531966, 0.0119399749],
      [0.0153276289, -0.9313603681],
      [1.8084255677, 0.9194203933],
    ],
    bias: [1.4337952365, 0.2522304657, -1.6860257022],
  },
  Cbalanced: {
    l2: 0.02,
    balanced: true,
    weights: [
      [-1.9503034463, 0.0164627795],
      [-0.1535025383, -1.1193219992],
      [2.1038059846, 1.1028592197],
    ],
    bias: [1.0817863544, 0.5736665443, -1.6554528987],
  },
} as const;

const problems = {
  A: [XA, yA],
  B: [XB, yB],
  C: [XC, yC],
  Cbalanced: [XC, yC],
} as const;

const tight: SoftmaxTrainOptions = { tolerance: 1e-10, maxIterations: 1000 };

describe("trainSoftmaxHead with L-BFGS", () => {
  for (const [name, ref] of Object.entries(SKLEARN)) {
    const [x, y] = problems[name as keyof typeof problems];
    const train = () =>
      trainSoftmaxHead(x, y, {
        ...tight,
        codes: ABC,
        codebook,
        l2: ref.l2,
        classWeights: ref.balanced ? "balanced" : "none",
      });

    it(`${name}: the objective's numerical gradient is ~0 at the solution`, () => {
      const g = numericGradient(x, y, train(), ref.l2, ref.balanced);
      expect(g).toHaveLength(3 * 2 + 3);
      expect(maxAbs(g)).toBeLessThan(1e-7);
    });

    it(`${name}: matches scikit-learn's LogisticRegression (lbfgs) with C = 1 / (n · l2)`, () => {
      const h = train();
      for (let k = 0; k < 3; k++) {
        for (let d = 0; d < 2; d++)
          expect(h.weights[k]?.[d]).toBeCloseTo(ref.weights[k]?.[d] as number, 6);
        expect(h.bias[k]).toBeCloseTo(ref.bias[k] as number, 6);
      }
    });
  }

  it("matches Newton's method on the equivalent two-class logistic regression", () => {
    // With two classes the softmax optimum is symmetric (W₁ = −W₀), so w = W₁ − W₀ and c = b₁ − b₀
    // minimise (1/n) Σ log(1 + exp(−tᵢ (w·xᵢ + c))) + (l2/4) ‖w‖². Newton's iterations, here:
    const x = [[0], [0.5], [1], [1.5], [2], [2.5], [3], [3.5]];
    const y = ["a", "a", "b", "a", "b", "a", "b", "b"];
    const l2 = 0.1;
    const xs = standardised(x).map((r) => r[0] as number);
    const n = xs.length;
    let w = 0;
    let c = 0;
    for (let it = 0; it < 50; it++) {
      // Gradient and 2×2 Hessian in (w, c).
      let gw = (l2 / 2) * w;
      let gc = 0;
      let hww = l2 / 2;
      let hwc = 0;
      let hcc = 0;
      xs.forEach((xi, i) => {
        const p = 1 / (1 + Math.exp(-(w * xi + c)));
        const r = p - (y[i] === "b" ? 1 : 0);
        gw += (r * xi) / n;
        gc += r / n;
        const v = (p * (1 - p)) / n;
        hww += v * xi * xi;
        hwc += v * xi;
        hcc += v;
      });
      const det = hww * hcc - hwc * hwc;
      w -= (hcc * gw - hwc * gc) / det;
      c -= (hww * gc - hwc * gw) / det;
    }
    const h = trainSoftmaxHead(x, y, { ...tight, codes: ["a", "b"], codebook, l2 });
    const [w0, w1] = h.weights.map((r) => r[0] as number) as [number, number];
    expect(w1 - w0).toBeCloseTo(w, 8);
    expect((h.bias[1] as number) - (h.bias[0] as number)).toBeCloseTo(c, 8);
    expect(w0).toBeCloseTo(-w1, 8);
    expect(w).toBeGreaterThan(0.5); // a real fit, not the zero start
  });

  it("its analytic gradient agrees with finite differences away from the optimum", () => {
    const xs = standardised(XC).map((r) => Float64Array.from(r));
    const y = Int32Array.from(yC, (c) => ABC.indexOf(c));
    const cw = Float64Array.from([12 / (3 * 7), 12 / (3 * 3), 12 / (3 * 2)]);
    const p = { rows: xs, y, cw, K: 3, dim: 2, l2: 0.3 };
    const theta = Float64Array.from([0.3, -1.2, 2.5, 0.1, -0.7, 0.9, 0.2, -0.4, 1.1]);
    const grad = new Float64Array(theta.length);
    softmaxObjective(p, theta, grad);
    const scratch = new Float64Array(theta.length);
    for (let j = 0; j < theta.length; j++) {
      const t = Float64Array.from(theta);
      t[j] = (theta[j] as number) + 1e-6;
      const up = softmaxObjective(p, t, scratch);
      t[j] = (theta[j] as number) - 1e-6;
      const down = softmaxObjective(p, t, scratch);
      expect(grad[j]).toBeCloseTo((up - down) / 2e-6, 7);
    }
    // And its value is the independently written objective's.
    const W = [0, 1, 2].map((k) => Array.from(theta.slice(2 * k, 2 * k + 2)));
    expect(softmaxObjective(p, theta, grad)).toBeCloseTo(
      objective(XC, yC, ABC, 0.3, true, W, Array.from(theta.slice(6))),
      12,
    );
  });

  it("is deterministic: the same input gives the same JSON", () => {
    // 240 points in 6 dimensions, 4 classes, from a fixed LCG.
    let s = 12345;
    const r = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const x = Array.from({ length: 240 }, () => Array.from({ length: 6 }, r));
    const y = x.map(
      (v) => ["a", "b", "c", "d"][Math.floor(((v[0] as number) + r()) * 2)] as string,
    );
    const o = {
      codes: ["a", "b", "c", "d"],
      codebook,
      classWeights: "balanced" as const,
      l2: 0.01,
    };
    const a = JSON.stringify(trainSoftmaxHead(x, y, o));
    expect(JSON.stringify(trainSoftmaxHead(x, y, o))).toBe(a);
    expect(JSON.stringify(trainSoftmaxHead(x, y, { ...o, solver: "lbfgs" }))).toBe(a);
    // The seed only drives the SGD shuffle.
    expect(JSON.stringify(trainSoftmaxHead(x, y, { ...o, seed: 9 }))).toBe(a);
  });

  it("balanced class weights recall the rare class, and weigh classes as scikit-learn does", () => {
    const x = [[0], [0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8], [0.9]];
    const y = ["a", "a", "a", "a", "a", "a", "a", "a", "b", "a"];
    const o = { codes: ["a", "b"], codebook, l2: 0.01 };
    const plain = trainSoftmaxHead(x, y, o);
    const balanced = trainSoftmaxHead(x, y, { ...o, classWeights: "balanced" });
    const pb = (h: SoftmaxHead) => softmaxProbabilities(h, [0.8])[1] as number;
    expect(pb(plain)).toBeLessThan(0.5);
    expect(pb(balanced)).toBeGreaterThan(0.5);
    expect(trainSoftmaxHead(x, y, { ...o, classWeights: "none" })).toEqual(plain);
  });

  it("stays finite without a penalty on separable data, and with extreme inputs", () => {
    // Without L2 a separable problem has no minimum: the iterations stop, the numbers stay finite.
    const h = trainSoftmaxHead(XB, yB, { codes: ABC, codebook, l2: 0, maxIterations: 300 });
    for (const v of [...h.weights.flat(), ...h.bias]) expect(Number.isFinite(v)).toBe(true);
    expect(softmaxProbabilities(h, [0.1, 0.2])[0]).toBeGreaterThan(0.99);
    expect(parseSoftmaxHead(JSON.parse(JSON.stringify(h)))).toEqual(h);
    // Huge magnitudes and a constant dimension.
    const big = XA.map(([a, b]) => [(a as number) * 1e150, (b as number) * -1e-150, 7]);
    const hb = trainSoftmaxHead(big, yA, { codes: ABC, codebook, l2: 0.05 });
    for (const v of [...hb.weights.flat(), ...hb.bias, ...hb.scale])
      expect(Number.isFinite(v)).toBe(true);
    const p = softmaxProbabilities(hb, [1e300, -1e300, 7]);
    for (const v of p) expect(Number.isFinite(v)).toBe(true);
  });

  it("stops at maxIterations, and more iterations lower the objective", () => {
    const zero = trainSoftmaxHead(XA, yA, { codes: ABC, codebook, l2: 0.05, maxIterations: 0 });
    expect(zero.weights.flat().every((w) => w === 0)).toBe(true);
    const value = (h: SoftmaxHead) => objective(XA, yA, ABC, 0.05, false, h.weights, h.bias);
    const few = trainSoftmaxHead(XA, yA, { codes: ABC, codebook, l2: 0.05, maxIterations: 2 });
    const many = trainSoftmaxHead(XA, yA, { codes: ABC, codebook, l2: 0.05 });
    expect(value(few)).toBeLessThan(value(zero));
    expect(value(many)).toBeLessThan(value(few));
  });

  it("writes the same head format (version 1): heads saved before still load", () => {
    const h = trainSoftmaxHead(XA, yA, { codes: ABC, codebook, l2: 0.05 });
    expect(h.format).toBe("rapportkit-softmax-head");
    expect(h.version).toBe(1);
    expect(Object.keys(h)).toEqual([
      "format",
      "version",
      "codebook",
      "codes",
      "dim",
      "mean",
      "scale",
      "weights",
      "bias",
    ]);
    const sgd = trainSoftmaxHead(XA, yA, { codes: ABC, codebook, l2: 0.05, solver: "sgd" });
    expect(parseSoftmaxHead(JSON.parse(JSON.stringify(sgd)))).toEqual(sgd);
    expect(parseSoftmaxHead(JSON.parse(JSON.stringify(h)))).toEqual(h);
  });

  it("rejects bad options, naming the field", () => {
    const o = { codes: ABC, codebook };
    expect(() => trainSoftmaxHead(XA, yA, { ...o, solver: "newton" as "sgd" })).toThrow(ModelError);
    expect(() => trainSoftmaxHead(XA, yA, { ...o, l2: -1 })).toThrow(/options\.l2/);
    expect(() => trainSoftmaxHead(XA, yA, { ...o, l2: Number.NaN })).toThrow(/options\.l2/);
    expect(() => trainSoftmaxHead(XA, yA, { ...o, maxIterations: 1.5 })).toThrow(
      /options\.maxIterations/,
    );
    expect(() => trainSoftmaxHead(XA, yA, { ...o, tolerance: -1 })).toThrow(/options\.tolerance/);
  });
});

describe("minimiseLbfgs", () => {
  it("finds the minimum of a badly conditioned quadratic and of Rosenbrock's function", () => {
    // f = Σ cⱼ (xⱼ − j)² with condition number 1e4: minimum at xⱼ = j.
    const c = [1, 10, 100, 1000, 10000];
    const q = minimiseLbfgs(
      (x, g) => {
        let f = 0;
        for (let j = 0; j < c.length; j++) {
          const d = (x[j] as number) - j;
          f += (c[j] as number) * d * d;
          g[j] = 2 * (c[j] as number) * d;
        }
        return f;
      },
      c.length,
      200,
      1e-9,
    );
    // It stops on the gradient, or when double precision cannot lower f any more (scipy's ftol).
    expect(["gradient", "no-progress"]).toContain(q.stop);
    for (let j = 0; j < c.length; j++) expect(q.theta[j]).toBeCloseTo(j, 6);
    // Rosenbrock (a = 1, b = 100), from the origin: minimum at (1, 1).
    const r = minimiseLbfgs(
      (x, g) => {
        const [a, b] = [x[0] as number, x[1] as number];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      2,
      500,
      1e-10,
    );
    expect(r.theta[0]).toBeCloseTo(1, 6);
    expect(r.theta[1]).toBeCloseTo(1, 6);
  });
});
