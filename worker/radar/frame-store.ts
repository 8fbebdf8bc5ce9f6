import { type Georeference, RADAR_SOURCES, type RadarFrame, radarSource } from "../../nowcast/src/index";
import type { Env } from "../env";
import { coverageMask, coverageOutline, covers, type CoverageMask } from "./coverage";

export const DEFAULT_RADAR_SOURCE = "fmi";

/** The source's own time step (5 minutes for the national composites, 15 for OPERA). */
export function stepMinutesOf(source: string): number {
  return radarSource(source).stepMinutes;
}

/** How each source's raw files are kept in R2: as fetched, under the source's own extension. */
const RAW_OBJECTS: Readonly<Record<string, { extension: string; contentType: string; contentEncoding?: string }>> = {
  fmi: { extension: "pgm.gz", contentType: "image/x-portable-graymap", contentEncoding: "gzip" },
  knmi: { extension: "h5", contentType: "application/x-hdf5" },
  mch: { extension: "gif", contentType: "image/gif" },
  opera: { extension: "hdf", contentType: "application/x-hdf5" },
};

function rawObject(source: string) {
  const raw = RAW_OBJECTS[source];
  if (!raw) throw new Error(`no raw object layout for radar source "${source}"`);
  return raw;
}

/** R2 httpMetadata of a source's raw composite. */
export function rawHttpMetadata(source: string): { contentType: string; contentEncoding?: string } {
  const { contentType, contentEncoding } = rawObject(source);
  return contentEncoding ? { contentType, contentEncoding } : { contentType };
}

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
  return `radar/${source}/${s.slice(0, 4)}/${s.slice(4, 6)}/${s.slice(6, 8)}/${s}.${rawObject(source).extension}`;
}

/** What the service needs to know of the newest frame without decoding it. */
export interface LatestRadar {
  source: string;
  obstime: Date;
  georef: Georeference;
  coverage: CoverageMask;
  /** Where the newest composite has data, as a [lon, lat] ring (coverage.ts). */
  outline: [number, number][];
}

/** Whether the newest composite has data at a position (see coverage.ts). */
export function inCoverage(latest: LatestRadar, lat: number, lon: number): boolean {
  return covers(latest.georef, latest.coverage, lat, lon);
}

/** Sources in the order they are preferred where several cover a place: national before continental. */
const PREFERENCE = Object.values(RADAR_SOURCES)
  .sort((a, b) => Number(a.scope === "continental") - Number(b.scope === "continental"))
  .map((s) => s.id);

/** The newest frame of every source that has one, most preferred first. */
export async function latestRadars(env: Env): Promise<LatestRadar[]> {
  const all = await Promise.all(PREFERENCE.map((source) => latestRadar(env, source)));
  return all.filter((latest): latest is LatestRadar => latest !== null);
}

/** The source that serves a place: the most preferred one whose coverage mask has it; null where none does. */
export function servingRadar(latests: readonly LatestRadar[], lat: number, lon: number): LatestRadar | null {
  return latests.find((latest) => inCoverage(latest, lat, lon)) ?? null;
}

interface LatestPointer {
  obstime: string;
  georef: Georeference;
  coverage: CoverageMask;
  /** Absent on pointers written before outlines were kept. */
  outline?: [number, number][];
}

const latestKey = (source: string) => `radar:${source}:latest`;
// Seconds an isolate trusts its copy of the newest-frame pointer before asking KV again.
const LATEST_TTL_MS = 5_000;
const latestCache = new Map<string, { value: LatestRadar | null; fetchedAt: number }>();

export async function latestRadar(env: Env, source = DEFAULT_RADAR_SOURCE): Promise<LatestRadar | null> {
  const cached = latestCache.get(source);
  if (cached && Date.now() - cached.fetchedAt < LATEST_TTL_MS) return cached.value;
  const raw = await env.CACHE.get<LatestPointer>(latestKey(source), "json");
  const value = raw ? { source, obstime: new Date(raw.obstime), georef: raw.georef, coverage: raw.coverage, outline: raw.outline ?? coverageOutline(raw.georef, raw.coverage) } : null;
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
  const coverage = coverageMask(frame);
  const pointer: LatestPointer = { obstime: frame.obstime.toISOString(), georef: frame.georef, coverage, outline: coverageOutline(frame.georef, coverage) };
  await env.CACHE.put(latestKey(frame.source), JSON.stringify(pointer));
  latestCache.delete(frame.source);
}

/** Decodes raw composite bytes with the source's reader (throws RadarFormatError on bad input). */
export function decodeFrame(source: string, bytes: Uint8Array): Promise<RadarFrame> {
  const known = RADAR_SOURCES[source];
  if (!known) throw new Error(`no reader for radar source "${source}"`);
  return known.reader.read(bytes);
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
      httpMetadata: rawHttpMetadata(frame.source),
      customMetadata: { source: frame.source, obstime: frame.obstime.toISOString(), sha256 },
      sha256,
    });
  }
  const advanced = await advanceLatest(env, frame);
  return { key, stored: !existing, advanced };
}

// Decoded full frames shared by every nowcast an isolate computes; a warm-up of
// many places then decodes each composite once. The observed hour is 13 FMI frames
// of 760 x 1226 float32 (~48 MB) or 5 OPERA frames of 1900 x 2200 (~84 MB); the
// budget holds one such hour and evicts the least recently used frames beyond it.
const DECODED_BUDGET_PX = 21_000_000;
const decoded = new Map<string, Promise<RadarFrame | null>>();
const decodedPx = new Map<string, number>();
let decodedTotalPx = 0;

function forget(key: string): void {
  decoded.delete(key);
  decodedTotalPx -= decodedPx.get(key) ?? 0;
  decodedPx.delete(key);
}

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
    entry.catch(() => forget(key));
    void entry.then((frame) => {
      if (!frame || decoded.get(key) !== entry) return;
      decodedPx.set(key, frame.width * frame.height);
      decodedTotalPx += frame.width * frame.height;
      // Evict the least recently used, never the frame just decoded.
      for (const oldest of decoded.keys()) {
        if (decodedTotalPx <= DECODED_BUDGET_PX || oldest === key) break;
        forget(oldest);
      }
    }, () => {});
  }
  decoded.set(key, entry);
  return entry;
}

/** Frames at `count` consecutive steps of the source ending at `end`, oldest first; null where a frame is missing. */
export function loadFrameWindow(env: Env, source: string, end: Date, count: number): Promise<(RadarFrame | null)[]> {
  const stepMs = stepMinutesOf(source) * 60_000;
  const times = Array.from({ length: count }, (_, i) => new Date(end.getTime() - (count - 1 - i) * stepMs));
  return Promise.all(times.map((t) => loadFrame(env, source, t)));
}
