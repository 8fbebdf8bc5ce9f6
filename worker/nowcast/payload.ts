import { z } from "@hono/zod-openapi";
import { experimentalLabelSchema } from "../inference/contract";
import { georeferenceSchema as radarGeoreferenceSchema } from "../radar/georeference-schema";

const isoTime = z.string().datetime();

export const rainEventsSchema = z.object({
  thresholdMmPerHour: z.number(),
  startsInMinutes: z.number().int().nullable().openapi({ description: "Minutes after the radar time until rain of at least the threshold; 0 = raining now" }),
  stopsInMinutes: z.number().int().nullable(),
  peakMmPerHour: z.number().nullable(),
  peakInMinutes: z.number().int().nullable(),
  startsAt: isoTime.nullable(),
  stopsAt: isoTime.nullable(),
  peakAt: isoTime.nullable(),
  summary: z.string().openapi({
    description: "The sentence as at the radar time, in minutes from then; the response's summary says it at the service's now",
    example: "70 % chance of light rain in 20 min, for 30 min.",
  }),
});

const frameLink = z.object({ time: isoTime, url: z.string() });

/** The engine's Georeference: where the frames' pixels lie, so a map can be drawn under them. */
export const georeferenceSchema = radarGeoreferenceSchema.openapi("Georeference");

/** Which radar source a nowcast comes from, what the map must credit, and where the source has data. */
export const radarSourceSchema = z
  .object({
    id: z.string().openapi({ example: "knmi" }),
    name: z.string().openapi({ example: "KNMI radar composite (the Netherlands)" }),
    credit: z.string().openapi({ description: "The credit line the source's licence asks for wherever its images are shown", example: "KNMI" }),
    licence: z.string(),
    stepMinutes: z.number().openapi({ description: "The source's own time step: observed frames and forecast leads are this far apart", example: 5 }),
    quantity: z.enum(["reflectivity", "accumulation", "rain rate"]).openapi({ description: "What the source's files carry before conversion to rain rate" }),
    coverageOutline: z.array(z.tuple([z.number(), z.number()])).openapi({ description: "A closed [lon, lat] ring around where the source's newest composite has data" }),
  })
  .openapi("RadarSource");

/** Set for a learned model not shown to beat optical flow on events it never saw: why, its measured skill, the data it saw. */
export const experimentalLabel = experimentalLabelSchema.openapi("ExperimentalModel", {
  description:
    "The model is experimental (never a default): no benchmark, one it does not win against its reference, or one on held-out frames of the event it was trained on",
});

/** A stored nowcast of one location, as kept in KV and served inside the response. */
export const nowcastPayloadSchema = z
  .object({
    id: z.string(),
    issuedAt: isoTime,
    radarTime: isoTime.openapi({ description: "Observation time of the newest radar frame the nowcast starts from" }),
    source: z.string().openapi({ description: "The radar source the nowcast was computed from (radar.id)", example: "knmi" }),
    radar: radarSourceSchema,
    model: z.string(),
    backend: z.string(),
    stepMinutes: z.number(),
    location: z.object({ id: z.number().int(), name: z.string(), country: z.string().nullable(), lat: z.number(), lon: z.number() }),
    neighbourhoodKm: z.number().openapi({ description: "Side of the square the point series is averaged over" }),
    georef: georeferenceSchema.openapi({ description: "The grid of the frames (a crop of the composite centred on the location)" }),
    series: z.array(
      z.object({
        minutes: z.number().int(),
        time: isoTime,
        mmPerHour: z.number().nullable(),
        dbz: z.number().nullable(),
      }),
    ),
    chance: z
      .object({
        method: z.enum(["ensemble", "neighbourhood"]).openapi({
          description: "ensemble: the fraction of members with rain around the place; neighbourhood: the fraction of the deterministic nowcast's pixels with rain in a square around the place that widens with the lead",
        }),
        thresholdMmPerHour: z.number(),
        members: z.number().int().nullable(),
        series: z.array(z.object({ minutes: z.number().int(), time: isoTime, chanceOfRain: z.number().nullable() })),
      })
      .openapi({ description: "The chance of rain at the place per 5 minutes, lead 0 (now, observed) first" }),
    events: rainEventsSchema,
    motion: z.object({ meanUPxPerStep: z.number(), meanVPxPerStep: z.number() }).nullable(),
    frames: z.object({ observed: z.array(frameLink), forecast: z.array(frameLink) }),
    regional: z
      .object({ georef: georeferenceSchema, frames: z.object({ observed: z.array(frameLink), forecast: z.array(frameLink) }) })
      .nullable()
      .optional()
      .openapi({
        description:
          "The source's whole composite at the same times on a coarser grid (its longer side at most 640 pixels), observed and forecast: what the map shows around the crop, so rain can be seen coming from far away",
      }),
    animation: z.object({
      url: z.string().nullable().openapi({ description: "The GIF of the observed and forecast hour; null for a nowcast read off the regional forecast (its frames are the regional view's images)" }),
      frames: z.number().int(),
      frameDelayMs: z.number().int(),
    }),
    legend: z.object({ url: z.string(), imageUrl: z.string() }),
    probability: z
      .object({
        members: z.number().int(),
        thresholdsMmPerHour: z.array(z.number()),
        rainThresholdMmPerHour: z.number(),
        series: z.array(
          z.object({
            minutes: z.number().int(),
            time: isoTime,
            chanceOfRain: z.number().nullable().openapi({ description: "Chance that the rain rate around the place exceeds rainThresholdMmPerHour" }),
            exceedance: z.array(z.number().nullable()).openapi({ description: "Chance of exceeding each of thresholdsMmPerHour" }),
          }),
        ),
      })
      .optional()
      .openapi({ description: "Ensemble nowcasts only: the probabilistic point series, one entry per lead" }),
    experimental: experimentalLabel.optional(),
  })
  .openapi("Nowcast");
export type NowcastPayload = z.infer<typeof nowcastPayloadSchema>;

export const cacheInfoSchema = z.object({
  status: z.enum(["HIT", "MISS", "STALE"]),
  reason: z.enum(["hit", "current", "regional", "revalidating", "miss", "stale", "fresh", "fallback"]).openapi({
    description:
      "hit: cached and current; current (HIT): fresh=1 asked and the cached nowcast already starts from the newest radar frame; " +
      "regional (HIT): the place had no current nowcast of its own, so it is read off the source's regional forecast of the newest frame " +
      "(the whole composite, run once per frame, on its coarser grid; the map is the regional view) while its own is computed, a few places a frame; " +
      "revalidating (STALE): at most NOWCAST_STALE_MAX_SECONDS behind the newest frame, served at once while it is recomputed; " +
      "miss, stale, fresh (MISS): computed for this request; " +
      "fallback (STALE): the backend failed and the last cached nowcast is served, older than the newest radar frame",
  }),
  ageSeconds: z.number().int().openapi({ description: "Seconds since the nowcast was computed" }),
  radarTime: isoTime.openapi({ description: "Radar time the served nowcast starts from" }),
  behindSeconds: z.number().int().openapi({ description: "How far that radar time lies behind the newest frame's (0 = current)" }),
});

export const nowcastResponseSchema = z
  .object({
    cache: cacheInfoSchema,
    clock: z.object({
      mode: z.enum(["live", "latest-frame"]),
      now: isoTime.openapi({ description: "The service's now: real time, or the newest radar frame's time when replaying archived data" }),
    }),
    servedBy: z.object({ locationId: z.number().int(), name: z.string(), distanceKm: z.number() }),
    query: z.object({
      lat: z.number(),
      lon: z.number(),
      place: z.string().nullable().openapi({ description: "The place name as typed" }),
      matchedPlace: z.string().nullable().openapi({ description: "The gazetteer's name the typed place was read as (\"Helsinki\" for \"Helsnki\")" }),
    }),
    summary: z
      .object({
        text: z.string().openapi({ example: "Light drizzle now, until 14:20, then 70 % chance of light rain again from 14:35, until 14:50." }),
        timeZone: z.string().nullable().openapi({ description: "The zone of the sentence's clock times (the tz asked for); null: times are minutes from now" }),
      })
      .openapi({ description: "One sentence for the next hour at the service's now, from the series and the chance of rain" }),
    inference: z.object({
      model: z.string().openapi({ description: "The model asked for" }),
      backend: z.string().openapi({ description: "The backend that model is routed to (embedded or container)" }),
      fallback: z
        .object({
          from: z.string(),
          reason: z.enum(["unavailable", "timeout", "invalid_response", "unknown_model", "error"]),
          detail: z.string(),
          to: z.enum(["embedded", "stale-cache"]),
          model: z.string().openapi({ description: "The model of the nowcast served instead" }),
        })
        .nullable()
        .openapi({ description: "Set when the backend failed and something else answered" }),
      experimental: experimentalLabel.nullable().openapi({ description: "The served nowcast's model is experimental: why, with its measured skill; null otherwise" }),
    }),
    nowcast: nowcastPayloadSchema,
  })
  .openapi("NowcastResponse");
