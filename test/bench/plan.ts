// npm run bench:plan — a plan of 12 tasks over the next hour. Two parts:
// 1. the scheduler alone, in this process, on the real Helsinki nowcast's risk shape;
// 2. POST /api/plan through the local product (started as npm start does), beside the bare
//    authenticated route /api/ping of the same Worker measured in the same run.
// Target: the route answers in under 50 ms at p99. Prints one JSON object on stdout; progress on stderr.
import autocannon from "autocannon";
import { schedule, type SchedulerTask } from "../../worker/planner/schedule";
import { startLocalStack } from "../e2e/local-stack";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

// 12 tasks, 60 minutes together, half of them outdoor, some bounded, some ordered.
const TASKS = [
  { name: "walk", minutes: 8, outdoor: true },
  { name: "emails", minutes: 6, outdoor: false },
  { name: "run", minutes: 7, outdoor: true },
  { name: "call", minutes: 3, outdoor: false, order: 1 },
  { name: "shop", minutes: 5, outdoor: true, order: 2 },
  { name: "cook", minutes: 6, outdoor: false },
  { name: "post office", minutes: 4, outdoor: true },
  { name: "read", minutes: 5, outdoor: false },
  { name: "bike", minutes: 5, outdoor: true },
  { name: "tidy", minutes: 4, outdoor: false },
  { name: "water plants", minutes: 3, outdoor: true },
  { name: "plan week", minutes: 4, outdoor: false },
];
const WINDOW_MINUTES = 60;

function percentile(sortedMs: number[], p: number): number {
  return Math.round(sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]! * 100) / 100;
}
function figures(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { n: ms.length, p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), max_ms: percentile(sorted, 100) };
}

// 1. The scheduler alone: rain for the first 20 minutes, a dry gap, showers later.
const risk = Float64Array.from({ length: WINDOW_MINUTES }, (_, m) => (m < 20 ? 0.9 : m < 35 ? 0.05 : 0.4 + 0.3 * Math.sin(m / 4)));
const tasks: SchedulerTask[] = TASKS.map((t) => ({ ...t, earliestStartMinute: 0, latestEndMinute: WINDOW_MINUTES }));
const schedulerMs: number[] = [];
for (let i = 0; i < 50 + REQUESTS; i++) {
  const t0 = performance.now();
  const result = schedule(tasks, risk, WINDOW_MINUTES);
  if (!result.ok) throw new Error(`the bench plan is impossible: ${result.reasons.join("; ")}`);
  if (i >= 50) schedulerMs.push(performance.now() - t0);
}
progress(`scheduler alone: ${JSON.stringify(figures(schedulerMs))}`);

// 2. Through the Worker.
progress("starting the local product ...");
const stack = await startLocalStack(".wrangler/bench-plan-state");
try {
  const token = await stack.demoToken();
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const body = JSON.stringify({ place: "Helsinki", tasks: TASKS, windowMinutes: WINDOW_MINUTES });
  const first = await fetch(`${stack.baseUrl}/api/plan`, { method: "POST", headers: auth, body });
  if (!first.ok) throw new Error(`plan failed: ${first.status} ${await first.text()}`);
  const sample = (await first.json()) as { tasks: { name: string; outdoor: boolean; rain: { expectedMm: number } }[] };
  progress(`warming (the first plan computed the nowcast; later ones read it from cache) ...`);
  const load = async (url: string, init: { method?: "POST"; body?: string }, amount: number) => {
    const result = await autocannon({ url, connections: 1, amount, headers: auth, ...init });
    return {
      n: result.requests.total,
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      max_ms: result.latency.max,
      requests_per_s: Math.round(result.requests.average),
      non_2xx: result.non2xx + result.errors + result.timeouts,
    };
  };
  const planUrl = `${stack.baseUrl}/api/plan`;
  const pingUrl = `${stack.baseUrl}/api/ping`;
  await load(planUrl, { method: "POST", body }, 50);
  await load(pingUrl, {}, 50);
  // Alternate the two so drift on a shared machine affects both alike.
  const rounds: { plan: Awaited<ReturnType<typeof load>>; ping: Awaited<ReturnType<typeof load>> }[] = [];
  for (let r = 0; r < 2; r++) {
    progress(`round ${r + 1}: ${REQUESTS} requests to each route, one connection ...`);
    rounds.push({ plan: await load(planUrl, { method: "POST", body }, REQUESTS), ping: await load(pingUrl, {}, REQUESTS) });
  }
  const worst = (k: "plan" | "ping") => rounds.map((r) => r[k]).sort((a, b) => b.p99_ms - a.p99_ms)[0]!;
  const route = worst("plan");
  const bare = worst("ping");
  const failures = rounds.reduce((s, r) => s + r.plan.non_2xx, 0);
  console.log(
    JSON.stringify({
      tasks: TASKS.length,
      window_minutes: WINDOW_MINUTES,
      scheduler_alone: figures(schedulerMs),
      plan_route: { path: "POST /api/plan", ...route, rounds: rounds.map((r) => r.plan.p99_ms) },
      bare_route: { path: "/api/ping", ...bare, rounds: rounds.map((r) => r.ping.p99_ms) },
      plan_minus_bare_p50_ms: Math.round((route.p50_ms - bare.p50_ms) * 100) / 100,
      target: { p99_ms: 50, met: route.p99_ms < 50 && failures === 0 },
      outdoor_order: sample.tasks.filter((t) => t.outdoor).map((t) => t.name),
    }),
  );
} finally {
  await stack.stop();
}
