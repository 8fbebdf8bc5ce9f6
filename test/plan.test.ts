import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import type { Plan } from "../worker/planner/contract";
import { bearer, call, createUser, errorOf, tokenFor } from "./support/helpers";
import { seedRadar } from "./support/radar";

// The real FMI composites up to 17:55 UTC, replayed as live (the clock of `npm start`):
// the plan starts at the radar time, so the nowcast's leads are the plan's next hour.
const replayEnv = { ...env, NOWCAST_CLOCK: "latest-frame" };
const app = createApp();
const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
let token: string;

beforeAll(async () => {
  token = await tokenFor(await createUser("planner@example.com", "planner password"));
  await seedRadar("201609281755");
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return app.request(
    "/api/plan",
    { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) },
    replayEnv,
    ctx,
  );
}

async function plan(body: unknown): Promise<Plan> {
  const res = await post(body);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Plan;
}

/** The nowcast the plan is built on, straight from the nowcast API. */
async function nowcastSeries(place: string): Promise<{ minutes: number; mmPerHour: number | null }[]> {
  const res = await app.request(`/api/nowcast?place=${encodeURIComponent(place)}`, { headers: { authorization: `Bearer ${token}` } }, replayEnv, ctx);
  return ((await res.json()) as { nowcast: { series: { minutes: number; mmPerHour: number | null }[] } }).nowcast.series;
}

const task = (p: Plan, name: string) => p.tasks.find((t) => t.name === name)!;

describe("POST /api/plan on real nowcasts", () => {
  it("Hämeenlinna, raining at 17:55 and dry soon after: the walk waits for the rain to pass, emails go first", async () => {
    const series = await nowcastSeries("Hämeenlinna");
    // The premise, from the nowcast itself: rain at the start, dry from 10 minutes on.
    expect(series[0]!.mmPerHour!).toBeGreaterThanOrEqual(0.5);
    expect(series.slice(2).every((p) => (p.mmPerHour ?? 0) < 0.5)).toBe(true);

    const p = await plan({ place: "Hämeenlinna", tasks: [{ name: "walk", minutes: 20, outdoor: true }, { name: "emails", minutes: 15 }] });
    expect(p.start).toBe("2016-09-28T17:55:00.000Z");
    expect(p.nowcast).toMatchObject({ radarTime: "2016-09-28T17:55:00.000Z", riskBasis: "rain-rate", thresholdMmPerHour: 0.5 });
    expect(p.tasks.map((t) => t.name)).toEqual(["emails", "walk"]);
    const walk = task(p, "walk");
    expect(walk.startMinute).toBeGreaterThanOrEqual(5);
    expect(walk.rain.wetMinutes).toBe(0);
    expect(walk.rain.summary).toBe("dry");
    expect(task(p, "emails").rain.wetMinutes).toBeGreaterThan(0);
    expect(p.series[0]!.mmPerHour!).toBeGreaterThanOrEqual(0.5);
  });

  it("Seinäjoki, dry now and raining within the hour: the run goes first, before the rain", async () => {
    const series = await nowcastSeries("Seinäjoki");
    expect(series.slice(0, 6).every((p) => (p.mmPerHour ?? 0) < 0.5)).toBe(true);
    expect(series.slice(9).some((p) => (p.mmPerHour ?? 0) >= 0.5)).toBe(true);

    const p = await plan({ place: "Seinäjoki", tasks: [{ name: "emails", minutes: 30 }, { name: "run", minutes: 25, outdoor: true }] });
    expect(p.tasks.map((t) => t.name)).toEqual(["run", "emails"]);
    expect(task(p, "run")).toMatchObject({ startMinute: 0, endMinute: 25, rain: { wetMinutes: 0 } });
  });

  it("keeps bounds and order, in the request's time zone", async () => {
    // 17:55 UTC is 20:55 in Helsinki.
    const p = await plan({
      place: "Mikkeli",
      timeZone: "Europe/Helsinki",
      tasks: [
        { name: "call", minutes: 10, latestEnd: "21:15" },
        { name: "shop", minutes: 20, outdoor: true, earliestStart: "21:30", order: 2 },
        { name: "cook", minutes: 30, order: 1 },
      ],
    });
    const call_ = task(p, "call");
    expect(Date.parse(call_.end)).toBeLessThanOrEqual(Date.parse("2016-09-28T18:15:00Z"));
    expect(Date.parse(task(p, "shop").start)).toBeGreaterThanOrEqual(Date.parse("2016-09-28T18:30:00Z"));
    expect(task(p, "cook").endMinute).toBeLessThanOrEqual(task(p, "shop").startMinute);
    // One person: no two tasks overlap.
    const sorted = [...p.tasks].sort((a, b) => a.startMinute - b.startMinute);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.startMinute).toBeGreaterThanOrEqual(sorted[i - 1]!.endMinute);
    expect(p.totals.idleMinutes).toBe(Math.max(...p.tasks.map((t) => t.endMinute)) - 60);
  });

  it("an impossible plan is a 422 that says why", async () => {
    const res = await post({
      place: "Helsinki",
      tasks: [
        { name: "hike", minutes: 90, outdoor: true, latestEnd: "2016-09-28T18:30:00Z" },
        { name: "nap", minutes: 20, earliestStart: "2016-09-28T19:00:00Z", latestEnd: "2016-09-28T18:50:00Z" },
      ],
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; reasons: string[] } };
    expect(body.error.code).toBe("impossible_plan");
    expect(body.error.reasons).toEqual([
      `"hike" takes 90 min but its window is only 35 min long`,
      `"nap" must end after its earliest start (its bounds contradict each other)`,
    ]);
  });

  it("bad requests: 400 with the field, 404 unknown place, 413 too large, 401 without a token", async () => {
    const missing = await post({ place: "Helsinki", tasks: [{ name: "walk", minutes: -5 }] });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toContain("tasks.0.minutes");
    expect((await post("{not json")).status).toBe(400);
    expect((await post({ place: "Helsinki", tasks: [{ name: "x", minutes: 5, latestEnd: "7pm" }] })).status).toBe(400);
    expect((await post({ place: "Helsinki", timeZone: "Mars/Olympus", tasks: [{ name: "x", minutes: 5 }] })).status).toBe(400);
    expect((await post({ place: "Helsinki", tasks: Array.from({ length: 13 }, (_, i) => ({ name: `t${i}`, minutes: 5 })) })).status).toBe(400);
    const unknown = await post({ place: "Qqzzyxw", tasks: [{ name: "x", minutes: 5 }] });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe("unknown_place");
    const big = await post({ place: "Helsinki", tasks: [{ name: "x".repeat(40_000), minutes: 5 }] });
    expect(big.status).toBe(413);
    const anonymous = await call("/api/plan", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ place: "Helsinki", tasks: [{ name: "x", minutes: 5 }] }) });
    expect(anonymous.status).toBe(401);
  });
});
