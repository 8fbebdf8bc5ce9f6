import { radarLegend } from "$lib/server/legend";
import { liveExample } from "$lib/server/example";
import { serviceToken } from "$lib/server/service-token";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request }) => {
  const legend = await serviceToken(platform)
    .then((token) => radarLegend(platform, request, { authorization: `Bearer ${token}` }))
    .catch(() => null);
  // Streamed: the page shows at once, the live example follows.
  return { legend, example: liveExample(platform, request) };
};
