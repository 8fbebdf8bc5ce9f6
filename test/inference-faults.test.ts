import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import type { Env } from "../worker/env";
import { bearer, createUser, tokenFor } from "./support/helpers";
import { seedRadar } from "./support/radar";

// A container that is down, slow or answers garbage: the Worker falls back to the embedded
// engine (for models it runs), to the last cached nowcast marked stale, or to the embedded
// default model; never a 5xx for a place it can serve. Each fault is a real server
// (test/support/inference-servers.ts) or a closed port.
const testEnv = env as unknown as Env & { INFERENCE_FAULT_URL: string; INFERENCE_DOWN_URL: string };
const SLOW = { timeout: 120_000 };

const faults: { name: string; url: () => string; reason: string }[] = [
  { name: "down (closed port)", url: () => testEnv.INFERENCE_DOWN_URL, reason: "unavailable" },
  { name: "slow (answers after the timeout)", url: () => `${testEnv.INFERENCE_FAULT_URL}/slow`, reason: "timeout" },
  { name: "garbage bytes", url: () => `${testEnv.INFERENCE_FAULT_URL}/garbage`, reason: "invalid_response" },
  { name: "an HTML page", url: () => `${testEnv.INFERENCE_FAULT_URL}/html`, reason: "invalid_response" },
  { name: "a header breaking the schema", url: () => `${testEnv.INFERENCE_FAULT_URL}/wrong-schema`, reason: "invalid_response" },
  { name: "a valid answer to another question", url: () => `${testEnv.INFERENCE_FAULT_URL}/mismatch`, reason: "invalid_response" },
  { name: "HTTP 500", url: () => `${testEnv.INFERENCE_FAULT_URL}/http-500`, reason: "error" },
];

interface Body {
  cache: { status: string; reason: string; ageSeconds: number };
  inference: { model: string; backend: string; fallback: { from: string; reason: string; detail: string; to: string; model: string } | null };
  nowcast: { id: string; model: string; backend: string; radarTime: string; series: unknown[] };
}

// A user of its own per test: on-demand model runs are rate limited per user (worker/security/rate-limit.ts).
let auth: RequestInit;
beforeAll(async () => {
  await seedRadar("201609281755");
});
beforeEach(async () => {
  auth = bearer(await tokenFor(await createUser(`faults-${crypto.randomUUID()}@example.com`, "faults password")));
});

/** A request through the app with the container at `containerUrl` and a 300 ms timeout. */
async function nowcast(query: string, containerUrl: string, overrides: Partial<Env> = {}) {
  const started = Date.now();
  const res = await createApp().request(
    `/api/nowcast?${query}`,
    auth,
    { ...env, CONTAINER_URL: containerUrl, INFERENCE_TIMEOUT_MS: "300", ...overrides },
    { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext,
  );
  return { res, ms: Date.now() - started, body: res.status === 200 ? ((await res.json()) as Body) : null };
}

describe("a failing container: the embedded engine answers for the models it runs", () => {
  faults.forEach((fault, i) => {
    it(`${fault.name} -> embedded optical-flow, reason ${fault.reason}`, SLOW, async () => {
      // A place of its own per fault, so each asks the container (a current nowcast would be served).
      const { res, ms, body } = await nowcast(`lat=${61 + i * 0.5}&lon=27.5`, fault.url(), { INFERENCE_BACKEND: "container" });
      expect(res.status).toBe(200);
      expect(body!.nowcast).toMatchObject({ model: "optical-flow", backend: "embedded" });
      expect(body!.inference).toMatchObject({
        model: "optical-flow",
        backend: "container",
        fallback: { from: "container", reason: fault.reason, to: "embedded", model: "optical-flow" },
      });
      expect(body!.cache.status).toBe("MISS");
      expect(res.headers.get("x-inference-fallback")).toBe(`embedded; reason=${fault.reason}`);
      expect(body!.nowcast.series).toHaveLength(13);
      // The timeout is the configured 300 ms, not the slow server's 10 s.
      if (fault.reason === "timeout") expect(ms).toBeLessThan(8_000);
    });
  });
});

describe("a failing container, a model only it runs, nothing cached: the embedded default model answers", () => {
  faults.forEach((fault, i) => {
    it(`${fault.name} -> embedded optical-flow instead of the ensemble`, SLOW, async () => {
      // A place of its own per fault (about 55 km apart), so none has an ensemble cached.
      const { res, body } = await nowcast(`lat=${61 + i * 0.5}&lon=25.5&model=ensemble`, fault.url());
      expect(res.status).toBe(200);
      expect(body!.inference).toMatchObject({
        model: "ensemble",
        backend: "container",
        fallback: { reason: fault.reason, to: "embedded", model: "optical-flow" },
      });
      expect(body!.nowcast).toMatchObject({ model: "optical-flow", backend: "embedded" });
    });
  });
});

describe("a failing container, a model only it runs: the last cached nowcast, marked stale", () => {
  let cached: Body;
  // Stale-while-revalidate off: these requests wait for the model, so the fallback answers them.
  const waiting = { NOWCAST_STALE_MAX_SECONDS: "0" };

  it("an ensemble is computed and cached while the container is up", SLOW, async () => {
    const { body } = await nowcast("place=Helsinki&model=ensemble", env.CONTAINER_URL, { INFERENCE_TIMEOUT_MS: "60000" });
    cached = body!;
    expect(cached.nowcast).toMatchObject({ model: "ensemble", backend: "container" });
    expect(cached.inference.fallback).toBeNull();
    // A newer radar frame arrives: the cached ensemble is now stale.
    await seedRadar("201609281800");
  });

  for (const fault of faults) {
    it(`${fault.name} -> the cached ensemble of 17:55, STALE, reason ${fault.reason}`, SLOW, async () => {
      const { res, body } = await nowcast("place=Helsinki&model=ensemble", fault.url(), waiting);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-cache")).toBe("STALE");
      expect(res.headers.get("x-inference-fallback")).toBe(`stale-cache; reason=${fault.reason}`);
      expect(body!.cache).toMatchObject({ status: "STALE", reason: "fallback" });
      expect(body!.inference.fallback).toMatchObject({ reason: fault.reason, to: "stale-cache", model: "ensemble" });
      expect(body!.nowcast.id).toBe(cached.nowcast.id);
      expect(body!.nowcast.radarTime).toBe("2016-09-28T17:55:00.000Z");
    });
  }

  it("once the container is back, the stale ensemble is recomputed from the newest frame", SLOW, async () => {
    const { body } = await nowcast("place=Helsinki&model=ensemble", env.CONTAINER_URL, { INFERENCE_TIMEOUT_MS: "60000", ...waiting });
    expect(body!.cache).toMatchObject({ status: "MISS", reason: "stale" });
    expect(body!.inference.fallback).toBeNull();
    expect(body!.nowcast.radarTime).toBe("2016-09-28T18:00:00.000Z");
  });
});
