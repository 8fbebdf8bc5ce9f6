// The one registry of synthesizers, by id.
import { bootstrapControl, independentMarginals, uniform } from "./baselines";
import { chowLiu, privBayes } from "./bayes-net";
import { cart } from "./cart";
import { gaussianCopula, gaussianCopulaFitted } from "./copula";
import type { Synthesizer } from "./types";

export type { Model, Synthesizer, SynthOptions } from "./types";

export const SYNTHESIZERS = [uniform, independentMarginals, gaussianCopula, gaussianCopulaFitted, chowLiu, privBayes, cart, bootstrapControl] as const;

/** Ids a run may ask for (the row-copying control is the benchmark's only). */
export const SYNTHESIZER_IDS = ["uniform", "marginals", "gaussian-copula", "gaussian-copula-fitted", "chow-liu", "privbayes", "cart"] as const;
export type SynthesizerId = (typeof SYNTHESIZER_IDS)[number];

/** The reference of the selection: a winner's quality must be at least this one's. */
export const REFERENCE_SYNTHESIZER: SynthesizerId = "gaussian-copula";

export function synthesizer(id: string): Synthesizer {
  const s = SYNTHESIZERS.find((x) => x.id === id);
  if (!s) throw new Error(`no synthesizer ${id}`);
  return s;
}
