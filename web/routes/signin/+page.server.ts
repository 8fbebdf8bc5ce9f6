import { fail, redirect } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import type { Actions, PageServerLoad } from "./$types";

function safeNext(next: string | null): string {
  // Only same-site paths, so the form cannot be used as an open redirect.
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/app";
}

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user) redirect(303, safeNext(url.searchParams.get("next")));
  return { next: safeNext(url.searchParams.get("next")) };
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
      const message = res.status === 401 ? "Email or password is wrong." : (body?.error?.message ?? "Sign-in failed.");
      return fail(res.status === 401 ? 401 : 400, { email, message });
    }
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    // Same cookie the API sets: HttpOnly, SameSite=Lax, Secure except on plain localhost (SvelteKit's default).
    cookies.set("nc_session", token, { path: "/", httpOnly: true, sameSite: "lax", expires: new Date(expiresAt) });
    redirect(303, safeNext(url.searchParams.get("next")));
  },
};
