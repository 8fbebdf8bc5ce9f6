// npm run plan -- --place Helsinki "walk 20 outdoor" "emails 45" "run 30 outdoor before 19:00"
// Asks the running product (POST /api/plan) for a day plan and prints it as a table.
// Signs in with a token: --token or NOWCAST_TOKEN; without one, --email/--password (or
// NOWCAST_EMAIL/NOWCAST_PASSWORD) sign in first. --url (NOWCAST_URL) is the product, by
// default the local one of `npm start`. Clock times are read in --tz (default: this machine's).
// Exits 2 on bad input, 1 when the service refuses or fails.
import type { Plan } from "../planner/contract";
import { parseTaskSpec, TaskSpecError } from "../planner/task-spec";

const USAGE = `usage: npm run plan -- --place NAME [--token T | --email E --password P] [--url URL] [--tz ZONE] [--model M] "TASK" ...
  TASK: name minutes [outdoor] [after HH:MM] [before HH:MM] [order N], e.g. "run 30 outdoor before 19:00"`;

function fail(message: string, code = 2): never {
  process.stderr.write(`plan: ${message}\n`);
  process.exit(code);
}

const FLAGS = new Set(["place", "token", "email", "password", "url", "tz", "model"]);
const flags: Record<string, string> = {};
const specs: string[] = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i]!;
  if (arg === "--help" || arg === "-h") {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (arg.startsWith("--")) {
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!FLAGS.has(name)) fail(`unknown option --${name}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") fail(`--${name} needs a value`);
    flags[name] = value;
  } else specs.push(arg);
}
if (!flags.place) fail(`--place is required\n${USAGE}`);
if (specs.length === 0) fail(`give at least one task\n${USAGE}`);

let tasks;
try {
  tasks = specs.map(parseTaskSpec);
} catch (error) {
  if (error instanceof TaskSpecError) fail(error.message);
  throw error;
}

const base = (flags.url ?? process.env.NOWCAST_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`).replace(/\/$/, "");
const timeZone = flags.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

async function request(path: string, body: unknown, token?: string): Promise<Response> {
  try {
    return await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch (error) {
    fail(`cannot reach ${base} (${(error as Error).cause ?? (error as Error).message}); is the product running (npm start)?`, 1);
  }
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string; reasons?: string[] } };
    return error.reasons?.length ? `${error.code}:\n  - ${error.reasons.join("\n  - ")}` : `${error.code}: ${error.message}`;
  } catch {
    return `${res.status} ${text.slice(0, 200)}`;
  }
}

let token = flags.token ?? process.env.NOWCAST_TOKEN;
if (!token) {
  const email = flags.email ?? process.env.NOWCAST_EMAIL;
  const password = flags.password ?? process.env.NOWCAST_PASSWORD;
  if (!email || !password) fail("sign in with --token (or NOWCAST_TOKEN), or --email and --password; npm run token prints one for a local user");
  const res = await request("/api/auth/login", { email, password });
  if (!res.ok) fail(`sign-in failed: ${await errorMessage(res)}`, 1);
  token = ((await res.json()) as { token: string }).token;
}

const res = await request("/api/plan", { place: flags.place, tasks, timeZone, ...(flags.model ? { model: flags.model } : {}) }, token);
if (!res.ok) fail(`the plan was refused (${res.status}) ${await errorMessage(res)}`, 1);
const plan = (await res.json()) as Plan;

const clock = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
const rows = plan.tasks.map((t) => [
  `${clock(t.start)}-${clock(t.end)}`,
  t.name,
  `${t.minutes} min`,
  t.outdoor ? "outdoor" : "indoor",
  t.outdoor || t.rain.expectedMm > 0 ? t.rain.summary + (t.rain.beyondNowcastMinutes ? ` (${t.rain.beyondNowcastMinutes} min past the nowcast)` : "") : "-",
]);
const header = ["time", "task", "length", "where", "rain expected"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
console.log(`Plan for ${plan.place.name} (${timeZone}), nowcast ${plan.nowcast.model} from radar at ${clock(plan.nowcast.radarTime)}`);
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
console.log(`outdoor rain expected: ${plan.totals.outdoorExpectedMm.toFixed(1)} mm; idle ${plan.totals.idleMinutes} min`);
