import type { MotionField } from "../motion/field.js";
import type { Random } from "./random.js";

/** a t^b + c (t in minutes, km/h): the standard deviation of the motion error after t minutes. */
export type PowerLaw = readonly [a: number, b: number, c: number];

export type MotionPerturbationLaws = { parallel: PowerLaw; perpendicular: PowerLaw };

/** pySTEPS' defaults (after Bowler et al. 2006), kept for comparison. */
export const PYSTEPS_MOTION_PERTURBATION: MotionPerturbationLaws = {
  parallel: [10.88, 0.23, -7.68],
  perpendicular: [5.76, 0.31, -2.72],
};

export function powerLawKmPerHour(law: PowerLaw, minutes: number): number {
  return Math.max(0, law[0] * minutes ** law[1] + law[2]);
}

/**
 * Motion perturbations as pySTEPS' noise.motion "bps": each member draws one standard normal
 * for the component along the motion and one across it; at lead t its velocity is
 * V + eps_par s_par(t) V/|V| + eps_perp s_perp(t) V_perp/|V|, the direction taken per motion
 * cell (the domain-mean direction where a cell does not move). What is returned is the extra
 * backward displacement per motion cell and lead, image pixels: minus the perturbations summed
 * over the steps up to that lead (the perturbation is evaluated at the cell, not along the
 * trajectory, which is what keeps it one addition per cell).
 */
export class MotionPerturbation {
  private readonly alongX: Float32Array;
  private readonly alongY: Float32Array;
  /** Summed spread up to each lead, pixels per step, parallel and perpendicular. */
  private readonly summedParallel: Float64Array;
  private readonly summedPerpendicular: Float64Array;

  constructor(
    readonly motion: MotionField,
    laws: MotionPerturbationLaws,
    pixelM: number,
    stepMinutes: number,
    leads: number,
  ) {
    const cells = motion.u.length;
    this.alongX = new Float32Array(cells);
    this.alongY = new Float32Array(cells);
    let su = 0;
    let sv = 0;
    for (let i = 0; i < cells; i++) (su += motion.u[i]!), (sv += motion.v[i]!);
    const meanSpeed = Math.hypot(su, sv);
    const fallbackX = meanSpeed > 1e-9 ? su / meanSpeed : 1;
    const fallbackY = meanSpeed > 1e-9 ? sv / meanSpeed : 0;
    for (let i = 0; i < cells; i++) {
      const speed = Math.hypot(motion.u[i]!, motion.v[i]!);
      this.alongX[i] = speed > 1e-3 ? motion.u[i]! / speed : fallbackX;
      this.alongY[i] = speed > 1e-3 ? motion.v[i]! / speed : fallbackY;
    }
    const kmhToPxPerStep = (1000 / pixelM) * (stepMinutes / 60);
    this.summedParallel = new Float64Array(leads);
    this.summedPerpendicular = new Float64Array(leads);
    let parallel = 0;
    let perpendicular = 0;
    for (let k = 0; k < leads; k++) {
      const minutes = (k + 1) * stepMinutes;
      parallel += powerLawKmPerHour(laws.parallel, minutes) * kmhToPxPerStep;
      perpendicular += powerLawKmPerHour(laws.perpendicular, minutes) * kmhToPxPerStep;
      this.summedParallel[k] = parallel;
      this.summedPerpendicular[k] = perpendicular;
    }
  }

  /** One member's two normal deviates. */
  draw(random: Random): { parallel: number; perpendicular: number } {
    return { parallel: random.normal(), perpendicular: random.normal() };
  }

  /** dx/dy (per motion cell) = trajectory displacement at lead k (1-based) plus the member's offset. */
  displace(
    member: { parallel: number; perpendicular: number },
    lead: number,
    trajectory: { dx: Float32Array; dy: Float32Array },
    outDx: Float32Array,
    outDy: Float32Array,
  ): void {
    const a = member.parallel * this.summedParallel[lead - 1]!;
    const b = member.perpendicular * this.summedPerpendicular[lead - 1]!;
    const { alongX, alongY } = this;
    for (let i = 0; i < alongX.length; i++) {
      // across = (-along.y, along.x)
      outDx[i] = trajectory.dx[i]! - (a * alongX[i]! - b * alongY[i]!);
      outDy[i] = trajectory.dy[i]! - (a * alongY[i]! + b * alongX[i]!);
    }
  }
}

/**
 * Fit of a t^b (c = 0) to (minutes, km/h) samples by least squares in log-log. With c free the
 * fit is ill-conditioned on an hour of leads (b runs to 0 with a and c cancelling, a logarithm
 * in disguise); c = 0 keeps a and b meaningful and the law 0 at t = 0.
 */
export function fitPowerLaw(samples: readonly { minutes: number; kmPerHour: number }[]): PowerLaw {
  const usable = samples.filter((s) => s.minutes > 0 && s.kmPerHour > 0);
  if (usable.length < 2) throw new RangeError("a power law needs at least 2 positive samples");
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const { minutes, kmPerHour } of usable) {
    const x = Math.log(minutes);
    const y = Math.log(kmPerHour);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const n = usable.length;
  const b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const a = Math.exp((sy - b * sx) / n);
  return [a, b, 0];
}

/**
 * Accumulates the engine's own motion errors: the motion estimated `lead` steps later minus the
 * motion the nowcast used, at motion cells where the analysis rains, split along and across the
 * used motion of each cell; standard deviations per lead in km/h.
 */
export class MotionErrorAccumulator {
  private readonly sums: Float64Array[];

  constructor(
    readonly leads: number,
    readonly stepMinutes: number,
    readonly pixelM: number,
  ) {
    // Per lead: count, sum and sum of squares along, then across.
    this.sums = Array.from({ length: leads }, () => new Float64Array(5));
  }

  /** used: the motion at analysis time; later: the motion estimated lead steps later; wetCell[i]: cell i rains at analysis. */
  add(used: MotionField, later: MotionField, lead: number, wetCell: Uint8Array): void {
    const s = this.sums[lead - 1]!;
    for (let i = 0; i < used.u.length; i++) {
      if (!wetCell[i]) continue;
      const speed = Math.hypot(used.u[i]!, used.v[i]!);
      if (speed < 1e-3) continue;
      const ax = used.u[i]! / speed;
      const ay = used.v[i]! / speed;
      const du = later.u[i]! - used.u[i]!;
      const dv = later.v[i]! - used.v[i]!;
      const along = du * ax + dv * ay;
      const across = -du * ay + dv * ax;
      s[0]!++;
      s[1]! += along;
      s[2]! += along * along;
      s[3]! += across;
      s[4]! += across * across;
    }
  }

  /** Per lead: minutes, cells, and the standard deviations along and across, km/h. */
  statistics(): { minutes: number; cells: number; parallelKmPerHour: number; perpendicularKmPerHour: number }[] {
    const toKmh = (this.pixelM / 1000) * (60 / this.stepMinutes);
    return this.sums.map((s, k) => {
      const n = s[0]!;
      const std = (sum: number, squares: number) => (n > 1 ? Math.sqrt(Math.max(0, squares / n - (sum / n) ** 2)) : NaN);
      return { minutes: (k + 1) * this.stepMinutes, cells: n, parallelKmPerHour: std(s[1]!, s[2]!) * toKmh, perpendicularKmPerHour: std(s[3]!, s[4]!) * toKmh };
    });
  }
}
