import { error } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import { serviceToken, signExampleId } from "$lib/server/service-token";
import type { RequestHandler } from "./$types";

const NAME = /^(observed-\d{2}\.png|forecast-\d{2}\.png|animation\.gif)$/;
const ID = /^[0-9a-f-]{36}$/;

function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The landing page's example images for visitors without a session: only for an id the site signed. */
export const GET: RequestHandler = async ({ params, platform, request }) => {
  if (!ID.test(params.id) || !NAME.test(params.name)) error(404, "No such example image");
  if (!same(params.sig, await signExampleId(platform, params.id))) error(404, "No such example image");
  const token = await serviceToken(platform);
  const res = await apiFetch(platform, request, `/api/nowcasts/${params.id}/${params.name}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) error(res.status === 404 ? 404 : 502, "The example image is not available");
  return new Response(res.body, {
    headers: {
      "content-type": res.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": "public, max-age=86400, immutable",
    },
  });
};
