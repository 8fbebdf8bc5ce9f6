// The site's own calls that are not a visitor's demand (the public landing page's live
// example) carry this header. Only the site's in-process API binding can send it: the Worker
// entry (worker/index.ts) strips it from every request that arrives from outside.
export const SITE_INTERNAL_HEADER = "x-nowcast-site-internal";

/** The request without the marker, as anything arriving from the network must be. */
export function fromOutside(request: Request): Request {
  if (!request.headers.has(SITE_INTERNAL_HEADER)) return request;
  const headers = new Headers(request.headers);
  headers.delete(SITE_INTERNAL_HEADER);
  return new Request(request, { headers });
}
