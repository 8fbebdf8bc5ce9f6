import type { Coverage } from "./api";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export interface Range {
  from: string;
  to: string;
  /** set when the visitor's own choice was unusable and the default was taken instead */
  problem: string | null;
  cities: string[];
}

function isDate(value: string | null): value is string {
  return value !== null && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The default range: the last 365 days when the latest year with data has at
 * least 60 days of it (collection has been running a while); otherwise that
 * most recent well-covered year, so a fresh install opens on the real history.
 */
export function defaultRange(coverage: Coverage): { from: string; to: string } | null {
  if (!coverage.lastDate) return null;
  const covered = [...coverage.years].reverse().find((y) => y.days >= 60);
  const last = coverage.years.at(-1)!;
  if (!covered || covered.year === last.year) return { from: shift(coverage.lastDate, -364), to: coverage.lastDate };
  return { from: covered.firstDate, to: covered.lastDate };
}

/** Reads ?from=&to=&city= (city may repeat, as checkboxes send it). */
export function readRange(params: URLSearchParams, coverage: Coverage): Range | null {
  const fallback = defaultRange(coverage);
  if (!fallback) return null;
  const cities = params.getAll("city").flatMap((c) => c.split(",")).filter((c) => /^[a-z0-9-]+$/.test(c));
  const from = params.get("from") || null;
  const to = params.get("to") || null;
  if (from === null && to === null) return { ...fallback, problem: null, cities };
  if ((from !== null && !isDate(from)) || (to !== null && !isDate(to))) {
    return { ...fallback, problem: "Dates must be real days written as YYYY-MM-DD; showing the default range.", cities };
  }
  const range = { from: from ?? coverage.firstDate!, to: to ?? coverage.lastDate! };
  if (range.from > range.to) return { ...fallback, problem: "The start date is after the end date; showing the default range.", cities };
  return { ...range, problem: null, cities };
}

export function rangeQuery(range: { from: string; to: string; cities?: string[] }): string {
  const q = new URLSearchParams({ from: range.from, to: range.to });
  if (range.cities?.length) q.set("city", range.cities.join(","));
  return q.toString();
}
