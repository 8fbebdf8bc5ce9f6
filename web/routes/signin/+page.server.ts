import { fail, redirect } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import { safeNext } from "$lib/safe-next";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user) redirect(303, safeNext(url.searchParams.get("next"), url.origin));
  return { next: safeNext(url.searchParams.get("next"), url.origin) };
};

export const actions: Actions = {
  default: async ({ request, platform, cookies, url }) => {
    const form = await request.formData();
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const res = await apiFetch(platform, request, "/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      const message =
        res.status === 401
          ? "Email or password is wrong."
          : res.status === 429
            ? "Too many attempts. Wait a minute and try again."
            : (body?.error?.message ?? "Sign-in failed.");
      return fail(res.status === 401 || res.status === 429 ? res.status : 400, { email, message });
    }
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    // Same cookie the API sets: HttpOnly, SameSite=Lax, Secure except on plain localhost (SvelteKit's default).
    cookies.set("nc_session", token, { path: "/", httpOnly: true, sameSite: "lax", expires: new Date(expiresAt) });
    redirect(303, safeNext(url.searchParams.get("next"), url.origin));
  },
};
