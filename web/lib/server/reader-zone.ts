// The reader's time zone, as the browser reported it in the `tz` cookie (set by the root
// layout once the page runs), so that server-built sentences say the reader's clock times.
// Null before the browser has reported it: the sentences then count minutes from now.

const ZONE = /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){0,2}$|^UTC$/;

export function readerZone(request: Request): string | null {
  const cookie = request.headers.get("cookie") ?? "";
  const match = /(?:^|;\s*)tz=([^;]*)/.exec(cookie);
  if (!match) return null;
  const zone = decodeURIComponent(match[1]!);
  return ZONE.test(zone) && zone.length <= 64 ? zone : null;
}

/** "&tz=Europe%2FHelsinki", or "" when the zone is not known. */
export function zoneParam(request: Request): string {
  const zone = readerZone(request);
  return zone ? `&tz=${encodeURIComponent(zone)}` : "";
}
