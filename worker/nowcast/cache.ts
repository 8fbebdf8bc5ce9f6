import type { ExperimentalLabel } from "../../nowcast/src/models/learned";
import type { Env } from "../env";
import type { NowcastPayload } from "./payload";

/** A cached nowcast: the payload pre-serialized, so a hit costs no JSON.stringify. */
export interface CachedNowcast {
  json: string;
  nowcastId: string;
  /** The radar source the nowcast was computed from (absent on entries cached before sources were named). */
  source?: string;
  radarTimeMs: number;
  issuedAtMs: number;
  /** Its model's label when experimental (kept in the KV metadata: a hit reads it without parsing the payload). */
  experimental?: ExperimentalLabel;
}

/** KV keys of cached nowcasts start with this; one per location and model. */
export const CACHED_NOWCAST_PREFIX = "nowcast:location:";
const kvKey = (locationId: number, model: string) => `${CACHED_NOWCAST_PREFIX}${locationId}:${model}`;
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

type Metadata = Omit<CachedNowcast, "json">;

function toCached(payload: NowcastPayload): CachedNowcast {
  return {
    json: JSON.stringify(payload),
    nowcastId: payload.id,
    source: payload.source,
    radarTimeMs: Date.parse(payload.radarTime),
    issuedAtMs: Date.parse(payload.issuedAt),
    ...(payload.experimental ? { experimental: payload.experimental } : {}),
  };
}

export async function readCachedNowcast(env: Env, locationId: number, model: string): Promise<CachedNowcast | null> {
  const key = kvKey(locationId, model);
  const hot = memory.get(key);
  if (hot && Date.now() - hot.cachedAt < MEMORY_TTL_MS) return hot;
  const stored = await env.CACHE.getWithMetadata<Metadata>(key, "text");
  if (stored.value === null || !stored.metadata?.nowcastId) return null;
  const entry = { json: stored.value, ...stored.metadata };
  remember(key, entry);
  return entry;
}

/** Written by the store (store.ts) only, after the nowcast's images and row. */
export async function writeCachedNowcast(env: Env, payload: NowcastPayload): Promise<CachedNowcast> {
  const entry = toCached(payload);
  const key = kvKey(payload.location.id, payload.model);
  // The metadata is the entry without its body: a hit reads these fields without parsing the payload.
  const { json, ...metadata }: CachedNowcast = entry;
  await env.CACHE.put(key, json, { expirationTtl: KV_TTL_SECONDS, metadata });
  remember(key, entry);
  return entry;
}

/** The ids of every nowcast KV serves now (what retention must keep), from the keys' metadata. */
export async function nowcastIdsInUse(env: Env): Promise<Map<string, number>> {
  const inUse = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await env.CACHE.list<Metadata>({ prefix: CACHED_NOWCAST_PREFIX, cursor });
    for (const key of page.keys) if (key.metadata?.nowcastId) inUse.set(key.metadata.nowcastId, key.metadata.radarTimeMs);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return inUse;
}
