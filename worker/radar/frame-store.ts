import { readFmiPgm, type Georeference, type RadarFrame } from "../../nowcast/src/index";
import type { Env } from "../env";
import { coverageMask, covers, type CoverageMask } from "./coverage";

/** Composite families the store can decode; FMI is the one wired today. */
const readers: Record<string, (bytes: Uint8Array) => Promise<RadarFrame>> = { fmi: readFmiPgm };
export const DEFAULT_RADAR_SOURCE = "fmi";
export const FRAME_STEP_MINUTES = 5;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** YYYYMMDDHHMM in UTC, the composites' own time stamp format. */
export function stamp(time: Date): string {
  return `${time.getUTCFullYear()}${pad(time.getUTCMonth() + 1)}${pad(time.getUTCDate())}${pad(time.getUTCHours())}${pad(time.getUTCMinutes())}`;
}

/** Stable R2 key of a raw composite: one object per source and observation time. */
export function radarFrameKey(source: string, obstime: Date): string {
  const s = stamp(obstime);
  return `radar/${source}/${s.slice(0, 4)}/${s.slice(4, 6)}/${s.slice(6, 8)}/${s}.pgm.gz`;
}

/** What the service needs to know of the newest frame without decoding it. */
export interface LatestRadar {
  source: string;
  obstime: Date;
  georef: Georeference;
  coverage: CoverageMask;
}

/** Whether the newest composite has data at a position (see coverage.ts). */
export function inCoverage(latest: LatestRadar, lat: number, lon: number): boolean {
  return covers(latest.georef, latest.coverage, lat, lon);
}

interface LatestPointer {
  obstime: string;
  georef: Georeference;
  coverage: CoverageMask;
}

const latestKey = (source: string) => `radar:${source}:latest`;
// Seconds an isolate trusts its copy of the newest-frame pointer before asking KV again.
const LATEST_TTL_MS = 5_000;
const latestCache = new Map<string, { value: LatestRadar | null; fetchedAt: number }>();

export async function latestRadar(env: Env, source = DEFAULT_RADAR_SOURCE): Promise<LatestRadar | null> {
  const cached = latestCache.get(source);
  if (cached && Date.now() - cached.fetchedAt < LATEST_TTL_MS) return cached.value;
  const raw = await env.CACHE.get<LatestPointer>(latestKey(source), "json");
  const value = raw ? { source, obstime: new Date(raw.obstime), georef: raw.georef, coverage: raw.coverage } : null;
  latestCache.set(source, { value, fetchedAt: Date.now() });
  return value;
}

/** Moves the newest-frame pointer forward (never back: a late old frame must not rewind it). */
export async function advanceLatest(env: Env, frame: RadarFrame): Promise<boolean> {
  const current = await env.CACHE.get<{ obstime: string }>(latestKey(frame.source), "json");
  if (current && Date.parse(current.obstime) >= frame.obstime.getTime()) return false;
  await writeLatest(env, frame);
  return true;
}

/** Points the newest-frame pointer at a frame, forward or back (advanceLatest only moves it forward). */
export async function writeLatest(env: Env, frame: RadarFrame): Promise<void> {
  const pointer: LatestPointer = { obstime: frame.obstime.toISOString(), georef: frame.georef, coverage: coverageMask(frame) };
  await env.CACHE.put(latestKey(frame.source), JSON.stringify(pointer));
  latestCache.delete(frame.source);
}

/** Decodes raw composite bytes with the source's reader (throws RadarFormatError on bad input). */
export function decodeFrame(source: string, bytes: Uint8Array): Promise<RadarFrame> {
  const read = readers[source];
  if (!read) throw new Error(`no reader for radar source "${source}"`);
  return read(bytes);
}

/**
 * Stores a raw composite in R2 under its stable key (the same frame twice is
 * stored once) and advances the newest-frame pointer. Returns whether it was new.
 */
export async function storeRawFrame(
  env: Env,
  frame: RadarFrame,
  bytes: Uint8Array,
  sha256: string,
): Promise<{ key: string; stored: boolean; advanced: boolean }> {
  const key = radarFrameKey(frame.source, frame.obstime);
  const existing = await env.FRAMES.head(key);
  if (!existing) {
    await env.FRAMES.put(key, bytes, {
      httpMetadata: { contentType: "image/x-portable-graymap", contentEncoding: "gzip" },
      customMetadata: { source: frame.source, obstime: frame.obstime.toISOString(), sha256 },
      sha256,
    });
  }
  const advanced = await advanceLatest(env, frame);
  return { key, stored: !existing, advanced };
}

// Decoded full frames shared by every nowcast an isolate computes; a warm-up of
// many places then decodes each composite once. 13 frames of 760 x 1226 float32
// (~48 MB) cover the observed hour.
const DECODED_CAPACITY = 13;
const decoded = new Map<string, Promise<RadarFrame | null>>();

async function fetchAndDecode(env: Env, source: string, key: string): Promise<RadarFrame | null> {
  const object = await env.FRAMES.get(key);
  if (!object) return null;
  return decodeFrame(source, new Uint8Array(await object.arrayBuffer()));
}

/** The frame at an observation time, or null when none was stored for it. */
export function loadFrame(env: Env, source: string, obstime: Date): Promise<RadarFrame | null> {
  const key = radarFrameKey(source, obstime);
  let entry = decoded.get(key);
  if (entry) {
    decoded.delete(key);
  } else {
    entry = fetchAndDecode(env, source, key);
    // A failed read must not stay cached.
    entry.catch(() => decoded.delete(key));
  }
  decoded.set(key, entry);
  while (decoded.size > DECODED_CAPACITY) decoded.delete(decoded.keys().next().value!);
  return entry;
}

/** Frames at `count` consecutive steps ending at `end`, oldest first; null where a frame is missing. */
export function loadFrameWindow(env: Env, source: string, end: Date, count: number): Promise<(RadarFrame | null)[]> {
  const times = Array.from({ length: count }, (_, i) => new Date(end.getTime() - (count - 1 - i) * FRAME_STEP_MINUTES * 60_000));
  return Promise.all(times.map((t) => loadFrame(env, source, t)));
}
