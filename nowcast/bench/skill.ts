// npm run --silent bench:skill -- --frames DIR [--crop LAT,LON,PIXELS] [--models a,b] [--stride N]
// Prints exactly one JSON object on stdout; progress goes to stderr.
import { parseArgs } from "node:util";
import { listCompositeFiles, readCompositeFile } from "../node/radarFiles.js";
import {
  cropAround,
  eligibleStarts,
  getModel,
  NOWCAST_MODELS,
  RadarFormatError,
  type RadarFrame,
  scoreNowcasts,
} from "../src/index.js";
import { median, rounded } from "./stats.js";

const PAST_FRAMES = 3;
const LEADS = 12;
const WARMUP_RUNS = 10;

function parseCrop(text: string): { lat: number; lon: number; sizePx: number } {
  const [lat, lon, sizePx] = text.split(",").map(Number);
  if (lat === undefined || lon === undefined || sizePx === undefined || [lat, lon, sizePx].some((n) => !Number.isFinite(n))) {
    throw new Error(`--crop wants LAT,LON,PIXELS, not '${text}'`);
  }
  return { lat, lon, sizePx };
}

/** Every composite under dir by obstime; a corrupt file is reported and left out, like a missing one. */
async function readReadableComposites(dir: string): Promise<RadarFrame[]> {
  const frames: RadarFrame[] = [];
  for (const file of await listCompositeFiles(dir)) {
    try {
      frames.push(await readCompositeFile(file));
    } catch (error) {
      if (!(error instanceof RadarFormatError)) throw error;
      console.error(`skipping ${file}: ${error.message}`);
    }
  }
  return frames.sort((a, b) => a.obstime.getTime() - b.obstime.getTime());
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      frames: { type: "string" },
      crop: { type: "string" },
      models: { type: "string", default: Object.keys(NOWCAST_MODELS).join(",") },
      stride: { type: "string", default: "1" },
    },
  });
  if (!values.frames) throw new Error("--frames DIR is required");
  const stride = Number(values.stride);
  const models = values.models.split(",").map((name) => getModel(name.trim()));

  let frames = await readReadableComposites(values.frames);
  if (frames.length === 0) throw new Error(`no readable *.pgm.gz under ${values.frames}`);
  if (values.crop) {
    const { lat, lon, sizePx } = parseCrop(values.crop);
    frames = frames.map((frame) => cropAround(frame, lat, lon, sizePx));
  }
  console.error(`${frames.length} frames, ${frames[0]!.width} x ${frames[0]!.height} px`);

  const report: Record<string, unknown> = {};
  let forecasts = 0;
  const firstStart = eligibleStarts(frames, PAST_FRAMES, LEADS).sequences[0];
  for (const model of models) {
    // Untimed runs first, so that ms_per_nowcast measures optimised code, not the JIT warming up.
    for (let run = 0; firstStart && run < WARMUP_RUNS; run++) model.forecast(firstStart.past, LEADS);
    const scores = scoreNowcasts(model, frames, {
      pastFrames: PAST_FRAMES,
      leads: LEADS,
      stride,
      onForecast: (done, total, time) => console.error(`${model.name}: ${done}/${total} ${time.toISOString()}`),
    });
    forecasts = scores.analysisTimes.length;
    const leads: Record<string, unknown> = {};
    for (const lead of scores.leads) {
      const entry: Record<string, unknown> = {};
      for (const c of lead.categorical) {
        entry[String(c.thresholdMmPerHour)] = {
          csi: rounded(c.csi, 4),
          pod: rounded(c.pod, 4),
          far: rounded(c.far, 4),
          bias: rounded(c.bias, 4),
        };
      }
      entry.mae = rounded(lead.mae, 4);
      entry.rmse = rounded(lead.rmse, 4);
      leads[String(lead.leadMinutes)] = entry;
    }
    report[model.name] = { ms_per_nowcast: rounded(median(scores.msPerNowcast), 2), leads };
  }
  const event = {
    frames: frames.length,
    start: frames[0]!.obstime.toISOString(),
    end: frames.at(-1)!.obstime.toISOString(),
    forecasts,
  };
  process.stdout.write(`${JSON.stringify({ event, models: report })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
