// npm run bench:soak — starts the local product (as npm start does, on a free port and a fresh
// state folder) and holds 32 connections on it for 3 rounds of 2 minutes over a mix: cached
// nowcasts, place search, the landing page and failed sign-ins. It reports requests/s, p99 and
// every status code per kind and round, and memory at start, after each round and after a minute
// idle: the Worker isolate's V8 heap after a full collection (read through wrangler's DevTools
// proxy; what a deployed Worker has and what a leak in its code grows), and the resident set of
// each workerd process wrangler dev runs (the runtime, and wrangler's dev proxy), which also hold
// what wrangler's tooling keeps.
// The target, no growth from round to round, is judged on the isolate's heap.
// One JSON object on stdout; progress on stderr.
//
// The signed-in kinds use the seeded operator account, which the per-caller API limit exempts,
// so that a 429 can only come from the limit that applies to them: sign-in attempts.
import autocannon from "autocannon";
import { startLocalStack } from "../e2e/local-stack";
import { IsolateHeap, workerdProcesses } from "./workerd-memory";

const SHORT = process.env.BENCH_SHORT === "1";
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? (SHORT ? 2 : 120));
const ROUNDS = 3;
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? (SHORT ? 2 : 60));
const CONNECTIONS = 32;
const HEAP_GROWTH_TOLERANCE_MB = 5;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

interface Kind {
  name: string;
  connections: number;
  requests: autocannon.Request[];
  headers?: Record<string, string>;
  /** Status codes this kind may answer with. */
  allowed: number[];
}

async function round(baseUrl: string, kinds: Kind[]) {
  const results = await Promise.all(
    kinds.map((kind) =>
      autocannon({ url: baseUrl, connections: kind.connections, duration: ROUND_S, headers: kind.headers, requests: kind.requests }),
    ),
  );
  return Object.fromEntries(
    results.map((result, i) => {
      const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count]));
      return [
        kinds[i]!.name,
        {
          requests_per_s: Math.round(result.requests.average),
          p50_ms: result.latency.p50,
          p99_ms: result.latency.p99,
          statuses,
          errors: result.errors + result.timeouts,
        },
      ];
    }),
  );
}

progress("starting the local product ...");
const stack = await startLocalStack(".wrangler/soak-state");
try {
  const token = await stack.demoToken();
  const auth = { authorization: `Bearer ${token}` };
  const places = ["Helsinki", "Espoo", "Tampere", "Turku", "Lahti", "Porvoo"];
  // Each place's nowcast is computed once before the rounds, so the rounds serve from cache.
  for (const place of places) {
    const res = await fetch(`${stack.baseUrl}/api/nowcast?place=${place}`, { headers: auth });
    if (!res.ok) throw new Error(`nowcast for ${place}: ${res.status} ${await res.text()}`);
  }
  const kinds: Kind[] = [
    {
      name: "cached_nowcast",
      connections: 12,
      headers: auth,
      requests: places.map((place) => ({ method: "GET", path: `/api/nowcast?place=${place}` })),
      allowed: [200],
    },
    {
      name: "place_search",
      connections: 8,
      headers: auth,
      requests: ["hel", "tamp", "Helsnki", "oulu", "porv", "jyv"].map((q) => ({ method: "GET", path: `/api/places?q=${q}` })),
      allowed: [200],
    },
    { name: "landing_page", connections: 6, requests: [{ method: "GET", path: "/" }], allowed: [200] },
    {
      name: "failed_sign_in",
      connections: 6,
      requests: ["nobody@example.org", "demo@nowcast.local", "someone@example.org"].map((email) => ({
        method: "POST",
        path: "/api/auth/login",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "not-the-password" }),
      })),
      allowed: [401, 429],
    },
  ];
  if (kinds.reduce((s, k) => s + k.connections, 0) !== CONNECTIONS) throw new Error("the kinds must hold 32 connections");

  const heap = await IsolateHeap.connect(stack.processGroup, stack.baseUrl);
  const memory: Record<string, { isolate_heap_mb: number; rss_mb: Record<string, number> }> = {};
  const measure = async (key: string) => {
    const isolate_heap_mb = await heap.usedMb();
    memory[key] = { isolate_heap_mb, rss_mb: Object.fromEntries(workerdProcesses(stack.processGroup).map((p) => [p.role, p.rssMb])) };
  };
  await measure("start");
  const rounds = [];
  for (let r = 1; r <= ROUNDS; r++) {
    progress(`round ${r}/${ROUNDS}: ${CONNECTIONS} connections for ${ROUND_S} s ...`);
    rounds.push(await round(stack.baseUrl, kinds));
    await measure(`after_round_${r}`);
  }
  progress(`idle for ${IDLE_S} s ...`);
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  await measure("after_idle");
  heap.close();

  const unexpected: string[] = [];
  rounds.forEach((figures, i) => {
    for (const kind of kinds) {
      for (const [code, count] of Object.entries(figures[kind.name]!.statuses)) {
        if (!kind.allowed.includes(Number(code))) unexpected.push(`round ${i + 1} ${kind.name}: ${count} × ${code}`);
      }
    }
  });
  const heapMb = (key: string) => memory[key]!.isolate_heap_mb;
  const growth = (from: string, to: string) => Math.round((heapMb(to) - heapMb(from)) * 10) / 10;
  console.log(
    JSON.stringify({
      connections: CONNECTIONS,
      round_s: ROUND_S,
      idle_s: IDLE_S,
      rounds,
      memory,
      // Growth from round to round is what a leak shows; the first round includes warm-up.
      isolate_heap_growth_mb: { round_1_to_2: growth("after_round_1", "after_round_2"), round_2_to_3: growth("after_round_2", "after_round_3"), round_3_to_idle: growth("after_round_3", "after_idle") },
      targets: {
        // A few MB either way is the collector's timing, not a leak.
        heapGrowthUnderMb: HEAP_GROWTH_TOLERANCE_MB,
        heapFlatMet: growth("after_round_1", "after_round_2") < HEAP_GROWTH_TOLERANCE_MB && growth("after_round_2", "after_round_3") < HEAP_GROWTH_TOLERANCE_MB,
      },
      unexpected_statuses: unexpected,
      any_5xx: rounds.some((figures) => Object.values(figures).some((f) => Object.keys(f.statuses).some((code) => code.startsWith("5")))),
    }),
  );
  if (unexpected.length > 0) process.exitCode = 1;
} finally {
  await stack.stop();
}
