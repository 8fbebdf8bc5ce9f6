// The two baselines: uniform (each column uniform over its real range or
// categories) and independent marginals (each column's own distribution, no
// relations between columns).
import { emptyLike } from "../table";
import { categoryCumulative, drawCategory, drawEmpirical, numericMarginal } from "./marginal";
import type { Synthesizer } from "./types";

export const uniform: Synthesizer = {
  id: "uniform",
  label: "Uniform",
  description: "Each column uniform over the real range or the real categories; the baseline every score is read against.",
  benchOnly: false,
  fit(train) {
    const shapes = train.columns.map((c) => {
      if (c.kind === "categorical") {
        const missing = c.codes.reduce((n, x) => n + (x < 0 ? 1 : 0), 0) / c.codes.length;
        return { k: c.categories.length, missing, min: 0, max: 0 };
      }
      const m = numericMarginal(c);
      return { k: 0, missing: m.missing, min: m.min, max: m.max };
    });
    return {
      sample(rows, rng) {
        const out = emptyLike(train, rows);
        out.columns.forEach((c, j) => {
          const s = shapes[j]!;
          if (c.kind === "categorical") for (let i = 0; i < rows; i++) c.codes[i] = s.missing > 0 && rng.next() < s.missing ? -1 : rng.int(s.k);
          else for (let i = 0; i < rows; i++) c.values[i] = s.missing > 0 && rng.next() < s.missing ? NaN : s.min + rng.next() * (s.max - s.min);
        });
        return out;
      },
    };
  },
};

export const independentMarginals: Synthesizer = {
  id: "marginals",
  label: "Independent marginals",
  description: "Each column drawn from its own empirical distribution, independently of the others.",
  benchOnly: false,
  fit(train) {
    const samplers = train.columns.map((c) => (c.kind === "categorical" ? { cum: categoryCumulative(c) } : { num: numericMarginal(c) }));
    return {
      sample(rows, rng) {
        const out = emptyLike(train, rows);
        out.columns.forEach((c, j) => {
          const s = samplers[j]!;
          if (c.kind === "categorical") for (let i = 0; i < rows; i++) c.codes[i] = drawCategory(s.cum!, rng);
          else for (let i = 0; i < rows; i++) c.values[i] = drawEmpirical(s.num!, rng);
        });
        return out;
      },
    };
  },
};

/** The row-copying control: a bootstrap of real rows. It exists to prove the privacy floor refuses a copier. */
export const bootstrapControl: Synthesizer = {
  id: "bootstrap",
  label: "Row-copying control",
  description: "Real training rows drawn with replacement. Benchmark only: it must score the highest quality and still be refused.",
  benchOnly: true,
  fit(train) {
    return {
      sample(rows, rng) {
        const out = emptyLike(train, rows);
        const pick = Int32Array.from({ length: rows }, () => rng.int(train.rows));
        out.columns.forEach((c, j) => {
          const src = train.columns[j]!;
          if (c.kind === "categorical" && src.kind === "categorical") for (let i = 0; i < rows; i++) c.codes[i] = src.codes[pick[i]!]!;
          else if (c.kind === "numeric" && src.kind === "numeric") for (let i = 0; i < rows; i++) c.values[i] = src.values[pick[i]!]!;
        });
        return out;
      },
    };
  },
};
