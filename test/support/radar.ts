import { env } from "cloudflare:workers";
import { sha256Hex } from "../../worker/radar/checksum";
import { decodeFrame, storeRawFrame, writeLatest } from "../../worker/radar/frame-store";

// Workers tests cannot read files: Vite inlines the real composites of
// 16:50-18:00 UTC (shared/, beside the repo) as base64 data URLs.
const COMPOSITES = import.meta.glob<string>(
  ["../../../shared/data/radar/fmi/20160928/20160928165*.pgm.gz", "../../../shared/data/radar/fmi/20160928/201609281[78]*.pgm.gz"],
  { query: "?url&inline", import: "default", eager: true },
);

/** The bytes of a file Vite inlined as a data URL (`?url&inline`): Workers tests cannot read files. */
export function bytesOf(dataUrl: string): Uint8Array<ArrayBuffer> {
  const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export const RADAR_FILES = Object.entries(COMPOSITES)
  .map(([path, url]) => ({ stamp: /(\d{12})_fmi/.exec(path)![1]!, bytes: bytesOf(url) }))
  .sort((a, b) => a.stamp.localeCompare(b.stamp));

/**
 * Lands the real frames observed up to `upTo` (YYYYMMDDHHMM) in R2 and moves the newest-frame
 * pointer, as the ingest's storage step does; it writes no D1 parameter rows and starts no
 * per-frame warm-up (the ingest tests run the real pipeline for those).
 */
export async function seedRadar(upTo = "201609281800"): Promise<void> {
  for (const file of RADAR_FILES) {
    if (file.stamp > upTo) continue;
    const frame = await decodeFrame("fmi", file.bytes);
    await storeRawFrame(env, frame, file.bytes, await sha256Hex(file.bytes));
  }
}

/**
 * Makes `stamp` the newest frame whatever came before (the real frames up to it landed in
 * R2, the pointer set to it, back in time if need be), so a test does not depend on the
 * radar time other tests of its file left behind.
 */
export async function pinNewestFrame(stamp: string): Promise<void> {
  await seedRadar(stamp);
  const file = RADAR_FILES.find((f) => f.stamp === stamp);
  if (!file) throw new Error(`no real frame at ${stamp}`);
  await writeLatest(env, await decodeFrame("fmi", file.bytes));
}
