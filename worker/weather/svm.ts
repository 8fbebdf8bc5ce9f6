// A C-SVC with an RBF kernel, solved as LIBSVM solves it: SMO on the dual
//   min 1/2 a'Qa - e'a,  0 <= a_i <= C,  y'a = 0,  Q_ij = y_i y_j K(x_i, x_j),
// with LIBSVM's second-order working-set selection (Fan, Chen & Lin, JMLR 2005),
// its two-variable update with clipping, its stopping rule (maximal violating pair
// within eps) and its bias from the free support vectors; several classes by
// one-vs-one voting, as LIBSVM does.
//
// Hand-written because the runtime cannot load the libraries that exist:
// libsvm-js (LIBSVM through emscripten) detects a Node or browser environment at
// load time and, in workerd, takes the Node path and calls process.binding, which
// workerd does not implement; its WebAssembly build needs run-time compilation
// from bytes, which workerd forbids. ml-svm is the "simplified SMO" (a random
// second index), which does not converge to the optimum.

export interface SvmOptions {
  /** The cost of a margin violation. */
  cost: number;
  /** RBF width: K(x, z) = exp(-gamma |x - z|^2). */
  gamma: number;
  /** Stopping tolerance on the maximal violating pair (LIBSVM's -e, 0.001). */
  eps?: number;
  maxIterations?: number;
  /** Kernel rows kept (each n doubles). */
  cacheRows?: number;
}

const TAU = 1e-12;

/** Rows of the kernel matrix over the training samples, computed on demand and kept in an LRU cache. */
class KernelRows {
  private readonly cache = new Map<number, Float64Array>();
  constructor(
    private readonly x: Float64Array,
    private readonly n: number,
    private readonly d: number,
    private readonly gamma: number,
    private readonly capacity: number,
  ) {}

  row(i: number): Float64Array {
    const hit = this.cache.get(i);
    if (hit) {
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    const { x, n, d, gamma } = this;
    const out = new Float64Array(n);
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const oj = j * d;
      for (let k = 0; k < d; k++) {
        const diff = x[oi + k]! - x[oj + k]!;
        s += diff * diff;
      }
      out[j] = Math.exp(-gamma * s);
    }
    this.cache.set(i, out);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return out;
  }
}

export interface BinarySvm {
  /** Support vectors (row-major, d per vector) and their coefficients y_i a_i. */
  vectors: Float64Array;
  coef: Float64Array;
  rho: number;
  iterations: number;
  /** The dual objective at the solution. */
  objective: number;
  /** The final maximal violation m(a) - M(a); below eps when converged. */
  violation: number;
  /** The dual variables of all training samples (for checking optimality). */
  alpha: Float64Array;
}

/** Solves the binary problem; labels are +1 / -1. */
export function trainBinarySvm(rows: readonly (readonly number[])[], labels: readonly number[], options: SvmOptions): BinarySvm {
  const n = rows.length;
  const d = rows[0]!.length;
  const C = options.cost;
  const eps = options.eps ?? 1e-3;
  const maxIterations = options.maxIterations ?? Math.max(10_000_000, 100 * n);
  const x = new Float64Array(n * d);
  rows.forEach((r, i) => r.forEach((v, k) => (x[i * d + k] = v)));
  const y = Int8Array.from(labels, (v) => (v > 0 ? 1 : -1));
  const kernel = new KernelRows(x, n, d, options.gamma, options.cacheRows ?? 400);
  const alpha = new Float64Array(n);
  // Gradient of the objective: G = Q a - e; a = 0 at the start.
  const G = new Float64Array(n).fill(-1);
  // The RBF kernel's diagonal is 1.
  const QD = 1;
  const upper = (t: number) => alpha[t]! >= C;
  const lower = (t: number) => alpha[t]! <= 0;

  let iterations = 0;
  let violation = Infinity;
  while (iterations < maxIterations) {
    // i: the index that violates the optimality conditions most (first order).
    let Gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] === 1) {
        if (!upper(t) && -G[t]! >= Gmax) {
          Gmax = -G[t]!;
          i = t;
        }
      } else if (!lower(t) && G[t]! >= Gmax) {
        Gmax = G[t]!;
        i = t;
      }
    }
    if (i === -1) break;
    const Ki = kernel.row(i);
    // j: the partner that decreases the objective most (second order).
    let Gmax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    for (let t = 0; t < n; t++) {
      if (y[t] === 1) {
        if (lower(t)) continue;
        const gradDiff = Gmax + G[t]!;
        if (G[t]! >= Gmax2) Gmax2 = G[t]!;
        if (gradDiff > 0) {
          // QD_i + QD_t - 2 y_i Q_it, with Q_it = y_i y_t K_it and y_t = +1.
          const quad = QD + QD - 2 * Ki[t]!;
          const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (obj <= best) {
            best = obj;
            j = t;
          }
        }
      } else {
        if (upper(t)) continue;
        const gradDiff = Gmax - G[t]!;
        if (-G[t]! >= Gmax2) Gmax2 = -G[t]!;
        if (gradDiff > 0) {
          const quad = QD + QD - 2 * Ki[t]!;
          const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (obj <= best) {
            best = obj;
            j = t;
          }
        }
      }
    }
    violation = Gmax + Gmax2;
    if (violation < eps || j === -1) break;
    iterations += 1;

    const Kj = kernel.row(j);
    const Qij = y[i]! * y[j]! * Ki[j]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    let ai = oldI;
    let aj = oldJ;
    if (y[i] !== y[j]) {
      const quad = Math.max(QD + QD + 2 * Qij, TAU);
      const delta = (-G[i]! - G[j]!) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > 0) {
        if (ai > C) {
          ai = C;
          aj = C - diff;
        }
      } else if (aj > C) {
        aj = C;
        ai = C + diff;
      }
    } else {
      const quad = Math.max(QD + QD - 2 * Qij, TAU);
      const delta = (G[i]! - G[j]!) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > C) {
        if (ai > C) {
          ai = C;
          aj = sum - C;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > C) {
        if (aj > C) {
          aj = C;
          ai = sum - C;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dI = (ai - oldI) * y[i]!;
    const dJ = (aj - oldJ) * y[j]!;
    // G_k += Q_ki dA_i + Q_kj dA_j, Q_ki = y_k y_i K_ki.
    for (let k = 0; k < n; k++) G[k]! += y[k]! * (Ki[k]! * dI + Kj[k]! * dJ);
  }

  // rho: the mean of y_i G_i over free vectors, else the middle of the feasible range.
  let ub = Infinity;
  let lb = -Infinity;
  let free = 0;
  let sumFree = 0;
  for (let t = 0; t < n; t++) {
    const yG = y[t]! * G[t]!;
    if (upper(t)) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      free += 1;
      sumFree += yG;
    }
  }
  const rho = free > 0 ? sumFree / free : (ub + lb) / 2;
  let objective = 0;
  for (let t = 0; t < n; t++) objective += (alpha[t]! * (G[t]! - 1)) / 2;

  const support: number[] = [];
  for (let t = 0; t < n; t++) if (alpha[t]! > 0) support.push(t);
  const vectors = new Float64Array(support.length * d);
  const coef = new Float64Array(support.length);
  support.forEach((t, s) => {
    vectors.set(x.subarray(t * d, t * d + d), s * d);
    coef[s] = y[t]! * alpha[t]!;
  });
  return { vectors, coef, rho, iterations, objective, violation, alpha };
}

/** The decision value sum_i y_i a_i K(x_i, z) - rho; positive means the +1 class. */
export function decisionValue(model: BinarySvm, gamma: number, z: readonly number[]): number {
  const d = z.length;
  let s = 0;
  for (let v = 0; v < model.coef.length; v++) {
    let dist = 0;
    const o = v * d;
    for (let k = 0; k < d; k++) {
      const diff = model.vectors[o + k]! - z[k]!;
      dist += diff * diff;
    }
    s += model.coef[v]! * Math.exp(-gamma * dist);
  }
  return s - model.rho;
}

/** A multi-class C-SVC: one binary machine per pair of classes, prediction by vote (LIBSVM's one-vs-one). */
export function trainSvm(rows: readonly (readonly number[])[], labels: readonly number[], options: SvmOptions) {
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const machines: { a: number; b: number; model: BinarySvm }[] = [];
  for (let p = 0; p < classes.length; p++) {
    for (let q = p + 1; q < classes.length; q++) {
      const a = classes[p]!;
      const b = classes[q]!;
      const idx = labels.flatMap((l, i) => (l === a || l === b ? [i] : []));
      machines.push({ a, b, model: trainBinarySvm(idx.map((i) => rows[i]!), idx.map((i) => (labels[i] === a ? 1 : -1)), options) });
    }
  }
  return {
    machines,
    predict(samples: readonly (readonly number[])[]): number[] {
      return samples.map((z) => {
        if (machines.length === 0) return classes[0]!;
        const votes = new Map<number, number>();
        for (const m of machines) {
          const winner = decisionValue(m.model, options.gamma, z) > 0 ? m.a : m.b;
          votes.set(winner, (votes.get(winner) ?? 0) + 1);
        }
        // Ties go to the smaller label, as in LIBSVM.
        return [...votes.entries()].sort((u, v) => v[1] - u[1] || u[0] - v[0])[0]![0];
      });
    },
  };
}
