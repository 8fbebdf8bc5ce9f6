// A short-lived token for the site's own server-side calls that no visitor's
// session covers (the public landing page's live example). It is an ordinary
// token of this service, signed with JWT_SECRET, for a "user"-role principal
// whose subject names the site, so its requests are told apart in the logs.
import { authConfig } from "../../../worker/auth/config";
import { issueToken } from "../../../worker/auth/tokens";

// Its calls are kept out of the popularity counts by the site-internal header (worker/site-internal.ts).
export const SITE_SUBJECT = "site:landing-example";
let cached: { token: string; expiresAtMs: number; secret: string } | undefined;

export async function serviceToken(platform: App.Platform | undefined): Promise<string> {
  const env = platform?.env;
  if (!env) throw new Error("platform.env missing");
  if (cached && cached.secret === env.JWT_SECRET && cached.expiresAtMs - Date.now() > 60_000) return cached.token;
  const { token, expiresAt } = await issueToken(authConfig(env), {
    sub: SITE_SUBJECT,
    email: "site@nowcast.local",
    roles: ["user"],
    ttlSeconds: 600,
  });
  cached = { token, expiresAtMs: expiresAt.getTime(), secret: env.JWT_SECRET };
  return token;
}

/** HMAC of a nowcast id, so the landing page's image proxy serves only the example it was given (its own key). */
export async function signExampleId(platform: App.Platform | undefined, id: string): Promise<string> {
  const secret = platform?.env?.IMAGE_LINK_SECRET;
  if (!secret || secret.length < 32) throw new Error("IMAGE_LINK_SECRET is missing or shorter than 32 characters (see .dev.vars.example)");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`example-image:${id}`)));
  let text = "";
  for (const byte of mac.subarray(0, 16)) text += byte.toString(16).padStart(2, "0");
  return text;
}
