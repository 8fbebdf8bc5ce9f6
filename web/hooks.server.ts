import type { Handle } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import { parseTheme } from "$lib/theme.svelte";

/** Resolves the session cookie to a user through the API's own /api/me. */
export const handle: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  if (event.cookies.get("nc_session")) {
    const res = await apiFetch(event.platform, event.request, "/api/me");
    if (res.ok) event.locals.user = (await res.json()) as App.SessionUser;
  }
  // The reader's light/dark choice, rendered into <html> so the first paint has the right colours.
  const choice = parseTheme(event.cookies.get("theme"));
  const attribute = choice === "system" ? "" : ` data-theme="${choice}"`;
  return resolve(event, { transformPageChunk: ({ html }) => html.replace("%theme%", attribute) });
};
