// Security headers for every response of the Worker, API and site alike. The site's own CSP comes from
// SvelteKit (kit.csp in svelte.config.js, with nonces for its inline scripts); responses that carry none
// (the API, redirects, errors) get a CSP that allows nothing but their own inline styles.

const API_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HSTS = "max-age=31536000; includeSubDomains";

/** Plain http on a loopback name: HSTS there would pin a developer's localhost to https. */
export function isPlainLocalhost(url: URL): boolean {
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

export function withSecurityHeaders(response: Response, url: URL): Response {
  // Responses from fetch() or the assets binding have immutable headers; a copy shares the body stream.
  const out = new Response(response.body, response);
  const h = out.headers;
  const csp = h.get("content-security-policy");
  if (!csp) h.set("content-security-policy", API_CSP);
  else if (!csp.includes("frame-ancestors")) h.set("content-security-policy", `${csp}; frame-ancestors 'none'`);
  h.set("x-frame-options", "DENY");
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "strict-origin-when-cross-origin");
  h.set("cross-origin-opener-policy", "same-origin");
  if (!isPlainLocalhost(url)) h.set("strict-transport-security", HSTS);
  return out;
}
