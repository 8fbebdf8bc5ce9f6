import { dbzToRainRateArray, MARSHALL_PALMER, RAIN_DECIBELS } from "../convert.js";

/**
 * Scores of an ensemble as a whole, from its members' fields at one lead and the observation,
 * over the pixels where the observation and every member have a value (pySTEPS'
 * verification.ensscores and probscores.CRPS):
 * - rank histogram: the rank of the observation among the members (ties split at random,
 *   seeded), m + 1 bins; a calibrated ensemble is flat, the outer bins heavy when it is
 *   overconfident. Only pixels where the observation or some member is wet count, as dry
 *   everywhere ties every rank;
 * - CRPS of rain rate (mm/h) from the members' empirical distribution:
 *   mean|X - y| - mean|X - X'| / 2;
 * - spread and skill in dB of rain rate over the same wet pixels:
 *   sqrt of the mean ensemble variance (with the (m + 1) / m factor of Fortin et al. 2014)
 *   against the RMSE of the ensemble mean; their ratio is 1 for a calibrated ensemble.
 * Every accumulator keeps plain sums, so that scores over several nowcasts (and bootstrap
 * resamples of them) are sums of sums.
 */
export class EnsembleAccumulator {
  /** [rank counts (m + 1)], then CRPS sum, CRPS count, variance sum, squared error sum, wet count. */
  readonly sums: Float64Array;
  private seed = 0x2545f491;
  private values = new Float64Array(0);

  constructor(readonly members: number) {
    this.sums = new Float64Array(members + 1 + 5);
  }

  /** membersMmPerHour[j]: member j's rain rate; NaN = no value. */
  add(membersMmPerHour: readonly Float32Array[], observedMmPerHour: Float32Array): void {
    const m = this.members;
    if (membersMmPerHour.length !== m) throw new RangeError(`expected ${m} members`);
    const sums = this.sums;
    const values = this.values.length === m ? this.values : (this.values = new Float64Array(m));
    const wetRate = RAIN_DECIBELS.thresholdMmPerHour;
    const zeroDb = RAIN_DECIBELS.zeroDb;
    const db = (r: number) => (r >= wetRate ? 10 * Math.log10(r) : zeroDb);
    const c = m + 1;
    for (let i = 0; i < observedMmPerHour.length; i++) {
      const y = observedMmPerHour[i]!;
      if (y !== y) continue;
      let complete = true;
      let anyWet = y >= wetRate;
      for (let j = 0; j < m; j++) {
        const x = membersMmPerHour[j]![i]!;
        if (x !== x) {
          complete = false;
          break;
        }
        values[j] = x;
        if (x >= wetRate) anyWet = true;
      }
      if (!complete) continue;
      // CRPS on sorted members: mean|X - y| - sum_{i<j}(x_j - x_i) / m^2.
      values.sort();
      let absolute = 0;
      let pairs = 0;
      for (let j = 0; j < m; j++) {
        absolute += Math.abs(values[j]! - y);
        pairs += (2 * j - m + 1) * values[j]!;
      }
      sums[c]! += absolute / m - pairs / (m * m);
      sums[c + 1]!++;
      if (!anyWet) continue;
      // Rank: members below the observation, ties split uniformly.
      let below = 0;
      let equal = 0;
      for (let j = 0; j < m; j++) {
        if (values[j]! < y) below++;
        else if (values[j] === y) equal++;
      }
      sums[below + (equal ? this.nextInt(equal + 1) : 0)]!++;
      // Spread and skill in dB.
      let mean = 0;
      for (let j = 0; j < m; j++) mean += db(values[j]!);
      mean /= m;
      let variance = 0;
      for (let j = 0; j < m; j++) variance += (db(values[j]!) - mean) ** 2;
      variance /= m - 1;
      const yDb = db(y);
      sums[c + 2]! += variance;
      sums[c + 3]! += (mean - yDb) ** 2;
      sums[c + 4]!++;
    }
  }

  /** Adds member and observation fields given as dBZ, converted with Marshall-Palmer. */
  addDbz(membersDbz: readonly Float32Array[], observedDbz: Float32Array): void {
    this.add(
      membersDbz.map((d) => dbzToRainRateArray(d, MARSHALL_PALMER)),
      dbzToRainRateArray(observedDbz, MARSHALL_PALMER),
    );
  }

  private nextInt(n: number): number {
    // xorshift32: reproducible tie-breaking.
    let s = this.seed;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.seed = s;
    return (s >>> 0) % n;
  }

  scores(): EnsembleScores {
    return ensembleScores(this.sums, this.members);
  }
}

export type EnsembleScores = {
  /** Relative frequency of each rank, m + 1 bins. */
  rankHistogram: number[];
  /** Share of the two outer bins together. */
  outerRankShare: number;
  crpsMmPerHour: number;
  spreadDb: number;
  rmseDb: number;
  spreadSkillRatio: number;
};

export function ensembleScores(sums: Float64Array, members: number): EnsembleScores {
  const c = members + 1;
  let ranked = 0;
  for (let r = 0; r < c; r++) ranked += sums[r]!;
  const rankHistogram = Array.from(sums.subarray(0, c), (n) => (ranked ? n / ranked : NaN));
  const n = sums[c + 4]!;
  const spread = n ? Math.sqrt(((members + 1) / members) * (sums[c + 2]! / n)) : NaN;
  const rmse = n ? Math.sqrt(sums[c + 3]! / n) : NaN;
  return {
    rankHistogram,
    outerRankShare: ranked ? (sums[0]! + sums[c - 1]!) / ranked : NaN,
    crpsMmPerHour: sums[c + 1]! ? sums[c]! / sums[c + 1]! : NaN,
    spreadDb: spread,
    rmseDb: rmse,
    spreadSkillRatio: rmse > 0 ? spread / rmse : NaN,
  };
}
