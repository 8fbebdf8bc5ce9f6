// The ingest cron (every 5 minutes): fetch what the source has published since
// the newest stored frame (a bounded catch-up), validate each file, land its
// raw bytes in R2 under a stable key, compute its parameters and send them to
// the queue; the consumer (consumer.ts) writes them to D1 in micro-batches.
//
// - "Since the newest stored frame" is read from R2 (strongly consistent): the
//   frames stored within the catch-up window (the last INGEST_MAX_CATCHUP_FRAMES
//   slots up to the clock). Nothing stored there (the first run, or a gap longer
//   than the window): probe backwards from the clock (HEAD) for the source's
//   newest frame and take the window ending at it. Older frames of a longer gap
//   are not fetched: the catch-up is bounded.
// - The clock is the source's when RADAR_CLOCK_URL is set (the replay server
//   locally, whose archive is years old), else the real time. A file whose own
//   time lies beyond the clock (plus INGEST_CLOCK_SKEW_SECONDS) is refused.
// - A raw frame is landed with a conditional put (only if absent), so the same
//   frame twice is stored once, even by overlapping runs; the loser counts a
//   duplicate. The message is sent after the put: a run that dies in between
//   leaves a raw frame without a row, which a later run finds (rows against raw
//   objects of the window) and sends again once INGEST_REPAIR_AFTER_SECONDS passed.
// - Counters and refusals of the run are written in one D1 batch at its end.
import { and, between, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { RadarFormatError, type RadarFrame } from "../../nowcast/src/index";
import { radarFrames } from "../db/schema";
import type { Env } from "../env";
import { log } from "../logging";
import { sha256Hex } from "../radar/checksum";
import { warmForFrame } from "../nowcast/warmup";
import { ensureRegionalView } from "../nowcast/regional";
import { requestVerification } from "../verification/job";
import { advanceLatest, radarFrameKey, rawHttpMetadata, stamp } from "../radar/frame-store";
import { counterStatement, refusedCounter, sourceCounter, type CounterUpdate } from "./counters";
import { compositeExists, fetchComposite, ingestClock } from "./fetch";
import { frameKey, type RadarFrameJob } from "./message";
import { frameParameters } from "./parameters";
import { ingestSettings, type IngestSettings, type RadarFeed } from "./settings";
import { floorToStep, radarSources, templateProblem, type RadarSourceAdapter } from "./sources";

/** Why a fetched file was not stored: the decoder's problems plus the ingest's own checks. */
export type RefusalReason =
  | RadarFormatError["problem"]
  | "too-large"
  | "future-time"
  | "time-mismatch"
  | "duplicate"
  | "unreadable";

export interface Refusal {
  source: string;
  obstime: number;
  url: string;
  reason: RefusalReason;
  message: string;
  sizeBytes: number | null;
  sha256: string | null;
  refusedAt: number;
}

export interface IngestRunReport {
  source: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The clock the run judged times against, and where it came from. */
  clock: string | null;
  clockSource: "source" | "real-time";
  /** "catch-up": after the newest stored frame; "probe": nothing stored in the window. */
  mode: "catch-up" | "probe" | null;
  /** Observation times the run asked the source for. */
  candidates: string[];
  fetched: number;
  stored: number;
  notFound: number;
  failed: number;
  repaired: number;
  refused: Partial<Record<RefusalReason, number>>;
  /** The newest frame this run stored or repaired (and queued). */
  newest: string | null;
  error: string | null;
}

export const lastRunKey = (source: string) => `ingest:${source}:last-run`;

const REFUSALS_SQL = `INSERT INTO ingest_refusals (source, obstime, url, reason, message, size_bytes, sha256, refused_at)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
  json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]')
FROM json_each(?1) WHERE true`;

const STAMP_IN_KEY = /\/(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\.[a-z0-9.]+$/;
const DAY_MS = 86_400_000;

/** Raw frames stored in R2 for observation times in [from, to]: time -> upload time. */
async function storedFrames(env: Env, source: string, from: number, to: number): Promise<Map<number, Date>> {
  const found = new Map<number, Date>();
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= to; day += DAY_MS) {
    const s = stamp(new Date(day));
    const prefix = `radar/${source}/${s.slice(0, 4)}/${s.slice(4, 6)}/${s.slice(6, 8)}/`;
    let cursor: string | undefined;
    do {
      const page = await env.FRAMES.list({ prefix, cursor });
      for (const object of page.objects) {
        const m = STAMP_IN_KEY.exec(object.key);
        if (!m) continue;
        const time = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
        if (time >= from && time <= to) found.set(time, object.uploaded);
      }
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }
  return found;
}

function slots(from: number, to: number, step: number): number[] {
  const times: number[] = [];
  for (let t = from; t <= to; t += step) times.push(t);
  return times;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class IngestRun {
  readonly started = new Date();
  readonly refusals: Refusal[] = [];
  clock: Date | null = null;
  mode: IngestRunReport["mode"] = null;
  candidates: number[] = [];
  fetched = 0;
  stored = 0;
  notFound = 0;
  failed = 0;
  repaired = 0;
  newest: RadarFrame | null = null;
  error: string | null = null;
  /** The last frame decoded, for the motion of the one after it. */
  private previous: RadarFrame | null = null;

  constructor(
    readonly env: Env,
    readonly settings: IngestSettings,
    readonly source: RadarSourceAdapter,
    readonly feed: RadarFeed,
  ) {}

  get template(): string {
    return this.feed.urlTemplate;
  }

  async execute(scheduledAt: Date): Promise<void> {
    const { env, settings, source } = this;
    const clock = await ingestClock(this.feed.clockUrl, scheduledAt, settings.fetchTimeoutMs);
    this.clock = clock;
    const step = source.stepMs;
    const head = floorToStep(clock.getTime(), step);
    const windowStart = head - (settings.maxCatchupFrames - 1) * step;
    const stored = await storedFrames(env, source.id, windowStart, head);
    const lastStored = stored.size ? Math.max(...stored.keys()) : null;
    if (lastStored !== null) {
      this.mode = "catch-up";
      this.candidates = slots(lastStored + step, head, step);
    } else {
      this.mode = "probe";
      const newest = await this.probeNewest(head);
      if (newest !== null) {
        // The source lags the clock: its window may reach frames stored before.
        const from = newest - (settings.maxCatchupFrames - 1) * step;
        const earlier = from < windowStart ? await storedFrames(env, source.id, from, windowStart - step) : new Map<number, Date>();
        this.candidates = slots(earlier.size ? Math.max(...earlier.keys()) + step : from, newest, step);
      }
    }
    const repairs = await this.framesWithoutRows(stored, windowStart, head);
    const work = [...this.candidates.map((t) => ({ t, repair: false })), ...repairs.map((t) => ({ t, repair: true }))].sort((a, b) => a.t - b.t);
    for (const { t, repair } of work) {
      const carryOn = repair ? await this.repair(t) : await this.ingest(t, clock);
      if (!carryOn) break;
    }
  }

  /** HEAD from the clock backwards, at most the catch-up bound of slots: the source's newest frame. */
  private async probeNewest(head: number): Promise<number | null> {
    for (let i = 0; i < this.settings.maxCatchupFrames; i++) {
      const t = head - i * this.source.stepMs;
      if (await compositeExists(this.source.url(this.template, new Date(t)), this.settings.fetchTimeoutMs)) return t;
    }
    return null;
  }

  /** Raw frames of the window landed long enough ago but still without their D1 row. */
  private async framesWithoutRows(stored: Map<number, Date>, from: number, to: number): Promise<number[]> {
    if (!stored.size) return [];
    const rows = await drizzle(this.env.DB)
      .select({ obstime: radarFrames.obstime })
      .from(radarFrames)
      .where(and(eq(radarFrames.source, this.source.id), between(radarFrames.obstime, new Date(from), new Date(to))));
    const written = new Set(rows.map((r) => r.obstime.getTime()));
    const cutoff = Date.now() - this.settings.repairAfterMs;
    return [...stored].filter(([t, uploaded]) => !written.has(t) && uploaded.getTime() <= cutoff).map(([t]) => t);
  }

  /** The frame one step before t: the last one decoded, else the stored one. */
  private async previousOf(t: number): Promise<RadarFrame | null> {
    const before = t - this.source.stepMs;
    if (this.previous?.obstime.getTime() === before) return this.previous;
    return this.loadStored(before);
  }

  private async loadStored(t: number): Promise<RadarFrame | null> {
    const object = await this.env.FRAMES.get(radarFrameKey(this.source.id, new Date(t)));
    if (!object) return null;
    try {
      return await this.source.decode(new Uint8Array(await object.arrayBuffer()));
    } catch (error) {
      log("error", "stored radar frame unreadable", { source: this.source.id, obstime: new Date(t).toISOString(), error: errorText(error) });
      return null;
    }
  }

  private refuse(t: number, url: string, reason: RefusalReason, message: string, sizeBytes: number | null, sha256: string | null): true {
    const refusal: Refusal = { source: this.source.id, obstime: t, url, reason, message, sizeBytes, sha256, refusedAt: Date.now() };
    this.refusals.push(refusal);
    log("warn", "radar frame refused", { ...refusal, obstime: new Date(t).toISOString() });
    return true;
  }

  private message(frame: RadarFrame, bytes: Uint8Array, sha256: string, previous: RadarFrame | null): RadarFrameJob {
    return {
      kind: "radar.frame",
      key: frameKey(this.source.id, frame.obstime),
      source: this.source.id,
      obstime: frame.obstime.getTime(),
      r2Key: radarFrameKey(this.source.id, frame.obstime),
      sizeBytes: bytes.byteLength,
      sha256,
      ...frameParameters(frame, previous, this.source.zr),
      ingestedAt: Date.now(),
    };
  }

  /** Fetches, validates, lands and queues the frame of slot t; false stops the run. */
  private async ingest(t: number, clock: Date): Promise<boolean> {
    const { env, settings, source } = this;
    const url = source.url(this.template, new Date(t));
    const fetched = await fetchComposite(url, { maxBytes: settings.maxFrameBytes, timeoutMs: settings.fetchTimeoutMs });
    this.fetched++;
    if (fetched.status === "not-found") {
      this.notFound++;
      return true;
    }
    if (fetched.status === "failed") {
      // Left for the next run, which starts again after the newest stored frame.
      this.failed++;
      log("error", "radar fetch failed", { source: source.id, url, httpStatus: fetched.httpStatus, error: fetched.message });
      return false;
    }
    if (fetched.status === "too-large") {
      return this.refuse(t, url, "too-large", `${fetched.sizeBytes} bytes is over the limit of ${settings.maxFrameBytes}`, fetched.sizeBytes, null);
    }
    const { bytes } = fetched;
    const sha256 = await sha256Hex(bytes);
    let frame: RadarFrame;
    try {
      frame = await source.decode(bytes);
    } catch (error) {
      const reason = error instanceof RadarFormatError ? error.problem : "unreadable";
      return this.refuse(t, url, reason, errorText(error), bytes.byteLength, sha256);
    }
    const obstime = frame.obstime.getTime();
    if (obstime > clock.getTime() + settings.clockSkewMs) {
      return this.refuse(t, url, "future-time", `its time ${frame.obstime.toISOString()} is after the clock ${clock.toISOString()}`, bytes.byteLength, sha256);
    }
    if (obstime !== t) {
      return this.refuse(t, url, "time-mismatch", `its time ${frame.obstime.toISOString()} is not ${new Date(t).toISOString()}, the time it was fetched for`, bytes.byteLength, sha256);
    }
    const key = radarFrameKey(source.id, frame.obstime);
    if (await env.FRAMES.head(key)) {
      this.previous = frame;
      return this.refuse(t, url, "duplicate", `${key} is already stored`, bytes.byteLength, sha256);
    }
    const message = this.message(frame, bytes, sha256, await this.previousOf(t));
    const put = await env.FRAMES.put(key, bytes, {
      onlyIf: { etagDoesNotMatch: "*" },
      httpMetadata: rawHttpMetadata(source.id),
      customMetadata: { source: source.id, obstime: frame.obstime.toISOString(), sha256 },
      sha256,
    });
    this.previous = frame;
    if (!put) return this.refuse(t, url, "duplicate", `${key} was stored meanwhile (another run)`, bytes.byteLength, sha256);
    await env.INGEST_QUEUE.send(message, { contentType: "json" });
    this.stored++;
    if (!this.newest || this.newest.obstime < frame.obstime) this.newest = frame;
    return true;
  }

  /** Sends again the parameters of a raw frame whose row never came (the run died after landing it). */
  private async repair(t: number): Promise<boolean> {
    const object = await this.env.FRAMES.get(radarFrameKey(this.source.id, new Date(t)));
    if (!object) return true;
    const bytes = new Uint8Array(await object.arrayBuffer());
    let frame: RadarFrame;
    try {
      frame = await this.source.decode(bytes);
    } catch (error) {
      log("error", "stored radar frame unreadable", { source: this.source.id, obstime: new Date(t).toISOString(), error: errorText(error) });
      return true;
    }
    const message = this.message(frame, bytes, await sha256Hex(bytes), await this.previousOf(t));
    this.previous = frame;
    await this.env.INGEST_QUEUE.send(message, { contentType: "json" });
    this.repaired++;
    if (!this.newest || this.newest.obstime < frame.obstime) this.newest = frame;
    log("warn", "radar frame parameters sent again", { key: message.key, uploaded: object.uploaded.toISOString() });
    return true;
  }

  report(): IngestRunReport {
    const finished = new Date();
    const refused: IngestRunReport["refused"] = {};
    for (const r of this.refusals) refused[r.reason] = (refused[r.reason] ?? 0) + 1;
    return {
      source: this.source.id,
      startedAt: this.started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - this.started.getTime(),
      clock: this.clock?.toISOString() ?? null,
      clockSource: this.feed.clockUrl ? "source" : "real-time",
      mode: this.mode,
      candidates: this.candidates.map((t) => new Date(t).toISOString()),
      fetched: this.fetched,
      stored: this.stored,
      notFound: this.notFound,
      failed: this.failed,
      repaired: this.repaired,
      refused,
      newest: this.newest?.obstime.toISOString() ?? null,
      error: this.error,
    };
  }

  /** Advances the newest-frame pointer, then writes the run's counters and refusals (one D1 batch). */
  async finish(): Promise<IngestRunReport> {
    const { env, source } = this;
    // A newer frame: the regional view every nowcast of the frame links to (and fills its crop
    // from) is drawn once, now, ...
    if (this.newest && (await advanceLatest(env, this.newest))) {
      await ensureRegionalView(env, source.id, this.newest.obstime).catch((error) => log("error", "regional view not drawn", { error: errorText(error) }));
      // ... the popular places are recomputed for it now, not at the next hour ...
      await warmForFrame(env, this.newest.obstime).catch((error) => log("error", "per-frame warm-up not started", { error: errorText(error) }));
      // ... and the nowcasts whose hour it completes are scored (worker/verification).
      await requestVerification(env, source.id).catch((error) => log("error", "verification not requested", { error: errorText(error) }));
    }
    const report = this.report();
    const counters: CounterUpdate[] = [
      [sourceCounter(source.id, "runs"), "sum", 1],
      [sourceCounter(source.id, "fetched"), "sum", this.fetched],
      [sourceCounter(source.id, "stored"), "sum", this.stored],
      [sourceCounter(source.id, "not_found"), "sum", this.notFound],
      [sourceCounter(source.id, "fetch_failed"), "sum", this.failed],
      [sourceCounter(source.id, "repaired"), "sum", this.repaired],
      [sourceCounter(source.id, "run_errors"), "sum", this.error ? 1 : 0],
      [sourceCounter(source.id, "last_run_ms"), "last", report.durationMs],
      ...Object.entries(report.refused).map(([reason, n]): CounterUpdate => [refusedCounter(source.id, reason), "sum", n]),
    ];
    const statements = [counterStatement(env.DB, counters, new Date())!];
    if (this.refusals.length) {
      const rows = this.refusals.map((r) => [r.source, r.obstime, r.url, r.reason, r.message.slice(0, 500), r.sizeBytes, r.sha256, r.refusedAt]);
      statements.push(env.DB.prepare(REFUSALS_SQL).bind(JSON.stringify(rows)));
    }
    await env.DB.batch(statements);
    await env.CACHE.put(lastRunKey(source.id), JSON.stringify(report));
    log(report.error || report.failed ? "error" : "info", "radar ingest run", { ...report });
    return report;
  }
}

/**
 * The ingest cron job: one run per feed, one after the other (each on its own source's slots,
 * clock and catch-up window); a feed that is off or misconfigured is left out (logged).
 */
export async function runIngestFeeds(env: Env, scheduledAt: Date): Promise<IngestRunReport[]> {
  const settings = ingestSettings(env);
  if (!settings.feeds.length) log("info", "radar ingest is off: no feed has a URL template");
  const reports: IngestRunReport[] = [];
  for (const feed of settings.feeds) {
    const report = await runFeed(env, settings, feed, scheduledAt);
    if (report) reports.push(report);
  }
  return reports;
}

/** One run of the primary feed (RADAR_SOURCE); null when it is off or misconfigured (logged). */
export async function runIngest(env: Env, scheduledAt: Date): Promise<IngestRunReport | null> {
  const settings = ingestSettings(env);
  if (!settings.urlTemplate) {
    log("info", "radar ingest is off: RADAR_URL_TEMPLATE is empty");
    return null;
  }
  return runFeed(env, settings, { source: settings.source, urlTemplate: settings.urlTemplate, clockUrl: settings.clockUrl }, scheduledAt);
}

async function runFeed(env: Env, settings: IngestSettings, feed: RadarFeed, scheduledAt: Date): Promise<IngestRunReport | null> {
  const source = radarSources[feed.source];
  const problem = source ? templateProblem(feed.urlTemplate) : `no adapter for radar source "${feed.source}"`;
  if (!source || problem) {
    log("error", "radar ingest misconfigured", { source: feed.source, template: feed.urlTemplate, problem });
    return null;
  }
  const run = new IngestRun(env, settings, source, feed);
  try {
    await run.execute(scheduledAt);
  } catch (error) {
    run.error = errorText(error);
  }
  return run.finish();
}
