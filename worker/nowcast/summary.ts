import type { RainEvents } from "../../nowcast/src/index";

function intensity(mmPerHour: number): string {
  return mmPerHour >= 10 ? "heavy" : mmPerHour >= 2.5 ? "moderate" : "light";
}

/**
 * The sentence a person reads. Minutes count from the radar time; the site
 * turns them into clock times in the reader's own time zone.
 */
export function summarize(events: RainEvents, horizonMinutes: number): string {
  const { startsInMinutes, stopsInMinutes, peakInMinutes, peakMmPerHour } = events;
  if (startsInMinutes === null) return `No rain expected in the next ${horizonMinutes === 60 ? "hour" : `${horizonMinutes} min`}.`;
  const parts = [startsInMinutes === 0 ? "Rain now" : `Rain starting in about ${startsInMinutes} min`];
  if (peakInMinutes !== null && peakInMinutes > startsInMinutes) {
    parts.push(`heaviest in about ${peakInMinutes} min (${intensity(peakMmPerHour)}, ${peakMmPerHour.toFixed(1)} mm/h)`);
  } else {
    parts.push(`${intensity(peakMmPerHour)}, up to ${peakMmPerHour.toFixed(1)} mm/h`);
  }
  parts.push(stopsInMinutes === null ? `continuing past ${horizonMinutes} min` : `dry again in about ${stopsInMinutes} min`);
  return `${parts.join(", ")}.`;
}
