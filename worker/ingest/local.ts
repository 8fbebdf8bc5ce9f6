// npm start's radar: one replay server per source of the real archives (../shared/data/radar/
// fmi, knmi, mch, opera), each with its own clock, as the ingest's feeds; the archives are brought
// in through the real pipeline (cron -> fetch -> R2 -> queue -> D1) by moving every replay clock
// an hour at a time through its own archive and firing the 5-minute cron after each move. Node only.
import { existsSync } from "node:fs";
import { z } from "zod";
import { radarDataDir } from "../../nowcast/node/radarFiles";
import { listRadarFiles } from "../dev/radar-files";
import { startRadarReplay, type ReplayServer } from "../dev/radar-replay-server";
import { DEFAULT_RADAR_SOURCE } from "../radar/frame-store";
import { URL_TEMPLATE_PATHS } from "../radar/source-url";

const HOUR_MS = 3_600_000;
/** The sources npm start replays, in the order their feeds are configured (FMI is the primary). */
export const LOCAL_SOURCES = ["fmi", "knmi", "mch", "opera"] as const;

export interface LocalRadarFeed {
  source: string;
  replay: ReplayServer;
  first: Date | null;
  last: Date | null;
}

export interface LocalRadarSource {
  feeds: LocalRadarFeed[];
  /** wrangler dev flags pointing the Worker's ingest feeds at the replay servers and their clocks. */
  vars: string[];
  close(): Promise<void>;
}

/** Starts one replay server per source whose archive is present, its clock at the archive's first frame. */
export async function startLocalRadarSource(): Promise<LocalRadarSource> {
  const feeds: LocalRadarFeed[] = [];
  for (const source of LOCAL_SOURCES) {
    const dir = radarDataDir(source);
    if (!existsSync(dir)) continue;
    const files = listRadarFiles(dir).filter((f) => f.source === source);
    const first = files[0]?.obstime ?? null;
    feeds.push({ source, replay: await startRadarReplay({ dir, now: first ?? new Date() }), first, last: files.at(-1)?.obstime ?? null });
  }
  const primary = feeds.find((f) => f.source === DEFAULT_RADAR_SOURCE);
  const others = feeds
    .filter((f) => f !== primary)
    .map((f) => ({ source: f.source, urlTemplate: `${f.replay.url}${URL_TEMPLATE_PATHS[f.source]}`, clockUrl: `${f.replay.url}/__clock` }));
  const vars = [
    ...(primary ? ["--var", `RADAR_URL_TEMPLATE:${primary.replay.url}${URL_TEMPLATE_PATHS[primary.source]}`, "--var", `RADAR_CLOCK_URL:${primary.replay.url}/__clock`] : []),
    ...(others.length ? ["--var", `RADAR_FEEDS:${JSON.stringify(others)}`] : []),
  ];
  return { feeds, vars, close: async () => void (await Promise.all(feeds.map((f) => f.replay.close()))) };
}

const statusSchema = z.object({
  newestStored: z.string().nullable(),
  frames: z.number(),
  refused: z.object({ total: z.number() }),
  runs: z.object({ count: z.number(), stored: z.number(), fetchFailed: z.number(), errors: z.number() }),
});
export type IngestSummary = z.infer<typeof statusSchema> & { source: string };

/**
 * Moves every replay clock from its archive's first frame to its last, an hour (12 frames at
 * 5 minutes, 4 at 15: inside the default catch-up bound of 24) at a time, firing the ingest
 * cron at each step and waiting until every feed's run finished (GET /api/admin/ingest/status
 * per source as an admin: wrangler dev's /__scheduled answers before the runs' waitUntil work is
 * done), then for the consumer to write the frames' rows (within the queue's max_batch_timeout).
 */
export async function ingestArchive(base: string, source: LocalRadarSource, admin: { email: string; password: string }): Promise<IngestSummary[]> {
  const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(admin) });
  if (!login.ok) throw new Error(`signing in as ${admin.email}: HTTP ${login.status}`);
  const { token } = z.object({ token: z.string() }).parse(await login.json());
  const status = async (id: string): Promise<IngestSummary> => {
    const res = await fetch(`${base}/api/admin/ingest/status?source=${id}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET /api/admin/ingest/status?source=${id}: HTTP ${res.status}`);
    return { ...statusSchema.parse(await res.json()), source: id };
  };
  const statuses = () => Promise.all(feeds.map((f) => status(f.source)));
  const until = async (done: (s: IngestSummary[]) => boolean, timeoutMs: number): Promise<IngestSummary[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await statuses();
      if (done(s) || Date.now() > deadline) return s;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const feeds = source.feeds.filter((f): f is LocalRadarFeed & { first: Date; last: Date } => f.first !== null && f.last !== null);
  let current = await statuses();
  const hours = Math.max(0, ...feeds.map((f) => Math.ceil((f.last.getTime() - f.first.getTime()) / HOUR_MS)));
  for (let k = 0; feeds.length && k <= hours; k++) {
    for (const feed of feeds) feed.replay.setNow(new Date(Math.min(feed.first.getTime() + k * HOUR_MS, feed.last.getTime())));
    const runs = current.map((s) => s.runs.count);
    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    await res.body?.cancel();
    if (!res.ok) throw new Error(`the ingest cron answered HTTP ${res.status}`);
    // OPERA's 4 M-pixel frames take seconds each to decode: a step may take minutes here.
    current = await until((s) => s.every((x, i) => x.runs.count > runs[i]!), 300_000);
    const late = current.filter((x, i) => x.runs.count <= runs[i]!).map((x) => x.source);
    if (late.length) throw new Error(`the ingest runs of hour ${k} (${late.join(", ")}) did not finish in 5 minutes`);
  }
  return until((s) => s.every((x) => x.frames >= x.runs.stored), 60_000);
}
