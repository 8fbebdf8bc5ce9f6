// The one set of rain categories: the map's colours (worker/render/colour-scale.ts), the
// legend, the chart's bands, the sentence (sentence.ts) and the API all name rain with these.
// Pure constants: the site imports this module in the browser too.

export type RainCategoryId = "drizzle" | "light" | "moderate" | "heavy" | "violent";

export interface RainCategory {
  readonly id: RainCategoryId;
  /** Inclusive lower bound; the category runs up to the next one's. */
  readonly fromMmPerHour: number;
  /** What a person reads: "light drizzle", "heavy rain". */
  readonly words: string;
}

/**
 * Ascending. Rain starts at 0.1 mm/h, about the smallest rate a weather radar reports
 * reliably; below that is dry. Drizzle under 0.5 mm/h is rain to a person outdoors, so it is
 * named, never called dry. The bounds fall on colour-scale steps, so a colour belongs to one category.
 */
export const RAIN_CATEGORIES: readonly RainCategory[] = [
  { id: "drizzle", fromMmPerHour: 0.1, words: "light drizzle" },
  { id: "light", fromMmPerHour: 0.5, words: "light rain" },
  { id: "moderate", fromMmPerHour: 2, words: "moderate rain" },
  { id: "heavy", fromMmPerHour: 10, words: "heavy rain" },
  { id: "violent", fromMmPerHour: 50, words: "violent rain" },
];

/** The rate at which it counts as raining: the first category's bound. */
export const RAIN_FROM_MM_PER_HOUR = RAIN_CATEGORIES[0]!.fromMmPerHour;

/** Index into RAIN_CATEGORIES, or -1 when dry (and for a missing value). */
export function categoryIndex(mmPerHour: number | null): number {
  if (mmPerHour === null || !(mmPerHour >= RAIN_FROM_MM_PER_HOUR)) return -1;
  let i = 0;
  while (i + 1 < RAIN_CATEGORIES.length && mmPerHour >= RAIN_CATEGORIES[i + 1]!.fromMmPerHour) i++;
  return i;
}

export function categoryOf(mmPerHour: number | null): RainCategory | null {
  const i = categoryIndex(mmPerHour);
  return i < 0 ? null : RAIN_CATEGORIES[i]!;
}
