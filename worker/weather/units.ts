// Observations are stored in one canonical unit set; providers that report in
// other units are converted on the way in (the raw landing keeps the originals).
export const CANONICAL_UNITS = {
  temperature: "°C",
  precipitation: "mm",
  windSpeed: "m/s",
  relativeHumidity: "%",
} as const;
export type UnitSet = { temperature: string; precipitation: string; windSpeed: string; relativeHumidity: string };

/** Thrown for a unit the normalizer cannot convert; the payload is then refused as invalid. */
export class UnitError extends Error {}

const temperature: Record<string, (v: number) => number> = {
  "°C": (v) => v,
  "°F": (v) => ((v - 32) * 5) / 9,
  "wmoUnit:degC": (v) => v,
  "wmoUnit:degF": (v) => ((v - 32) * 5) / 9,
};
const precipitation: Record<string, (v: number) => number> = {
  mm: (v) => v,
  inch: (v) => v * 25.4,
  "wmoUnit:mm": (v) => v,
  "wmoUnit:m": (v) => v * 1000,
};
const windSpeed: Record<string, (v: number) => number> = {
  "m/s": (v) => v,
  "km/h": (v) => v / 3.6,
  "mp/h": (v) => v * 0.44704,
  mph: (v) => v * 0.44704,
  kn: (v) => v * 0.514444,
  "wmoUnit:m_s-1": (v) => v,
  "wmoUnit:km_h-1": (v) => v / 3.6,
};
const humidity: Record<string, (v: number) => number> = { "%": (v) => v, "wmoUnit:percent": (v) => v };

type Quantity = "temperature" | "precipitation" | "windSpeed" | "relativeHumidity";
const converters: Record<Quantity, Record<string, (v: number) => number>> = {
  temperature,
  precipitation,
  windSpeed,
  relativeHumidity: humidity,
};

/** Converts a value in `unit` to the canonical unit of `quantity`; null stays null. */
export function toCanonical(quantity: Quantity, unit: string, value: number | null): number | null {
  const convert = converters[quantity][unit];
  if (!convert) throw new UnitError(`unknown ${quantity} unit "${unit}"`);
  return value === null ? null : round(convert(value), 3);
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
