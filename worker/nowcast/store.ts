// The one store of nowcasts: R2 (images), D1 (the record) and KV (the served copy), saved
// together. A failed step removes what the steps before it wrote, so no image is left in R2
// without its row and no row without its cached copy.
import { eq } from "drizzle-orm";
import { nowcasts } from "../db/schema";
import type { Db, Env } from "../env";
import { log } from "../logging";
import type { BuiltNowcast, StoredImage } from "./build";
import { type CachedNowcast, writeCachedNowcast } from "./cache";

// Observed-frame images known to be in R2 in this isolate: no HEAD per image per nowcast.
const KNOWN_CAPACITY = 20_000;
const knownObserved = new Set<string>();

function remember(key: string): void {
  knownObserved.add(key);
  if (knownObserved.size > KNOWN_CAPACITY) knownObserved.delete(knownObserved.values().next().value!);
}

/** Which of these observed-frame images are stored already (rendered once, shared). */
export async function storedObservedImages(env: Env, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  await Promise.all(
    keys.map(async (key) => {
      if (knownObserved.has(key) || (await env.FRAMES.head(key))) {
        found.add(key);
        remember(key);
      }
    }),
  );
  return found;
}

const put = (env: Env, image: StoredImage) => env.FRAMES.put(image.key, image.bytes, { httpMetadata: { contentType: image.contentType } });

/** Saves a built nowcast to R2, D1 and KV; returns the cached copy served from now on. */
export async function saveNowcast(env: Env, db: Db, built: BuiltNowcast): Promise<CachedNowcast> {
  const written: string[] = [];
  try {
    await Promise.all(
      [...built.images, ...built.observedImages].map(async (image) => {
        await put(env, image);
        written.push(image.key);
      }),
    );
    await db.insert(nowcasts).values(built.row);
  } catch (error) {
    await removeObjects(env, written);
    throw error;
  }
  try {
    const entry = await writeCachedNowcast(env, built.payload);
    for (const image of built.observedImages) remember(image.key);
    return entry;
  } catch (error) {
    await db.delete(nowcasts).where(eq(nowcasts.id, built.row.id));
    await removeObjects(env, written);
    throw error;
  }
}

async function removeObjects(env: Env, keys: string[]): Promise<void> {
  if (!keys.length) return;
  try {
    // R2 deletes up to 1000 keys per call.
    for (let i = 0; i < keys.length; i += 1000) await env.FRAMES.delete(keys.slice(i, i + 1000));
  } catch (error) {
    log("error", "could not remove the images of a nowcast that failed to save", { keys: keys.length, error: String(error) });
  }
  for (const key of keys) knownObserved.delete(key);
}

/** Forgets what this isolate knows of stored observed images (retention deleted some). */
export function forgetObservedImages(keys: Iterable<string>): void {
  for (const key of keys) knownObserved.delete(key);
}
