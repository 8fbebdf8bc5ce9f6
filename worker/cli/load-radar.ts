// Loads the real FMI composites from ../shared/data/radar into local R2, the
// way the ingest pipeline stores fetched frames, so the local product has
// radar data before any scheduled fetch has run.
import { readFileSync } from "node:fs";
import type { Env } from "../env";
import { listRadarFiles } from "../dev/radar-files";
import { sha256Hex } from "../radar/checksum";
import { decodeFrame, DEFAULT_RADAR_SOURCE, storeRawFrame } from "../radar/frame-store";

export async function loadRadarArchive(env: Env): Promise<{ files: number; stored: number; newest: Date | null }> {
  const files = listRadarFiles();
  let stored = 0;
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file.path));
    const frame = await decodeFrame(DEFAULT_RADAR_SOURCE, bytes);
    if ((await storeRawFrame(env, frame, bytes, await sha256Hex(bytes))).stored) stored++;
  }
  return { files: files.length, stored, newest: files.at(-1)?.obstime ?? null };
}
