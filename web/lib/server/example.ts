// The landing page's live example: the nowcast of a warm popular place (one
// whose cached nowcast is current), fetched in process with the site's service
// token. The example's images go through /example/<id>/<signature>/<name>,
// since a visitor without a session cannot load /api images.
import type { NowcastView, PopularPlace } from "../types";
import { apiFetch } from "../api";
import { loadNowcastView } from "./nowcast-view";
import { SITE_INTERNAL_HEADER } from "../../../worker/site-internal";
import { serviceToken, signExampleId } from "./service-token";
import { readerZone, zoneParam } from "./reader-zone";

/** Asked for when nothing is warm yet (a fresh install): the product's home city. */
export const FALLBACK_PLACE = "Helsinki";

export type Example = { view: NowcastView; popular: PopularPlace[] } | { view: null; popular: PopularPlace[]; message: string };

// One example per isolate, reused while its place and radar time stay the same,
// so the landing page costs the API about one counted nowcast request per radar frame.
let current: { locationId: number; radarTime: string; zone: string | null; view: NowcastView } | undefined;

async function rewriteImages(platform: App.Platform | undefined, view: NowcastView): Promise<NowcastView> {
  const { nowcast } = view.response;
  const base = `/example/${nowcast.id}/${await signExampleId(platform, nowcast.id)}/`;
  const local = (url: string) => base + url.slice(url.lastIndexOf("/") + 1);
  return {
    ...view,
    response: {
      ...view.response,
      nowcast: {
        ...nowcast,
        frames: {
          observed: nowcast.frames.observed.map((f) => ({ ...f, url: local(f.url) })),
          forecast: nowcast.frames.forecast.map((f) => ({ ...f, url: local(f.url) })),
        },
        animation: { ...nowcast.animation, url: nowcast.animation.url && local(nowcast.animation.url) },
        // The regional view is for signed-in users: the example shows the place's crop alone.
        regional: null,
      },
    },
  };
}

export async function liveExample(platform: App.Platform | undefined, request: Request): Promise<Example> {
  try {
    const token = await serviceToken(platform);
    // Marked as the site's own call: the example is not a visitor's demand for the place.
    const headers = { authorization: `Bearer ${token}`, [SITE_INTERNAL_HEADER]: "landing-example" };
    const res = await apiFetch(platform, request, `/api/popular?limit=6${zoneParam(request)}`, { headers });
    const popular = res.ok ? ((await res.json()) as { places: PopularPlace[] }).places : [];
    const warm = popular.find((p) => p.summary !== null && p.radarTime !== null);
    // The sentence is in the reader's zone and said at now: reused for one radar frame and zone.
    if (warm && current && current.locationId === warm.locationId && current.radarTime === warm.radarTime && current.zone === readerZone(request)) {
      return { view: current.view, popular };
    }
    const query = warm ? { lat: warm.lat, lon: warm.lon } : { place: FALLBACK_PLACE };
    const result = await loadNowcastView(platform, request, query, { headers });
    if (!result.ok) return { view: null, popular, message: result.message };
    const view = await rewriteImages(platform, result.view);
    const { nowcast } = view.response;
    current = { locationId: nowcast.location.id, radarTime: nowcast.radarTime, zone: readerZone(request), view };
    return { view, popular };
  } catch (error) {
    return { view: null, popular: [], message: `The live example is not available right now (${error instanceof Error ? error.message : String(error)}).` };
  }
}
