// The day planner in the site: tasks typed one a line (the CLI's syntax), the plan from POST /api/plan.
import { fail } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import type { Plan } from "../../../../worker/planner/contract";
import { parseTaskSpec, TaskSpecError } from "../../../../worker/planner/task-spec";
import type { Actions, PageServerLoad } from "./$types";

const EXAMPLE = ["walk 20 outdoor", "emails 45", "run 30 outdoor", "call mum 10 before 23:00"].join("\n");

export const load: PageServerLoad = ({ url }) => ({
  defaults: { place: url.searchParams.get("place") ?? "Helsinki", tasks: EXAMPLE },
});

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

export const actions: Actions = {
  default: async ({ request, platform }) => {
    const form = await request.formData();
    const place = text(form, "place");
    const tasksText = text(form, "tasks");
    const timeZone = text(form, "timeZone") || "UTC";
    const values = { place, tasks: tasksText, timeZone };
    if (!place) return fail(400, { values, problems: ["Type a place."] });
    const lines = tasksText.split("\n").map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return fail(400, { values, problems: ["Type at least one task, e.g. “walk 20 outdoor”."] });
    const problems: string[] = [];
    const tasks = lines.flatMap((line) => {
      try {
        return [parseTaskSpec(line)];
      } catch (error) {
        if (error instanceof TaskSpecError) {
          problems.push(error.message);
          return [];
        }
        throw error;
      }
    });
    if (problems.length) return fail(400, { values, problems });
    const res = await apiFetch(platform, request, "/api/plan", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ place, tasks, timeZone }),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message: string; reasons?: string[] } } | null;
      const reasons = body?.error?.reasons?.length ? body.error.reasons : [body?.error?.message ?? `The planner answered ${res.status}.`];
      return fail(res.status === 422 ? 422 : 400, { values, problems: reasons });
    }
    return { values, plan: (await res.json()) as Plan };
  },
};
