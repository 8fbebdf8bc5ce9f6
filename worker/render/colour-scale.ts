// The rain-rate colour scale shared by every rendered image and the legend, so that a
// colour means the same rain rate in the PNG frames, the GIF animation and the legend.
import { categoryOf, RAIN_CATEGORIES, RAIN_FROM_MM_PER_HOUR, type RainCategoryId } from "../nowcast/rain-categories";

/** One palette entry: red, green, blue, alpha, each 0..255. */
export type Rgba = readonly [r: number, g: number, b: number, a: number];

/** Colours by palette index. Images store indexes; the encoders turn them into colours. */
export type Palette = readonly Rgba[];

/** One step of the scale: rain rates from `fromMmPerHour` up to the next step's. */
export type RainRateStep = {
  readonly fromMmPerHour: number;
  readonly rgb: readonly [r: number, g: number, b: number];
};

/**
 * The steps in mm/h, ascending, blues -> greens -> yellows -> reds -> magenta as in common
 * radar apps. Below the first step is "no rain" and is drawn transparent: 0.1 mm/h is about
 * the smallest rate a weather radar reports reliably.
 */
export const RAIN_RATE_STEPS: readonly RainRateStep[] = [
  { fromMmPerHour: 0.1, rgb: [160, 210, 255] },
  { fromMmPerHour: 0.5, rgb: [80, 150, 240] },
  { fromMmPerHour: 1, rgb: [30, 90, 210] },
  { fromMmPerHour: 2, rgb: [60, 200, 60] },
  { fromMmPerHour: 5, rgb: [20, 140, 30] },
  { fromMmPerHour: 10, rgb: [250, 230, 40] },
  { fromMmPerHour: 20, rgb: [250, 150, 30] },
  { fromMmPerHour: 50, rgb: [225, 25, 25] },
  { fromMmPerHour: 100, rgb: [215, 30, 215] },
];

// Every category starts on a step, and the first step is where rain starts: a colour names one category.
for (const category of RAIN_CATEGORIES) {
  if (!RAIN_RATE_STEPS.some((step) => step.fromMmPerHour === category.fromMmPerHour)) {
    throw new Error(`rain category ${category.id} starts at ${category.fromMmPerHour} mm/h, which is no colour step`);
  }
}
if (RAIN_RATE_STEPS[0]!.fromMmPerHour !== RAIN_FROM_MM_PER_HOUR) throw new Error("the colour scale must start where rain starts");

/** Index 0: below the first step. Transparent so a map under the image shows through. */
export const NO_RAIN_INDEX = 0;
/** Index of step i is FIRST_STEP_INDEX + i. */
export const FIRST_STEP_INDEX = 1;
/** Outside radar coverage: translucent grey, so it never reads as "no rain". */
export const NO_DATA_INDEX = FIRST_STEP_INDEX + RAIN_RATE_STEPS.length;
/** Reserved for the place marker's ring; nothing in the data maps to it. */
export const MARKER_INDEX = NO_DATA_INDEX + 1;
/** Reserved for the marker's outline, so the marker shows on dark and light colours alike. */
export const MARKER_HALO_INDEX = MARKER_INDEX + 1;

const NO_DATA_RGBA: Rgba = [128, 128, 128, 96];
const MARKER_RGBA: Rgba = [0, 0, 0, 255];
const MARKER_HALO_RGBA: Rgba = [255, 255, 255, 255];

/** The palette every rain image uses: no rain, the steps, no data, then the marker colours. */
export const RAIN_PALETTE: Palette = [
  [0, 0, 0, 0],
  ...RAIN_RATE_STEPS.map((step): Rgba => [...step.rgb, 255]),
  NO_DATA_RGBA,
  MARKER_RGBA,
  MARKER_HALO_RGBA,
];

export type LegendStep = {
  fromMmPerHour: number;
  /** null for the last, open-ended step. */
  toMmPerHour: number | null;
  color: string;
  label: string;
  /** The rain category the step belongs to (rain-categories.ts). */
  category: RainCategoryId;
  categoryWords: string;
  /** The palette index images use for this step. */
  paletteIndex: number;
};

/** The legend as JSON-able data, for the web page and the API. */
export type Legend = {
  unit: "mm/h";
  steps: LegendStep[];
  noData: { color: string; opacity: number; label: string; paletteIndex: number };
};

function hex(rgb: readonly number[]): string {
  return `#${rgb
    .slice(0, 3)
    .map((c) => c.toString(16).padStart(2, "0"))
    .join("")}`;
}

/** The scale's steps, ascending, with their colours and labels. */
export function legend(): Legend {
  const steps = RAIN_RATE_STEPS.map((step, i): LegendStep => {
    const to = RAIN_RATE_STEPS[i + 1]?.fromMmPerHour ?? null;
    return {
      fromMmPerHour: step.fromMmPerHour,
      toMmPerHour: to,
      color: hex(step.rgb),
      label: to === null ? `≥ ${step.fromMmPerHour}` : `${step.fromMmPerHour}–${to}`,
      category: categoryOf(step.fromMmPerHour)!.id,
      categoryWords: categoryOf(step.fromMmPerHour)!.words,
      paletteIndex: FIRST_STEP_INDEX + i,
    };
  });
  return {
    unit: "mm/h",
    steps,
    noData: {
      color: hex(NO_DATA_RGBA),
      opacity: Math.round((NO_DATA_RGBA[3] / 255) * 100) / 100,
      label: "No data",
      paletteIndex: NO_DATA_INDEX,
    },
  };
}
