// npm run bench:serve — starts the local product (as npm start does, on a free
// port and a fresh state folder), then loads it from this second process with
// autocannon: a cached nowcast (X-Cache: HIT) against the bare authenticated
// route /api/ping of the same Worker, measured in the same run. Prints one JSON
// object on stdout; progress on stderr.
import autocannon from "autocannon";
import { startLocalStack } from "../e2e/local-stack";

// BENCH_SHORT=1: 1 s per load (npm test runs it so the script cannot rot; figures from it mean nothing).
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? (process.env.BENCH_SHORT === "1" ? 1 : 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

interface Figures {
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  non_2xx: number;
}

async function load(url: string, token: string, connections: number, duration: number): Promise<Figures> {
  const result = await autocannon({ url, connections, duration, headers: { authorization: `Bearer ${token}` } });
  return {
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx + result.errors + result.timeouts,
  };
}

progress("starting the local product ...");
const stack = await startLocalStack(".wrangler/bench-state");
try {
  const token = await stack.demoToken();
  const bare = `${stack.baseUrl}/api/ping`;
  const hit = `${stack.baseUrl}/api/nowcast?lat=60.1699&lon=24.9384`;
  const first = await fetch(hit, { headers: { authorization: `Bearer ${token}` } });
  if (!first.ok) throw new Error(`nowcast failed: ${first.status} ${await first.text()}`);
  const second = await fetch(hit, { headers: { authorization: `Bearer ${token}` } });
  if (second.headers.get("x-cache") !== "HIT") throw new Error("the nowcast is not served from cache");
  const hitBytes = (await second.arrayBuffer()).byteLength;

  progress("warming both routes ...");
  await load(bare, token, CONNECTIONS, 2);
  await load(hit, token, CONNECTIONS, 2);
  // Alternate the two routes so drift on a shared machine affects both alike.
  const runs: Record<"bare" | "hit", Figures[]> = { bare: [], hit: [] };
  for (let round = 0; round < 2; round++) {
    progress(`round ${round + 1}: ${CONNECTIONS} connections, ${DURATION_S} s per route ...`);
    runs.bare.push(await load(bare, token, CONNECTIONS, DURATION_S));
    runs.hit.push(await load(hit, token, CONNECTIONS, DURATION_S));
  }
  progress("single connection ...");
  const single = { bare: await load(bare, token, 1, DURATION_S / 2), hit: await load(hit, token, 1, DURATION_S / 2) };

  const mean = (xs: Figures[], key: keyof Figures) => xs.reduce((s, x) => s + x[key], 0) / xs.length;
  const summary = (xs: Figures[]) => ({
    requests_per_s: Math.round(mean(xs, "requests_per_s")),
    p50_ms: mean(xs, "p50_ms"),
    p99_ms: mean(xs, "p99_ms"),
    non_2xx: xs.reduce((s, x) => s + x.non_2xx, 0),
  });
  const bareSummary = summary(runs.bare);
  const hitSummary = summary(runs.hit);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify({
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      bare_route: { path: "/api/ping", ...bareSummary },
      cached_nowcast: { path: "/api/nowcast?lat=60.1699&lon=24.9384", response_bytes: hitBytes, ...hitSummary },
      ratio: {
        requests_per_s: round2(hitSummary.requests_per_s / bareSummary.requests_per_s),
        p99: round2(hitSummary.p99_ms / Math.max(bareSummary.p99_ms, 1e-9)),
      },
      single_connection: {
        bare_p50_ms: single.bare.p50_ms,
        hit_p50_ms: single.hit.p50_ms,
        hit_minus_bare_p50_ms: round2(single.hit.p50_ms - single.bare.p50_ms),
      },
    }),
  );
} finally {
  await stack.stop();
}
