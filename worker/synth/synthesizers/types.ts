import type { Rng } from "../random";
import type { Table } from "../table";

export interface SynthOptions {
  /** PrivBayes' privacy budget. */
  epsilon: number;
}

/** A fitted synthesizer: draws synthetic rows of the training table's columns. */
export interface Model {
  sample(rows: number, rng: Rng): Table;
}

export interface Synthesizer {
  id: string;
  label: string;
  description: string;
  /** Controls that exist only to test the benchmark (the row-copying bootstrap). */
  benchOnly: boolean;
  fit(train: Table, rng: Rng, options: SynthOptions): Model;
}
