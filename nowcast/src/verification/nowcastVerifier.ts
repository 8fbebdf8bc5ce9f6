import { dbzToRainRateArray, MARSHALL_PALMER } from "../convert.js";
import { type CategoricalScores, ContingencyAccumulator, VERIFICATION_THRESHOLDS_MM_PER_HOUR } from "./contingency.js";
import { ErrorAccumulator } from "./errors.js";

export type LeadScores = {
  leadMinutes: number;
  categorical: CategoricalScores[];
  /** Mean absolute error of rain rate, mm/h. */
  mae: number;
  /** Root-mean-square error of rain rate, mm/h. */
  rmse: number;
  /** Pixels verified (both values present), summed over forecasts. */
  pixels: number;
};

/**
 * Scores nowcasts per lead against observations, both given as dBZ. Rain rate comes from
 * Marshall-Palmer whatever the source, so that scores compare across composites.
 */
export class NowcastVerifier {
  private readonly contingency: ContingencyAccumulator[];
  private readonly errors: ErrorAccumulator[];
  private forecastMmPerHour = new Float32Array(0);
  private observedMmPerHour = new Float32Array(0);

  constructor(
    readonly leads: number,
    readonly stepMinutes: number,
    readonly thresholdsMmPerHour: readonly number[] = VERIFICATION_THRESHOLDS_MM_PER_HOUR,
  ) {
    this.contingency = Array.from({ length: leads }, () => new ContingencyAccumulator(thresholdsMmPerHour));
    this.errors = Array.from({ length: leads }, () => new ErrorAccumulator());
  }

  /** Adds one nowcast: forecastDbz[k] and observedDbz[k] are valid at lead k + 1. */
  add(forecastDbz: readonly Float32Array[], observedDbz: readonly Float32Array[]): void {
    if (forecastDbz.length !== this.leads || observedDbz.length !== this.leads) {
      throw new RangeError(`expected ${this.leads} forecast and observed fields`);
    }
    for (let k = 0; k < this.leads; k++) {
      const forecast = forecastDbz[k]!;
      const observed = observedDbz[k]!;
      if (forecast.length !== observed.length) throw new RangeError("forecast and observation differ in size");
      if (this.forecastMmPerHour.length !== forecast.length) {
        this.forecastMmPerHour = new Float32Array(forecast.length);
        this.observedMmPerHour = new Float32Array(forecast.length);
      }
      dbzToRainRateArray(forecast, MARSHALL_PALMER, this.forecastMmPerHour);
      dbzToRainRateArray(observed, MARSHALL_PALMER, this.observedMmPerHour);
      this.contingency[k]!.add(this.forecastMmPerHour, this.observedMmPerHour);
      this.errors[k]!.add(this.forecastMmPerHour, this.observedMmPerHour);
    }
  }

  scores(): LeadScores[] {
    return this.contingency.map((table, k) => ({
      leadMinutes: (k + 1) * this.stepMinutes,
      categorical: table.scores(),
      mae: this.errors[k]!.mae(),
      rmse: this.errors[k]!.rmse(),
      pixels: this.errors[k]!.pixels,
    }));
  }
}
