// npm run bench:synth — every synthesizer on vega-datasets' weather.csv (2,922 rows),
// on birdstrikes.csv (9,999 × 14, the package's larger real table), and on a
// 100,000 × 20 scale table; scores, fit and sample times, peak memory, the
// selection, and the issue's targets checked against figures of this same run
// (ratios against the uniform baseline measured here too).
//
// The scale table is stitched from real values: the first 100,000 flights of
// flights-200k.json (delay, distance, time), with birdstrikes' 14 columns and
// weather's precipitation/temp_max/temp_min cycled beside them. It measures time
// and memory at size; its cycled rows repeat, so its privacy scores mean little.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCsv, type RawTable } from "./csv";
import { detectMetadata } from "./metadata";
import { nodeHost, prepare, runSynthesizer, type Outcome } from "./pipeline";
import { selectBest } from "./select";
import { REFERENCE_SYNTHESIZER, SYNTHESIZERS } from "./synthesizers";

const dataDir = join(process.cwd(), "node_modules/vega-datasets/data");
const read = (name: string) => readFileSync(join(dataDir, name), "utf8");
const gc = (globalThis as { gc?: () => void }).gc;
const SEED = 20261202;

function scaleTable(): RawTable {
  const rows = 100_000;
  const flights = JSON.parse(read("flights-200k.json")) as { delay: number; distance: number; time: number }[];
  const birds = parseCsv(read("birdstrikes.csv"));
  const weather = parseCsv(read("weather.csv"));
  const w = ["precipitation", "temp_max", "temp_min"].map((c) => weather.columns[weather.header.indexOf(c)]!);
  const header = ["delay", "distance", "time", ...birds.header, ...["precipitation", "temp_max", "temp_min"]];
  const columns: string[][] = header.map(() => new Array<string>(rows));
  for (let i = 0; i < rows; i++) {
    const f = flights[i]!;
    columns[0]![i] = String(f.delay);
    columns[1]![i] = String(f.distance);
    columns[2]![i] = String(f.time);
    for (let c = 0; c < birds.header.length; c++) columns[3 + c]![i] = birds.columns[c]![i % birds.rows]!;
    for (let c = 0; c < 3; c++) columns[3 + birds.header.length + c]![i] = w[c]![i % weather.rows]!;
  }
  return { header, columns, rows };
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? "  -  " : x.toFixed(3));
const pad = (s: string, n: number) => s.padEnd(n);

async function benchTable(title: string, raw: RawTable, options: { skipEvaluationOf?: string[] } = {}) {
  const metadata = detectMetadata(raw);
  report(`\n## ${title}: ${raw.rows.toLocaleString("en")} rows × ${raw.header.length} columns (holdout 50 %, seed ${SEED})`);
  report(`metadata: ${metadata.columns.map((c) => `${c.name}=${c.sdtype}${c.sdtype === "categorical" && c.order ? "(ordinal)" : ""}`).join(", ")}; ML target ${metadata.target}`);
  const prepared = prepare(raw, metadata, SEED);
  const outcomes: Outcome[] = [];
  report(
    [pad("synthesizer", 24), "quality", "shapes", "pairs ", "diagn.", "DCRbase", "overfit", "newrow", "ML syn/real", "  fit s", "sample s", "peak MB"].join("  "),
  );
  for (const s of SYNTHESIZERS) {
    if (options.skipEvaluationOf?.includes(s.id)) continue;
    gc?.();
    const o = await runSynthesizer(prepared, s.id, SEED, { epsilon: 1 }, nodeHost());
    outcomes.push(o);
    const { quality: q, diagnostic: d, privacy: p, efficacy: e } = o.scores;
    report(
      [
        pad(s.id, 24), f3(q.score) + "  ", f3(q.columnShapes), f3(q.columnPairTrends), f3(d.score), f3(p.dcrBaselineProtection) + " ", f3(p.dcrOverfittingProtection) + " ",
        f3(p.newRowSynthesis), `${f3(e?.synthetic)}/${f3(e?.real)}`, o.timing.fitSeconds.toFixed(3).padStart(7), o.timing.sampleSeconds.toFixed(3).padStart(8),
        o.timing.peakMemoryBytes === null ? "  -" : (o.timing.peakMemoryBytes / 2 ** 20).toFixed(1).padStart(7),
      ].join("  "),
    );
  }
  const uniform = outcomes.find((o) => o.synthesizer === "uniform")!;
  const seconds = (o: Outcome) => o.timing.fitSeconds + o.timing.sampleSeconds;
  report("against the uniform baseline of this run (quality ratio, time ratio):");
  report(outcomes.map((o) => `  ${o.synthesizer}: ×${(o.scores.quality.score / uniform.scores.quality.score).toFixed(2)} quality, ×${(seconds(o) / Math.max(seconds(uniform), 1e-6)).toFixed(1)} time`).join("\n"));
  const selection = selectBest(
    outcomes.map((o) => ({
      synthesizer: o.synthesizer,
      label: SYNTHESIZERS.find((s) => s.id === o.synthesizer)!.label,
      quality: o.scores.quality.score,
      seconds: seconds(o),
      newRowSynthesis: o.scores.privacy.newRowSynthesis,
      dcrOverfittingProtection: o.scores.privacy.dcrOverfittingProtection,
    })),
    REFERENCE_SYNTHESIZER,
  );
  report(`selection (privacy floor ${JSON.stringify(selection.privacyFloor)}): winner ${selection.winner}`);
  for (const v of selection.verdicts) report(`  ${pad(v.synthesizer, 24)} ${v.reason}`);
  return { outcomes, selection, seconds };
}

// The readable report goes to stderr; stdout carries one JSON object, as every bench:* script's does.
function report(...lines: unknown[]): void {
  console.error(...lines);
}
// BENCH_SHORT=1 (npm test): weather.csv only, so the script cannot rot; the figures of a short run mean nothing.
const SHORT = process.env.BENCH_SHORT === "1";

const checks: { what: string; ok: boolean; figure: string }[] = [];
const check = (what: string, ok: boolean, figure: string) => checks.push({ what, ok, figure });

report(`# bench:synth — Node ${process.version}${gc ? "" : " (run with --expose-gc for memory figures after a collection)"}`);

const weather = await benchTable("weather.csv", parseCsv(read("weather.csv")));
const copula = weather.outcomes.find((o) => o.synthesizer === "gaussian-copula")!;
check("Gaussian copula quality ≥ 0.95 on weather.csv (all pairs)", copula.scores.quality.score >= 0.95, f3(copula.scores.quality.score));
check("Gaussian copula fit + sample < 1 s on weather.csv", weather.seconds(copula) < 1, `${weather.seconds(copula).toFixed(3)} s`);
for (const [name, run] of [["weather.csv", weather]] as const) {
  const best = [...run.outcomes].sort((a, b) => b.scores.quality.score - a.scores.quality.score)[0]!;
  check(`row-copying control has the highest quality on ${name}`, best.synthesizer === "bootstrap", `${best.synthesizer} ${f3(best.scores.quality.score)}`);
  const v = run.selection.verdicts.find((x) => x.synthesizer === "bootstrap")!;
  check(`row-copying control refused by the privacy floor on ${name}`, !v.passesPrivacy && run.selection.winner !== "bootstrap", v.reason);
}

if (!SHORT) {
const birds = await benchTable("birdstrikes.csv", parseCsv(read("birdstrikes.csv")));
const birdsBest = [...birds.outcomes].sort((a, b) => b.scores.quality.score - a.scores.quality.score)[0]!;
check("row-copying control has the highest quality on birdstrikes.csv", birdsBest.synthesizer === "bootstrap", `${birdsBest.synthesizer} ${f3(birdsBest.scores.quality.score)}`);
check("row-copying control refused on birdstrikes.csv", !birds.selection.verdicts.find((x) => x.synthesizer === "bootstrap")!.passesPrivacy, birds.selection.verdicts.find((x) => x.synthesizer === "bootstrap")!.reason);

const scale = await benchTable("scale table", scaleTable());
for (const o of scale.outcomes) {
  if (o.synthesizer === "cart") continue;
  check(`${o.synthesizer} fit + sample < 10 s on 100,000 × 20`, scale.seconds(o) < 10, `${scale.seconds(o).toFixed(2)} s`);
}
const cartScale = scale.outcomes.find((o) => o.synthesizer === "cart");
if (cartScale) report(`\nCART on 100,000 × 20 (no target): ${scale.seconds(cartScale).toFixed(2)} s`);
}

report("\n## targets");
for (const c of checks) report(`${c.ok ? "PASS" : "FAIL"}  ${c.what}: ${c.figure}`);
console.log(JSON.stringify({ short: SHORT, winner: weather.selection.winner, checks }));
if (!SHORT && checks.some((c) => !c.ok)) process.exitCode = 1;
