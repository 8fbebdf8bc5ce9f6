import { fail, redirect } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import type { Actions, PageServerLoad } from "./$types";

export interface ApiTokenRow {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  uses: number;
}

async function messageOf(res: Response, fallback: string): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return res.status === 429 ? "Too many attempts. Wait a minute and try again." : (body?.error?.message ?? fallback);
}

export const load: PageServerLoad = async ({ platform, request, locals, url }) => {
  const res = await apiFetch(platform, request, "/api/account/tokens");
  const tokens = res.ok ? ((await res.json()) as { tokens: ApiTokenRow[] }).tokens : [];
  return { tokens, localAccount: locals.user?.issuer === "local", origin: url.origin };
};

export const actions: Actions = {
  createToken: async ({ request, platform }) => {
    const form = await request.formData();
    const name = String(form.get("name") ?? "");
    const res = await apiFetch(platform, request, "/api/account/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    if (!res.ok) return fail(res.status === 409 ? 409 : 400, { tokenError: await messageOf(res, "The token could not be created.") });
    const { token, apiToken } = (await res.json()) as { token: string; apiToken: ApiTokenRow };
    // Shown once, on this response only; the server keeps just its hash.
    return { created: { token, name: apiToken.name } };
  },
  revokeToken: async ({ request, platform }) => {
    const id = String((await request.formData()).get("id") ?? "");
    const res = await apiFetch(platform, request, `/api/account/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
    if (!res.ok) return fail(404, { tokenError: await messageOf(res, "The token could not be revoked.") });
    return { revoked: true };
  },
  changePassword: async ({ request, platform, cookies }) => {
    const form = await request.formData();
    const res = await apiFetch(platform, request, "/api/account/password", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") }),
    });
    if (!res.ok) return fail(res.status === 401 || res.status === 422 || res.status === 429 ? res.status : 400, { passwordError: await messageOf(res, "The password was not changed.") });
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    cookies.set("nc_session", token, { path: "/", httpOnly: true, sameSite: "lax", expires: new Date(expiresAt) });
    return { passwordChanged: true };
  },
  deleteAccount: async ({ request, platform, cookies }) => {
    const form = await request.formData();
    const res = await apiFetch(platform, request, "/api/account", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: String(form.get("password") ?? "") }),
    });
    if (!res.ok) return fail(res.status === 401 || res.status === 429 ? res.status : 400, { deleteError: await messageOf(res, "The account was not deleted.") });
    cookies.delete("nc_session", { path: "/" });
    redirect(303, "/");
  },
};
