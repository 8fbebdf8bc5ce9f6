// npm start's radar: the replay server of the real FMI archive (../shared/data/radar/fmi)
// as the ingest's source, and the archive brought in through the real pipeline
// (cron -> fetch -> R2 -> queue -> D1) by moving the replay clock an hour at a
// time and firing the 5-minute cron after each move. Node only.
import { z } from "zod";
import { listRadarFiles } from "../dev/radar-files";
import { startRadarReplay, type ReplayServer } from "../dev/radar-replay-server";
import { FMI_URL_TEMPLATE_PATH } from "../radar/source-url";

const HOUR_MS = 3_600_000;

export interface LocalRadarSource {
  replay: ReplayServer;
  first: Date | null;
  last: Date | null;
  /** wrangler dev flags pointing the Worker's ingest at the replay server and its clock. */
  vars: string[];
}

/** Starts the replay server with its clock at the archive's first frame. */
export async function startLocalRadarSource(): Promise<LocalRadarSource> {
  const files = listRadarFiles();
  const first = files[0]?.obstime ?? null;
  const last = files.at(-1)?.obstime ?? null;
  const replay = await startRadarReplay({ now: first ?? new Date() });
  return {
    replay,
    first,
    last,
    vars: ["--var", `RADAR_URL_TEMPLATE:${replay.url}${FMI_URL_TEMPLATE_PATH}`, "--var", `RADAR_CLOCK_URL:${replay.url}/__clock`],
  };
}

const statusSchema = z.object({
  newestStored: z.string().nullable(),
  frames: z.number(),
  refused: z.object({ total: z.number() }),
  runs: z.object({ count: z.number(), stored: z.number(), fetchFailed: z.number(), errors: z.number() }),
});
export type IngestSummary = z.infer<typeof statusSchema>;

/**
 * Moves the replay clock from the archive's first frame to its last, an hour (12 frames,
 * inside the default catch-up bound of 24) at a time, firing the ingest cron at each step
 * and waiting for that run to finish (GET /api/admin/ingest/status as an admin: wrangler dev's
 * /__scheduled answers before the run's waitUntil work is done), then for the consumer
 * to write the frames' rows (within the queue's max_batch_timeout).
 */
export async function ingestArchive(base: string, source: LocalRadarSource, admin: { email: string; password: string }): Promise<IngestSummary> {
  const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(admin) });
  if (!login.ok) throw new Error(`signing in as ${admin.email}: HTTP ${login.status}`);
  const { token } = z.object({ token: z.string() }).parse(await login.json());
  const status = async (): Promise<IngestSummary> => {
    const res = await fetch(`${base}/api/admin/ingest/status`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`GET /api/admin/ingest/status: HTTP ${res.status}`);
    return statusSchema.parse(await res.json());
  };
  const until = async (done: (s: IngestSummary) => boolean, timeoutMs: number): Promise<IngestSummary> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await status();
      if (done(s) || Date.now() > deadline) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  let current = await status();
  if (source.first && source.last) {
    for (let t = source.first.getTime(); ; t = Math.min(t + HOUR_MS, source.last.getTime())) {
      source.replay.setNow(new Date(t));
      const runs = current.runs.count;
      const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
      await res.body?.cancel();
      if (!res.ok) throw new Error(`the ingest cron answered HTTP ${res.status}`);
      current = await until((s) => s.runs.count > runs, 120_000);
      if (current.runs.count <= runs) throw new Error(`the ingest run for ${new Date(t).toISOString()} did not finish in 2 minutes`);
      if (t === source.last.getTime()) break;
    }
  }
  return until((s) => s.frames >= s.runs.stored, 30_000);
}
