// The raw landing: every provider response and the shipped history's raw file,
// stored unchanged in R2, partitioned by source, date and city:
//   weather/raw/source=open-meteo/date=2026-11-22/city=seattle/20261122T214512345Z-<id>.json
// Normalization reads from here, so the tables can always be rebuilt (replay).
import type { WeatherSource } from "../db/schema";

export const RAW_PREFIX = "weather/raw/";

export interface LandedMeta {
  source: WeatherSource;
  city: string; // slug
  fetchedAt: string; // ISO time the body was received (or imported)
  url: string;
}

/** `name` replaces the time-and-id file name, for objects that must keep one key (the history's slices). */
export function rawKey(meta: { source: WeatherSource; city: string; date: string; fetchedAt: Date; ext: string; name?: string }): string {
  const stamp = meta.fetchedAt.toISOString().replace(/[-:.]/g, "");
  const file = meta.name ?? `${stamp}-${crypto.randomUUID().slice(0, 8)}`;
  return `${RAW_PREFIX}source=${meta.source}/date=${meta.date}/city=${meta.city}/${file}.${meta.ext}`;
}

export async function landRaw(bucket: R2Bucket, key: string, body: string, meta: LandedMeta, contentType: string): Promise<void> {
  await bucket.put(key, body, {
    httpMetadata: { contentType },
    customMetadata: { source: meta.source, city: meta.city, fetchedAt: meta.fetchedAt, url: meta.url },
  });
}

/** The source and city of a landed object, from its metadata or, failing that, its key. */
export function landedMeta(key: string, custom: Record<string, string> | undefined): { source: string; city: string } | null {
  if (custom?.source && custom.city) return { source: custom.source, city: custom.city };
  const m = /source=([^/]+)\/date=[^/]+\/city=([^/]+)\//.exec(key);
  return m ? { source: m[1]!, city: m[2]! } : null;
}
