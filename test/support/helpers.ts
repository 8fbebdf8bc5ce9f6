import { env, exports } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { authConfig } from "../../worker/auth/config";
import type { Role } from "../../worker/auth/principal";
import { issueToken, type IssueOptions } from "../../worker/auth/tokens";
import * as schema from "../../worker/db/schema";
import { upsertUser } from "../../worker/users";

export const ORIGIN = "https://nowcast.example.test";

/** A request through the real Worker entry, as a client would send it. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, ORIGIN), init));
}

export function db() {
  return drizzle(env.DB, { schema });
}

export async function createUser(email: string, password: string, role: Role = "user") {
  return upsertUser(db(), { email, password, role });
}

export async function tokenFor(user: { id: string; email: string; roles: Role[] }, overrides: Partial<IssueOptions> = {}) {
  const { token } = await issueToken(authConfig(env), { sub: user.id, email: user.email, roles: user.roles, ...overrides });
  return token;
}

export function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

/** Asks the test identity provider (test/support/identity-provider.ts) to do something. */
export async function idp<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${env.IDP_URL}${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`identity provider ${path}: ${res.status}`);
  return path === "/public.pem" ? ((await res.text()) as T) : ((await res.json()) as T);
}

export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return body.error;
}

/** Polls until probe returns a truthy value (queues and crons finish in the background). */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A distinct client address per caller, so per-address limits of one test do not reach another. */
export function someIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** Creates an account through the public sign-up API, as a new user would. */
export async function signUp(email: string, password: string, ip = someIp()) {
  const res = await postJson("/api/auth/signup", { email, password }, { "cf-connecting-ip": ip });
  if (res.status !== 201) throw new Error(`sign-up of ${email}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; expiresAt: string; user: { id: string; email: string; roles: Role[] } };
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("nc_session="))!.split(";")[0]!;
  return { ...body, cookie };
}

/** Every R2 key under a prefix, sorted. */
export async function r2Keys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FRAMES.list({ prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}
