import { apiFetch } from "$lib/api";
import { colours, getJson, type City } from "$lib/weather/api";
import type { PageServerLoad } from "./$types";

import type { ClassifierResult as ClassifierRun } from "../../../../worker/weather/classifier";

export const load: PageServerLoad = async ({ platform, request }) => {
  const [{ cities }, res] = await Promise.all([
    getJson<{ cities: City[] }>(platform, request, "/api/weather/cities?all=true"),
    apiFetch(platform, request, "/api/weather/classifier"),
  ]);
  const run = res.status === 404 ? null : res.ok ? ((await res.json()) as ClassifierRun) : null;
  return { run, colour: colours(cities) };
};
