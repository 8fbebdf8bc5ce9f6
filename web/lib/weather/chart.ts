// Small scale helpers for the server-rendered SVG charts.

export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Round tick values from below min to above max with steps of 1, 2, 2.5 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  const last = Math.ceil(max / step) * step;
  for (let v = Math.floor(min / step) * step; v <= last + step * 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Month-start ticks between two dates: every month, quarter or year depending on the span. */
export function dateTicks(from: string, to: string): { ms: number; label: string }[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const days = (end - start) / 86_400_000;
  const every = days <= 400 ? 1 : days <= 3 * 366 ? 3 : 12;
  const ticks: { ms: number; label: string }[] = [];
  const d = new Date(start);
  let cursor = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (d.getUTCDate() > 1 ? 1 : 0), 1));
  while (cursor.getTime() <= end) {
    const m = cursor.getUTCMonth();
    if (m % every === 0) ticks.push({ ms: cursor.getTime(), label: m === 0 || ticks.length === 0 ? `${MONTHS[m]} ${cursor.getUTCFullYear()}` : MONTHS[m]! });
    cursor = new Date(Date.UTC(cursor.getUTCFullYear(), m + 1, 1));
  }
  return ticks;
}

export function formatNumber(v: number | null, digits = 1): string {
  return v === null ? "–" : v.toFixed(digits);
}

/** One formatter per locale: a page formats a hundred days, and building a formatter is the slow part. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A local day (YYYY-MM-DD) in the reader's locale: "3 Dec 2026", "3.12.2026", "Dec 3, 2026". */
export function formatDay(isoDay: string, locale: string): string {
  const ms = Date.parse(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(ms)) return isoDay;
  let format = dayFormats.get(locale);
  if (!format) dayFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" })));
  return format.format(ms);
}
