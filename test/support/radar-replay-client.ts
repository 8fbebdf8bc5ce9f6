// The ingest tests' side of the radar replay: scenarios of test/support/radar-replay.ts,
// the product's replay server, altered copies of real frames, and a cron run.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { dbzToRainRate, FMI_ZR, pixelToLatLon, readFmiPgm } from "../../nowcast/src/index";
import type { IngestRunReport } from "../../worker/ingest/run";
import { lastRunKey } from "../../worker/ingest/run";
import worker from "../../worker/index";
import { CRON_INGEST } from "../../worker/jobs/cron";
import { FMI_URL_TEMPLATE_PATH, radarFrameUrl } from "../../worker/radar/source-url";

export type TestEnv = typeof env;

/** A scenario of the scenario replay: its own clock, altered frames and failures. */
export function radarScenario(name: string) {
  const base = `${inject("radarScenarioUrl")}/s/${name}`;
  const control = async (body: unknown) => {
    const res = await fetch(`${base}/__control`, { method: "POST", body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`scenario ${name}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { now: string; requests: { method: string; stamp: string; status: number | string }[] };
  };
  return {
    base,
    template: `${base}${FMI_URL_TEMPLATE_PATH}`,
    /** The Worker's env pointed at this scenario. */
    env(overrides: Partial<TestEnv> = {}): TestEnv {
      return { ...env, RADAR_URL_TEMPLATE: `${base}${FMI_URL_TEMPLATE_PATH}`, RADAR_CLOCK_URL: `${base}/__clock`, ...overrides };
    },
    setNow: (now: string) => control({ now }),
    /** Serves these bytes at these times (YYYYMMDDHHMM). */
    serve: (frames: Record<string, Uint8Array>) =>
      control({ frames: Object.fromEntries(Object.entries(frames).map(([stamp, bytes]) => [stamp, toBase64(bytes)])) }),
    fail: (modes: Record<string, string[]>) => control({ fail: modes }),
    requests: async () => (await control({})).requests,
    /** The bytes this scenario serves for an observation time (at or before its clock). */
    async frame(obstime: Date): Promise<Uint8Array<ArrayBuffer>> {
      const res = await fetch(radarFrameUrl(`${base}${FMI_URL_TEMPLATE_PATH}`, obstime));
      if (!res.ok) throw new Error(`scenario ${name} frame ${obstime.toISOString()}: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** The product's replay server (worker/dev/radar-replay-server.ts), as npm start runs it. */
export const productReplay = {
  url: () => inject("radarReplayUrl"),
  async setNow(now: string) {
    const res = await fetch(`${inject("radarReplayUrl")}/__clock`, { method: "POST", body: JSON.stringify({ now }) });
    if (!res.ok) throw new Error(`replay clock: ${res.status}`);
  },
  /** The bytes it serves for an observation time. */
  async frame(obstime: Date): Promise<Uint8Array<ArrayBuffer>> {
    const res = await fetch(radarFrameUrl(`${inject("radarReplayUrl")}${FMI_URL_TEMPLATE_PATH}`, obstime));
    if (!res.ok) throw new Error(`replay frame ${obstime.toISOString()}: ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
};

/** Runs the 5-minute cron through the Worker's scheduled() entry, to the end of the run. */
export async function runIngestCron(runEnv: TestEnv, scheduledTime = new Date()): Promise<IngestRunReport | null> {
  await runEnv.CACHE.delete(lastRunKey(runEnv.RADAR_SOURCE || "fmi"));
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: CRON_INGEST, scheduledTime }), runEnv, ctx);
  await waitOnExecutionContext(ctx);
  return runEnv.CACHE.get<IngestRunReport>(lastRunKey(runEnv.RADAR_SOURCE || "fmi"), "json");
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
export const gunzip = (bytes: Uint8Array) => pipe(bytes, new DecompressionStream("gzip"));
export const gzip = (bytes: Uint8Array) => pipe(bytes, new CompressionStream("gzip"));

/** A real composite with its PGM header text edited (e.g. the obstime or the size line). */
export async function withHeader(gz: Uint8Array, edit: (header: string) => string): Promise<Uint8Array<ArrayBuffer>> {
  const pgm = await gunzip(gz);
  // The header ends after the third number token line ("255\n"): find "\n255\n".
  const text = new TextDecoder("latin1").decode(pgm.subarray(0, 4096));
  const end = text.indexOf("\n255\n") + 5;
  const header = edit(text.slice(0, end));
  const out = new Uint8Array(header.length + pgm.length - end);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  out.set(pgm.subarray(end), header.length);
  return gzip(out);
}

// ---------------------------------------------------------------------------
// The parameters of a frame computed directly from its pixels, written apart from
// worker/ingest/parameters.ts, to check what the pipeline stored. Motion is not among them:
// the engine's estimator cannot check itself (test/ingest.test.ts holds an independent measurement).

export interface DirectParameters {
  sha256: string;
  sizeBytes: number;
  width: number;
  height: number;
  fractionAbove05: number;
  fractionAbove5: number;
  meanDbz: number | null;
  maxDbz: number | null;
  centroidLat: number | null;
  centroidLon: number | null;
}

export async function directParameters(bytes: Uint8Array<ArrayBuffer>): Promise<DirectParameters> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const frame = await readFmiPgm(bytes);
  const withData: number[] = [];
  let wet = 0;
  let heavy = 0;
  let w = 0;
  let wx = 0;
  let wy = 0;
  frame.dbz.forEach((dbz, i) => {
    if (Number.isNaN(dbz)) return;
    withData.push(dbz);
    const rate = dbzToRainRate(dbz, FMI_ZR);
    if (rate > 0.5) {
      wet++;
      w += rate;
      wx += rate * ((i % frame.width) + 0.5);
      wy += rate * (Math.floor(i / frame.width) + 0.5);
    }
    if (rate > 5) heavy++;
  });
  const centroid = w > 0 ? pixelToLatLon(frame.georef, wx / w, wy / w) : null;
  return {
    sha256,
    sizeBytes: bytes.byteLength,
    width: frame.width,
    height: frame.height,
    fractionAbove05: wet / withData.length,
    fractionAbove5: heavy / withData.length,
    meanDbz: withData.reduce((a, b) => a + b, 0) / withData.length,
    maxDbz: withData.reduce((a, b) => Math.max(a, b), -Infinity),
    centroidLat: centroid?.lat ?? null,
    centroidLon: centroid?.lon ?? null,
  };
}

/** Equal up to the last bits a float can lose on its way through JSON and SQLite. */
export function close(actual: number | null, expected: number | null, what = "value"): void {
  if (actual === null || expected === null) {
    if (actual !== expected) throw new Error(`${what}: ${actual} is not ${expected}`);
    return;
  }
  const tolerance = 1e-12 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${what}: ${actual} is not ${expected}`);
}
