// Continuous self-verification end to end, on the real FMI frames: nowcasts issued at 17:00
// through the API; the ingest cron stores the frames of 17:05-18:00, which queues the
// verification job; the real queue runs it; the sums in D1 are checked against a direct
// count written here (persistence: its forecast at every lead is the 17:00 frame itself), and
// the public skill route and a second run are checked against those sums.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { cropAround, dbzToRainRate, FMI_ZR } from "../nowcast/src/index";
import { nowcastVerifications, verificationDaily, verificationOutcomesDaily } from "../worker/db/schema";
import { decodeFrame } from "../worker/radar/frame-store";
import type { IngestRunReport } from "../worker/ingest/run";
import { runVerification, type VerificationReport } from "../worker/verification/run";
import { bearer, call, createUser, db, tokenFor, until } from "./support/helpers";
import { radarScenario, runIngestCron } from "./support/radar-replay-client";
import { pinNewestFrame, RADAR_FILES } from "./support/radar";

interface Issued {
  id: string;
  model: string;
  radarTime: string;
  location: { lat: number; lon: number };
  series: { mmPerHour: number | null }[];
  events: { startsInMinutes: number | null };
}

const THRESHOLDS = [0.5, 1, 5];
const scenario = radarScenario("verification");
let persistence: Issued;
let opticalFlow: Issued;
/** Issued as if before forecast records existed: its record is removed. */
let withoutRecord: Issued;

async function issue(auth: RequestInit, model: string, place = "Helsinki"): Promise<Issued> {
  const res = await call(`/api/nowcast?place=${place}&model=${model}`, auth);
  if (res.status !== 200) throw new Error(`nowcast ${model}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { nowcast: Issued }).nowcast;
}

const frameAt = async (stamp: string) => decodeFrame("fmi", RADAR_FILES.find((f) => f.stamp === stamp)!.bytes);
const rate = (dbz: number) => (Number.isNaN(dbz) ? NaN : dbzToRainRate(dbz, FMI_ZR));

/** Mean rate over the 5 x 5 pixels around the crop's centre, NaN when fewer than half have data. */
function pointRate(dbz: Float32Array, size: number): number {
  let sum = 0;
  let n = 0;
  const c = size / 2;
  for (let r = c - 2; r <= c + 2; r++) {
    for (let q = c - 2; q <= c + 2; q++) {
      const v = rate(dbz[r * size + q]!);
      if (!Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
  }
  return 2 * n >= 25 ? sum / n : NaN;
}

let early: VerificationReport | null;
let ingest: IngestRunReport | null;
let verified: (typeof nowcastVerifications.$inferSelect)[];
// Made once before the tests (each test reads, none depends on another): two nowcasts at 17:00,
// a verification run then, the ingest of 17:05-18:00, and the queued run it starts.
beforeAll(async () => {
  const auth = bearer(await tokenFor(await createUser("verification@example.com", "verification password")));
  await pinNewestFrame("201609281700");
  persistence = await issue(auth, "persistence");
  opticalFlow = await issue(auth, "optical-flow");
  withoutRecord = await issue(auth, "sprog", "Tampere");
  await env.FRAMES.delete(`nowcasts/${withoutRecord.id}/forecast-record.bin`);
  early = await runVerification(env, "fmi");
  await scenario.setNow("2016-09-28T18:02:30Z");
  ingest = await runIngestCron(scenario.env());
  verified = await until(
    async () => {
      const found = await db().select().from(nowcastVerifications);
      return found.length >= 3 ? found : null;
    },
    "the three nowcasts verified",
    90_000,
  );
}, 180_000);

describe("continuous self-verification", () => {
  it("scores nothing before the frames of a nowcast's hour have arrived", () => {
    expect(early).toMatchObject({ newestFrame: "2016-09-28T17:00:00.000Z", due: 0, scored: 0 });
  });

  it("ingest of the hour's frames queues the job, which scores each nowcast once", () => {
    expect(ingest).toMatchObject({ stored: 12, newest: "2016-09-28T18:00:00.000Z", error: null });
    expect(verified.map((r) => [r.nowcastId, r.model, r.status, r.reason, r.leadsScored]).sort()).toEqual(
      [
        [persistence.id, "persistence", "scored", null, 12],
        [opticalFlow.id, "optical-flow", "scored", null, 12],
        // Nothing to score it by: recorded as skipped, so it is not taken again, and nothing is added to the sums.
        [withoutRecord.id, "sprog", "skipped", "no forecast record", 0],
      ].sort(),
    );
  });

  it("the crop's sums are the direct count of the forecast against the observed frames", async () => {
    const { lat, lon } = persistence.location;
    const analysis = cropAround(await frameAt("201609281700"), lat, lon, 256);
    const stored = await db()
      .select()
      .from(verificationDaily)
      .where(and(eq(verificationDaily.model, "persistence"), eq(verificationDaily.day, "2016-09-28")));
    expect(stored).toHaveLength(12 * THRESHOLDS.length);
    let observedEvents = 0;
    for (let k = 1; k <= 12; k++) {
      const t = new Date(Date.UTC(2016, 8, 28, 17, 5 * k));
      const stamp = t.toISOString().replace(/\D/g, "").slice(0, 12);
      const observed = cropAround(await frameAt(stamp), lat, lon, 256);
      const observedPoint = pointRate(observed.dbz, 256);
      for (const threshold of THRESHOLDS) {
        const counts = [0, 0, 0, 0];
        for (let i = 0; i < observed.dbz.length; i++) {
          const f = rate(analysis.dbz[i]!);
          const o = rate(observed.dbz[i]!);
          if (Number.isNaN(f) || Number.isNaN(o)) continue;
          counts[o > threshold ? (f > threshold ? 0 : 1) : f > threshold ? 2 : 3]!++;
        }
        observedEvents += counts[0]! + counts[1]!;
        const row = stored.find((r) => r.leadMinutes === 5 * k && r.thresholdMmPerHour === threshold)!;
        expect([row.hits, row.misses, row.falseAlarms, row.correctNegatives], `lead ${5 * k}, > ${threshold} mm/h`).toEqual(counts);
        expect(row.nowcasts).toBe(1);
        // At the place: persistence's series holds the 17:00 value at every lead.
        const forecastEvent = persistence.series[k]!.mmPerHour! > threshold;
        const observedEvent = observedPoint > threshold;
        expect([row.pointHits, row.pointMisses, row.pointFalseAlarms, row.pointCorrectNegatives]).toEqual([
          +(forecastEvent && observedEvent),
          +(!forecastEvent && observedEvent),
          +(forecastEvent && !observedEvent),
          +(!forecastEvent && !observedEvent),
        ]);
        expect(row.brierCount).toBe(1);
        expect(row.brierSum).toBe(forecastEvent === observedEvent ? 0 : 1);
      }
    }
    // Rain was there to verify: the test would not notice scores of empty fields otherwise.
    expect(observedEvents).toBeGreaterThan(10_000);
  }, 60_000);

  it("the point outcome is what the sentence said against the observed hour at the place", async () => {
    const [outcome] = await db()
      .select()
      .from(verificationOutcomesDaily)
      .where(and(eq(verificationOutcomesDaily.model, "persistence"), eq(verificationOutcomesDaily.day, "2016-09-28")));
    const { lat, lon } = persistence.location;
    const observedSeries = [persistence.series[0]!.mmPerHour!];
    for (let k = 1; k <= 12; k++) {
      const stamp = new Date(Date.UTC(2016, 8, 28, 17, 5 * k)).toISOString().replace(/\D/g, "").slice(0, 12);
      observedSeries.push(pointRate(cropAround(await frameAt(stamp), lat, lon, 256).dbz, 256));
    }
    const observedStart = observedSeries.findIndex((v) => v >= 0.5);
    const said = persistence.events.startsInMinutes !== null;
    const fell = observedStart >= 0;
    expect(outcome).toMatchObject({ nowcasts: 1, rainHits: +(said && fell), rainMisses: +(!said && fell), rainFalseAlarms: +(said && !fell), rainCorrectNegatives: +(!said && !fell) });
    const onsetKnown = said && fell && (persistence.events.startsInMinutes! > 0 || observedStart > 0);
    expect(outcome!.onsetCases).toBe(+onsetKnown);
    if (onsetKnown) expect(outcome!.onsetAbsErrorMinutes).toBe(Math.abs(persistence.events.startsInMinutes! - observedStart * 5));
  });

  it("a second run scores nothing again and leaves the sums as they were", async () => {
    const before = await db().select().from(verificationDaily);
    const report = await runVerification(env, "fmi");
    expect(report).toMatchObject({ due: 0, scored: 0 });
    expect(await db().select().from(verificationDaily)).toEqual(before);
  });

  it("GET /api/skill shows the sums per model, lead and threshold to anyone, with the daily trend", async () => {
    const res = await call("/api/skill?days=7");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      from: string;
      to: string;
      models: {
        model: string;
        byLead: { leadMinutes: number; thresholds: { thresholdMmPerHour: number; nowcasts: number; crop: { hits: number; misses: number; falseAlarms: number; csi: number | null } }[] }[];
        daily: { day: string; leads: { leadMinutes: number }[] }[];
        outcomes: { nowcasts: number };
      }[];
    };
    expect(body).toMatchObject({ from: "2016-09-22", to: "2016-09-28" });
    expect(body.models.map((m) => m.model).sort()).toEqual(["optical-flow", "persistence"]);
    const stored = await db().select().from(verificationDaily);
    for (const model of body.models) {
      expect(model.byLead.map((l) => l.leadMinutes)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
      expect(model.daily.map((d) => d.day)).toEqual(["2016-09-28"]);
      expect(model.daily[0]!.leads.map((l) => l.leadMinutes)).toEqual([15, 30, 60]);
      expect(model.outcomes.nowcasts).toBe(1);
      for (const lead of model.byLead) {
        for (const t of lead.thresholds) {
          const row = stored.find((r) => r.model === model.model && r.leadMinutes === lead.leadMinutes && r.thresholdMmPerHour === t.thresholdMmPerHour)!;
          expect(t.crop).toMatchObject({ hits: row.hits, misses: row.misses, falseAlarms: row.falseAlarms });
          expect(t.crop.csi).toBeCloseTo(row.hits / (row.hits + row.misses + row.falseAlarms), 4);
        }
      }
    }
    // Optical flow beats persistence over the crop at 1 mm/h and 30 min on this event.
    const csiAt = (model: string) => body.models.find((m) => m.model === model)!.byLead[5]!.thresholds[1]!.crop.csi!;
    expect(csiAt("optical-flow")).toBeGreaterThan(csiAt("persistence"));
  });

  it("refuses a bad period with 400", async () => {
    expect((await call("/api/skill?days=0")).status).toBe(400);
    expect((await call("/api/skill?days=abc")).status).toBe(400);
    expect((await call("/api/skill?source=FMI!")).status).toBe(400);
  });
});
