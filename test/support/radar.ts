import { env } from "cloudflare:workers";
import { sha256Hex } from "../../worker/radar/checksum";
import { decodeFrame, storeRawFrame } from "../../worker/radar/frame-store";

// Workers tests cannot read files: Vite inlines the real composites of
// 16:50-18:00 UTC (shared/, beside the repo) as base64 data URLs.
const COMPOSITES = import.meta.glob<string>(
  ["../../../shared/data/radar/fmi/20160928/20160928165*.pgm.gz", "../../../shared/data/radar/fmi/20160928/201609281[78]*.pgm.gz"],
  { query: "?url&inline", import: "default", eager: true },
);

function bytesOf(dataUrl: string): Uint8Array<ArrayBuffer> {
  const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export const RADAR_FILES = Object.entries(COMPOSITES)
  .map(([path, url]) => ({ stamp: /(\d{12})_fmi/.exec(path)![1]!, bytes: bytesOf(url) }))
  .sort((a, b) => a.stamp.localeCompare(b.stamp));

/** Stores the real frames observed up to `upTo` (YYYYMMDDHHMM) as the ingest pipeline would. */
export async function seedRadar(upTo = "201609281800"): Promise<void> {
  for (const file of RADAR_FILES) {
    if (file.stamp > upTo) continue;
    const frame = await decodeFrame("fmi", file.bytes);
    await storeRawFrame(env, frame, file.bytes, await sha256Hex(file.bytes));
  }
}
