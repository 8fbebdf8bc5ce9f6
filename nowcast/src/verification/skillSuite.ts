import { dbzToRainRateArray, MARSHALL_PALMER } from "../convert.js";
import { blockBootstrapInterval, type Interval, sumVectors } from "./bootstrap.js";
import { ContingencyAccumulator, VERIFICATION_THRESHOLDS_MM_PER_HOUR } from "./contingency.js";
import { EnsembleAccumulator, ensembleScores, type EnsembleScores } from "./ensembleScores.js";
import { FssAccumulator, fssScores } from "./fss.js";
import { BrierAccumulator, brierScores, DEFAULT_RELIABILITY_BINS, type ProbabilisticScores } from "./probabilistic.js";
import { RocAccumulator, rocScores, type RocScores } from "./roc.js";

/** FSS windows, pixels (1 km pixels: 1 to 64 km). */
export const FSS_SCALES_PX: readonly number[] = [1, 2, 4, 8, 16, 32, 64];
export const FSS_THRESHOLDS_MM_PER_HOUR: readonly number[] = [1, 5];
export const ROC_BINS = 20;

/** One nowcast to score: dBZ fields per lead, and for an ensemble its probability maps and members. */
export type ScoredNowcast = {
  width: number;
  height: number;
  frames: readonly Float32Array[];
  ensemble?: {
    thresholdsMmPerHour: readonly number[];
    probabilities: readonly (readonly Float32Array[])[];
    memberFrames?: readonly (readonly Float32Array[])[];
  };
};

type Sums = Record<string, Float64Array>;

/**
 * Every score of the protocol for one model, per lead: contingency tables at the verification
 * thresholds, MAE of rain rate, FSS over scales; for an ensemble also the Brier score with its
 * decomposition and reliability bins, ROC, CRPS, rank histogram and spread/skill. Each start
 * time is accumulated into its own sums (a start is a group: several crops of one start time
 * count as one), so that the headline scores get block-bootstrap intervals over start times.
 * Observations and forecasts become rain rates by Marshall-Palmer, as everywhere in verification.
 */
export class SkillSuite {
  /** perStart[s][lead - 1]: named sums of start s. */
  private readonly perStart: Sums[][] = [];
  private members = 0;
  private probabilityThresholds: number[] = [];

  constructor(
    readonly leads: number,
    readonly stepMinutes: number,
    readonly thresholdsMmPerHour: readonly number[] = VERIFICATION_THRESHOLDS_MM_PER_HOUR,
  ) {}

  /** Starts a new start-time group; add() then adds to it. */
  beginStart(): void {
    this.perStart.push(Array.from({ length: this.leads }, () => ({})));
  }

  add(nowcast: ScoredNowcast, observedDbz: readonly Float32Array[]): void {
    if (this.perStart.length === 0) this.beginStart();
    const group = this.perStart.at(-1)!;
    const { width, height } = nowcast;
    for (let k = 0; k < this.leads; k++) {
      const sums = group[k]!;
      const observed = dbzToRainRateArray(observedDbz[k]!, MARSHALL_PALMER);
      const forecast = dbzToRainRateArray(nowcast.frames[k]!, MARSHALL_PALMER);
      const table = new ContingencyAccumulator(this.thresholdsMmPerHour);
      table.add(forecast, observed);
      const counts = table.scores().flatMap((c) => [c.hits, c.misses, c.falseAlarms, c.correctNegatives]);
      let n = 0;
      let absolute = 0;
      let squared = 0;
      for (let i = 0; i < forecast.length; i++) {
        const e = forecast[i]! - observed[i]!;
        if (e === e) (n++, (absolute += Math.abs(e)), (squared += e * e));
      }
      accumulate(sums, "contingency", Float64Array.from(counts));
      accumulate(sums, "mae", Float64Array.of(absolute, n, squared));
      const fss = new FssAccumulator(FSS_THRESHOLDS_MM_PER_HOUR, FSS_SCALES_PX);
      fss.add(forecast, observed, width, height);
      accumulate(sums, "fss", fss.sums);
      const ens = nowcast.ensemble;
      if (!ens) continue;
      this.probabilityThresholds = [...ens.thresholdsMmPerHour];
      ens.thresholdsMmPerHour.forEach((threshold, t) => {
        const map = ens.probabilities[t]![k]!;
        const brier = new BrierAccumulator(threshold);
        brier.add(map, observed);
        accumulate(sums, `brier:${threshold}`, brier.sums);
        const roc = new RocAccumulator(threshold, ROC_BINS);
        roc.add(map, observed);
        accumulate(sums, `roc:${threshold}`, roc.sums);
      });
      if (ens.memberFrames) {
        this.members = ens.memberFrames.length;
        const scores = new EnsembleAccumulator(this.members);
        scores.addDbz(
          ens.memberFrames.map((m) => m[k]!),
          observedDbz[k]!,
        );
        accumulate(sums, "ensemble", scores.sums);
      }
    }
  }

  get starts(): number {
    return this.perStart.length;
  }

  scores(): SkillLead[] {
    return Array.from({ length: this.leads }, (_, k) => {
      const starts = this.perStart.map((g) => g[k]!);
      const of = (key: string) => starts.map((s) => s[key]).filter((v): v is Float64Array => v !== undefined);
      const total = (key: string) => sumVectors(of(key));
      const interval = (key: string, score: (sums: Float64Array) => number): Interval => blockBootstrapInterval(of(key), score);
      const thresholds = this.thresholdsMmPerHour;
      const csiOf = (t: number) => (s: Float64Array) => {
        const hits = s[4 * t]!;
        const denominator = hits + s[4 * t + 1]! + s[4 * t + 2]!;
        return denominator ? hits / denominator : NaN;
      };
      const contingency = total("contingency");
      const categorical = thresholds.map((threshold, t) => {
        const hits = contingency[4 * t]!;
        const misses = contingency[4 * t + 1]!;
        const falseAlarms = contingency[4 * t + 2]!;
        return {
          thresholdMmPerHour: threshold,
          csi: csiOf(t)(contingency),
          csi90: interval("contingency", csiOf(t)),
          pod: hits + misses ? hits / (hits + misses) : NaN,
          far: hits + falseAlarms ? falseAlarms / (hits + falseAlarms) : NaN,
          bias: hits + misses ? (hits + falseAlarms) / (hits + misses) : NaN,
        };
      });
      const maeOf = (s: Float64Array) => (s[1]! ? s[0]! / s[1]! : NaN);
      const fss = fssScores(total("fss"), FSS_THRESHOLDS_MM_PER_HOUR.length, FSS_SCALES_PX.length);
      const lead: SkillLead = {
        leadMinutes: (k + 1) * this.stepMinutes,
        categorical,
        maeMmPerHour: maeOf(total("mae")),
        rmseMmPerHour: Math.sqrt(total("mae")[2]! / total("mae")[1]!),
        mae90: interval("mae", maeOf),
        fss: FSS_THRESHOLDS_MM_PER_HOUR.map((threshold, t) => ({
          thresholdMmPerHour: threshold,
          byScale: FSS_SCALES_PX.map((scalePx, s) => ({ scalePx, fss: fss[t]![s]! })),
        })),
      };
      if (this.probabilityThresholds.length && of(`brier:${this.probabilityThresholds[0]}`).length) {
        lead.probabilistic = this.probabilityThresholds.map((threshold) => {
          const bssOf = (s: Float64Array) => brierScores(s, threshold).brierSkill;
          const areaOf = (s: Float64Array) => rocScores(s, ROC_BINS).area;
          return {
            ...brierScores(total(`brier:${threshold}`), threshold, DEFAULT_RELIABILITY_BINS),
            brierSkill90: interval(`brier:${threshold}`, bssOf),
            roc: rocScores(total(`roc:${threshold}`), ROC_BINS),
            rocArea90: interval(`roc:${threshold}`, areaOf),
          };
        });
      }
      if (this.members && of("ensemble").length) {
        const m = this.members;
        lead.ensemble = {
          ...ensembleScores(total("ensemble"), m),
          crps90: interval("ensemble", (s) => ensembleScores(s, m).crpsMmPerHour),
          spreadSkill90: interval("ensemble", (s) => ensembleScores(s, m).spreadSkillRatio),
          outerRankShare90: interval("ensemble", (s) => ensembleScores(s, m).outerRankShare),
        };
      }
      return lead;
    });
  }
}

export type SkillLead = {
  leadMinutes: number;
  categorical: { thresholdMmPerHour: number; csi: number; csi90: Interval; pod: number; far: number; bias: number }[];
  maeMmPerHour: number;
  rmseMmPerHour: number;
  mae90: Interval;
  fss: { thresholdMmPerHour: number; byScale: { scalePx: number; fss: number }[] }[];
  probabilistic?: (ProbabilisticScores & { brierSkill90: Interval; roc: RocScores; rocArea90: Interval })[];
  ensemble?: EnsembleScores & { crps90: Interval; spreadSkill90: Interval; outerRankShare90: Interval };
};

function accumulate(sums: Sums, key: string, values: Float64Array): void {
  const existing = sums[key];
  if (!existing) sums[key] = values.slice();
  else for (let i = 0; i < values.length; i++) existing[i]! += values[i]!;
}
