// The sign-in and sign-up forms: both post email and password to an auth endpoint of the
// API, set the session cookie from its token and go on to `next`; only their words differ.
import { fail, redirect, type RequestEvent } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import { safeNext } from "$lib/safe-next";

/** What the form says for a refused status, and which statuses it answers with (others: 400). */
export interface SessionFormWords {
  byStatus: Record<number, string>;
  fallback: string;
  passThrough: number[];
}

export async function submitSessionForm(event: RequestEvent, endpoint: string, words: SessionFormWords) {
  const { request, platform, cookies, url } = event;
  const form = await request.formData();
  const email = String(form.get("email") ?? "");
  const password = String(form.get("password") ?? "");
  const res = await apiFetch(platform, request, endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    const message = words.byStatus[res.status] ?? body?.error?.message ?? words.fallback;
    return fail(words.passThrough.includes(res.status) ? res.status : 400, { email, message });
  }
  const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
  // Same cookie the API sets: HttpOnly, SameSite=Lax, Secure except on plain localhost (SvelteKit's default).
  cookies.set("nc_session", token, { path: "/", httpOnly: true, sameSite: "lax", expires: new Date(expiresAt) });
  redirect(303, safeNext(url.searchParams.get("next"), url.origin));
}
