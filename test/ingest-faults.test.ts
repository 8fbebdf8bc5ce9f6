// Radar ingest when things go wrong: malformed files, duplicates from
// overlapping runs, a failing source, an unreadable clock, a run that dies
// between R2 and the queue, and ingest switched off or misconfigured. Each
// scenario has its own replay clock (test/support/radar-replay.ts).
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ingestCounters, ingestRefusals, radarFrames } from "../worker/db/schema";
import { runIngest, type IngestRunReport } from "../worker/ingest/run";
import { radarFrameKey } from "../worker/radar/frame-store";
import { bearer, call, createUser, db, tokenFor, until } from "./support/helpers";
import { close, directParameters, gunzip, gzip, radarScenario, runIngestCron, withHeader, type TestEnv } from "./support/radar-replay-client";

const STEP = 5 * 60_000;
const at = (hhmm: string) => new Date(`2016-09-28T${hhmm}:00Z`);
const hhmm = (t: Date | string) => new Date(t).toISOString().slice(11, 16);
const stampOf = (t: string) => `20160928${t.replace(":", "")}`;
const originals = radarScenario("originals");

const rows = () => db().select().from(radarFrames).where(eq(radarFrames.source, "fmi")).orderBy(radarFrames.obstime);
/** Waits for n rows, then a queue delivery's worth longer to be sure no more come. */
async function exactlyRows(n: number) {
  await until(async () => (await rows()).length >= n, `${n} radar_frames rows`);
  await new Promise((r) => setTimeout(r, 1500));
  const found = await rows();
  expect(found).toHaveLength(n);
  return found;
}

async function rawKeys(): Promise<string[]> {
  const page = await env.FRAMES.list({ prefix: "radar/fmi/" });
  return page.objects.map((o) => o.key).sort();
}

async function counters(): Promise<Record<string, number>> {
  return Object.fromEntries((await db().select().from(ingestCounters)).map((c) => [c.name, c.value]));
}

// Scenarios share this file's D1 and R2: each starts from an empty ingest.
beforeEach(async () => {
  const keys = await rawKeys();
  if (keys.length) await env.FRAMES.delete(keys);
  await env.DB.batch(["radar_frames", "ingest_counters", "ingest_refusals"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
});

describe("malformed input", () => {
  it("is refused with a logged reason and a counter, and never stored as a frame", async () => {
    const s = radarScenario("malformed");
    await s.setNow("2016-09-28T17:00:30Z");
    const real = async (t: string) => originals.frame(at(t));
    const big = async (t: string) => {
      const bytes = await real(t);
      const doubled = new Uint8Array(bytes.length * 2);
      doubled.set(bytes);
      doubled.set(bytes, bytes.length);
      return doubled;
    };
    const truncated = (await real("16:20")).slice(0, 120_000);
    const cutRaster = await gzip((await gunzip(await real("16:10"))).slice(0, 500_000));
    await s.serve({
      [stampOf("16:10")]: cutRaster,
      [stampOf("16:15")]: await withHeader(await real("16:15"), (h) => h.replace("\n255\n", "\n65535\n")),
      [stampOf("16:20")]: truncated,
      [stampOf("16:25")]: await withHeader(await real("16:25"), (h) => `P6${h.slice(2)}`),
      [stampOf("16:30")]: await withHeader(await real("16:30"), (h) => h.replace("\n760 1226\n", "\n760 1225\n")),
      [stampOf("16:35")]: await withHeader(await real("16:35"), (h) => h.replace(/# obstime \d+\n/, "")),
      [stampOf("16:40")]: await withHeader(await real("16:40"), (h) => h.replace("# obstime 201609281640", "# obstime 201609281900")),
      [stampOf("16:45")]: await real("16:50"),
      [stampOf("16:50")]: await big("16:50"),
      [stampOf("16:55")]: await big("16:55"),
    });
    await s.fail({ [stampOf("16:55")]: ["chunked"] });
    const warn = vi.spyOn(console, "warn");

    const runEnv = s.env({ INGEST_MAX_CATCHUP_FRAMES: "12", INGEST_MAX_FRAME_BYTES: "400000" });
    const report = await runIngestCron(runEnv);
    expect(report!.candidates.map(hhmm)).toEqual(["16:05", "16:10", "16:15", "16:20", "16:25", "16:30", "16:35", "16:40", "16:45", "16:50", "16:55", "17:00"]);
    const REFUSED = {
      truncated: 1,
      "bad-header": 1,
      "bad-gzip": 1,
      "bad-magic": 1,
      "bad-dimensions": 1,
      "missing-metadata": 1,
      "future-time": 1,
      "time-mismatch": 1,
      "too-large": 2,
    };
    expect(report).toMatchObject({ stored: 2, failed: 0, error: null, refused: REFUSED });

    // Only the two good frames are stored, and only they reach D1.
    expect(await rawKeys()).toEqual([radarFrameKey("fmi", at("16:05")), radarFrameKey("fmi", at("17:00"))]);
    const stored = await exactlyRows(2);
    expect(stored.map((r) => hhmm(r.obstime))).toEqual(["16:05", "17:00"]);
    // 17:00 follows a refused frame: no motion against it.
    expect(stored.map((r) => r.motionUPx)).toEqual([null, null]);
    const direct = await directParameters(await real("17:00"));
    close(stored[1]!.fractionAbove05, direct.fractionAbove05);

    // Each refusal: a row with its reason, a log line, a counter.
    const refusals = await db().select().from(ingestRefusals).orderBy(ingestRefusals.obstime);
    expect(refusals.map((r) => [hhmm(r.obstime), r.reason])).toEqual([
      ["16:10", "truncated"],
      ["16:15", "bad-header"],
      ["16:20", "bad-gzip"],
      ["16:25", "bad-magic"],
      ["16:30", "bad-dimensions"],
      ["16:35", "missing-metadata"],
      ["16:40", "future-time"],
      ["16:45", "time-mismatch"],
      ["16:50", "too-large"],
      ["16:55", "too-large"],
    ]);
    expect(refusals[2]).toMatchObject({ sizeBytes: truncated.length, url: `${s.base}/20160928/201609281620_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz` });
    expect(refusals[6]!.message).toContain("2016-09-28T19:00:00.000Z is after the clock 2016-09-28T17:00:30.000Z");
    expect(refusals[8]!.message).toContain("over the limit of 400000");
    const logged = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as { msg: string; reason?: string }).filter((l) => l.msg === "radar frame refused");
    expect(logged.map((l) => l.reason)).toEqual(refusals.map((r) => r.reason));
    const c = await counters();
    expect(c).toMatchObject({
      ...Object.fromEntries(Object.entries(REFUSED).map(([reason, n]) => [`ingest.fmi.refused.${reason}`, n])),
      "ingest.fmi.stored": 2,
      "ingest.fmi.fetched": 12,
    });

    // The operators see them.
    const admin = bearer(await tokenFor(await createUser("faults-admin@example.com", "faults password 1", "admin")));
    const status = (await (await call("/api/admin/ingest/status", admin)).json()) as { refused: { total: number; byReason: Record<string, number>; recent: { reason: string }[] } };
    expect(status.refused.total).toBe(10);
    expect(status.refused.byReason).toEqual(REFUSED);
    expect(status.refused.recent).toHaveLength(10);

    // A later run has nothing new after 17:00: nothing refused again.
    expect(await runIngestCron(runEnv)).toMatchObject({ candidates: [], refused: {} });
    expect((await counters())["ingest.fmi.refused.too-large"]).toBe(2);
    warn.mockRestore();
  }, 60_000);
});

describe("a duplicate", () => {
  /** A FRAMES binding whose calls wait until `gate` opens. */
  function gated(gate: Promise<void>, methods: { head?: "absent" | "wait"; put?: "wait" }): R2Bucket {
    const frames = env.FRAMES;
    return {
      list: (o?: R2ListOptions) => frames.list(o),
      get: (k: string) => frames.get(k),
      head: async (k: string) => {
        if (methods.head === "absent") return null;
        if (methods.head === "wait") await gate;
        return frames.head(k);
      },
      put: async (k: string, v: Uint8Array, o?: R2PutOptions) => {
        if (methods.put === "wait") await gate;
        return frames.put(k, v, o);
      },
      delete: (k: string) => frames.delete(k),
    } as unknown as R2Bucket;
  }

  async function overlapping(name: string, methods: Parameters<typeof gated>[1]): Promise<[IngestRunReport, IngestRunReport]> {
    const s = radarScenario(name);
    await s.setNow("2016-09-28T17:00:00Z");
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Run A starts first and stalls at R2; run B overlaps it and finishes; then A goes on.
    const first = runIngest({ ...s.env({ INGEST_MAX_CATCHUP_FRAMES: "4" }), FRAMES: gated(gate, methods) } as TestEnv, new Date());
    await until(async () => (await s.requests()).some((r) => r.method === "GET"), "run A fetching");
    const second = await runIngest(s.env({ INGEST_MAX_CATCHUP_FRAMES: "4" }), new Date());
    open();
    return [(await first)!, second!];
  }

  it("from overlapping runs is stored once: the later run refuses it as a duplicate", async () => {
    const [a, b] = await overlapping("overlap-head", { head: "wait" });
    expect(b).toMatchObject({ stored: 4, refused: {} });
    expect(a).toMatchObject({ stored: 0, refused: { duplicate: 4 } });
    expect(await rawKeys()).toHaveLength(4);
    expect((await exactlyRows(4)).map((r) => hhmm(r.obstime))).toEqual(["16:45", "16:50", "16:55", "17:00"]);
    expect((await counters())["ingest.fmi.refused.duplicate"]).toBe(4);
  }, 60_000);

  it("stored between a run's check and its put is not overwritten: the conditional put refuses it", async () => {
    const before = new Map<string, string>();
    const [a, b] = await overlapping("overlap-put", { head: "absent", put: "wait" });
    expect(b).toMatchObject({ stored: 4 });
    expect(a).toMatchObject({ stored: 0, refused: { duplicate: 4 } });
    for (const key of await rawKeys()) before.set(key, (await env.FRAMES.head(key))!.etag);
    expect(before.size).toBe(4);
    const refusals = await db().select().from(ingestRefusals);
    expect(refusals.every((r) => r.reason === "duplicate" && r.message.includes("stored meanwhile"))).toBe(true);
    await exactlyRows(4);
  }, 60_000);
});

describe("a failing source", () => {
  it("stops the run at the failure (HTTP 503, connection reset, timeout); the next run resumes there", async () => {
    const s = radarScenario("flaky");
    await s.setNow("2016-09-28T17:00:00Z");
    await s.fail({ [stampOf("16:50")]: ["http_503"], [stampOf("16:55")]: ["reset"], [stampOf("17:00")]: ["timeout"] });
    const runEnv = s.env({ INGEST_MAX_CATCHUP_FRAMES: "4", INGEST_FETCH_TIMEOUT_MS: "500" });
    const reports = [];
    for (let i = 0; i < 4; i++) reports.push(await runIngestCron(runEnv));
    expect(reports.map((r) => [r!.candidates.map(hhmm), r!.stored, r!.failed])).toEqual([
      [["16:45", "16:50", "16:55", "17:00"], 1, 1],
      [["16:50", "16:55", "17:00"], 1, 1],
      [["16:55", "17:00"], 1, 1],
      [["17:00"], 1, 0],
    ]);
    const stored = await exactlyRows(4);
    // Motion against the frame stored by the run before.
    expect(stored.map((r) => r.motionUPx === null)).toEqual([true, false, false, false]);
    expect(await counters()).toMatchObject({ "ingest.fmi.fetch_failed": 3, "ingest.fmi.stored": 4, "ingest.fmi.runs": 4 });
  }, 60_000);

  it("a failing probe ends the first run with an error and stores nothing", async () => {
    const s = radarScenario("flaky-probe");
    await s.setNow("2016-09-28T17:00:00Z");
    await s.fail({ [`HEAD ${stampOf("17:00")}`]: ["http_503"] });
    const report = await runIngestCron(s.env({ INGEST_MAX_CATCHUP_FRAMES: "4" }));
    expect(report).toMatchObject({ mode: "probe", candidates: [], stored: 0, fetched: 0 });
    expect(report!.error).toContain("HTTP 503");
    expect(await rawKeys()).toEqual([]);
    expect((await counters())["ingest.fmi.run_errors"]).toBe(1);
  });

  it("an unreadable clock (HTTP error, not {now}) ends the run before any fetch", async () => {
    const s = radarScenario("bad-clock");
    const missing = await runIngestCron(s.env({ RADAR_CLOCK_URL: `${s.base}/no-clock-here` }));
    expect(missing!.error).toContain("HTTP 404");
    const notJson = await runIngestCron(s.env({ RADAR_CLOCK_URL: `${s.base}/20160928/201609281700_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz` }));
    expect(notJson!.error).toContain('is not {"now": iso time}');
    expect(notJson).toMatchObject({ clock: null, fetched: 0, stored: 0 });
    expect((await s.requests()).filter((r) => r.method === "HEAD")).toEqual([]);
    expect((await counters())["ingest.fmi.run_errors"]).toBe(2);
  });
});

describe("a source behind the clock", () => {
  it("the probe finds its newest frame and fetches only what came after the frames stored before", async () => {
    const source = radarScenario("lagging-source");
    const clock = radarScenario("lagging-clock");
    await source.setNow("2016-09-28T16:00:00Z");
    expect(await runIngestCron(source.env({ INGEST_MAX_CATCHUP_FRAMES: "4" }))).toMatchObject({ mode: "probe", stored: 4 });
    // The source has published up to 16:30 while the clock says 17:00: nothing stored in the
    // clock's window (16:25-17:00), so the run probes back to 16:30 and takes 16:05-16:30.
    await source.setNow("2016-09-28T16:30:00Z");
    await clock.setNow("2016-09-28T17:00:00Z");
    const report = await runIngestCron(source.env({ INGEST_MAX_CATCHUP_FRAMES: "8", RADAR_CLOCK_URL: `${clock.base}/__clock` }));
    expect(report).toMatchObject({ mode: "probe", stored: 6, refused: {} });
    expect(report!.candidates.map(hhmm)).toEqual(["16:05", "16:10", "16:15", "16:20", "16:25", "16:30"]);
    expect((await exactlyRows(10)).every((r, i) => i === 0 || r.motionUPx !== null)).toBe(true);
  }, 60_000);
});

describe("nothing lost", () => {
  it("a raw frame landed without its row (the run died before queueing it) is sent again by a later run", async () => {
    const s = radarScenario("repair");
    await s.setNow("2016-09-28T17:00:00Z");
    let sends = 0;
    const dyingQueue = {
      send: async (body: unknown, options?: QueueSendOptions) => {
        if (sends++ === 0) throw new Error("queue unavailable");
        return env.INGEST_QUEUE.send(body, options);
      },
      sendBatch: (messages: Iterable<MessageSendRequest>) => env.INGEST_QUEUE.sendBatch(messages),
    } as unknown as Queue<unknown>;
    const died = await runIngestCron(s.env({ INGEST_MAX_CATCHUP_FRAMES: "4", INGEST_QUEUE: dyingQueue }));
    expect(died).toMatchObject({ stored: 0, newest: null, error: "queue unavailable" });
    expect(await rawKeys()).toEqual([radarFrameKey("fmi", at("16:45"))]);

    // Within the grace period the row may still be on its way: only the new frames go.
    const next = await runIngestCron(s.env({ INGEST_MAX_CATCHUP_FRAMES: "4" }));
    expect(next).toMatchObject({ stored: 3, repaired: 0 });
    await exactlyRows(3);
    // After it, the missing row's parameters are computed again from the raw frame and sent.
    const repaired = await runIngestCron(s.env({ INGEST_MAX_CATCHUP_FRAMES: "4", INGEST_REPAIR_AFTER_SECONDS: "0" }));
    expect(repaired).toMatchObject({ candidates: [], stored: 0, repaired: 1 });
    const all = await exactlyRows(4);
    const row = all[0]!;
    const expected = await directParameters(await originals.frame(at("16:45")));
    expect(row).toMatchObject({ key: "fmi:201609281645", sha256: expected.sha256, sizeBytes: expected.sizeBytes, motionUPx: null });
    for (const name of ["fractionAbove05", "fractionAbove5", "meanDbz", "maxDbz", "centroidLat", "centroidLon"] as const) close(row[name], expected[name], name);
    expect((await counters())["ingest.fmi.repaired"]).toBe(1);
    // And nothing is repaired twice.
    expect(await runIngestCron(s.env({ INGEST_MAX_CATCHUP_FRAMES: "4", INGEST_REPAIR_AFTER_SECONDS: "0" }))).toMatchObject({ repaired: 0 });
  }, 60_000);
});

describe("configuration", () => {
  it("ingest is off without a URL template, and refuses a template or source it cannot use", async () => {
    const s = radarScenario("config");
    const error = vi.spyOn(console, "error");
    expect(await runIngestCron(s.env({ RADAR_URL_TEMPLATE: "" }))).toBeNull();
    expect(await runIngestCron(s.env({ RADAR_URL_TEMPLATE: `${s.base}/latest.pgm.gz` }))).toBeNull();
    expect(await runIngestCron(s.env({ RADAR_URL_TEMPLATE: "ftp://example.com/{stamp}.pgm.gz" }))).toBeNull();
    expect(await runIngestCron(s.env({ RADAR_SOURCE: "nexrad" }))).toBeNull();
    const problems = error.mock.calls.map(([line]) => JSON.parse(String(line)) as { msg: string; problem: string }).filter((l) => l.msg === "radar ingest misconfigured");
    expect(problems.map((p) => p.problem)).toEqual(["it has no {stamp} (or {jjj} and {hhmm}) placeholder", "it is not an http(s) URL (ftp:)", 'no adapter for radar source "nexrad"']);
    expect(await s.requests()).toEqual([]);
    expect(await counters()).toEqual({});
    error.mockRestore();
  });
});
