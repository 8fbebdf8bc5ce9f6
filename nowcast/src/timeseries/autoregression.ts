/**
 * AR(2) per cascade level, as pySTEPS' timeseries.autoregression: the lag-2 correlation is
 * first adjusted into the region where an AR(2) process with these correlations is
 * stationary (gamma2 > 2 gamma1^2 - 1), then the Yule-Walker equations give the coefficients.
 */
export type Ar2 = {
  phi1: number;
  phi2: number;
  /** Standard deviation of the innovation of a unit-variance process: sqrt(1 - phi1 gamma1 - phi2 gamma2). */
  innovation: number;
  gamma1: number;
  gamma2: number;
};

export function adjustLag2Correlation(gamma1: number, gamma2: number): number {
  return Math.min(Math.max(gamma2, 2 * gamma1 * gamma1 - 1 + 1e-10), 1 - 1e-10);
}

export function yuleWalkerAr2(gamma1Raw: number, gamma2Raw: number): Ar2 {
  // |gamma1| < 1 keeps the system solvable; a level that did not change at all stays as it is.
  const gamma1 = Math.min(Math.max(gamma1Raw, -0.9999), 0.9999);
  const gamma2 = adjustLag2Correlation(gamma1, gamma2Raw);
  const d = 1 - gamma1 * gamma1;
  const phi1 = (gamma1 * (1 - gamma2)) / d;
  const phi2 = (gamma2 - gamma1 * gamma1) / d;
  const innovation = Math.sqrt(Math.max(0, 1 - phi1 * gamma1 - phi2 * gamma2));
  return { phi1, phi2, innovation, gamma1, gamma2 };
}
