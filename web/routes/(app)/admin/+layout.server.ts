import { error } from "@sveltejs/kit";
import type { LayoutServerLoad } from "./$types";

/** Operator pages: the admin role only (the (app) layout has already asked for a session). */
export const load: LayoutServerLoad = async ({ parent }) => {
  const { user } = await parent();
  if (!user.roles.includes("admin")) error(403, "The operator pages need the admin role.");
  return {};
};
