// npm run bench:warm — times one hourly warm-up of 50 locations end to end on
// the local product: the cron trigger, the queue fan-out, 50 model runs with
// their images, until the run is recorded as finished. With a fresh state there
// is no request history, so the warm-up takes its default list (the 50 most
// populous places the radar covers). Prints one JSON object on stdout.
import { startLocalStack } from "../e2e/local-stack";

const TIMEOUT_MS = 180_000;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

progress("starting the local product ...");
// BENCH_SHORT=1: a warm-up of 3 places (npm test runs it so the script cannot rot).
const stack = await startLocalStack(".wrangler/bench-warm-state", process.env.BENCH_SHORT === "1" ? { wranglerArgs: ["--var", "WARMUP_TOP_N:3"] } : {});
try {
  const token = await stack.demoToken();
  const runs = async () => {
    const res = await fetch(`${stack.baseUrl}/api/admin/warmup-runs`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { runs: { id: string; planned: number; done: number; failed: number; finishedAt: string | null; startedAt: string }[] }).runs;
  };
  const before = new Set((await runs()).map((r) => r.id));

  progress("triggering the hourly cron ...");
  const started = performance.now();
  const trigger = await fetch(`${stack.baseUrl}/__scheduled?cron=${encodeURIComponent("0 * * * *")}`);
  if (!trigger.ok) throw new Error(`cron trigger failed: ${trigger.status}`);
  let run;
  for (;;) {
    run = (await runs()).find((r) => !before.has(r.id));
    if (run?.finishedAt) break;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`warm-up did not finish in ${TIMEOUT_MS / 1000} s: ${JSON.stringify(run)}`);
    if (run) progress(`  ${run.done + run.failed}/${run.planned}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      locations: run.planned,
      done: run.done,
      failed: run.failed,
      seconds: Math.round(seconds * 10) / 10,
      ms_per_location: Math.round((seconds * 1000) / Math.max(1, run.planned)),
      target_seconds: 60,
    }),
  );
} finally {
  await stack.stop();
}
