// City weather, public reads: cities, daily and period statistics (JSON and
// CSV), data coverage, collection counters and the latest classifier run.
// Every route here declares `security: []` and so is public (worker/security/public-routes.ts);
// changes are admin routes in weather-admin.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, gte, lt, sql, eq } from "drizzle-orm";
import { FETCH_OUTCOMES, weatherCities, weatherFetches, type FetchOutcome } from "../db/schema";
import { ApiError } from "../errors";
import { createRouter, errorResponses, errorSchema } from "../openapi";
import { latestClassifierRun } from "../weather/classifier";
import { cityJson, cityJsonSchema, listCities } from "../weather/cities";
import { coverage, DAILY_CSV_COLUMNS, dailyStats, PERIOD_CSV_COLUMNS, periodStats, toCsv, type StatsFilter } from "../weather/stats";
import { CANONICAL_UNITS } from "../weather/units";

/** Slugs one statistics query may name: each is a bound parameter, and D1 allows 100 per statement. */
export const MAX_CITIES_PER_QUERY = 50;

const date = (description: string) => z.iso.date().optional().openapi({ description, example: "2015-01-01" });

const rangeQuery = z
  .object({
    from: date("first local day, inclusive (YYYY-MM-DD)"),
    to: date("last local day, inclusive (YYYY-MM-DD)"),
    city: z
      .string()
      .regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, "comma-separated city slugs")
      .refine((v) => v.split(",").length <= MAX_CITIES_PER_QUERY, `city lists at most ${MAX_CITIES_PER_QUERY} slugs`)
      .optional()
      .openapi({ description: "comma-separated city slugs (default: all)", example: "seattle,new-york" }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] });

function filterOf(q: z.infer<typeof rangeQuery>): StatsFilter {
  return { from: q.from, to: q.to, cities: q.city?.split(",") };
}

const unitsSchema = z
  .object({ temperature: z.string(), precipitation: z.string(), windSpeed: z.string(), relativeHumidity: z.string() })
  .openapi("WeatherUnits");

const num = z.number().nullable();
const dailyStatSchema = z
  .object({
    city: z.string(),
    cityName: z.string(),
    date: z.string(),
    temperatureMean: num,
    temperatureMin: num,
    temperatureMax: num,
    precipitationSum: num,
    windSpeedMean: num,
    relativeHumidityMean: num,
    observations: z.number().int(),
  })
  .openapi("WeatherDailyStat");

const periodStatSchema = z
  .object({
    city: z.string(),
    cityName: z.string(),
    firstDate: z.string(),
    lastDate: z.string(),
    days: z.number().int(),
    temperatureMean: num,
    temperatureMin: num,
    temperatureMax: num,
    precipitationDailyMean: num,
    precipitationTotal: num,
    windSpeedMean: num,
    relativeHumidityMean: num,
    observations: z.number().int(),
  })
  .openapi("WeatherPeriodStat");

const csvResponse = { description: "CSV download", content: { "text/csv": { schema: z.string() } } };
const badRequest = { 400: errorResponses[400] };

const citiesRoute = createRoute({
  method: "get",
  path: "/weather/cities",
  summary: "Cities whose weather is collected",
  security: [],
  request: { query: z.object({ all: z.enum(["true", "false"]).optional().openapi({ description: "include removed cities" }) }) },
  responses: {
    200: { description: "Cities", content: { "application/json": { schema: z.object({ cities: z.array(cityJsonSchema) }).openapi("WeatherCityList") } } },
    ...badRequest,
  },
});

const dailyRoute = createRoute({
  method: "get",
  path: "/weather/stats/daily",
  summary: "Daily statistics per city",
  description:
    "Per city and local day: mean, minimum and maximum temperature, precipitation sum (estimated from the sampled amounts' mean rate for collected days), mean wind speed and humidity.",
  security: [],
  request: { query: rangeQuery },
  responses: {
    200: {
      description: "One row per city and day, by date",
      content: { "application/json": { schema: z.object({ units: unitsSchema, days: z.array(dailyStatSchema) }).openapi("WeatherDailyStats") } },
    },
    ...badRequest,
  },
});

const dailyCsvRoute = createRoute({
  method: "get",
  path: "/weather/stats/daily.csv",
  summary: "Daily statistics per city as CSV",
  security: [],
  request: { query: rangeQuery },
  responses: { 200: csvResponse, ...badRequest },
});

const summaryRoute = createRoute({
  method: "get",
  path: "/weather/stats/summary",
  summary: "Averages over the whole period per city",
  security: [],
  request: { query: rangeQuery },
  responses: {
    200: {
      description: "One row per city",
      content: { "application/json": { schema: z.object({ units: unitsSchema, cities: z.array(periodStatSchema) }).openapi("WeatherPeriodStats") } },
    },
    ...badRequest,
  },
});

const summaryCsvRoute = createRoute({
  method: "get",
  path: "/weather/stats/summary.csv",
  summary: "Averages over the whole period per city as CSV",
  security: [],
  request: { query: rangeQuery },
  responses: { 200: csvResponse, ...badRequest },
});

const coverageRoute = createRoute({
  method: "get",
  path: "/weather/coverage",
  summary: "Which days have data, per year",
  security: [],
  responses: {
    200: {
      description: "First and last day with data, and days with data per year",
      content: {
        "application/json": {
          schema: z
            .object({
              firstDate: z.string().nullable(),
              lastDate: z.string().nullable(),
              years: z.array(z.object({ year: z.number().int(), days: z.number().int(), firstDate: z.string(), lastDate: z.string() })),
            })
            .openapi("WeatherCoverage"),
        },
      },
    },
  },
});

const outcomeCounts = z.object(Object.fromEntries(FETCH_OUTCOMES.map((o) => [o, z.number().int()])) as Record<FetchOutcome, z.ZodNumber>);

const collectionRoute = createRoute({
  method: "get",
  path: "/weather/collection",
  summary: "Collection attempts counted by outcome",
  security: [],
  request: {
    query: z
      .object({ from: date("first UTC day, inclusive"), to: date("last UTC day, inclusive") })
      .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] }),
  },
  responses: {
    200: {
      description: "Counts per outcome, overall and per city, and the latest attempts",
      content: {
        "application/json": {
          schema: z
            .object({
              total: z.number().int(),
              outcomes: outcomeCounts,
              cities: z.array(z.object({ city: z.string(), outcomes: outcomeCounts, lastAttemptAt: z.string() })),
              recent: z.array(
                z.object({
                  city: z.string(),
                  attemptedAt: z.string(),
                  attempt: z.number().int(),
                  outcome: z.enum(FETCH_OUTCOMES),
                  httpStatus: z.number().int().nullable(),
                  rawKey: z.string().nullable(),
                  message: z.string().nullable(),
                }),
              ),
            })
            .openapi("WeatherCollection"),
        },
      },
    },
    ...badRequest,
  },
});

export const classifierResultSchema = z
  .object({
    id: z.string(),
    trainedAt: z.string(),
    model: z.string(),
    models: z.array(
      z.object({
        name: z.string(),
        cvAccuracy: z.number(),
        foldAccuracies: z.array(z.number()),
        holdoutAccuracy: z.number().nullable(),
      }),
    ).openapi({ description: "The SVM, the logistic regression and the majority-class baseline, each scored by cross-validation and on the hold-out year" }),
    holdout: z
      .object({
        year: z.number().int(),
        trainFrom: z.string(),
        trainTo: z.string(),
        trainSamples: z.number().int(),
        testSamples: z.number().int(),
        accuracy: z.number(),
        baseline: z.number(),
      })
      .nullable()
      .openapi({ description: "Trained on the years before the hold-out year, tested on it (2015 for the vega-datasets history); null without enough data" }),
    features: z.array(z.string()),
    classes: z.array(z.object({ city: z.string(), name: z.string(), samples: z.number().int() })),
    samples: z.number().int(),
    folds: z.number().int(),
    foldAccuracies: z.array(z.number()),
    accuracy: z.number(),
    baseline: z.number(),
    baselineCity: z.string(),
    confusion: z.array(z.array(z.number().int())),
    pca: z.object({
      explainedVariance: z.array(z.number()),
      points: z.array(z.object({ c: z.number().int(), x: z.number(), y: z.number(), date: z.string() })),
    }),
    range: z.object({ from: z.string(), to: z.string() }),
  })
  .openapi("WeatherClassifierRun");

const classifierRoute = createRoute({
  method: "get",
  path: "/weather/classifier",
  summary: "The latest city classifier run",
  description: "The RBF SVM's cross-validated and hold-out-year accuracy beside logistic regression and the majority-class baseline, the confusion matrix and the PCA projection of the samples.",
  security: [],
  responses: {
    200: { description: "Latest run", content: { "application/json": { schema: classifierResultSchema } } },
    404: { description: "Not trained yet", content: { "application/json": { schema: errorSchema } } },
  },
});

function csvHeaders(name: string, q: z.infer<typeof rangeQuery>): Record<string, string> {
  const span = [q.from ?? "start", q.to ?? "end"].join("_");
  return {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="weather-${name}-${span}.csv"`,
  };
}

function zeroCounts(): Record<FetchOutcome, number> {
  return Object.fromEntries(FETCH_OUTCOMES.map((o) => [o, 0])) as Record<FetchOutcome, number>;
}

export const weatherRoutes = createRouter()
  .openapi(citiesRoute, async (c) => {
    const cities = await listCities(c.get("db"), c.req.valid("query").all === "true");
    return c.json({ cities: cities.map(cityJson) }, 200);
  })
  .openapi(dailyRoute, async (c) => {
    const days = await dailyStats(c.get("db"), filterOf(c.req.valid("query")));
    return c.json({ units: CANONICAL_UNITS, days: days.map(({ coveredSeconds: _, ...d }) => d) }, 200);
  })
  .openapi(dailyCsvRoute, async (c) => {
    const q = c.req.valid("query");
    const days = await dailyStats(c.get("db"), filterOf(q));
    return c.body(toCsv(DAILY_CSV_COLUMNS, days), 200, csvHeaders("daily", q));
  })
  .openapi(summaryRoute, async (c) => {
    const cities = await periodStats(c.get("db"), filterOf(c.req.valid("query")));
    return c.json({ units: CANONICAL_UNITS, cities }, 200);
  })
  .openapi(summaryCsvRoute, async (c) => {
    const q = c.req.valid("query");
    const cities = await periodStats(c.get("db"), filterOf(q));
    return c.body(toCsv(PERIOD_CSV_COLUMNS, cities), 200, csvHeaders("summary", q));
  })
  .openapi(coverageRoute, async (c) => c.json(await coverage(c.get("db")), 200))
  .openapi(collectionRoute, async (c) => {
    const q = c.req.valid("query");
    const db = c.get("db");
    const range = and(
      q.from ? gte(weatherFetches.attemptedAt, new Date(`${q.from}T00:00:00Z`)) : undefined,
      q.to ? lt(weatherFetches.attemptedAt, new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000)) : undefined,
    );
    const grouped = await db
      .select({ city: weatherCities.slug, outcome: weatherFetches.outcome, n: sql<number>`count(*)`, last: sql<number>`max(${weatherFetches.attemptedAt})` })
      .from(weatherFetches)
      .innerJoin(weatherCities, eq(weatherCities.id, weatherFetches.cityId))
      .where(range)
      .groupBy(weatherCities.slug, weatherFetches.outcome);
    const outcomes = zeroCounts();
    const perCity = new Map<string, { outcomes: Record<FetchOutcome, number>; last: number }>();
    for (const g of grouped) {
      outcomes[g.outcome] += g.n;
      const entry = perCity.get(g.city) ?? { outcomes: zeroCounts(), last: 0 };
      entry.outcomes[g.outcome] += g.n;
      entry.last = Math.max(entry.last, g.last);
      perCity.set(g.city, entry);
    }
    const recent = await db
      .select({
        city: weatherCities.slug,
        attemptedAt: weatherFetches.attemptedAt,
        attempt: weatherFetches.attempt,
        outcome: weatherFetches.outcome,
        httpStatus: weatherFetches.httpStatus,
        rawKey: weatherFetches.rawKey,
        message: weatherFetches.message,
      })
      .from(weatherFetches)
      .innerJoin(weatherCities, eq(weatherCities.id, weatherFetches.cityId))
      .where(range)
      .orderBy(desc(weatherFetches.attemptedAt))
      .limit(20);
    return c.json(
      {
        total: Object.values(outcomes).reduce((a, b) => a + b, 0),
        outcomes,
        cities: [...perCity.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([city, e]) => ({ city, outcomes: e.outcomes, lastAttemptAt: new Date(e.last).toISOString() })),
        recent: recent.map((r) => ({ ...r, attemptedAt: r.attemptedAt.toISOString() })),
      },
      200,
    );
  })
  .openapi(classifierRoute, async (c) => {
    const run = await latestClassifierRun(c.get("db"));
    if (!run) throw new ApiError(404, "no_model", "the classifier has not been trained yet");
    return c.json(run, 200);
  });
