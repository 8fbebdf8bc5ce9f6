import { redirect } from "@sveltejs/kit";
import type { LayoutServerLoad } from "./$types";

/** Every page in this group needs a session; without one, go to sign-in and come back. */
export const load: LayoutServerLoad = ({ locals, url }) => {
  if (!locals.user) redirect(303, `/signin?next=${encodeURIComponent(url.pathname + url.search)}`);
  return { user: locals.user };
};
