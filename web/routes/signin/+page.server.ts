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
    submitSessionForm(event, "/api/auth/login", {
      byStatus: { 401: "Email or password is wrong.", 429: "Too many attempts. Wait a minute and try again." },
      fallback: "Sign-in failed.",
      passThrough: [401, 429],
    }),
};
