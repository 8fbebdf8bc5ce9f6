import { apiFetch } from "$lib/api";
import { colours, getJson, type City } from "$lib/weather/api";
import type { PageServerLoad } from "./$types";

export interface ClassifierRun {
  id: string;
  trainedAt: string;
  model: string;
  features: string[];
  classes: { city: string; name: string; samples: number }[];
  samples: number;
  folds: number;
  foldAccuracies: number[];
  accuracy: number;
  baseline: number;
  baselineCity: string;
  confusion: number[][];
  pca: { explainedVariance: number[]; points: { c: number; x: number; y: number; date: string }[] };
  range: { from: string; to: string };
}

export const load: PageServerLoad = async ({ platform, request }) => {
  const [{ cities }, res] = await Promise.all([
    getJson<{ cities: City[] }>(platform, request, "/api/weather/cities?all=true"),
    apiFetch(platform, request, "/api/weather/classifier"),
  ]);
  const run = res.status === 404 ? null : res.ok ? ((await res.json()) as ClassifierRun) : null;
  return { run, colour: colours(cities) };
};
