import type { TestProject } from "vitest/node";
import { startIdentityProvider } from "./identity-provider";
import { startOpenMeteoReplay } from "./open-meteo-replay";
import { startRadarReplay } from "../../worker/dev/radar-replay-server";
import { startRadarScenarioReplay } from "./radar-replay";

declare module "vitest" {
  export interface ProvidedContext {
    idpUrl: string;
    weatherReplayUrl: string;
    radarReplayUrl: string;
    radarScenarioUrl: string;
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
  return async () => {
    await idp.close();
    await weatherReplay.close();
    await radarReplay.close();
    await radarScenarios.close();
  };
}
