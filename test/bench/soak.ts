// npm run bench:soak — starts the local product (as npm start does, on a free port and a fresh
// state folder) and holds 32 connections on it for 3 rounds of 2 minutes over a mix: cached
// nowcasts, place search, the landing page and failed sign-ins. It reports requests/s, p99 and
// every status code per kind and round, and the Worker's memory (workerd's resident set) at start,
// after each round and after a minute idle. One JSON object on stdout; progress on stderr.
//
// The signed-in kinds use the seeded operator account, which the per-caller API limit exempts,
// so that a 429 can only come from the limit that applies to them: sign-in attempts.
import autocannon from "autocannon";
import { readdirSync, readFileSync } from "node:fs";
import { startLocalStack } from "../e2e/local-stack";

const SHORT = process.env.BENCH_SHORT === "1";
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? (SHORT ? 2 : 120));
const ROUNDS = 3;
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? (SHORT ? 2 : 60));
const CONNECTIONS = 32;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

/** Resident memory of each workerd process in the stack's process group, in MB (Linux /proc). */
function workerdMemoryMb(processGroup: number): { total_mb: number; processes: number } {
  let kb = 0;
  let processes = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised command: state ppid pgrp ...
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (name !== "workerd" || pgrp !== processGroup) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
      if (rss) {
        kb += Number(rss[1]);
        processes++;
      }
    } catch {
      // The process ended between listing and reading.
    }
  }
  if (processes === 0) throw new Error(`no workerd process found in process group ${processGroup}`);
  return { total_mb: Math.round(kb / 1024), processes };
}

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

  const memory: Record<string, { total_mb: number; processes: number }> = { start: workerdMemoryMb(stack.processGroup) };
  const rounds = [];
  for (let r = 1; r <= ROUNDS; r++) {
    progress(`round ${r}/${ROUNDS}: ${CONNECTIONS} connections for ${ROUND_S} s ...`);
    rounds.push(await round(stack.baseUrl, kinds));
    memory[`after_round_${r}`] = workerdMemoryMb(stack.processGroup);
  }
  progress(`idle for ${IDLE_S} s ...`);
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  memory.after_idle = workerdMemoryMb(stack.processGroup);

  const unexpected: string[] = [];
  rounds.forEach((figures, i) => {
    for (const kind of kinds) {
      for (const [code, count] of Object.entries(figures[kind.name]!.statuses)) {
        if (!kind.allowed.includes(Number(code))) unexpected.push(`round ${i + 1} ${kind.name}: ${count} × ${code}`);
      }
    }
  });
  const mb = (key: string) => memory[key]!.total_mb;
  console.log(
    JSON.stringify({
      connections: CONNECTIONS,
      round_s: ROUND_S,
      idle_s: IDLE_S,
      rounds,
      memory_mb: Object.fromEntries(Object.entries(memory).map(([k, v]) => [k, v.total_mb])),
      workerd_processes: memory.start!.processes,
      // Growth from round to round is what a leak shows; the first round includes warm-up.
      growth_mb: { round_1_to_2: mb("after_round_2") - mb("after_round_1"), round_2_to_3: mb("after_round_3") - mb("after_round_2"), round_3_to_idle: mb("after_idle") - mb("after_round_3") },
      unexpected_statuses: unexpected,
      any_5xx: rounds.some((figures) => Object.values(figures).some((f) => Object.keys(f.statuses).some((code) => code.startsWith("5")))),
    }),
  );
  if (unexpected.length > 0) process.exitCode = 1;
} finally {
  await stack.stop();
}
