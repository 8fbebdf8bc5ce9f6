// Node-only helpers for tests and benchmarks: the library itself takes bytes, never paths.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RadarFrame } from "../src/index.js";
import { readComposite, sourceOfFileName } from "../src/index.js";

/** RADAR_ROOT if set, else <repo root>/../shared/data/radar: one folder per source. */
export function radarRootDir(): string {
  const fromEnv = process.env.RADAR_ROOT;
  if (fromEnv) return resolve(fromEnv);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  return resolve(repoRoot, "..", "shared", "data", "radar");
}

/** The archive folder of one source; for FMI, RADAR_DIR overrides it. */
export function radarDataDir(source = "fmi"): string {
  if (source === "fmi" && process.env.RADAR_DIR) return resolve(process.env.RADAR_DIR);
  return join(radarRootDir(), source);
}

/** Every composite file below dir (files or links to them) that a source's archive names so, sorted by path. */
export async function listCompositeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && sourceOfFileName(entry.name) !== null)
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** One composite of any source, read by the reader its bytes call for. */
export async function readCompositeFile(path: string): Promise<RadarFrame> {
  return readComposite(new Uint8Array(await readFile(path)));
}

/** All composites below dir, ordered by obstime. */
export async function readComposites(dir: string): Promise<RadarFrame[]> {
  const frames: RadarFrame[] = [];
  // One at a time: an OPERA frame is 4 M pixels, and reading all at once only adds peak memory.
  for (const file of await listCompositeFiles(dir)) frames.push(await readCompositeFile(file));
  return frames.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
}
