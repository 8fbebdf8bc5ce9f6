// npm run bench:live — the cache under a live radar cadence, in two modes measured in one run:
//   every_frame_swr: warming the popular set at every new frame, stale-while-revalidate on;
//   hourly_only:     the hourly warm-up only, every stale entry computed while the request waits
//                    (the behaviour before issue 11).
// Each mode starts the local product (npm start, a fresh state folder) with the archive brought
// in up to 15:45, then plays the replay clock one 5-minute frame at a time (16:00 ... 18:00 in
// the full run: 2 h 15 min of radar), firing the ingest cron at each frame, the hourly warm-up
// and the daily retention every 12 frames. Between frames, CONNECTIONS clients request nowcasts
// for 200 covered places drawn from a Zipf distribution. Reports per mode the shares of HIT,
// STALE and MISS, p50/p99 per status and overall against the bare route /api/ping measured in
// the same stack, model runs per frame, and D1 rows and R2 objects over time.
// BENCH_SHORT=1: 3 frames, short load (npm test runs it once so the script cannot rot).
// Prints one JSON object on stdout; progress on stderr.
import { gazetteer } from "../../worker/places/gazetteer";
import { startLocalStack, type LocalStack } from "../e2e/local-stack";

const SHORT = process.env.BENCH_SHORT === "1";
const FRAMES = Number(process.env.BENCH_FRAMES ?? (SHORT ? 3 : 27));
const FRAME_WALL_S = Number(process.env.BENCH_FRAME_WALL_S ?? (SHORT ? 2 : 8));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const PLACES = 200;
const TOP = 50;
const STEP_MS = 5 * 60_000;
const START = Date.parse("2016-09-28T15:45:00Z");
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

// The 200 most populous Finnish places: inside the FMI composite.
const places = [...gazetteer().byPopulation()]
  .filter((p) => p.country === "FI")
  .slice(0, PLACES);
if (places.length < PLACES) throw new Error(`only ${places.length} Finnish places in the gazetteer`);
// Zipf (s = 1): rank k is asked for in proportion to 1/k.
const weights = places.map((_, k) => 1 / (k + 1));
const total = weights.reduce((a, b) => a + b, 0);
const cumulative = weights.map(((sum) => (w: number) => (sum += w / total))(0));
// A fixed seed: both modes see the same request sequence.
function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const pick = (r: number) => {
  const k = cumulative.findIndex((c) => r <= c);
  return k < 0 ? PLACES - 1 : k;
};

interface Sample {
  rank: number;
  status: "HIT" | "STALE" | "MISS" | "ERROR";
  /** The service's reason (hit, revalidating, miss = never computed, stale = too far behind, ...). */
  reason: string;
  behindS: number;
  ms: number;
}

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
};

async function load(stack: LocalStack, token: string, seconds: number, url: (random: () => number) => { url: string; rank: number }, seed: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      const random = rng(seed * 31 + c);
      while (performance.now() < until) {
        const target = url(random);
        const started = performance.now();
        const res = await fetch(`${stack.baseUrl}${target.url}`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
        let behindS = 0;
        let reason = "none";
        if (res?.ok && target.url.startsWith("/api/nowcast")) ({ behindSeconds: behindS, reason } = ((await res.json()) as { cache: { behindSeconds: number; reason: string } }).cache);
        else await res?.arrayBuffer();
        const status = !res?.ok ? "ERROR" : ((res.headers.get("x-cache") as Sample["status"] | null) ?? "HIT");
        samples.push({ rank: target.rank, status, reason, behindS, ms: performance.now() - started });
      }
    }),
  );
  return samples;
}

async function admin<T>(stack: LocalStack, token: string, path: string): Promise<T> {
  const res = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function cron(stack: LocalStack, expression: string): Promise<void> {
  const res = await fetch(`${stack.baseUrl}/__scheduled?cron=${encodeURIComponent(expression)}`);
  await res.body?.cancel();
  if (!res.ok) throw new Error(`cron ${expression}: HTTP ${res.status}`);
}

interface Storage {
  d1Rows: Record<string, number>;
  r2Objects: Record<string, number>;
  modelRuns: { radarTime: string; runs: number }[];
}

async function runMode(name: string, vars: Record<string, string>) {
  progress(`\n[${name}] starting the local product ...`);
  const wranglerArgs = Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const stack = await startLocalStack(`.wrangler/bench-live-${name}`, { wranglerArgs, env: { NOWCAST_REPLAY_UNTIL: new Date(START).toISOString() } });
  try {
    if (!stack.replayUrl) throw new Error("the local product did not say where its radar replay runs");
    const token = await stack.demoToken();
    const bare = await load(stack, token, SHORT ? 2 : 5, () => ({ url: "/api/ping", rank: -1 }), 1);
    // The first hour: no history yet, so the hourly warm-up takes the default list.
    await cron(stack, "0 * * * *");
    const samples: Sample[] = [];
    const storage: Record<string, number | string>[] = [];
    let runsAll: Storage["modelRuns"] = [];
    for (let f = 1; f <= FRAMES; f++) {
      const frame = new Date(START + f * STEP_MS);
      await fetch(`${stack.replayUrl}/__clock`, { method: "POST", body: JSON.stringify({ now: new Date(frame.getTime() + 60_000).toISOString() }) });
      await cron(stack, "*/5 * * * *");
      // The run is done once the ingest status names the frame.
      for (let i = 0; i < 200; i++) {
        const status = await admin<{ newestStored: string | null }>(stack, token, "/api/admin/ingest/status");
        if (status.newestStored === frame.toISOString()) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (f % 12 === 0) {
        await cron(stack, "0 * * * *");
        await cron(stack, "15 4 * * *");
      }
      progress(`[${name}] frame ${frame.toISOString().slice(11, 16)} (${f}/${FRAMES})`);
      samples.push(
        ...(await load(
          stack,
          token,
          FRAME_WALL_S,
          (random) => {
            const rank = pick(random());
            const p = places[rank]!;
            return { url: `/api/nowcast?lat=${p.lat}&lon=${p.lon}`, rank };
          },
          f,
        )),
      );
      if (f % 3 === 0 || f === FRAMES) {
        const s = await admin<Storage>(stack, token, "/api/admin/storage");
        storage.push({ frame: frame.toISOString().slice(11, 16), ...s.d1Rows, ...s.r2Objects });
        runsAll = s.modelRuns;
      }
    }
    const by = (status: Sample["status"]) => samples.filter((s) => s.status === status);
    const share = (xs: Sample[], of: Sample[]) => (of.length ? Math.round((xs.length / of.length) * 1000) / 1000 : null);
    const top = samples.filter((s) => s.rank < TOP);
    const topServed = top.filter((s) => s.status === "HIT" || (s.status === "STALE" && s.behindS <= 300));
    const bareP99 = quantile(bare.map((s) => s.ms), 0.99)!;
    const allP99 = quantile(samples.map((s) => s.ms), 0.99)!;
    const perStatus = Object.fromEntries(
      (["HIT", "STALE", "MISS", "ERROR"] as const).map((st) => [
        st,
        { share: share(by(st), samples), p50_ms: quantile(by(st).map((s) => s.ms), 0.5), p99_ms: quantile(by(st).map((s) => s.ms), 0.99) },
      ]),
    );
    // Where the slowest requests come from: the service's reason of those above the overall p99, and of all.
    const reasons = (xs: Sample[]) => Object.fromEntries([...new Set(xs.map((s) => s.reason))].sort().map((r) => [r, share(xs.filter((s) => s.reason === r), xs)]));
    const played = new Set(Array.from({ length: FRAMES }, (_, i) => new Date(START + (i + 1) * STEP_MS).toISOString()));
    const runs = runsAll.filter((r) => played.has(r.radarTime)).reverse();
    return {
      requests: samples.length,
      ...perStatus,
      all: { p50_ms: quantile(samples.map((s) => s.ms), 0.5), p99_ms: allP99 },
      bare_route: { path: "/api/ping", requests: bare.length, p50_ms: quantile(bare.map((s) => s.ms), 0.5), p99_ms: bareP99 },
      p99_ratio_to_bare: Math.round((allP99 / bareP99) * 100) / 100,
      reasons: { all: reasons(samples), above_p99: reasons(samples.filter((s) => Math.round(s.ms * 10) / 10 >= allP99)) },
      top50_served_from_cache_share: share(topServed, top),
      model_runs_per_frame: {
        mean: runs.length ? Math.round((runs.reduce((a, r) => a + r.runs, 0) / runs.length) * 10) / 10 : null,
        // Nowcasts kept per radar time (retention removes old ones not in use).
        kept_by_frame: runs.map((r) => ({ frame: r.radarTime.slice(11, 16), runs: r.runs })),
      },
      storage_over_time: storage,
    };
  } finally {
    await stack.stop();
  }
}

// Retention every simulated hour with a short age, so storage can be watched levelling off.
const common = { NOWCAST_RETENTION_HOURS: "0.01", WARMUP_TOP_N: String(TOP) };
const everyFrame = await runMode("every-frame-swr", { ...common, WARMUP_EVERY_FRAME: "true", NOWCAST_STALE_MAX_SECONDS: "300" });
const hourly = await runMode("hourly-only", { ...common, WARMUP_EVERY_FRAME: "false", NOWCAST_STALE_MAX_SECONDS: "0" });
console.log(
  JSON.stringify({
    short: SHORT,
    frames: FRAMES,
    frame_wall_s: FRAME_WALL_S,
    connections: CONNECTIONS,
    places: PLACES,
    every_frame_swr: everyFrame,
    hourly_only: hourly,
    targets: { top50_served_from_cache_share: ">= 0.95", p99_ratio_to_bare: "<= 3", storage: "flat once retention applies" },
  }),
);
