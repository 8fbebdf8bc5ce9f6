// One synthesizer's whole job: fit on the training rows, sample as many rows,
// write them as the CSV a person downloads, and score them. Shared by the queue
// job (worker/synth/jobs.ts) and the benchmark (worker/synth/bench.ts).
import { writeCsv, type RawTable } from "./csv";
import { evaluate, type Scores } from "./metrics/evaluate";
import type { Metadata } from "./metadata";
import { Rng } from "./random";
import { synthesizer, type SynthOptions } from "./synthesizers";
import { conformToCsv, decodeTable, encodeTable, splitHoldout, type Table } from "./table";

export const HOLDOUT_SHARE = 0.5;

export interface Prepared {
  train: Table;
  holdout: Table;
  metadata: Metadata;
}

/** Encodes the table and splits off the holdout (seeded: the same for every synthesizer of a run). */
export function prepare(raw: RawTable, metadata: Metadata, seed: number): Prepared {
  const table = encodeTable(raw, metadata);
  const { train, holdout } = splitHoldout(table, new Rng(seed), HOLDOUT_SHARE);
  return { train, holdout, metadata };
}

export interface Timing {
  fitSeconds: number;
  sampleSeconds: number;
  /** Peak growth of heap + array buffers over the run (Node only; null where the runtime has no memory API). */
  peakMemoryBytes: number | null;
}

export interface Outcome {
  synthesizer: string;
  rows: number;
  timing: Timing;
  scores: Scores;
  csv: string;
}

/** Hooks the host provides: a clock and a memory probe (workerd has neither a moving clock during compute nor a heap API). */
export interface Host {
  now(): number;
  memory(): number | null;
  /** Lets the clock move (workerd advances time only across I/O). */
  tick(): Promise<void>;
}

export const nodeHost = (): Host => ({
  now: () => performance.now(),
  memory: () => {
    const m = (globalThis as { process?: { memoryUsage(): { heapUsed: number; arrayBuffers: number } } }).process?.memoryUsage();
    return m ? m.heapUsed + m.arrayBuffers : null;
  },
  tick: async () => {},
});

export async function runSynthesizer(prepared: Prepared, id: string, seed: number, options: SynthOptions, host: Host): Promise<Outcome> {
  const spec = synthesizer(id);
  const rng = new Rng(seed);
  const base = host.memory();
  let peak = 0;
  const probe = () => {
    const m = host.memory();
    if (m !== null && base !== null) peak = Math.max(peak, m - base);
  };
  await host.tick();
  const t0 = host.now();
  const model = spec.fit(prepared.train, rng.fork(1), options);
  probe();
  await host.tick();
  const t1 = host.now();
  const synthetic = conformToCsv(model.sample(prepared.train.rows, rng.fork(2)));
  probe();
  await host.tick();
  const t2 = host.now();
  const syntheticCsv = decodeTable(synthetic);
  const scores = evaluate({ train: prepared.train, holdout: prepared.holdout, synthetic, syntheticCsv, target: prepared.metadata.target, seed });
  return {
    synthesizer: id,
    rows: synthetic.rows,
    timing: { fitSeconds: (t1 - t0) / 1000, sampleSeconds: (t2 - t1) / 1000, peakMemoryBytes: base === null ? null : peak },
    scores,
    csv: writeCsv(syntheticCsv),
  };
}
