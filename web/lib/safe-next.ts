/**
 * Where to go after signing in: only a path on this site. The value is resolved against the site's own
 * origin, as a browser would resolve it, so "/\evil.example", "/\t/evil.example" or "//evil.example"
 * (which browsers read as another host) fall back to the app.
 */
export function safeNext(next: string | null, origin: string, fallback = "/app"): string {
  if (!next || !next.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
