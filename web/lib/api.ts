import { error } from "@sveltejs/kit";

type Platform = App.Platform | undefined;

/**
 * Calls the Worker's API in process (platform.env.API), forwarding the visitor's
 * cookies so the API applies the same auth it applies to a browser.
 */
export function apiFetch(platform: Platform, request: Request, path: string, init: RequestInit = {}): Promise<Response> {
  if (!platform?.env?.API) error(503, "The API is not available to the site (platform.env.API missing)");
  const headers = new Headers(init.headers);
  const cookie = request.headers.get("cookie");
  if (cookie) headers.set("cookie", cookie);
  return platform.env.API.fetch(new URL(path, request.url), { ...init, headers });
}
