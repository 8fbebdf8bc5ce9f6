import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventFiles } from "./fixtures.js";

const TSX_CLI = fileURLToPath(import.meta.resolve("tsx/cli"));
const SKILL_BENCH = fileURLToPath(new URL("../bench/skill.ts", import.meta.url));

let framesDir: string;

beforeAll(async () => {
  // 16 frames, linked into nested folders: the bench searches recursively and orders by obstime.
  framesDir = await mkdtemp(join(tmpdir(), "nowcast-bench-"));
  await mkdir(join(framesDir, "even", "deeper"), { recursive: true });
  const files = (await eventFiles()).slice(0, 16);
  await Promise.all(
    files.map((file, k) => symlink(file, join(framesDir, k % 2 ? "even/deeper" : ".", basename(file)))),
  );
  // A corrupt file is left out, not fatal.
  await writeFile(join(framesDir, "201609281600_corrupt.pgm.gz"), "not a composite");
});

afterAll(async () => {
  await rm(framesDir, { recursive: true, force: true });
});

describe("bench:skill", () => {
  it("prints exactly one JSON object in the agreed shape on stdout", () => {
    const run = spawnSync(
      process.execPath,
      [TSX_CLI, SKILL_BENCH, "--frames", framesDir, "--crop", "60.2,24.9,128", "--models", "persistence,optical-flow"],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("skipping");
    const report = JSON.parse(run.stdout);
    expect(report.event).toEqual({
      frames: 16,
      start: "2016-09-28T14:45:00.000Z",
      end: "2016-09-28T16:00:00.000Z",
      forecasts: 2,
    });
    expect(Object.keys(report.models)).toEqual(["persistence", "optical-flow"]);
    for (const model of Object.values<{ ms_per_nowcast: number; leads: Record<string, Record<string, unknown>> }>(report.models)) {
      expect(model.ms_per_nowcast).toBeGreaterThan(0);
      expect(Object.keys(model.leads)).toEqual(["5", "10", "15", "20", "25", "30", "35", "40", "45", "50", "55", "60"]);
      for (const lead of Object.values(model.leads)) {
        expect(Object.keys(lead).sort()).toEqual(["0.5", "1", "10", "5", "fss", "mae", "mae_90", "rmse"]);
        expect(lead["1"]).toEqual({
          csi: expect.any(Number),
          csi_90: [expect.any(Number), expect.any(Number)],
          pod: expect.any(Number),
          far: expect.any(Number),
          bias: expect.any(Number),
        });
        expect(lead.mae).toEqual(expect.any(Number));
        expect(Object.keys(lead.fss as object)).toEqual(["1", "5"]);
      }
    }
    // Optical flow beats persistence at 5 min on this event.
    const mae5 = (name: string) => report.models[name].leads["5"].mae as number;
    expect(mae5("optical-flow")).toBeLessThan(mae5("persistence"));
  });

  it("--lattice scores 25 crops and the point product; --diagrams writes SVG", async () => {
    const diagrams = join(framesDir, "diagrams");
    const run = spawnSync(
      process.execPath,
      [TSX_CLI, SKILL_BENCH, "--frames", framesDir, "--lattice", "--models", "optical-flow", "--max-starts", "1", "--diagrams", diagrams],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.event.windows).toBe("5 x 5 crops of 256 px");
    expect(report.event.forecasts).toBe(1);
    const point = report.models["optical-flow"].point_product;
    // 9 places in each of 25 crops, less those whose observed series lacks data.
    expect(point.places).toBeGreaterThan(50);
    expect(point.places).toBeLessThanOrEqual(225);
    expect(point.brier_rain_within_60_min).toBeGreaterThanOrEqual(0);
    expect(point.base_rate).toBeGreaterThan(0);
    const svg = await readFile(join(diagrams, "optical-flow-fss-1mmh.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("60 min");
  });
});
