// Tasks as a person types them: `walk 20 outdoor`, `emails 45`, `run 30 outdoor before 19:00`,
// `shop 20 outdoor after 18:30 then` ... Words: a name (one or more words), the minutes (a whole
// number, optionally with "min"), and any of: outdoor | indoor, after HH:MM, before HH:MM,
// order N. Used by the CLI and the site's form; the API takes the parsed form.
import type { PlanRequest } from "./contract";

type TaskInput = PlanRequest["tasks"][number];

const CLOCK = /^([01]?\d|2[0-3]):[0-5]\d$/;

export class TaskSpecError extends Error {}

const pad = (clock: string) => (clock.length === 4 ? `0${clock}` : clock);

export function parseTaskSpec(spec: string): TaskInput {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  const name: string[] = [];
  const task: Partial<TaskInput> = { outdoor: false };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const lower = word.toLowerCase();
    const next = words[i + 1];
    if (lower === "outdoor" || lower === "outdoors" || lower === "outside") task.outdoor = true;
    else if (lower === "indoor" || lower === "indoors" || lower === "inside") task.outdoor = false;
    else if (lower === "before" || lower === "by" || lower === "after" || lower === "from") {
      if (!next || !CLOCK.test(next)) throw new TaskSpecError(`"${spec}": ${lower} needs a clock time such as 19:00`);
      if (lower === "before" || lower === "by") task.latestEnd = pad(next);
      else task.earliestStart = pad(next);
      i++;
    } else if (lower === "order") {
      if (!next || !/^\d+$/.test(next)) throw new TaskSpecError(`"${spec}": order needs a whole number`);
      task.order = Number(next);
      i++;
    } else if (/^\d+(min|m)?$/.test(lower) && task.minutes === undefined) {
      if (name.length === 0) throw new TaskSpecError(`"${spec}": a task needs a name first, e.g. "walk 20 outdoor"`);
      task.minutes = Number.parseInt(lower, 10);
    } else if (task.minutes === undefined) name.push(word);
    else throw new TaskSpecError(`"${spec}": unexpected "${word}" (after the minutes: outdoor, before HH:MM, after HH:MM, order N)`);
  }
  if (name.length === 0) throw new TaskSpecError(`"${spec}": a task needs a name first, e.g. "walk 20 outdoor"`);
  if (task.minutes === undefined) throw new TaskSpecError(`"${spec}": how many minutes? e.g. "${name.join(" ")} 30"`);
  if (task.minutes < 1) throw new TaskSpecError(`"${spec}": a task lasts at least 1 minute`);
  return { ...task, name: name.join(" "), minutes: task.minutes } as TaskInput;
}
