import { describe, expect, it } from "vitest";
import { clockTimeNear } from "../worker/planner/clock";
import { parseTaskSpec } from "../worker/planner/task-spec";
import { schedule, type SchedulerTask } from "../worker/planner/schedule";

/** A small deterministic PRNG (mulberry32) for the random cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Independent exhaustive search: every order of the tasks, every start minute of
 * each, by recursion; the lowest rain exposure of outdoor tasks (sum of risk
 * over their minutes). Returns Infinity when nothing fits.
 */
function bruteForceRisk(tasks: SchedulerTask[], risk: number[], horizon: number): number {
  let best = Infinity;
  const used = new Array<boolean>(tasks.length).fill(false);
  const orderOk = (j: number) =>
    tasks[j]!.order === undefined || tasks.every((t, i) => used[i] || t.order === undefined || t.order >= tasks[j]!.order!);
  const visit = (done: number, freeAt: number, exposure: number) => {
    if (done === tasks.length) {
      best = Math.min(best, exposure);
      return;
    }
    for (let j = 0; j < tasks.length; j++) {
      if (used[j] || !orderOk(j)) continue;
      const t = tasks[j]!;
      for (let s = Math.max(freeAt, t.earliestStartMinute); s + t.minutes <= Math.min(t.latestEndMinute, horizon); s++) {
        let e = 0;
        if (t.outdoor) for (let m = s; m < s + t.minutes; m++) e += risk[m]!;
        used[j] = true;
        visit(done + 1, s + t.minutes, exposure + e);
        used[j] = false;
      }
    }
  };
  visit(0, 0, 0);
  return best;
}

function exposureOf(tasks: SchedulerTask[], risk: number[], items: { task: number; startMinute: number; endMinute: number }[]) {
  let e = 0;
  for (const it of items) if (tasks[it.task]!.outdoor) for (let m = it.startMinute; m < it.endMinute; m++) e += risk[m]!;
  return e;
}

function assertFeasible(tasks: SchedulerTask[], horizon: number, items: { task: number; startMinute: number; endMinute: number }[]) {
  expect(items.map((i) => i.task).sort()).toEqual(tasks.map((_, i) => i));
  const byStart = [...items].sort((a, b) => a.startMinute - b.startMinute);
  for (let k = 0; k < byStart.length; k++) {
    const it = byStart[k]!;
    const t = tasks[it.task]!;
    expect(it.endMinute - it.startMinute).toBe(t.minutes);
    expect(it.startMinute).toBeGreaterThanOrEqual(t.earliestStartMinute);
    expect(it.endMinute).toBeLessThanOrEqual(Math.min(t.latestEndMinute, horizon));
    if (k > 0) expect(it.startMinute).toBeGreaterThanOrEqual(byStart[k - 1]!.endMinute);
  }
  const ordered = byStart.filter((i) => tasks[i.task]!.order !== undefined).map((i) => tasks[i.task]!.order!);
  expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
}

describe("scheduler", () => {
  it("matches exhaustive search on 60 random small cases (risk, bounds, order)", () => {
    const random = prng(7);
    let feasible = 0;
    for (let c = 0; c < 60; c++) {
      const horizon = 20 + Math.floor(random() * 16);
      // Rain comes in blocks, as it does: a random walk of the chance.
      const risk: number[] = [];
      let p = random();
      for (let m = 0; m < horizon; m++) {
        p = Math.min(1, Math.max(0, p + (random() - 0.5) * 0.6));
        risk.push(Math.round(p * 100) / 100);
      }
      const n = 2 + Math.floor(random() * 3);
      const tasks: SchedulerTask[] = Array.from({ length: n }, (_, i) => {
        const earliest = random() < 0.3 ? Math.floor(random() * 10) : 0;
        const minutes = 2 + Math.floor(random() * 6);
        const latest = random() < 0.3 ? earliest + minutes + Math.floor(random() * 12) : horizon;
        return { name: `t${i}`, minutes, outdoor: random() < 0.6, earliestStartMinute: earliest, latestEndMinute: latest, order: random() < 0.3 ? Math.floor(random() * 3) : undefined };
      });
      const expected = bruteForceRisk(tasks, risk, horizon);
      const result = schedule(tasks, Float64Array.from(risk), horizon);
      if (expected === Infinity) {
        expect(result.ok, `case ${c}`).toBe(false);
        continue;
      }
      feasible += 1;
      expect(result.ok, `case ${c}: ${JSON.stringify(!result.ok && result.reasons)}`).toBe(true);
      if (!result.ok) continue;
      assertFeasible(tasks, horizon, result.items);
      expect(exposureOf(tasks, risk, result.items)).toBeCloseTo(expected, 9);
      expect(result.riskMinutes).toBeCloseTo(expected, 9);
    }
    // The random cases must exercise both outcomes.
    expect(feasible).toBeGreaterThan(30);
    expect(feasible).toBeLessThan(60);
  });

  it("puts an outdoor task in the dry gap and the indoor one in the rain", () => {
    // Rain for 20 minutes, dry for 20, rain again.
    const risk = Float64Array.from({ length: 60 }, (_, m) => (m >= 20 && m < 40 ? 0 : 0.9));
    const tasks: SchedulerTask[] = [
      { name: "emails", minutes: 20, outdoor: false, earliestStartMinute: 0, latestEndMinute: 60 },
      { name: "walk", minutes: 20, outdoor: true, earliestStartMinute: 0, latestEndMinute: 60 },
    ];
    const result = schedule(tasks, risk, 60);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.items).toEqual([
      { task: 0, startMinute: 0, endMinute: 20 },
      { task: 1, startMinute: 20, endMinute: 40 },
    ]);
    expect(result.riskMinutes).toBe(0);
  });

  it("with no rain at all, does everything as early as possible in the order asked", () => {
    const tasks: SchedulerTask[] = [
      { name: "b", minutes: 10, outdoor: true, earliestStartMinute: 0, latestEndMinute: 60, order: 2 },
      { name: "a", minutes: 5, outdoor: false, earliestStartMinute: 0, latestEndMinute: 60, order: 1 },
    ];
    const result = schedule(tasks, new Float64Array(60), 60);
    expect(result.ok && result.items).toEqual([
      { task: 1, startMinute: 0, endMinute: 5 },
      { task: 0, startMinute: 5, endMinute: 15 },
    ]);
  });

  it("says why an impossible plan is impossible", () => {
    const risk = new Float64Array(60);
    const tooLong = schedule([{ name: "hike", minutes: 90, outdoor: true, earliestStartMinute: 0, latestEndMinute: 60 }], risk, 60);
    expect(tooLong.ok).toBe(false);
    expect(!tooLong.ok && tooLong.reasons.join(" ")).toMatch(/"hike" takes 90 min but its window is only 60 min/);
    const contradictory = schedule([{ name: "run", minutes: 10, outdoor: true, earliestStartMinute: 40, latestEndMinute: 30 }], risk, 60);
    expect(!contradictory.ok && contradictory.reasons.join(" ")).toMatch(/"run" must end after its earliest start/);
    // Each fits alone; both need the same 15 minutes.
    const clash = schedule(
      [
        { name: "a", minutes: 10, outdoor: false, earliestStartMinute: 0, latestEndMinute: 15 },
        { name: "b", minutes: 10, outdoor: false, earliestStartMinute: 0, latestEndMinute: 15 },
      ],
      risk,
      60,
    );
    expect(!clash.ok && clash.reasons.join(" ")).toMatch(/no order of the tasks fits/);
    const badOrder = schedule(
      [
        { name: "first", minutes: 10, outdoor: false, earliestStartMinute: 30, latestEndMinute: 60, order: 1 },
        { name: "second", minutes: 10, outdoor: false, earliestStartMinute: 0, latestEndMinute: 20, order: 2 },
      ],
      risk,
      60,
    );
    expect(!badOrder.ok && badOrder.reasons.join(" ")).toMatch(/"second" cannot finish by its latest end after the tasks ordered before it/);
  });
});

describe("clock times in a time zone", () => {
  const at = Date.parse("2016-09-28T17:55:00Z"); // 20:55 in Helsinki (UTC+3 in summer time)
  it("reads HH:MM on the zone's wall clock, the occurrence within half a day", () => {
    expect(new Date(clockTimeNear("22:00", "Europe/Helsinki", at)).toISOString()).toBe("2016-09-28T19:00:00.000Z");
    expect(new Date(clockTimeNear("08:00", "Europe/Helsinki", at)).toISOString()).toBe("2016-09-29T05:00:00.000Z");
    expect(new Date(clockTimeNear("19:00", "UTC", at)).toISOString()).toBe("2016-09-28T19:00:00.000Z");
    expect(new Date(clockTimeNear("17:00", "UTC", at)).toISOString()).toBe("2016-09-28T17:00:00.000Z");
  });
  it("across a daylight-saving change (Helsinki, 30 October 2016, 04:00 -> 03:00)", () => {
    const night = Date.parse("2016-10-29T22:00:00Z"); // 01:00 local, UTC+3
    expect(new Date(clockTimeNear("06:00", "Europe/Helsinki", night)).toISOString()).toBe("2016-10-30T04:00:00.000Z");
  });
});

describe("task specs as typed on the command line", () => {
  it("reads name, minutes, outdoor, bounds and order", () => {
    expect(parseTaskSpec("walk 20 outdoor")).toEqual({ name: "walk", minutes: 20, outdoor: true });
    expect(parseTaskSpec("emails 45")).toEqual({ name: "emails", minutes: 45, outdoor: false });
    expect(parseTaskSpec("run 30 outdoor before 19:00")).toEqual({ name: "run", minutes: 30, outdoor: true, latestEnd: "19:00" });
    expect(parseTaskSpec("pick up kids 15min outdoor after 9:30 order 2")).toEqual({ name: "pick up kids", minutes: 15, outdoor: true, earliestStart: "09:30", order: 2 });
  });
  it("refuses what it cannot read, saying what is wrong", () => {
    expect(() => parseTaskSpec("walk outdoor")).toThrow(/how many minutes/);
    expect(() => parseTaskSpec("20")).toThrow(/needs a name/);
    expect(() => parseTaskSpec("run 30 before 7pm")).toThrow(/before needs a clock time/);
    expect(() => parseTaskSpec("run 30 quickly")).toThrow(/unexpected "quickly"/);
    expect(() => parseTaskSpec("run 0")).toThrow(/at least 1 minute/);
  });
});
