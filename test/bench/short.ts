// npm run test:bench — every bench:* script once in its short mode (BENCH_SHORT=1), so none
// can rot unnoticed: each must exit 0 and print exactly one JSON object on stdout. The figures
// of a short run mean nothing; the full runs stay outside the tests (npm run bench:<name>).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
// Arguments a script needs to run at all (its data); a script listed with several runs runs once each.
const skillRun = (source: string, crop: string) => ["--frames", `../shared/data/radar/${source}`, "--crop", crop, "--models", "persistence,optical-flow"];
const ARGS: Record<string, string[][]> = {
  "bench:skill": [skillRun("fmi", "60.2,24.9,256"), skillRun("knmi", "52.37,4.9,256"), skillRun("mch", "47.37,8.54,256"), skillRun("opera", "48.86,2.35,128")],
};
const names = Object.keys(scripts).filter((name) => name.startsWith("bench:"));
const failures: string[] = [];
for (const name of names) for (const args of ARGS[name] ?? [[]]) {
  const started = Date.now();
  process.stderr.write(`▶ ${name}${args.length ? ` ${args.join(" ")}` : ""} (short) ... `);
  const run = spawnSync("npm", ["run", "--silent", name, "--", ...args], {
    env: { ...process.env, BENCH_SHORT: "1", BENCH_MESSAGES: "300" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  const lines = run.stdout.trim().split("\n").filter(Boolean);
  let problem: string | null = run.status !== 0 ? `exit ${run.status ?? run.signal}` : lines.length !== 1 ? `${lines.length} lines on stdout, not one JSON object` : null;
  if (!problem) {
    try {
      const value: unknown = JSON.parse(lines[0]!);
      if (typeof value !== "object" || value === null) problem = "stdout is not a JSON object";
    } catch {
      problem = "stdout is not JSON";
    }
  }
  process.stderr.write(`${problem ?? "ok"} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  if (problem) failures.push(`${name}: ${problem}\n${run.stderr.slice(-3000)}`);
}
if (failures.length) {
  process.stderr.write(`\n${failures.join("\n\n")}\n`);
  process.exit(1);
}
process.stderr.write(`every bench script ran (${names.length})\n`);
