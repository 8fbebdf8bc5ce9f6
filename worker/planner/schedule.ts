// The day planner's scheduler: one person does the tasks one after another, each
// inside its own bounds and in the order asked for, and the plan puts outdoor
// tasks where the rain risk is lowest. Pure: minutes in, minutes out.
//
// Objective (minimised): for every outdoor task, the sum of the per-minute rain
// risk over the minutes it runs; ties go to the plan whose tasks start earliest
// (a tiny cost per minute of start time, far below one risk-minute).
//
// Exact solver: dynamic programming over (set of tasks done, minute the person
// is free). From a state the person either waits a minute or starts a task that
// is allowed now; every schedule is such a path, so the minimum is optimal. Only
// the minutes that can still lead to a full plan are kept (the slack), so it
// costs 2^n x (slack + 1) x n steps, which is why tasks and horizon are bounded.
// Hand-written: no library schedules sequences with per-start costs this way.

export const MAX_TASKS = 12;
export const MAX_HORIZON_MINUTES = 8 * 60;
/** The cost of starting a task one minute later; its sum over a plan stays far below one risk-minute. */
export const START_TIE_BREAK = 1e-7;

export interface SchedulerTask {
  name: string;
  minutes: number;
  outdoor: boolean;
  /** Minutes after the plan's start. */
  earliestStartMinute: number;
  latestEndMinute: number;
  /** Tasks with an order are done in increasing order among themselves. */
  order?: number;
}

export interface ScheduledTask {
  /** Index into the tasks given. */
  task: number;
  startMinute: number;
  endMinute: number;
}

export type ScheduleResult =
  | { ok: true; items: ScheduledTask[]; cost: number; riskMinutes: number }
  | { ok: false; reasons: string[] };

/** Reasons a plan cannot exist, found without searching; empty when none is obvious. */
export function impossibilities(tasks: readonly SchedulerTask[], horizonMinutes: number): string[] {
  const reasons: string[] = [];
  if (tasks.length === 0) reasons.push("there are no tasks to plan");
  if (tasks.length > MAX_TASKS) reasons.push(`at most ${MAX_TASKS} tasks can be planned at once (got ${tasks.length})`);
  if (horizonMinutes > MAX_HORIZON_MINUTES) reasons.push(`the plan can reach at most ${MAX_HORIZON_MINUTES / 60} hours ahead`);
  for (const t of tasks) {
    if (!Number.isInteger(t.minutes) || t.minutes <= 0) reasons.push(`"${t.name}" must last a whole number of minutes above 0`);
    if (t.latestEndMinute <= t.earliestStartMinute) reasons.push(`"${t.name}" must end after its earliest start (its bounds contradict each other)`);
    else if (t.latestEndMinute - t.earliestStartMinute < t.minutes) {
      reasons.push(`"${t.name}" takes ${t.minutes} min but its window is only ${t.latestEndMinute - t.earliestStartMinute} min long`);
    }
    if (t.latestEndMinute <= 0) reasons.push(`"${t.name}" must be finished before the plan starts`);
  }
  const total = tasks.reduce((s, t) => s + t.minutes, 0);
  if (total > horizonMinutes) reasons.push(`the tasks take ${total} min together, more than the ${horizonMinutes} min the plan covers`);
  // Ordered tasks: each must fit after all the ones before it.
  const ordered = tasks.filter((t) => t.order !== undefined).sort((a, b) => a.order! - b.order!);
  let freeAt = 0;
  for (const t of ordered) {
    const start = Math.max(freeAt, t.earliestStartMinute);
    if (start + t.minutes > t.latestEndMinute) {
      reasons.push(`"${t.name}" cannot finish by its latest end after the tasks ordered before it`);
      break;
    }
    freeAt = start + t.minutes;
  }
  return reasons;
}

/**
 * The optimal schedule for `tasks` over minutes [0, horizon), given the rain
 * risk of each minute (`risk.length >= horizon`; a chance in 0..1, or any
 * non-negative weight).
 */
export function schedule(tasks: readonly SchedulerTask[], risk: Float64Array, horizonMinutes: number): ScheduleResult {
  const obvious = impossibilities(tasks, horizonMinutes);
  if (obvious.length) return { ok: false, reasons: obvious };
  const n = tasks.length;
  const T = horizonMinutes;
  // Prefix sums of risk make a task's cost at any start O(1).
  const prefix = new Float64Array(T + 1);
  for (let m = 0; m < T; m++) prefix[m + 1] = prefix[m]! + (risk[m] ?? 0);
  // predecessors[j]: tasks that must be done before j (a smaller order).
  const predecessors = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const oj = tasks[j]!.order;
    if (oj === undefined) continue;
    for (let i = 0; i < n; i++) {
      const oi = tasks[i]!.order;
      if (oi !== undefined && oi < oj) predecessors[j]! |= 1 << i;
    }
  }
  const minutes = Int32Array.from(tasks, (t) => t.minutes);
  const earliest = Int32Array.from(tasks, (t) => Math.max(0, t.earliestStartMinute));
  const latestEnd = Int32Array.from(tasks, (t) => Math.min(T, t.latestEndMinute));
  const outdoor = Uint8Array.from(tasks, (t) => (t.outdoor ? 1 : 0));

  // A person who has done `set` is free no earlier than its total length, and must be
  // free early enough to fit the rest: only the slack between is stored per set.
  const full = (1 << n) - 1;
  const total = minutes.reduce((sum, m) => sum + m, 0);
  const slack = T - total;
  const width = slack + 1;
  const doneMinutes = new Int32Array(full + 1);
  for (let set = 1; set <= full; set++) {
    const low = 31 - Math.clz32(set & -set);
    doneMinutes[set] = doneMinutes[set & (set - 1)]! + minutes[low]!;
  }
  const states = (full + 1) * width;
  const cost = new Float64Array(states).fill(Infinity);
  // How a state was reached: -1 by waiting a minute, j by finishing task j; -2 unreached.
  const via = new Int8Array(states).fill(-2);
  cost[0] = 0;
  via[0] = -1;
  for (let set = 0; set <= full; set++) {
    const row = set * width;
    const lo = doneMinutes[set]!;
    for (let k = 0; k < width; k++) {
      const here = cost[row + k]!;
      if (here === Infinity) continue;
      const t = lo + k;
      if (k + 1 < width && here < cost[row + k + 1]!) {
        cost[row + k + 1] = here;
        via[row + k + 1] = -1;
      }
      for (let j = 0; j < n; j++) {
        const bit = 1 << j;
        if (set & bit || (predecessors[j]! & set) !== predecessors[j] || t < earliest[j]!) continue;
        const end = t + minutes[j]!;
        if (end > latestEnd[j]!) continue;
        const step = (outdoor[j] ? prefix[end]! - prefix[t]! : 0) + START_TIE_BREAK * t;
        // The next set's row starts at its own total length: the same offset k.
        const next = (set | bit) * width + k;
        if (here + step < cost[next]!) {
          cost[next] = here + step;
          via[next] = j;
        }
      }
    }
  }
  const last = full * width + slack;
  if (cost[last] === Infinity) {
    return { ok: false, reasons: ["no order of the tasks fits all their bounds at once; widen a window or drop a task"] };
  }
  const items: ScheduledTask[] = [];
  let set = full;
  let k = slack;
  while (set !== 0 || k !== 0) {
    const j = via[set * width + k]!;
    if (j === -1) {
      k -= 1;
      continue;
    }
    const end = doneMinutes[set]! + k;
    const start = end - minutes[j]!;
    items.push({ task: j, startMinute: start, endMinute: end });
    set &= ~(1 << j);
  }
  items.reverse();
  const riskMinutes = items.reduce((s, it) => s + (outdoor[it.task] ? prefix[it.endMinute]! - prefix[it.startMinute]! : 0), 0);
  return { ok: true, items, cost: cost[last]!, riskMinutes };
}
