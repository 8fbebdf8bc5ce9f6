import type { Env } from "../env";
import type { NowcastPayload } from "./payload";

/** A cached nowcast: the payload pre-serialized, so a hit costs no JSON.stringify. */
export interface CachedNowcast {
  json: string;
  radarTimeMs: number;
  issuedAtMs: number;
}

// The default model's nowcast keeps the original key; other models (?model=) get their own.
const kvKey = (env: Env, locationId: number, model?: string) =>
  !model || model === (env.NOWCAST_MODEL || "optical-flow") ? `nowcast:location:${locationId}` : `nowcast:location:${locationId}:model:${model}`;
// KV holds a location's nowcast for a day at most; a newer radar frame makes it stale long before.
const KV_TTL_SECONDS = 24 * 3600;

// Per-isolate copy in front of KV: a hot location is served from memory. An
// entry is trusted only for a few seconds, after which KV (shared by every
// isolate) is read again, so a recompute elsewhere becomes visible quickly.
const MEMORY_CAPACITY = 512;
const MEMORY_TTL_MS = 10_000;
const memory = new Map<string, CachedNowcast & { cachedAt: number }>();

function remember(key: string, entry: CachedNowcast): void {
  memory.delete(key);
  memory.set(key, { ...entry, cachedAt: Date.now() });
  while (memory.size > MEMORY_CAPACITY) memory.delete(memory.keys().next().value!);
}

function toCached(payload: NowcastPayload): CachedNowcast {
  return { json: JSON.stringify(payload), radarTimeMs: Date.parse(payload.radarTime), issuedAtMs: Date.parse(payload.issuedAt) };
}

export async function readCachedNowcast(env: Env, locationId: number, model?: string): Promise<CachedNowcast | null> {
  const key = kvKey(env, locationId, model);
  const hot = memory.get(key);
  if (hot && Date.now() - hot.cachedAt < MEMORY_TTL_MS) return hot;
  const stored = await env.CACHE.getWithMetadata<{ radarTimeMs: number; issuedAtMs: number }>(key, "text");
  if (stored.value === null || !stored.metadata) return null;
  const entry = { json: stored.value, ...stored.metadata };
  remember(key, entry);
  return entry;
}

export async function writeCachedNowcast(env: Env, payload: NowcastPayload): Promise<CachedNowcast> {
  const entry = toCached(payload);
  const key = kvKey(env, payload.location.id, payload.model);
  await env.CACHE.put(key, entry.json, {
    expirationTtl: KV_TTL_SECONDS,
    metadata: { radarTimeMs: entry.radarTimeMs, issuedAtMs: entry.issuedAtMs },
  });
  remember(key, entry);
  return entry;
}
