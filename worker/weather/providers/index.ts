import type { WeatherProviderId, WeatherSource } from "../../db/schema";
import { nws } from "./nws";
import { openMeteo } from "./open-meteo";
import type { SourceParser, WeatherProvider } from "./types";
import { parseVegaObject } from "./vega";

export const providers: Record<WeatherProviderId, WeatherProvider> = {
  "open-meteo": openMeteo,
  nws,
};

/** Every source a landed raw object can come from, with the parser that normalizes it. */
export const sourceParsers: Record<WeatherSource, SourceParser> = {
  "open-meteo": openMeteo.parse,
  nws: nws.parse,
  "vega-datasets": parseVegaObject,
};

export * from "./types";
