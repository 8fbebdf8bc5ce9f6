import { drizzle } from "drizzle-orm/d1";
import { requestId } from "hono/request-id";
import { HTTPException } from "hono/http-exception";
import { requireAuth, requireRole } from "./auth/middleware";
import * as schema from "./db/schema";
import type { AppEnv } from "./env";
import { DomainError } from "./domain-error";
import { ApiError, apiErrorOf, errorBody } from "./errors";
import { log, requestLog } from "./logging";
import { createRouter } from "./openapi";
import { adminCacheRoutes } from "./routes/admin-cache";
import { adminStorageRoutes } from "./routes/admin-storage";
import { adminUserRoutes } from "./routes/admin-users";
import { adminWarmupRoutes } from "./routes/admin-warmup";
import { authRoutes } from "./routes/auth";
import { frameRoutes } from "./routes/frames";
import { healthRoutes } from "./routes/health";
import { ingestRoutes } from "./routes/ingest";
import { meRoutes } from "./routes/me";
import { nowcastRoutes } from "./routes/nowcast";
import { pingRoutes } from "./routes/ping";
import { planRoutes } from "./routes/plan";
import { placeRoutes } from "./routes/places";
import { savedPlaceRoutes } from "./routes/saved-places";
import { popularRoutes } from "./routes/popular";
import { radarRoutes } from "./routes/radar";
import { regionalRoutes } from "./routes/regional";
import { skillRoutes } from "./routes/skill";
import { synthRoutes } from "./routes/synth";
import { etlRoutes } from "./routes/etl";
import { weatherRoutes } from "./routes/weather";
import { weatherAdminRoutes } from "./routes/weather-admin";
import { accountRoutes } from "./routes/account";
import { apiTokenRoutes } from "./routes/api-tokens";
import { publicRouteMatcher } from "./security/public-routes";
import { requestBodyLimit } from "./security/body-limit";
import { csrfGuard } from "./security/csrf";

/** The API's own description (its reader, /api/docs, is a page of the site); every other route's openness is what it declares (`security: []`). */
const DOC_PATH = "/api/openapi.json";

const openApiConfig = {
  openapi: "3.1.0",
  info: {
    title: "Nowcast Edge",
    version: "0.1.0",
    description: "Minute-by-minute precipitation nowcasts from radar, served at the edge.",
  },
  security: [{ bearerAuth: [] }],
};

export function createApp() {
  const app = createRouter().basePath("/api");

  // The request id is always the server's own (a client's X-Request-Id is only logged beside it).
  app.use("*", requestId({ headerName: "" }), async (c, next) => {
    c.header("X-Request-Id", c.get("requestId"));
    await next();
  });
  app.use("*", requestLog);
  // Protections every route gets, including routers registered later: body size, CSRF, authentication,
  // the per-caller limit (in requireAuth), and the admin role for everything under /api/admin/.
  app.use("*", requestBodyLimit, csrfGuard);
  app.use("*", async (c, next) => {
    c.set("db", drizzle(c.env.DB, { schema }));
    await next();
  });
  const isPublic = publicRouteMatcher(() => app.getOpenAPI31Document(openApiConfig));
  app.use("*", (c, next) => (c.req.path === DOC_PATH || isPublic(c.req.method, c.req.path) ? next() : requireAuth(c, next)));
  app.use("/admin/*", requireRole("admin"));

  app.route("/", healthRoutes);
  app.route("/", authRoutes);
  app.route("/", accountRoutes);
  app.route("/", apiTokenRoutes);
  app.route("/", meRoutes);
  app.route("/", pingRoutes);
  app.route("/", adminUserRoutes);
  app.route("/", weatherRoutes);
  app.route("/", weatherAdminRoutes);
  app.route("/", placeRoutes);
  app.route("/", savedPlaceRoutes);
  app.route("/", nowcastRoutes);
  app.route("/", regionalRoutes);
  app.route("/", radarRoutes);
  app.route("/", popularRoutes);
  app.route("/", adminWarmupRoutes);
  app.route("/", ingestRoutes);
  app.route("/", frameRoutes);
  app.route("/", adminCacheRoutes);
  app.route("/", adminStorageRoutes);
  app.route("/", synthRoutes);
  app.route("/", planRoutes);
  app.route("/", skillRoutes);
  app.route("/", etlRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.doc31("/openapi.json", openApiConfig);

  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((thrown, c) => {
    // Services throw domain errors; they become HTTP errors here, at the API's edge.
    const error = thrown instanceof DomainError ? apiErrorOf(thrown) : thrown;
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorBody(error.code, error.message), error.status);
    }
    if (error instanceof HTTPException) {
      return c.json(errorBody(error.status === 400 ? "invalid_request" : "http_error", error.message), error.status);
    }
    log("error", "unhandled error", {
      requestId: c.get("requestId"),
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return c.json(errorBody("internal_error", "something went wrong; the request id identifies it in the logs"), 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
