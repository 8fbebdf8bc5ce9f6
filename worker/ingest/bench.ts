// npm run --silent bench:ingest
//
// 10,000 radar frame parameter messages through the queue consumer path into
// real local D1 (workerd's SQLite through wrangler's getPlatformProxy, in a
// fresh temporary state folder with every migration applied), twice:
//   batched: the real consumer (consumeJobs -> writeRadarFrames) on queue batches of
//            max_batch_size (100, wrangler.toml): one D1 batch per queue batch, a
//            multi-row upsert (one JSON parameter) plus its counters statement;
//   one_row: the same messages, validated the same way, one INSERT (upsert) per message.
// Statements are counted by wrapping the D1 binding (d1-instrument.ts); rows lost or
// duplicated by reading the table back (a row whose values differ from its message
// counts as lost). Parameters come from the real FMI frames (../shared/data/radar/fmi),
// repeated over 10,000 consecutive 5-minute times. Prints exactly one JSON object on
// stdout; progress goes to stderr.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import type { RadarFrame } from "../../nowcast/src/index";
import { listRadarFiles } from "../dev/radar-files";
import type { Env } from "../env";
import { consumeJobs } from "../jobs/queue";
import { sha256Hex } from "../radar/checksum";
import { decodeFrame, radarFrameKey } from "../radar/frame-store";
import { frameRow } from "./consumer";
import { instrumentD1, type D1Counts } from "./d1-instrument";
import { frameKey, radarFrameJobSchema, type RadarFrameJob } from "./message";
import { frameParameters, type FrameParameters } from "./parameters";
import { radarSources } from "./sources";
import { workloads } from "../jobs/queues";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const QUEUE_BATCH = 100; // wrangler.toml [[queues.consumers]] max_batch_size
const STEP_MS = 5 * 60_000;
const START = Date.UTC(2016, 8, 28, 14, 45);

// Everything the product logs goes to stderr: stdout carries the one JSON object.
const progress = (...args: unknown[]) => console.error(...args);
console.log = (...args: unknown[]) => console.error(...args);
console.info = console.log;
process.env.WRANGLER_LOG ??= "error";

interface Result {
  messages: number;
  rows: number;
  statements: number;
  rows_per_s: number;
  lost: number;
  duplicated: number;
}

async function realParameters(): Promise<{ params: FrameParameters; sha256: string; sizeBytes: number }[]> {
  const files = listRadarFiles();
  if (!files.length) throw new Error("no radar frames found (../shared/data/radar/fmi or RADAR_DIR)");
  const out: { params: FrameParameters; sha256: string; sizeBytes: number }[] = [];
  let previous: RadarFrame | null = null;
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file.path));
    const frame = await decodeFrame("fmi", bytes);
    out.push({ params: frameParameters(frame, previous, radarSources.fmi!.zr), sha256: await sha256Hex(bytes), sizeBytes: bytes.byteLength });
    previous = frame;
  }
  return out;
}

function messagesFor(source: string, real: Awaited<ReturnType<typeof realParameters>>): RadarFrameJob[] {
  return Array.from({ length: MESSAGES }, (_, i) => {
    const obstime = new Date(START + i * STEP_MS);
    const { params, sha256, sizeBytes } = real[i % real.length]!;
    return {
      kind: "radar.frame",
      key: frameKey(source, obstime),
      source,
      obstime: obstime.getTime(),
      r2Key: radarFrameKey(source, obstime),
      sizeBytes,
      sha256,
      ...params,
      ingestedAt: Date.UTC(2026, 0, 1) + i,
    } satisfies RadarFrameJob;
  });
}

/** A queue batch as the runtime hands it to queue(): messages with ack/retry. */
function queueBatch(bodies: RadarFrameJob[], offset: number, retried: { n: number }): MessageBatch<unknown> {
  const messages = bodies.map((body, i) => ({
    id: `bench-${offset + i}`,
    timestamp: new Date(),
    body,
    attempts: 1,
    ack() {},
    retry() {
      retried.n++;
    },
  }));
  return {
    queue: workloads.ingest.queue,
    messages,
    ackAll() {},
    retryAll() {
      retried.n += messages.length;
    },
  } as unknown as MessageBatch<unknown>;
}

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

const ONE_ROW_SQL = `INSERT INTO radar_frames (key, source, obstime, r2_key, size_bytes, sha256, width, height, fraction_above_0_5, fraction_above_5,
  mean_dbz, max_dbz, centroid_lat, centroid_lon, motion_u_px, motion_v_px, ingested_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
ON CONFLICT (key) DO UPDATE SET source = excluded.source, obstime = excluded.obstime, r2_key = excluded.r2_key,
  size_bytes = excluded.size_bytes, sha256 = excluded.sha256, width = excluded.width, height = excluded.height,
  fraction_above_0_5 = excluded.fraction_above_0_5, fraction_above_5 = excluded.fraction_above_5, mean_dbz = excluded.mean_dbz,
  max_dbz = excluded.max_dbz, centroid_lat = excluded.centroid_lat, centroid_lon = excluded.centroid_lon,
  motion_u_px = excluded.motion_u_px, motion_v_px = excluded.motion_v_px, ingested_at = excluded.ingested_at`;

/** Reads the variant's rows back: a message without its exact row is lost; extra rows are duplicated. */
async function verify(db: D1Database, source: string, bodies: RadarFrameJob[]): Promise<{ rows: number; lost: number; duplicated: number }> {
  const rows = await db
    .prepare(
      `SELECT key, source, obstime, r2_key, size_bytes, sha256, width, height, fraction_above_0_5, fraction_above_5, mean_dbz, max_dbz,
        centroid_lat, centroid_lon, motion_u_px, motion_v_px, ingested_at FROM radar_frames WHERE source = ?1`,
    )
    .bind(source)
    .raw<(string | number | null)[]>();
  const expected = new Map(bodies.map((b) => [b.key, JSON.stringify(frameRow(b))]));
  const keys = new Set<string>();
  const matched = new Set<string>();
  let unexpected = 0;
  for (const row of rows) {
    const key = String(row[0]);
    keys.add(key);
    if (!expected.has(key)) unexpected++;
    else if (expected.get(key) === JSON.stringify(row)) matched.add(key);
  }
  return { rows: rows.length, lost: bodies.length - matched.size, duplicated: rows.length - keys.size + unexpected };
}

async function timed(what: string, counts: D1Counts, work: () => Promise<void>): Promise<{ seconds: number; statements: number }> {
  const before = counts.statements;
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  progress(`${what}: ${(seconds).toFixed(2)} s, ${counts.statements - before} statements`);
  return { seconds, statements: counts.statements - before };
}

async function main(): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), "nowcast-bench-ingest-"));
  progress(`local D1 in ${state}`);
  const proxy = await getPlatformProxy<Env>({ configPath: "wrangler.toml", persist: { path: state } });
  try {
    const { env } = proxy;
    const migrations = readdirSync("migrations").filter((f) => f.endsWith(".sql")).sort();
    for (const file of migrations) {
      for (const statement of readFileSync(join("migrations", file), "utf8").split("--> statement-breakpoint")) {
        if (statement.trim()) await env.DB.prepare(statement).run();
      }
    }
    progress(`applied ${migrations.length} migrations; computing the parameters of the real frames`);
    const real = await realParameters();
    progress(`${real.length} real frames -> ${MESSAGES} messages per variant`);
    const { db, counts } = instrumentD1(env.DB);

    // Baseline first, into the empty table; its rows are removed before the batched run, which
    // writes the same frames again (the source must be a real one: a message's R2 key follows
    // its source's raw layout, and the consumer's schema checks it).
    const oneRowBodies = messagesFor("fmi", real);
    const oneRow = await timed("one_row", counts, async () => {
      for (let offset = 0; offset < oneRowBodies.length; offset += QUEUE_BATCH) {
        // A queue batch's inserts all in flight at once: the strongest one-row consumer.
        await Promise.all(
          oneRowBodies.slice(offset, offset + QUEUE_BATCH).map((raw) => db.prepare(ONE_ROW_SQL).bind(...frameRow(radarFrameJobSchema.parse(raw))).run()),
        );
      }
    });
    const oneRowCheck = await verify(env.DB, "fmi", oneRowBodies);
    await env.DB.prepare("DELETE FROM radar_frames").run();

    const batchedBodies = messagesFor("fmi", real);
    const retried = { n: 0 };
    const batched = await timed("batched", counts, async () => {
      for (let offset = 0; offset < batchedBodies.length; offset += QUEUE_BATCH) {
        await consumeJobs(queueBatch(batchedBodies.slice(offset, offset + QUEUE_BATCH), offset, retried), { ...env, DB: db }, ctx);
      }
    });
    if (retried.n) progress(`batched: ${retried.n} messages asked for a retry`);
    const batchedCheck = await verify(env.DB, "fmi", batchedBodies);

    const result = (check: typeof oneRowCheck, run: typeof oneRow): Result => ({
      messages: MESSAGES,
      rows: check.rows,
      statements: run.statements,
      rows_per_s: Math.round(check.rows / run.seconds),
      lost: check.lost,
      duplicated: check.duplicated,
    });
    const out = { batched: result(batchedCheck, batched), one_row: result(oneRowCheck, oneRow) };
    progress(
      `statements: ${(out.one_row.statements / out.batched.statements).toFixed(1)}x fewer; rows/s: ${(out.batched.rows_per_s / out.one_row.rows_per_s).toFixed(1)}x`,
    );
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await proxy.dispose();
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
