// Clock times are shown in the reader's own time zone. The server cannot know
// it, so server-rendered HTML says UTC, and the browser switches to its own zone
// once the page is running (the root layout calls useLocalZone on mount).
export const zone = $state<{ name: string | undefined; local: boolean }>({ name: "UTC", local: false });

export function useLocalZone(): void {
  zone.name = undefined;
  zone.local = true;
  // The server builds the sentences: tell it the zone, for the next pages it renders.
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (name) document.cookie = `tz=${encodeURIComponent(name)}; path=/; max-age=31536000; samesite=lax`;
}

function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone.name });
}

/** "15:35" in the reader's zone (UTC before the page runs in the browser, marked so). */
export function clockTime(iso: string | number | Date): string {
  const text = formatter({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
  return zone.local ? text : `${text} UTC`;
}

/** "28 Sep 2016, 18:00". */
export function dateTime(iso: string | number | Date): string {
  const text = formatter({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(iso),
  );
  return zone.local ? text : `${text} UTC`;
}

/** The zone's name for a note under the times ("Europe/Helsinki"). */
export function zoneName(): string {
  return zone.local ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
}

/** "3 min", "2 h 5 min", "just now" */
export function duration(seconds: number): string {
  if (seconds < 45) return seconds <= 5 ? "just now" : `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
