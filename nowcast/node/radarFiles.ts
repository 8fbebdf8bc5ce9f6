// Node-only helpers for tests and benchmarks: the library itself takes bytes, never paths.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RadarFrame } from "../src/index.js";
import { readFmiPgm } from "../src/index.js";

/** RADAR_DIR if set, else <repo root>/../shared/data/radar/fmi. */
export function radarDataDir(): string {
  const fromEnv = process.env.RADAR_DIR;
  if (fromEnv) return resolve(fromEnv);
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  return resolve(repoRoot, "..", "shared", "data", "radar", "fmi");
}

/** Every *.pgm.gz below dir (files or links to them), recursively, sorted by path. */
export async function listCompositeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith(".pgm.gz"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export async function readCompositeFile(path: string): Promise<RadarFrame> {
  return readFmiPgm(new Uint8Array(await readFile(path)));
}

/** All composites below dir, ordered by obstime. */
export async function readComposites(dir: string): Promise<RadarFrame[]> {
  const frames = await Promise.all((await listCompositeFiles(dir)).map(readCompositeFile));
  return frames.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
}
