// The day planner: the nowcast of the place (through the nowcast service, cached
// like any other request), the rain risk of each minute, and the optimal
// schedule of the tasks over the coming hours.
import type { z } from "@hono/zod-openapi";
import type { Db, Env } from "../env";
import type { NowcastPayload } from "../nowcast/payload";
import { serveNowcast } from "../nowcast/service";
import { coverageBoost } from "../places/coverage-boost";
import { gazetteer } from "../places/gazetteer";
import { latestRadars } from "../radar/frame-store";
import { boundMinutes } from "./clock";
import type { Plan, planRequestSchema } from "./contract";
import { minuteRisk } from "./risk";
import { MAX_HORIZON_MINUTES, schedule, type SchedulerTask } from "./schedule";

export class PlanImpossibleError extends Error {
  constructor(readonly reasons: string[]) {
    super(`the plan is impossible: ${reasons.join("; ")}`);
  }
}

export class UnknownPlaceError extends Error {}

type PlanInput = z.output<typeof planRequestSchema>;

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function rainSummary(expectedMm: number, maxChance: number, basis: Plan["nowcast"]["riskBasis"]): string {
  if (expectedMm < 0.05 && maxChance < 0.1) return "dry";
  const chance = basis === "chance-of-rain" ? `, up to ${Math.round(maxChance * 100)} % chance of rain` : "";
  return `${expectedMm.toFixed(1)} mm expected${chance}`;
}

export async function planDay(env: Env, ctx: ExecutionContext, db: Db, input: PlanInput, userId: string): Promise<Plan> {
  let lat = input.lat;
  let lon = input.lon;
  if (input.place !== undefined) {
    const [match] = gazetteer().search(input.place, 1, coverageBoost(await latestRadars(env)));
    if (!match) throw new UnknownPlaceError(`no place matches "${input.place}"`);
    lat = match.lat;
    lon = match.lon;
  }
  const served = await serveNowcast(env, ctx, db, { lat: lat!, lon: lon!, place: input.place ?? null, fresh: false, userId, model: input.model ?? null, siteInternal: false });
  const response = JSON.parse(served.body) as { clock: { now: string }; servedBy: { name: string }; nowcast: NowcastPayload };
  const nowcast = response.nowcast;
  const startMs = Math.ceil(Date.parse(response.clock.now) / 60_000) * 60_000;

  const totalMinutes = input.tasks.reduce((s, t) => s + t.minutes, 0);
  const bounds = input.tasks.map((t) => ({
    earliest: t.earliestStart === undefined ? 0 : boundMinutes(t.earliestStart, input.timeZone, startMs),
    latestEnd: t.latestEnd === undefined ? null : boundMinutes(t.latestEnd, input.timeZone, startMs),
  }));
  const furthestBound = Math.max(0, ...bounds.map((b) => b.latestEnd ?? 0));
  const horizon =
    input.windowMinutes ?? Math.min(MAX_HORIZON_MINUTES, Math.max(120, totalMinutes + 60, furthestBound));
  const tasks: SchedulerTask[] = input.tasks.map((t, i) => ({
    name: t.name,
    minutes: t.minutes,
    outdoor: t.outdoor,
    earliestStartMinute: Math.max(0, bounds[i]!.earliest),
    latestEndMinute: Math.min(horizon, bounds[i]!.latestEnd ?? horizon),
    order: t.order,
  }));
  const minutes = minuteRisk(nowcast, startMs, horizon);
  const result = schedule(tasks, minutes.risk, horizon);
  if (!result.ok) throw new PlanImpossibleError(result.reasons);

  const at = (minute: number) => new Date(startMs + minute * 60_000).toISOString();
  const threshold = nowcast.events.thresholdMmPerHour;
  let outdoorExpectedMm = 0;
  const planned = result.items.map((item) => {
    const task = input.tasks[item.task]!;
    let expectedMm = 0;
    let maxChance = 0;
    let wetMinutes = 0;
    for (let m = item.startMinute; m < item.endMinute; m++) {
      expectedMm += minutes.mmPerHour[m]! / 60;
      maxChance = Math.max(maxChance, minutes.chance[m]!);
      if (minutes.mmPerHour[m]! >= threshold) wetMinutes += 1;
    }
    if (task.outdoor) outdoorExpectedMm += expectedMm;
    return {
      name: task.name,
      minutes: task.minutes,
      outdoor: task.outdoor,
      start: at(item.startMinute),
      end: at(item.endMinute),
      startMinute: item.startMinute,
      endMinute: item.endMinute,
      rain: {
        expectedMm: round(expectedMm, 2),
        maxChanceOfRain: round(maxChance, 2),
        wetMinutes,
        beyondNowcastMinutes: Math.max(0, item.endMinute - Math.max(item.startMinute, minutes.lastLeadMinute)),
        summary: rainSummary(expectedMm, maxChance, minutes.basis),
      },
    };
  });
  const end = Math.max(...result.items.map((i) => i.endMinute));
  const series = [];
  for (let m = 0; m < horizon; m += 5) {
    series.push({ time: at(m), mmPerHour: round(minutes.mmPerHour[m]!, 2), chanceOfRain: round(minutes.chance[m]!, 2) });
  }
  return {
    place: { name: response.servedBy.name, lat: lat!, lon: lon! },
    start: at(0),
    end: at(end),
    timeZone: input.timeZone,
    nowcast: {
      id: nowcast.id,
      model: nowcast.model,
      radarTime: nowcast.radarTime,
      lastLeadTime: nowcast.series.at(-1)!.time,
      riskBasis: minutes.basis,
      thresholdMmPerHour: threshold,
    },
    tasks: planned,
    totals: {
      outdoorExpectedMm: round(outdoorExpectedMm, 2),
      outdoorRiskMinutes: round(result.riskMinutes, 2),
      idleMinutes: end - totalMinutes,
    },
    series,
  };
}
