// The reader's language for dates and numbers, from the browser's Accept-Language: the first tag
// the runtime's Intl knows. Read on the server, so a server-rendered page and its hydration agree.

const FALLBACK = "en-GB";

export function readerLocale(request: Request): string {
  const header = request.headers.get("accept-language") ?? "";
  for (const part of header.split(",").slice(0, 8)) {
    const tag = part.split(";")[0]!.trim();
    if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/.test(tag)) continue;
    const [known] = Intl.DateTimeFormat.supportedLocalesOf([tag]);
    if (known) return known;
  }
  return FALLBACK;
}
