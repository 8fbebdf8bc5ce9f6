// npm run --silent bench:infer
// One 12-lead nowcast of a 256 x 256 crop (Helsinki) from the real frames, three ways; prints
// exactly one JSON object on stdout (progress on stderr):
//   embedded_ms   median ms of an optical-flow nowcast in process (the Worker's embedded engine)
//   container_ms  median ms of the same model through the local inference server: the request
//                 encoded, sent over HTTP, computed in the server's process, the response decoded
//                 and validated (what the Worker's container backend does)
//   ensemble      the 20-member ensemble through the same server: median ms, members per second
import { join } from "node:path";
import { radarDataDir, readComposites } from "../../nowcast/node/radarFiles.js";
import { cropAround, opticalFlow, type RadarFrame } from "../../nowcast/src/index.js";
import { median, rounded } from "../../nowcast/bench/stats.js";
import { containerBackend } from "../../worker/inference/backends.js";
import { startLocalInferenceServer } from "../src/local.js";

const PAST_FRAMES = 3;
const LEADS = 12;
const CROP = { lat: 60.2, lon: 24.9, sizePx: 256 };
// BENCH_SHORT=1: a few runs only (npm test runs it so the script cannot rot; figures from it mean nothing).
const SHORT = process.env.BENCH_SHORT === "1";
const WARMUP_RUNS = SHORT ? 1 : 10;
const RUNS = SHORT ? 2 : 30;
const ENSEMBLE_WARMUP = SHORT ? 0 : 2;
const ENSEMBLE_RUNS = SHORT ? 1 : 7;
const MEMBERS = 20;

async function timed(runs: number, warmup: number, pasts: RadarFrame[][], once: (past: RadarFrame[]) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < warmup + runs; run++) {
    const past = pasts[run % pasts.length]!;
    const started = performance.now();
    await once(past);
    if (run >= warmup) times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const frames = await readComposites(join(radarDataDir(), "20160928"));
  if (frames.length < PAST_FRAMES) throw new Error(`need ${PAST_FRAMES} frames under ${radarDataDir()}`);
  // Several consecutive start times, so that timings are not those of one field.
  const pasts: RadarFrame[][] = [];
  for (let end = PAST_FRAMES; end <= frames.length; end += PAST_FRAMES) {
    pasts.push(frames.slice(end - PAST_FRAMES, end).map((f) => cropAround(f, CROP.lat, CROP.lon, CROP.sizePx)));
  }

  console.error("timing optical-flow in process");
  const embeddedMs = await timed(RUNS, WARMUP_RUNS, pasts, async (past) => opticalFlow.forecast(past, LEADS));

  const server = await startLocalInferenceServer();
  try {
    const backend = containerBackend({
      timeoutMs: 120_000,
      fetch: (request) => fetch(new Request(`${server.url}${new URL(request.url).pathname}`, request)),
    });
    console.error(`timing optical-flow through the local inference server (${server.url})`);
    const containerMs = await timed(RUNS, WARMUP_RUNS, pasts, (past) => backend.nowcast({ past, leads: LEADS, model: "optical-flow" }));
    console.error(`timing the ${MEMBERS}-member ensemble through the local inference server`);
    const ensembleMs = await timed(ENSEMBLE_RUNS, ENSEMBLE_WARMUP, pasts, async (past) => {
      const result = await backend.nowcast({ past, leads: LEADS, model: "ensemble" });
      if (result.ensemble?.members !== MEMBERS) throw new Error(`expected ${MEMBERS} members, got ${result.ensemble?.members}`);
    });
    process.stdout.write(
      `${JSON.stringify({
        embedded_ms: rounded(embeddedMs, 2),
        container_ms: rounded(containerMs, 2),
        ensemble: { members: MEMBERS, ms: rounded(ensembleMs, 1), members_per_s: rounded((MEMBERS * 1000) / ensembleMs, 2) },
      })}\n`,
    );
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
