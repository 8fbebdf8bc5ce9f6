import { describe, expect, it } from "vitest";
import { decisionValue, trainBinarySvm, trainSvm } from "../worker/weather/svm";

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** XOR of two noisy clusters per class: no line separates them, an RBF kernel does. */
function xor(n: number, seed: number) {
  const random = prng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const qx = random() < 0.5 ? -1 : 1;
    const qy = random() < 0.5 ? -1 : 1;
    rows.push([qx + (random() - 0.5) * 0.8, qy + (random() - 0.5) * 0.8]);
    labels.push(qx * qy > 0 ? 1 : -1);
  }
  return { rows, labels };
}

describe("RBF C-SVC (SMO)", () => {
  it("ends at the optimum of the dual: feasible, and the KKT conditions hold within eps (checked from scratch)", () => {
    const { rows, labels } = xor(200, 3);
    const C = 2;
    const gamma = 0.5;
    const eps = 1e-3;
    const model = trainBinarySvm(rows, labels, { cost: C, gamma, eps });
    const a = model.alpha;
    // Feasibility: box and equality constraint.
    let ya = 0;
    for (let i = 0; i < a.length; i++) {
      expect(a[i]!).toBeGreaterThanOrEqual(0);
      expect(a[i]!).toBeLessThanOrEqual(C);
      ya += labels[i]! * a[i]!;
    }
    expect(Math.abs(ya)).toBeLessThan(1e-9);
    // Gradient of the dual recomputed here: G_i = sum_j y_i y_j K_ij a_j - 1.
    const K = (p: number[], q: number[]) => Math.exp(-gamma * ((p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2));
    const G = rows.map((r, i) => rows.reduce((s, q, j) => s + labels[i]! * labels[j]! * K(r, q) * a[j]!, 0) - 1);
    // Maximal violating pair: m(a) = max over I_up of -y G, M(a) = min over I_low of -y G.
    let m = -Infinity;
    let M = Infinity;
    for (let i = 0; i < a.length; i++) {
      const v = -labels[i]! * G[i]!;
      const up = (labels[i] === 1 && a[i]! < C) || (labels[i] === -1 && a[i]! > 0);
      const low = (labels[i] === 1 && a[i]! > 0) || (labels[i] === -1 && a[i]! < C);
      if (up) m = Math.max(m, v);
      if (low) M = Math.min(M, v);
    }
    expect(m - M).toBeLessThan(eps * 1.0001);
    // Dual objective recomputed: 1/2 a'Qa - e'a = sum a_i (G_i - 1) / 2.
    const objective = a.reduce((s, ai, i) => s + (ai * (G[i]! - 1)) / 2, 0);
    expect(model.objective).toBeCloseTo(objective, 6);
    expect(objective).toBeLessThan(0);
  });

  it("separates XOR, which no linear rule can, on held-out points", () => {
    const train = xor(300, 11);
    const test = xor(300, 12);
    const svm = trainSvm(train.rows, train.labels, { cost: 1, gamma: 1 });
    const predicted = svm.predict(test.rows);
    const accuracy = predicted.filter((p, i) => p === test.labels[i]).length / predicted.length;
    expect(accuracy).toBeGreaterThan(0.95);
    // The decision value's sign is the prediction.
    const machine = svm.machines[0]!;
    expect(machine.a).toBe(-1);
    expect(decisionValue(machine.model, 1, [1, 1]) < 0).toBe(true);
    expect(decisionValue(machine.model, 1, [-1, 1]) > 0).toBe(true);
  });

  it("several classes by one-vs-one voting", () => {
    const random = prng(5);
    const centres = [[0, 0], [3, 0], [0, 3]];
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 240; i++) {
      const c = i % 3;
      rows.push([centres[c]![0]! + random() - 0.5, centres[c]![1]! + random() - 0.5]);
      labels.push(c);
    }
    const svm = trainSvm(rows, labels, { cost: 1, gamma: 0.5 });
    expect(svm.machines).toHaveLength(3);
    expect(svm.predict([[0.1, -0.1], [2.9, 0.2], [0.2, 3.1]])).toEqual([0, 1, 2]);
  });
});
