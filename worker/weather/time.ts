// Local days need the city's UTC offset at a given instant; Intl (full ICU in
// workerd and Node) knows every IANA zone's rules, so no tz database ships here.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Seconds to add to UTC to get local wall-clock time in `timeZone` at `instantMs`. */
export function utcOffsetSeconds(timeZone: string, instantMs: number): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instantMs)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((wall - Math.floor(instantMs / 1000) * 1000) / 1000);
}

/** The instant (epoch ms) of local midnight starting `date` (YYYY-MM-DD) in `timeZone`, and the offset then. */
export function localMidnight(date: string, timeZone: string): { instantMs: number; offsetSeconds: number } {
  const wall = Date.parse(`${date}T00:00:00Z`);
  // The offset at the guess is right except across a transition at midnight; one correction settles it.
  let offset = utcOffsetSeconds(timeZone, wall);
  const corrected = utcOffsetSeconds(timeZone, wall - offset * 1000);
  if (corrected !== offset) offset = corrected;
  return { instantMs: wall - offset * 1000, offsetSeconds: offset };
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Local date (YYYY-MM-DD) of an instant given the offset in force then. */
export function localDate(instantMs: number, offsetSeconds: number): string {
  return isoDate(instantMs + offsetSeconds * 1000);
}
