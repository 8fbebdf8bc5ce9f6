import { popularPlaces } from "$lib/server/popular";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ platform, request }) => ({ popular: await popularPlaces(platform, request, 25) });
