/** Mean absolute and root-mean-square error over every pixel added; NaN pixels are left out. */
export class ErrorAccumulator {
  private count = 0;
  private sumAbsolute = 0;
  private sumSquared = 0;

  add(forecast: Float32Array, observed: Float32Array): void {
    if (forecast.length !== observed.length) throw new RangeError("fields differ in size");
    let count = 0;
    let sumAbsolute = 0;
    let sumSquared = 0;
    for (let i = 0; i < forecast.length; i++) {
      const error = forecast[i]! - observed[i]!;
      if (error !== error) continue;
      count++;
      sumAbsolute += Math.abs(error);
      sumSquared += error * error;
    }
    this.count += count;
    this.sumAbsolute += sumAbsolute;
    this.sumSquared += sumSquared;
  }

  get pixels(): number {
    return this.count;
  }

  mae(): number {
    return this.count > 0 ? this.sumAbsolute / this.count : NaN;
  }

  rmse(): number {
    return this.count > 0 ? Math.sqrt(this.sumSquared / this.count) : NaN;
  }
}
