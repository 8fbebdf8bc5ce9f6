import { utcOffsetSeconds } from "../weather/time";

// Turning a task's bounds (ISO date-times, or HH:MM in a time zone) into minutes after the plan's start.

const HALF_DAY_MS = 12 * 3_600_000;

/** How far the zone's wall clock is ahead of UTC at `instantMs`. */
function zoneOffsetMs(timeZone: string, instantMs: number): number {
  return utcOffsetSeconds(timeZone, instantMs) * 1000;
}

/**
 * The instant of a clock time HH:MM in `timeZone`: the occurrence within half a
 * day of `nearMs` (so "before 19:00" at 17:30 is today, and "before 08:00" late
 * in the evening is tomorrow morning).
 */
export function clockTimeNear(clock: string, timeZone: string, nearMs: number): number {
  const [hours, minutes] = clock.split(":").map(Number) as [number, number];
  const offset = zoneOffsetMs(timeZone, nearMs);
  const local = new Date(nearMs + offset);
  for (const dayShift of [0, -1, 1]) {
    const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dayShift, hours, minutes);
    // The zone's offset at the candidate itself (a DST change may lie between).
    const candidate = wall - zoneOffsetMs(timeZone, wall - offset);
    if (candidate >= nearMs - HALF_DAY_MS && candidate < nearMs + HALF_DAY_MS) return candidate;
  }
  throw new Error(`no occurrence of ${clock} near ${new Date(nearMs).toISOString()}`);
}

/** A bound as whole minutes after `startMs` (rounded to the nearest minute). */
export function boundMinutes(bound: string, timeZone: string, startMs: number): number {
  const at = /^\d{2}:\d{2}$/.test(bound) ? clockTimeNear(bound, timeZone, startMs) : Date.parse(bound);
  return Math.round((at - startMs) / 60_000);
}
