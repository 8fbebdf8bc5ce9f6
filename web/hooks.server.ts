import type { Handle } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";

/** Resolves the session cookie to a user through the API's own /api/me. */
export const handle: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  if (event.cookies.get("nc_session")) {
    const res = await apiFetch(event.platform, event.request, "/api/me");
    if (res.ok) event.locals.user = (await res.json()) as App.SessionUser;
  }
  return resolve(event);
};
