import type { Env } from "../env";
import { retrainClassifierJob } from "./classifier";
import { enqueueWeatherCollection } from "./collect";

/** City weather's cron triggers (wrangler.toml [triggers]): collection every 20 minutes, retraining daily. */
export const CRON_WEATHER_COLLECT = "*/20 * * * *";
export const CRON_WEATHER_CLASSIFIER = "30 3 * * *";

export const weatherCronJobs: Record<string, (scheduledAt: Date, env: Env) => Promise<void>> = {
  [CRON_WEATHER_COLLECT]: async (scheduledAt, env) => {
    await enqueueWeatherCollection(scheduledAt, env);
  },
  [CRON_WEATHER_CLASSIFIER]: retrainClassifierJob,
};
