import type { TestProject } from "vitest/node";
import { startIdentityProvider } from "./identity-provider";
import { startOpenMeteoReplay } from "./open-meteo-replay";
import { startRadarReplay } from "../../worker/dev/radar-replay-server";
import { startRadarScenarioReplay } from "./radar-replay";
import { startCsvReplay } from "../../worker/dev/csv-replay-server";
import { startParquetReader } from "./parquet-reader";
import { closedPortUrl, startFaultyInferenceServer, startTestInferenceServer } from "./inference-servers";

declare module "vitest" {
  export interface ProvidedContext {
    idpUrl: string;
    weatherReplayUrl: string;
    radarReplayUrl: string;
    radarScenarioUrl: string;
    inferenceUrl: string;
    inferenceFaultUrl: string;
    inferenceDownUrl: string;
    csvReplayUrl: string;
    parquetReaderUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const idp = await startIdentityProvider();
  project.provide("idpUrl", idp.url);
  const weatherReplay = await startOpenMeteoReplay();
  project.provide("weatherReplayUrl", weatherReplay.url);
  // Radar ingest: the product's replay server (its clock starts at the archive's newest frame)
  // and scenarios with their own clocks in front of another one (test/support/radar-replay.ts).
  const radarReplay = await startRadarReplay();
  project.provide("radarReplayUrl", radarReplay.url);
  const radarScenarios = await startRadarScenarioReplay();
  project.provide("radarScenarioUrl", radarScenarios.url);
  // The inference container as a local process (container/src/server.ts), a misbehaving one, and a closed port.
  const inference = await startTestInferenceServer();
  project.provide("inferenceUrl", inference.url);
  const faultyInference = await startFaultyInferenceServer();
  project.provide("inferenceFaultUrl", faultyInference.url);
  project.provide("inferenceDownUrl", await closedPortUrl());
  // ETL: real CSVs (vega-datasets and hostile variants of them) and DuckDB reading the exported Parquet.
  const csvReplay = await startCsvReplay();
  project.provide("csvReplayUrl", csvReplay.url);
  const parquetReader = await startParquetReader();
  project.provide("parquetReaderUrl", parquetReader.url);
  return async () => {
    await idp.close();
    await weatherReplay.close();
    await radarReplay.close();
    await radarScenarios.close();
    await inference.close();
    await faultyInference.close();
    await csvReplay.close();
    await parquetReader.close();
  };
}
