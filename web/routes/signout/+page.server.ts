import { redirect } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import type { Actions } from "./$types";

export const actions: Actions = {
  default: async ({ request, platform, cookies }) => {
    await apiFetch(platform, request, "/api/auth/logout", { method: "POST" });
    cookies.delete("nc_session", { path: "/" });
    redirect(303, "/");
  },
};
