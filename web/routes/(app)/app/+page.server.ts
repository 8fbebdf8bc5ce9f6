import { radarLegend } from "$lib/server/legend";
import { loadNowcastView, queryString, readQuery } from "$lib/server/nowcast-view";
import { popularPlaces } from "$lib/server/popular";
import type { ViewResult } from "$lib/types";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ url, platform, request }) => {
  const { query, problem } = readQuery(url.searchParams);
  const [legend, popular] = await Promise.all([radarLegend(platform, request), popularPlaces(platform, request, 8)]);
  // The nowcast is streamed: the page (search, popular places) shows at once,
  // with "Loading the nowcast…" until the API answers (a model run takes seconds).
  const result: Promise<ViewResult> | null = query ? loadNowcastView(platform, request, query) : null;
  return {
    query,
    problem,
    freshUrl: query ? `/app/view?${queryString(query)}&fresh=1` : null,
    legend,
    popular,
    result,
  };
};
