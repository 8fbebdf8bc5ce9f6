// npm start: prepares the local product (secrets, site build, migrations, demo
// user) and runs it under `wrangler dev` on workerd with local D1/KV/R2/Queues.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema";
import { upsertUser } from "../users";
import { DEMO_USER } from "./demo-user";
import { ingestArchive, startLocalRadarSource } from "../ingest/local";
import { die, statePath, withLocalEnv } from "./local-env";
import { startOpenMeteoReplay } from "../../test/support/open-meteo-replay";
import { describeImport, importShippedWeatherHistory } from "../weather/cli/import-history";
import { startLocalInferenceServer } from "../../container/src/local";
import { shipVegaDatasets } from "../synth/cli/ship-datasets";
import { startCsvReplay } from "../dev/csv-replay-server";

const port = Number(process.env.PORT ?? 8787);
const persistArgs = statePath() ? ["--persist-to", statePath()!] : [];

function step(title: string, command: string, args: string[]): void {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) die(`${title} failed (exit ${result.status})`);
}

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example");
} else {
  // A secret added to the example since .dev.vars was made: added with its example value.
  const have = readFileSync(".dev.vars", "utf8");
  const missing = readFileSync(".dev.vars.example", "utf8").split("\n").filter((l) => /^[A-Z_]+=/.test(l) && !new RegExp(`^${l.split("=")[0]}=`, "m").test(have));
  if (missing.length) {
    appendFileSync(".dev.vars", `${have.endsWith("\n") ? "" : "\n"}${missing.join("\n")}\n`);
    console.log(`added to .dev.vars from .dev.vars.example: ${missing.map((l) => l.split("=")[0]).join(", ")}`);
  }
}
// One build for everything the code imports: the gazetteer the Worker bundles, then the site.
step("generating the gazetteer", "npx", ["tsx", "worker/places/build-gazetteer.ts"]);
step("building the site", "npx", ["vite", "build", "--logLevel", "warn"]);
step("applying D1 migrations (local)", "npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", ...persistArgs]);
/** A step run in this process: a failure stops the command with the step's name and the root cause. */
async function localStep<T>(title: string, work: () => Promise<T>): Promise<T> {
  console.log(`\n▶ ${title}`);
  try {
    return await work();
  } catch (error) {
    // A failed query's message carries its whole parameter list on later lines: its first line and
    // the root cause say what went wrong.
    const line = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 300);
    let root: unknown = error;
    while (root instanceof Error && root.cause !== undefined) root = root.cause;
    return die(`${title} failed: ${line(error)}${root !== error ? ` (cause: ${line(root)})` : ""}`);
  }
}
await localStep("seeding the demo user", () => withLocalEnv((env) => upsertUser(drizzle(env.DB, { schema }), DEMO_USER)));
console.log(describeImport(await localStep("importing the city weather history (vega-datasets weather.csv)", () => importShippedWeatherHistory())));
await localStep("shipping the synthetic-data lab's vega-datasets files into local R2", () => withLocalEnv((env) => shipVegaDatasets(env)));
// Weather providers answer from the local replay server (offline); NOWCAST_WEATHER_LIVE=1 asks the real ones.
const weatherReplay = process.env.NOWCAST_WEATHER_LIVE === "1" ? null : await startOpenMeteoReplay();
const weatherVars = weatherReplay ? ["--var", `OPEN_METEO_URL:${weatherReplay.url}`, "--var", `NWS_URL:${weatherReplay.url}`] : [];
// ETL jobs: real CSVs (vega-datasets and hostile variants) from a local replay server; the data page offers them.
const csvReplay = await startCsvReplay({ port: Number(process.env.CSV_REPLAY_PORT ?? 0) });
// Radar: one replay server per archive (FMI, KNMI, MeteoSwiss, OPERA) is an ingest feed, its clock the feed's clock.
const radarSource = await startLocalRadarSource();
// NOWCAST_REPLAY_UNTIL (an ISO time): bring the FMI archive in only up to it; later frames stay with the
// replay server for whoever moves its clock (npm run bench:live plays them one frame at a time).
const fmiFeed = radarSource.feeds.find((f) => f.source === "fmi");
if (process.env.NOWCAST_REPLAY_UNTIL && fmiFeed) fmiFeed.last = new Date(process.env.NOWCAST_REPLAY_UNTIL);
// The inference container (ensemble, learned models) as a plain local process: no Docker engine here.
console.log("\n▶ starting the inference service (container/src, as a local process)");
const inference = await startLocalInferenceServer({ port: Number(process.env.INFERENCE_PORT ?? 0) }).catch((error: Error) =>
  die(`inference service: ${error.message}`),
);

console.log("\n▶ starting the Worker (wrangler dev)");
const dev = spawn("npx", ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--test-scheduled",
  // Archived radar data behaves as live: the service's clock is the newest frame's time.
  "--var", "NOWCAST_CLOCK:latest-frame", "--var", `CONTAINER_URL:${inference.url}`, ...weatherVars, ...radarSource.vars, "--var", `CSV_REPLAY_URL:${csvReplay.url}`, ...persistArgs,
  // Further flags for wrangler dev (e.g. --var NAME:value), after `npm start --`.
  ...process.argv.slice(2)], {
  stdio: ["inherit", "inherit", "inherit"],
});
let ready = false;
dev.on("exit", (code) => {
  void inference.close().then(() => {
    if (!ready) die(`wrangler dev exited (code ${code}) before the Worker answered /api/health`);
    process.exit(code ?? 0);
  });
});
function stopAll(signal: NodeJS.Signals = "SIGTERM"): void {
  dev.kill(signal);
  void weatherReplay?.close();
  void radarSource.close();
  void csvReplay.close();
  void inference.close();
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAll(signal));

const base = `http://127.0.0.1:${port}`;
const HEALTH_WAIT_MS = 180_000;
const startedAt = Date.now();
while (!ready) {
  if (Date.now() - startedAt > HEALTH_WAIT_MS) {
    stopAll();
    die(`the Worker did not answer ${base}/api/health within ${HEALTH_WAIT_MS / 1000} s; see wrangler's output above`);
  }
  await new Promise((r) => setTimeout(r, 500));
  const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
  if (ok) {
    ready = true;
    console.log(`\n▶ ingesting the radar archives through the pipeline (replays ${radarSource.feeds.map((f) => `${f.source} ${f.replay.url}`).join(", ")} -> cron -> R2 -> queue -> D1)`);
    const radar = await ingestArchive(base, radarSource, DEMO_USER).catch((error: Error) => {
      dev.kill("SIGTERM");
      return die(`radar ingest: ${error.message}`);
    });
    for (const r of radar) {
      console.log(`radar ${r.source}: newest frame ${r.newestStored ?? "none"}; ${r.runs.stored} frames stored in ${r.runs.count} runs, ${r.frames} rows in D1 so far (the rest within the queue's batch timeout), ${r.refused.total} refused`);
    }
    console.log(`
Nowcast Edge is running.
  Site:      ${base}/
  Sign in:   ${base}/signin   as ${DEMO_USER.email} / ${DEMO_USER.password} (admin)
  API docs:  ${base}/api/docs   (OpenAPI: ${base}/api/openapi.json)
  Health:    ${base}/api/health
  Cron:      ${base}/__scheduled?cron=0+*+*+*+*  (hourly warm-up), ${base}/__scheduled?cron=*/5+*+*+*+*  (radar ingest)
  Radar:     ${base}/api/admin/ingest/status?source=fmi|knmi|mch|opera (admin)   (source: replay ${fmiFeed?.replay.url ?? "none"}, clock: POST <replay>/__clock {"now": iso}; every replay: ${radarSource.feeds.map((f) => `${f.source} ${f.replay.url}`).join("; ")})
  Weather:   ${base}/weather   (collect: ${base}/__scheduled?cron=*/20+*+*+*+*, provider replay: ${weatherReplay?.url ?? "live"})
  Data jobs: ${base}/data   (CSV ETL; real CSVs from the replay ${csvReplay.url}/vega/weather.csv, hostile ones under /hostile/)
  Inference: ${inference.url}/v1/models   (?model=ensemble, tinycnn or unet-gpu on /api/nowcast runs there)
Press Ctrl+C to stop.`);
  }
}
