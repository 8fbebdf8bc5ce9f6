import { colours, getJson, type City, type Coverage, type DailyStat } from "$lib/weather/api";
import { rangeQuery, readRange } from "$lib/weather/range";
import type { PageServerLoad } from "./$types";

export interface Series {
  city: string;
  name: string;
  colour: string;
  points: { date: string; ms: number; value: number; days: number }[];
}

// Above this many days per city the chart shows weekly means of the daily averages.
const MAX_DAILY_POINTS = 800;
const DAY_MS = 86_400_000;

/** Monday of the week a date falls in. */
function weekStart(ms: number): number {
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return ms - weekday * DAY_MS;
}

export const load: PageServerLoad = async ({ platform, request, url }) => {
  const [coverage, { cities }] = await Promise.all([
    getJson<Coverage>(platform, request, "/api/weather/coverage"),
    getJson<{ cities: City[] }>(platform, request, "/api/weather/cities?all=true"),
  ]);
  const range = readRange(url.searchParams, coverage);
  if (!range) return { range: null, cities, series: [] as Series[], weekly: false, query: "" };
  const query = rangeQuery(range);
  const { days } = await getJson<{ days: DailyStat[] }>(platform, request, `/api/weather/stats/daily?${query}`);
  const colour = colours(cities);
  const byCity = new Map<string, Series>();
  for (const d of days) {
    if (d.temperatureMean === null) continue;
    const s = byCity.get(d.city) ?? { city: d.city, name: d.cityName, colour: colour[d.city] ?? "#57606a", points: [] };
    s.points.push({ date: d.date, ms: Date.parse(`${d.date}T00:00:00Z`), value: d.temperatureMean, days: 1 });
    byCity.set(d.city, s);
  }
  let series = [...byCity.values()].sort((a, b) => a.name.localeCompare(b.name));
  const weekly = series.some((s) => s.points.length > MAX_DAILY_POINTS);
  if (weekly) {
    series = series.map((s) => {
      const weeks = new Map<number, { sum: number; n: number }>();
      for (const p of s.points) {
        const w = weekStart(p.ms);
        const acc = weeks.get(w) ?? { sum: 0, n: 0 };
        acc.sum += p.value;
        acc.n += 1;
        weeks.set(w, acc);
      }
      const points = [...weeks.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([ms, acc]) => ({ date: new Date(ms).toISOString().slice(0, 10), ms, value: Math.round((acc.sum / acc.n) * 100) / 100, days: acc.n }));
      return { ...s, points };
    });
  }
  return { range, cities, series, weekly, query };
};
