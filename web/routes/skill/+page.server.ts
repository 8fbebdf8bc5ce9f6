import { error } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import type { LiveSkill } from "../../../worker/verification/skill";
import type { PageServerLoad } from "./$types";

const PERIODS = [7, 14, 30, 90] as const;

/** The public skill page: the live verification of the service's own nowcasts (GET /api/skill). */
export const load: PageServerLoad = async ({ platform, request, url }) => {
  const asked = Number(url.searchParams.get("days"));
  const days = (PERIODS as readonly number[]).includes(asked) ? asked : 14;
  const res = await apiFetch(platform, request, `/api/skill?days=${days}`);
  if (!res.ok) error(502, `the skill API answered ${res.status}`);
  return { days, periods: [...PERIODS], skill: (await res.json()) as LiveSkill };
};
