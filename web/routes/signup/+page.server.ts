import { redirect } from "@sveltejs/kit";
import { safeNext } from "$lib/safe-next";
import { submitSessionForm } from "$lib/server/session-form";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user) redirect(303, safeNext(url.searchParams.get("next"), url.origin));
  return { next: safeNext(url.searchParams.get("next"), url.origin) };
};

export const actions: Actions = {
  default: (event) =>
    submitSessionForm(event, "/api/auth/signup", {
      byStatus: { 429: "Too many sign-ups from here. Wait a minute and try again." },
      fallback: "Sign-up failed.",
      passThrough: [409, 422, 429],
    }),
};
