import type { Env } from "../env";
import type { NowcastPayload } from "./payload";

/** A cached nowcast: the payload pre-serialized, so a hit costs no JSON.stringify. */
export interface CachedNowcast {
  json: string;
  radarTimeMs: number;
  issuedAtMs: number;
}

const kvKey = (locationId: number) => `nowcast:location:${locationId}`;
// KV holds a location's nowcast for a day at most; a newer radar frame makes it stale long before.
const KV_TTL_SECONDS = 24 * 3600;

// Per-isolate copy in front of KV: a hot location is served from memory. An
// entry is trusted only for a few seconds, after which KV (shared by every
// isolate) is read again, so a recompute elsewhere becomes visible quickly.
const MEMORY_CAPACITY = 512;
const MEMORY_TTL_MS = 10_000;
const memory = new Map<number, CachedNowcast & { cachedAt: number }>();

function remember(locationId: number, entry: CachedNowcast): void {
  memory.delete(locationId);
  memory.set(locationId, { ...entry, cachedAt: Date.now() });
  while (memory.size > MEMORY_CAPACITY) memory.delete(memory.keys().next().value!);
}

function toCached(payload: NowcastPayload): CachedNowcast {
  return { json: JSON.stringify(payload), radarTimeMs: Date.parse(payload.radarTime), issuedAtMs: Date.parse(payload.issuedAt) };
}

export async function readCachedNowcast(env: Env, locationId: number): Promise<CachedNowcast | null> {
  const hot = memory.get(locationId);
  if (hot && Date.now() - hot.cachedAt < MEMORY_TTL_MS) return hot;
  const stored = await env.CACHE.getWithMetadata<{ radarTimeMs: number; issuedAtMs: number }>(kvKey(locationId), "text");
  if (stored.value === null || !stored.metadata) return null;
  const entry = { json: stored.value, ...stored.metadata };
  remember(locationId, entry);
  return entry;
}

export async function writeCachedNowcast(env: Env, payload: NowcastPayload): Promise<CachedNowcast> {
  const entry = toCached(payload);
  await env.CACHE.put(kvKey(payload.location.id), entry.json, {
    expirationTtl: KV_TTL_SECONDS,
    metadata: { radarTimeMs: entry.radarTimeMs, issuedAtMs: entry.issuedAtMs },
  });
  remember(payload.location.id, entry);
  return entry;
}
