// Statistics per city and local day, computed from the observations on read:
// mean/min/max temperature, precipitation, mean wind speed and humidity, and
// averages over the whole period. A daily record (the history) contributes its
// min and max, and (min+max)/2 as its mean; current observations contribute
// their instantaneous values. Precipitation per observation covers
// `interval_seconds`, so a day's total is estimated from the mean rate:
// AVG(precipitation * 86400 / interval_seconds), which is the reported sum
// for a daily record and scales sampled 15-minute amounts to the whole day.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../env";
import { round } from "./units";

export interface StatsFilter {
  from?: string; // YYYY-MM-DD, local days, inclusive
  to?: string;
  cities?: string[]; // slugs
}

export interface DailyStat {
  city: string;
  cityName: string;
  date: string;
  temperatureMean: number | null;
  temperatureMin: number | null;
  temperatureMax: number | null;
  precipitationSum: number | null;
  windSpeedMean: number | null;
  relativeHumidityMean: number | null;
  observations: number;
  /** seconds of the day the observations cover (86400 for a daily record) */
  coveredSeconds: number;
}

export interface PeriodStat {
  city: string;
  cityName: string;
  firstDate: string;
  lastDate: string;
  days: number;
  temperatureMean: number | null;
  temperatureMin: number | null;
  temperatureMax: number | null;
  precipitationDailyMean: number | null;
  precipitationTotal: number | null;
  windSpeedMean: number | null;
  relativeHumidityMean: number | null;
  observations: number;
}

const DAY_MS = 86_400_000;
// UTC offsets lie within ±14 h (±18 h allowed by the schema); a margin that wide keeps the index usable.
const OFFSET_MARGIN_MS = 18 * 3_600_000;

function dailySql(filter: StatsFilter): SQL {
  const where: SQL[] = [];
  if (filter.from) where.push(sql`o.observed_at >= ${Date.parse(`${filter.from}T00:00:00Z`) - OFFSET_MARGIN_MS}`);
  if (filter.to) where.push(sql`o.observed_at < ${Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS + OFFSET_MARGIN_MS}`);
  const outer: SQL[] = [];
  if (filter.from) outer.push(sql`day >= ${filter.from}`);
  if (filter.to) outer.push(sql`day <= ${filter.to}`);
  if (filter.cities?.length) outer.push(sql`c.slug IN (${sql.join(filter.cities.map((s) => sql`${s}`), sql`, `)})`);
  const whereSql = where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
  const outerSql = outer.length ? sql`WHERE ${sql.join(outer, sql` AND `)}` : sql``;
  return sql`
    SELECT c.slug AS city, c.name AS city_name, d.day AS date,
      AVG(COALESCE(d.temperature, (d.temperature_min + d.temperature_max) / 2.0)) AS temperature_mean,
      MIN(COALESCE(d.temperature_min, d.temperature)) AS temperature_min,
      MAX(COALESCE(d.temperature_max, d.temperature)) AS temperature_max,
      AVG(d.precipitation * 86400.0 / d.interval_seconds) AS precipitation_sum,
      AVG(d.wind_speed) AS wind_speed_mean,
      AVG(d.relative_humidity) AS relative_humidity_mean,
      COUNT(*) AS observations,
      MIN(86400, SUM(d.interval_seconds)) AS covered_seconds
    FROM (
      SELECT o.*, date(o.observed_at / 1000 + o.utc_offset_seconds, 'unixepoch') AS day
      FROM weather_observations o ${whereSql}
    ) d
    JOIN weather_cities c ON c.id = d.city_id
    ${outerSql}
    GROUP BY d.city_id, d.day`;
}

type DailyRow = {
  city: string;
  city_name: string;
  date: string;
  temperature_mean: number | null;
  temperature_min: number | null;
  temperature_max: number | null;
  precipitation_sum: number | null;
  wind_speed_mean: number | null;
  relative_humidity_mean: number | null;
  observations: number;
  covered_seconds: number;
};

const r2 = (v: number | null) => (v === null ? null : round(v, 2));

export async function dailyStats(db: Db, filter: StatsFilter): Promise<DailyStat[]> {
  const rows = await db.all<DailyRow>(sql`${dailySql(filter)} ORDER BY d.day, c.name`);
  return rows.map((r) => ({
    city: r.city,
    cityName: r.city_name,
    date: r.date,
    temperatureMean: r2(r.temperature_mean),
    temperatureMin: r2(r.temperature_min),
    temperatureMax: r2(r.temperature_max),
    precipitationSum: r2(r.precipitation_sum),
    windSpeedMean: r2(r.wind_speed_mean),
    relativeHumidityMean: r2(r.relative_humidity_mean),
    observations: r.observations,
    coveredSeconds: r.covered_seconds,
  }));
}

export async function periodStats(db: Db, filter: StatsFilter): Promise<PeriodStat[]> {
  const rows = await db.all<Record<string, number | string | null>>(sql`
    SELECT city, city_name, MIN(date) AS first_date, MAX(date) AS last_date, COUNT(*) AS days,
      AVG(temperature_mean) AS temperature_mean, AVG(temperature_min) AS temperature_min, AVG(temperature_max) AS temperature_max,
      AVG(precipitation_sum) AS precipitation_daily_mean, SUM(precipitation_sum) AS precipitation_total,
      AVG(wind_speed_mean) AS wind_speed_mean, AVG(relative_humidity_mean) AS relative_humidity_mean,
      SUM(observations) AS observations
    FROM (${dailySql(filter)})
    GROUP BY city ORDER BY city_name`);
  return rows.map((r) => ({
    city: String(r.city),
    cityName: String(r.city_name),
    firstDate: String(r.first_date),
    lastDate: String(r.last_date),
    days: Number(r.days),
    temperatureMean: r2(r.temperature_mean as number | null),
    temperatureMin: r2(r.temperature_min as number | null),
    temperatureMax: r2(r.temperature_max as number | null),
    precipitationDailyMean: r2(r.precipitation_daily_mean as number | null),
    precipitationTotal: r2(r.precipitation_total as number | null),
    windSpeedMean: r2(r.wind_speed_mean as number | null),
    relativeHumidityMean: r2(r.relative_humidity_mean as number | null),
    observations: Number(r.observations),
  }));
}

export interface Coverage {
  firstDate: string | null;
  lastDate: string | null;
  years: { year: number; days: number; firstDate: string; lastDate: string }[];
}

/** Which local days have data at all, per year: the site picks its default range from it. */
export async function coverage(db: Db): Promise<Coverage> {
  const rows = await db.all<{ year: string; days: number; first_date: string; last_date: string }>(sql`
    SELECT substr(day, 1, 4) AS year, COUNT(DISTINCT day) AS days, MIN(day) AS first_date, MAX(day) AS last_date
    FROM (SELECT date(observed_at / 1000 + utc_offset_seconds, 'unixepoch') AS day FROM weather_observations)
    GROUP BY year ORDER BY year`);
  return {
    firstDate: rows[0]?.first_date ?? null,
    lastDate: rows.at(-1)?.last_date ?? null,
    years: rows.map((r) => ({ year: Number(r.year), days: r.days, firstDate: r.first_date, lastDate: r.last_date })),
  };
}

/** RFC 4180 CSV with a header line; numbers as they are, null as an empty field. */
export function toCsv<T extends object>(columns: readonly [keyof T & string, string][], rows: readonly T[]): string {
  const quote = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map(([, title]) => quote(title)).join(",")];
  for (const row of rows) lines.push(columns.map(([key]) => quote((row as Record<string, unknown>)[key])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export const DAILY_CSV_COLUMNS: [keyof DailyStat & string, string][] = [
  ["city", "city"],
  ["cityName", "city_name"],
  ["date", "date"],
  ["temperatureMean", "temperature_mean_c"],
  ["temperatureMin", "temperature_min_c"],
  ["temperatureMax", "temperature_max_c"],
  ["precipitationSum", "precipitation_sum_mm"],
  ["windSpeedMean", "wind_speed_mean_m_s"],
  ["relativeHumidityMean", "relative_humidity_mean_pct"],
  ["observations", "observations"],
];

export const PERIOD_CSV_COLUMNS: [keyof PeriodStat & string, string][] = [
  ["city", "city"],
  ["cityName", "city_name"],
  ["firstDate", "first_date"],
  ["lastDate", "last_date"],
  ["days", "days"],
  ["temperatureMean", "temperature_mean_c"],
  ["temperatureMin", "temperature_min_mean_c"],
  ["temperatureMax", "temperature_max_mean_c"],
  ["precipitationDailyMean", "precipitation_daily_mean_mm"],
  ["precipitationTotal", "precipitation_total_mm"],
  ["windSpeedMean", "wind_speed_mean_m_s"],
  ["relativeHumidityMean", "relative_humidity_mean_pct"],
  ["observations", "observations"],
];
