// Collection: the 20-minute cron queues one job per active city; the queue
// consumer fetches each city's current weather from its provider, lands the raw
// response in R2 and normalizes it into D1. Every attempt is logged and counted
// in weather_fetches; failures the provider may get over (5xx, 429, timeouts,
// network errors, malformed or incomplete payloads) are retried by the queue
// with backoff and end in the dead-letter queue after max_retries.
import { drizzle } from "drizzle-orm/d1";
import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import * as schema from "../db/schema";
import { weatherCities, weatherFetches, type FetchOutcome, type WeatherCity } from "../db/schema";
import type { Db, Env } from "../env";
import { log } from "../logging";
import { retryDelaySeconds, workloads } from "../jobs/queues";
import type { Job } from "../jobs/registry";
import { ensureWeatherReferenceData, listCities } from "./cities";
import { landRaw, rawKey } from "./landing";
import { normalizeLanded } from "./normalize";
import { PayloadError, providers } from "./providers";
import { isoDate } from "./time";

export const weatherCollectJobSchema = z.object({
  kind: z.literal("weather.collect"),
  cityId: z.number().int().positive(),
  scheduledAt: z.number().int().positive(),
});
export type WeatherCollectJob = z.infer<typeof weatherCollectJobSchema>;

export interface CollectOutcome {
  city: string;
  outcome: FetchOutcome;
  retry: boolean;
  httpStatus: number | null;
  rawKey: string | null;
  message: string | null;
  inserted: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function fetchTimeoutMs(env: Env): number {
  const ms = Number(env.WEATHER_FETCH_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
}

/** Provider trouble may pass, so it is retried; a duplicate or a 4xx other than 429 will not change. */
export function shouldRetry(outcome: FetchOutcome, httpStatus: number | null): boolean {
  if (outcome === "stored" || outcome === "duplicate") return false;
  if (outcome === "http_error") return httpStatus === null || httpStatus >= 500 || httpStatus === 429;
  return true;
}

function db(env: Env): Db {
  return drizzle(env.DB, { schema });
}

function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** One attempt at one city: fetch, land, normalize, log. Never throws for provider trouble. */
export async function collectCity(env: Env, database: Db, unitSetId: number, city: WeatherCity, attempt = 1): Promise<CollectOutcome> {
  const provider = providers[city.provider];
  const attemptedAt = new Date();
  const started = performance.now();
  const timeoutMs = fetchTimeoutMs(env);

  // The collection log row; its outcome may be an SQL expression decided inside the write batch.
  const fetchRow = (outcome: FetchOutcome | SQL, r: Pick<CollectOutcome, "httpStatus" | "rawKey" | "message">) => ({
    id: crypto.randomUUID(),
    cityId: city.id,
    provider: provider.id,
    attemptedAt,
    attempt,
    outcome,
    httpStatus: r.httpStatus,
    durationMs: Math.round(performance.now() - started),
    rawKey: r.rawKey,
    message: r.message,
  });

  const finish = async (
    outcome: FetchOutcome,
    fields: { httpStatus?: number | null; rawKey?: string | null; message?: string | null; inserted?: number },
    write = true,
  ): Promise<CollectOutcome> => {
    const result: CollectOutcome = {
      city: city.slug,
      outcome,
      retry: shouldRetry(outcome, fields.httpStatus ?? null),
      httpStatus: fields.httpStatus ?? null,
      rawKey: fields.rawKey ?? null,
      message: fields.message ?? null,
      inserted: fields.inserted ?? 0,
    };
    if (write) await database.insert(weatherFetches).values(fetchRow(outcome, result));
    log(outcome === "stored" ? "info" : "warn", "weather fetch", {
      city: city.slug,
      provider: provider.id,
      attempt,
      outcome,
      retry: result.retry,
      httpStatus: result.httpStatus,
      rawKey: result.rawKey,
      message: result.message,
      ms: Math.round(performance.now() - started),
    });
    return result;
  };

  let request: Request;
  try {
    request = provider.request(city, env);
  } catch (error) {
    return finish("invalid_payload", { message: (error as Error).message });
  }

  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let body: string;
  try {
    response = await fetch(request, { signal });
    body = await response.text();
  } catch (error) {
    if (signal.aborted) return finish("timeout", { message: `no complete response within ${timeoutMs} ms` });
    return finish("network_error", { message: error instanceof Error ? error.message : String(error) });
  }
  if (!response.ok) {
    return finish("http_error", { httpStatus: response.status, message: `HTTP ${response.status}: ${excerpt(body)}` });
  }

  const receivedAt = new Date();
  const key = rawKey({ source: provider.id, city: city.slug, date: isoDate(receivedAt.getTime()), fetchedAt: receivedAt, ext: provider.rawExtension });
  await landRaw(
    env.FRAMES,
    key,
    body,
    { source: provider.id, city: city.slug, fetchedAt: receivedAt.toISOString(), url: request.url },
    response.headers.get("content-type") ?? "application/json",
  );

  try {
    const result = await normalizeLanded(database, unitSetId, { source: provider.id, city, body, rawKey: key }, (records) => {
      const first = records[0];
      // Stored or duplicate is decided inside the same transaction: the row exists with this raw key only if this batch wrote it.
      const outcome = first
        ? sql`(CASE WHEN EXISTS (SELECT 1 FROM weather_observations WHERE city_id = ${city.id} AND observed_at = ${first.observedAt} AND raw_key = ${key}) THEN 'stored' ELSE 'duplicate' END)`
        : sql`'duplicate'`;
      return [database.insert(weatherFetches).values(fetchRow(outcome, { httpStatus: response.status, rawKey: key, message: null }))];
    });
    if (result.inserted > 0) return finish("stored", { httpStatus: response.status, rawKey: key, inserted: result.inserted }, false);
    return finish("duplicate", { httpStatus: response.status, rawKey: key, message: "observation time already stored" }, false);
  } catch (error) {
    if (error instanceof PayloadError) return finish(error.kind, { httpStatus: response.status, rawKey: key, message: error.message });
    throw error;
  }
}

/** Cron: queue one collection job per active city. */
export async function enqueueWeatherCollection(scheduledAt: Date, env: Env): Promise<number> {
  const database = db(env);
  await ensureWeatherReferenceData(database);
  const cities = await listCities(database);
  const messages = cities.map((c) => ({ body: { kind: "weather.collect", cityId: c.id, scheduledAt: scheduledAt.getTime() } satisfies WeatherCollectJob }));
  for (let i = 0; i < messages.length; i += 100) await env.WEATHER_QUEUE.sendBatch(messages.slice(i, i + 100));
  log("info", "weather collection queued", { cities: cities.map((c) => c.slug), scheduledAt: scheduledAt.toISOString() });
  return messages.length;
}

/** Queue consumer for weather.collect: one attempt per message, ack or retry each on its own. */
export async function collectWeatherJobs(jobs: Job<WeatherCollectJob>[], env: Env): Promise<void> {
  const database = db(env);
  const unitSetId = await ensureWeatherReferenceData(database);
  await Promise.all(
    jobs.map(async ({ body, message }) => {
      const city = await database.select().from(weatherCities).where(eq(weatherCities.id, body.cityId)).get();
      if (!city?.active) {
        log("info", "weather fetch skipped: city removed", { cityId: body.cityId });
        message.ack();
        return;
      }
      try {
        const outcome = await collectCity(env, database, unitSetId, city, message.attempts);
        if (outcome.retry) message.retry({ delaySeconds: retryDelaySeconds(workloads.weather.retry, message.attempts) });
        else message.ack();
      } catch (error) {
        // Our own storage failed (R2 or D1): the batch wrote nothing, so the whole attempt is retried.
        log("error", "weather fetch failed to store", { city: city.slug, attempt: message.attempts, error: error instanceof Error ? error.message : String(error) });
        message.retry({ delaySeconds: retryDelaySeconds(workloads.weather.retry, message.attempts) });
      }
    }),
  );
}

/** Collects every active city now, one attempt each (the admin "collect now" action). */
export async function collectAllNow(env: Env): Promise<CollectOutcome[]> {
  const database = db(env);
  const unitSetId = await ensureWeatherReferenceData(database);
  const cities = await listCities(database);
  return Promise.all(cities.map((c) => collectCity(env, database, unitSetId, c)));
}
