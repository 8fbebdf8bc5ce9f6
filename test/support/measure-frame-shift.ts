// npx tsx test/support/measure-frame-shift.ts
// Measures the displacement between consecutive FMI composites of ../shared/data/radar/fmi/20160928
// independently of the engine's motion estimator: a brute-force search over integer shifts (±8 px)
// for the largest overlap of the pixels above 20 dBZ, refined to sub-pixel by a parabola through
// the peak and its neighbours on each axis. It prints the table test/ingest.test.ts holds
// (FRAME_SHIFT_PX), image pixels per 5-minute step, u east, v south.
import { join } from "node:path";
import { radarDataDir, readComposites } from "../../nowcast/node/radarFiles.ts";

const RAIN_DBZ = 20;
const RADIUS_PX = 8;

function overlapShift(previous: Float32Array, next: Float32Array, width: number, height: number): [number, number] {
  const a = Uint8Array.from(previous, (dbz) => (dbz > RAIN_DBZ ? 1 : 0));
  const b = Uint8Array.from(next, (dbz) => (dbz > RAIN_DBZ ? 1 : 0));
  const side = 2 * RADIUS_PX + 1;
  const overlap = new Float64Array(side * side);
  let best = -1;
  let bestX = 0;
  let bestY = 0;
  for (let dy = -RADIUS_PX; dy <= RADIUS_PX; dy++) {
    for (let dx = -RADIUS_PX; dx <= RADIUS_PX; dx++) {
      let n = 0;
      for (let y = RADIUS_PX; y < height - RADIUS_PX; y++) {
        const row = y * width;
        const from = (y - dy) * width - dx;
        for (let x = RADIUS_PX; x < width - RADIUS_PX; x++) if (b[row + x] && a[from + x]) n++;
      }
      overlap[(dy + RADIUS_PX) * side + dx + RADIUS_PX] = n;
      if (n > best) [best, bestX, bestY] = [n, dx, dy];
    }
  }
  const at = (dx: number, dy: number) => overlap[(dy + RADIUS_PX) * side + dx + RADIUS_PX]!;
  const vertex = (minus: number, plus: number) => (minus - plus) / (2 * (minus - 2 * best + plus));
  return [bestX + vertex(at(bestX - 1, bestY), at(bestX + 1, bestY)), bestY + vertex(at(bestX, bestY - 1), at(bestX, bestY + 1))];
}

const frames = await readComposites(join(radarDataDir(), "20160928"));
const table: string[] = [];
for (let k = 1; k < frames.length; k++) {
  const [u, v] = overlapShift(frames[k - 1]!.dbz, frames[k]!.dbz, frames[k]!.width, frames[k]!.height);
  table.push(`"${frames[k]!.obstime.toISOString().slice(11, 16)}": [${u.toFixed(2)}, ${v.toFixed(2)}]`);
}
console.log(`{ ${table.join(", ")} }`);
