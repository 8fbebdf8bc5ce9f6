import { getJson, type City, type Coverage, type DailyStat, type PeriodStat } from "$lib/weather/api";
import { readerLocale } from "$lib/server/reader-locale";
import { rangeQuery, readRange } from "$lib/weather/range";
import type { PageServerLoad } from "./$types";

const PAGE_SIZE = 100;

export const load: PageServerLoad = async ({ platform, request, url }) => {
  const [coverage, { cities }] = await Promise.all([
    getJson<Coverage>(platform, request, "/api/weather/coverage"),
    getJson<{ cities: City[] }>(platform, request, "/api/weather/cities?all=true"),
  ]);
  const range = readRange(url.searchParams, coverage);
  // Dates are written in the reader's own way (the date inputs follow the browser's locale by themselves).
  const locale = readerLocale(request);
  if (!range) return { locale, range: null, coverage, cities, summary: [], days: [], page: 1, pages: 0, query: "" };
  const query = rangeQuery(range);
  const [{ cities: summary }, { days }] = await Promise.all([
    getJson<{ cities: PeriodStat[] }>(platform, request, `/api/weather/stats/summary?${query}`),
    getJson<{ days: DailyStat[] }>(platform, request, `/api/weather/stats/daily?${query}`),
  ]);
  const pages = Math.max(1, Math.ceil(days.length / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  return {
    locale,
    range,
    coverage,
    cities,
    summary,
    days: days.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    totalDays: days.length,
    page,
    pages,
    query,
  };
};
