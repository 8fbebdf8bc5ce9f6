// The rendering library against real FMI radar composites, checked with independent decoders:
// fast-png for PNG, omggif for GIF.
import { convertIndexedToRgb, decode as decodePng } from "fast-png";
import { GifReader } from "omggif";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createRainClassifier,
  drawLegend,
  drawPlaceMarker,
  encodeGif,
  encodeLegendPng,
  encodePng,
  FIRST_STEP_INDEX,
  legend,
  MARKER_HALO_INDEX,
  MARKER_INDEX,
  NO_DATA_INDEX,
  NO_RAIN_INDEX,
  type Palette,
  RAIN_PALETTE,
  RAIN_RATE_STEPS,
  type Rgba,
} from "../worker/render";
import { FMI_ZR, MARSHALL_PALMER, type ZRelation } from "../nowcast/src/index";

// Workers tests cannot read files: Vite inlines the real composites (outside the repo, in
// shared/) as base64 data URLs at transform time. `?url&inline` works for any file type.
const COMPOSITES = import.meta.glob<string>("../../shared/data/radar/fmi/20160928/2016092815[0-2]*.pgm.gz", {
  query: "?url&inline",
  import: "default",
  eager: true,
});

/** A decoded composite: raw 8-bit samples and dBZ ((value - 64) / 2, 255 = no data -> NaN). */
type Composite = { name: string; width: number; height: number; samples: Uint8Array; dbz: Float32Array };

function dataUrlBytes(url: string): Uint8Array<ArrayBuffer> {
  const base64 = url.slice(url.indexOf(",") + 1);
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** A few lines of our own, independent of the nowcast engine's reader: gunzip, P5 header, raster. */
async function readComposite(name: string, url: string): Promise<Composite> {
  const gunzipped = new Blob([dataUrlBytes(url)]).stream().pipeThrough(new DecompressionStream("gzip"));
  const bytes = new Uint8Array(await new Response(gunzipped).arrayBuffer());
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 4096));
  const header = /^P5\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s/.exec(head);
  if (!header) throw new Error(`${name}: not a binary PGM`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  const samples = bytes.subarray(header[0].length);
  expect(samples.length).toBe(width * height);
  const dbz = Float32Array.from(samples, (value) => (value === 255 ? NaN : (value - 64) / 2));
  return { name, width, height, samples, dbz };
}

function crop<T extends Uint8Array | Float32Array>(field: T, width: number, left: number, top: number, w: number, h: number): T {
  const out = new (field.constructor as new (n: number) => T)(w * h);
  for (let y = 0; y < h; y++) out.set(field.subarray((top + y) * width + left, (top + y) * width + left + w), y * w);
  return out;
}

/** Rain rate by Z = a R^b, Z = 10^(dBZ/10): written out here, independent of the classifier. */
function rainRate(dbz: number, zr: ZRelation): number {
  return (10 ** (dbz / 10) / zr.a) ** (1 / zr.b);
}

/** Palette index by converting to rain rate and searching the steps: the slow, obvious way. */
function expectedIndex(dbz: number, zr: ZRelation): number {
  if (Number.isNaN(dbz)) return NO_DATA_INDEX;
  const rate = rainRate(dbz, zr);
  let index = NO_RAIN_INDEX;
  RAIN_RATE_STEPS.forEach((step, i) => {
    if (rate >= step.fromMmPerHour) index = FIRST_STEP_INDEX + i;
  });
  return index;
}

function rgbaAt(rgba: ArrayLike<number>, pixel: number): Rgba {
  return [rgba[pixel * 4]!, rgba[pixel * 4 + 1]!, rgba[pixel * 4 + 2]!, rgba[pixel * 4 + 3]!];
}

/** Decodes with fast-png and expands to RGBA: the colours a viewer would show. */
function decodePngRgba(png: Uint8Array): { width: number; height: number; rgba: Uint8Array; depth: number; paletteSize: number } {
  const decoded = decodePng(png);
  expect(decoded.palette).toBeDefined();
  const rgba = convertIndexedToRgb(decoded);
  expect(rgba.length).toBe(decoded.width * decoded.height * 4);
  return { width: decoded.width, height: decoded.height, rgba, depth: decoded.depth, paletteSize: decoded.palette!.length };
}

/** Pixels whose decoded colour differs from the palette colour of their index (GIF: no partial alpha). */
function colourMismatches(rgba: ArrayLike<number>, indexes: Uint8Array, palette: Palette, gif = false): number[] {
  const bad: number[] = [];
  for (let p = 0; p < indexes.length; p++) {
    const want = palette[indexes[p]!]!;
    const got = rgbaAt(rgba, p);
    const ok =
      want[3] === 0
        ? got[3] === 0
        : got[0] === want[0] && got[1] === want[1] && got[2] === want[2] && got[3] === (gif ? 255 : want[3]);
    if (!ok && bad.push(p) >= 10) break;
  }
  return bad;
}

function hex(rgba: Rgba): string {
  return `#${rgba
    .slice(0, 3)
    .map((c) => c.toString(16).padStart(2, "0"))
    .join("")}`;
}

/** A grey ramp with one entry per raw FMI sample value: real data that needs all 256 indexes. */
const SAMPLE_PALETTE: Palette = Array.from({ length: 256 }, (_, v): Rgba => [v, v, v, v === 255 ? 0 : 255]);

let frames: Composite[];
let frame: Composite;
let indexes: Uint8Array;
const classifier = createRainClassifier(FMI_ZR);

beforeAll(async () => {
  const entries = Object.entries(COMPOSITES).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length !== 6) {
    throw new Error(`expected 6 FMI composites 201609281500..1525 under shared/data/radar/fmi/20160928, found ${entries.length}`);
  }
  frames = await Promise.all(entries.map(([name, url]) => readComposite(name, url)));
  frame = frames[0]!;
  indexes = classifier.classify(frame.dbz);
});

describe("colour scale and legend", () => {
  it("has ascending steps whose colours are the palette's", () => {
    const data = legend();
    expect(data.unit).toBe("mm/h");
    expect(data.steps.map((s) => s.fromMmPerHour)).toEqual([0.1, 0.5, 1, 2, 5, 10, 20, 50, 100]);
    data.steps.forEach((step, i) => {
      if (i > 0) expect(step.fromMmPerHour).toBeGreaterThan(data.steps[i - 1]!.fromMmPerHour);
      expect(step.toMmPerHour).toBe(data.steps[i + 1]?.fromMmPerHour ?? null);
      expect(step.paletteIndex).toBe(FIRST_STEP_INDEX + i);
      expect(step.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(step.color).toBe(hex(RAIN_PALETTE[step.paletteIndex]!));
      expect(RAIN_PALETTE[step.paletteIndex]![3]).toBe(255);
      expect(step.label).not.toBe("");
    });
    expect(new Set(data.steps.map((s) => s.color)).size).toBe(data.steps.length);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it("draws no rain transparent and no data as a translucent grey unlike any step", () => {
    expect(RAIN_PALETTE[NO_RAIN_INDEX]![3]).toBe(0);
    const [r, g, b, a] = RAIN_PALETTE[NO_DATA_INDEX]!;
    expect(r === g && g === b).toBe(true);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(255);
    const { noData, steps } = legend();
    expect(noData.paletteIndex).toBe(NO_DATA_INDEX);
    expect(noData.color).toBe(hex(RAIN_PALETTE[NO_DATA_INDEX]!));
    expect(noData.opacity).toBeCloseTo(a / 255, 2);
    expect(steps.map((s) => s.color)).not.toContain(noData.color);
    expect(new Set([NO_RAIN_INDEX, NO_DATA_INDEX, MARKER_INDEX, MARKER_HALO_INDEX, ...steps.map((s) => s.paletteIndex)]).size).toBe(
      RAIN_PALETTE.length,
    );
  });

  it("runs from blue through green, yellow and red to magenta", () => {
    const hue = (rgba: Rgba): string => {
      const [r, g, b] = rgba;
      if (b > r && b > g) return "blue";
      if (g > r && g > b) return "green";
      if (r > 200 && g > 200) return "yellow";
      if (r > 200 && b > 150) return "magenta";
      if (r > g && r > b) return g > 100 ? "orange" : "red";
      return "other";
    };
    const hues = legend().steps.map((s) => hue(RAIN_PALETTE[s.paletteIndex]!));
    expect(hues).toEqual(["blue", "blue", "blue", "green", "green", "yellow", "orange", "red", "magenta"]);
  });
});

describe("classification", () => {
  for (const [name, zr] of [
    ["FMI", FMI_ZR],
    ["Marshall-Palmer", MARSHALL_PALMER],
  ] as const) {
    it(`agrees with the ${name} Z-R relation just below and above every step`, () => {
      const classify = createRainClassifier(zr);
      RAIN_RATE_STEPS.forEach((step, i) => {
        const threshold = classify.thresholdsDbz[i]!;
        const below = threshold - 1e-4;
        const above = threshold + 1e-4;
        expect(rainRate(below, zr)).toBeLessThan(step.fromMmPerHour);
        expect(rainRate(above, zr)).toBeGreaterThan(step.fromMmPerHour);
        const out = classify.classify(Float32Array.of(below, above));
        expect([...out]).toEqual([i === 0 ? NO_RAIN_INDEX : FIRST_STEP_INDEX + i - 1, FIRST_STEP_INDEX + i]);
      });
    });
  }

  it("uses different thresholds for different Z-R relations", () => {
    const fmi = createRainClassifier(FMI_ZR).thresholdsDbz;
    const mp = createRainClassifier(MARSHALL_PALMER).thresholdsDbz;
    expect(fmi[0]).toBeCloseTo(10 * Math.log10(223) + 10 * 1.53 * Math.log10(0.1), 9);
    expect(mp[0]).not.toBeCloseTo(fmi[0]!, 3);
  });

  it("classifies every pixel of a real composite as the rain-rate conversion does", () => {
    const bad: number[] = [];
    for (let p = 0; p < frame.dbz.length && bad.length < 10; p++) {
      if (indexes[p] !== expectedIndex(frame.dbz[p]!, FMI_ZR)) bad.push(p);
    }
    expect(bad).toEqual([]);
    const counts = new Map<number, number>();
    for (const index of indexes) counts.set(index, (counts.get(index) ?? 0) + 1);
    // No data exactly where the file says 255; the frame has dry areas and several rain classes.
    expect(counts.get(NO_DATA_INDEX)).toBe(frame.samples.filter((v) => v === 255).length);
    expect(counts.get(NO_RAIN_INDEX)).toBeGreaterThan(0);
    expect([...counts.keys()].filter((k) => k >= FIRST_STEP_INDEX && k < NO_DATA_INDEX).length).toBeGreaterThanOrEqual(5);
  });

  it("fills the caller's array and handles extremes", () => {
    const out = new Uint8Array(5);
    const returned = classifier.classify(Float32Array.of(NaN, -Infinity, -32, 80, Infinity), out);
    expect(returned).toBe(out);
    const last = FIRST_STEP_INDEX + RAIN_RATE_STEPS.length - 1;
    expect([...out]).toEqual([NO_DATA_INDEX, NO_RAIN_INDEX, NO_RAIN_INDEX, last, last]);
  });

  it("rejects a mismatched output array and a bad Z-R relation", () => {
    expect(() => classifier.classify(new Float32Array(4), new Uint8Array(3))).toThrow(/3 entries .* 4 pixels/);
    expect(() => createRainClassifier({ a: 0, b: 1.5 })).toThrow(/a > 0 and b > 0/);
  });
});

describe("PNG", () => {
  it("encodes a full real frame that decodes to the palette colour of every pixel", async () => {
    const png = await encodePng(indexes, frame.width, frame.height, RAIN_PALETTE);
    const decoded = decodePngRgba(png);
    expect([decoded.width, decoded.height]).toEqual([760, 1226]);
    expect(decoded.depth).toBe(4); // 13 colours fit in 4 bits
    expect(decoded.paletteSize).toBe(RAIN_PALETTE.length);
    expect(colourMismatches(decoded.rgba, indexes, RAIN_PALETTE)).toEqual([]);

    // Sample pixels of each kind from the real data.
    const noData = frame.samples.indexOf(255);
    const noRain = indexes.indexOf(NO_RAIN_INDEX);
    const rain = indexes.findIndex((i) => i >= FIRST_STEP_INDEX + 4 && i < NO_DATA_INDEX);
    expect(Math.min(noData, noRain, rain)).toBeGreaterThanOrEqual(0);
    expect(rgbaAt(decoded.rgba, noData)).toEqual(RAIN_PALETTE[NO_DATA_INDEX]);
    expect(rgbaAt(decoded.rgba, noRain)[3]).toBe(0);
    expect(rgbaAt(decoded.rgba, rain)).toEqual(RAIN_PALETTE[indexes[rain]!]);
    expect(rgbaAt(decoded.rgba, rain)[3]).toBe(255);
  });

  it("encodes odd-sized crops at every bit depth", async () => {
    // 1, 2, 4 and 8 bits per pixel; widths that leave part of the last byte of each row unused.
    const rainMask = Uint8Array.from(indexes, (i) => (i >= FIRST_STEP_INDEX && i < NO_DATA_INDEX ? 1 : 0));
    const fourClasses = Uint8Array.from(indexes, (i) => (i === NO_DATA_INDEX ? 3 : Math.min(i, 2)));
    const cases: [Uint8Array, Palette, number][] = [
      [rainMask, [RAIN_PALETTE[0]!, RAIN_PALETTE[3]!], 1],
      [fourClasses, [RAIN_PALETTE[0]!, RAIN_PALETTE[1]!, RAIN_PALETTE[2]!, RAIN_PALETTE[NO_DATA_INDEX]!], 2],
      [indexes, RAIN_PALETTE, 4],
      [frame.samples, SAMPLE_PALETTE, 8],
    ];
    for (const [field, palette, depth] of cases) {
      for (const [w, h] of [
        [255, 3],
        [13, 17],
        [1, 1],
      ] as const) {
        const part = crop(field, frame.width, 200, 500, w, h);
        const decoded = decodePngRgba(await encodePng(part, w, h, palette));
        expect([decoded.width, decoded.height, decoded.depth]).toEqual([w, h, depth]);
        expect(colourMismatches(decoded.rgba, part, palette)).toEqual([]);
      }
    }
  });

  it("leaves tRNS out when every colour is opaque", async () => {
    const opaque: Palette = RAIN_PALETTE.map(([r, g, b]): Rgba => [r, g, b, 255]);
    const part = crop(indexes, frame.width, 300, 600, 64, 64);
    const png = await encodePng(part, 64, 64, opaque);
    expect(new TextDecoder("latin1").decode(png)).not.toContain("tRNS");
    const decoded = decodePng(png);
    const rgb = convertIndexedToRgb(decoded);
    expect(rgb.length).toBe(64 * 64 * 3);
  });

  it("rejects bad input with a clear error", async () => {
    const part = crop(indexes, frame.width, 300, 600, 8, 8);
    await expect(encodePng(part, 8, 7, RAIN_PALETTE)).rejects.toThrow(/64 palette indexes do not fill 8 x 7/);
    await expect(encodePng(new Uint8Array(0), 0, 0, RAIN_PALETTE)).rejects.toThrow(/width must be an integer from 1/);
    await expect(encodePng(part, 8.5, 8, RAIN_PALETTE)).rejects.toThrow(/width must be an integer/);
    await expect(encodePng(part, 8, 8, [...SAMPLE_PALETTE, [0, 0, 0, 255]])).rejects.toThrow(/1 to 256 entries, got 257/);
    await expect(encodePng(part, 8, 8, [])).rejects.toThrow(/1 to 256 entries, got 0/);
    await expect(encodePng(part, 8, 8, [[0, 0, 0, 300]])).rejects.toThrow(/entry 0 is not four integers/);
    // The top-left corner of the composite is outside radar coverage: index NO_DATA_INDEX (10).
    const corner = crop(indexes, frame.width, 0, 0, 8, 8);
    await expect(encodePng(corner, 8, 8, RAIN_PALETTE.slice(0, NO_DATA_INDEX))).rejects.toThrow(
      /pixel 0 has index 10, outside the 10-entry palette/,
    );
  });

  it("draws the legend with every step's colour and no data", async () => {
    const image = drawLegend();
    const decoded = decodePngRgba(await encodeLegendPng());
    expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
    expect(decoded.width).toBeLessThan(200);
    expect(decoded.height).toBeLessThan(300);
    const colours = new Set<string>();
    for (let p = 0; p < decoded.width * decoded.height; p++) colours.add(rgbaAt(decoded.rgba, p).join(","));
    for (const step of legend().steps) expect(colours).toContain(RAIN_PALETTE[step.paletteIndex]!.join(","));
    expect(colours).toContain(RAIN_PALETTE[NO_DATA_INDEX]!.join(","));
    // Swatches are drawn highest first: the top swatch is the last step's colour.
    const topSwatchRow = image.indexes.findIndex((i) => i === FIRST_STEP_INDEX + RAIN_RATE_STEPS.length - 1);
    const firstStepRow = image.indexes.findIndex((i) => i === FIRST_STEP_INDEX);
    expect(topSwatchRow).toBeLessThan(firstStepRow);
  });
});

describe("GIF", () => {
  const cropIndexes = (f: Composite): Uint8Array => crop(classifier.classify(f.dbz), f.width, 150, 450, 256, 256);

  it("animates real frames with their delays, looping, transparent where it is dry", () => {
    const observed = frames.map(cropIndexes);
    const delaysMs = observed.map((_, i) => (i === observed.length - 1 ? 1500 : 250));
    const gif = encodeGif(observed, 256, 256, RAIN_PALETTE, { delaysMs, loop: true });
    const reader = new GifReader(gif);
    expect([reader.width, reader.height]).toEqual([256, 256]);
    expect(reader.numFrames()).toBe(6);
    expect(reader.loopCount()).toBe(0); // 0 = forever
    observed.forEach((expected, i) => {
      const info = reader.frameInfo(i);
      expect(info.delay * 10).toBe(delaysMs[i]);
      expect(info.transparent_index).toBe(NO_RAIN_INDEX);
      expect(info.disposal).toBe(2);
      expect([info.x, info.y, info.width, info.height, info.has_local_palette]).toEqual([0, 0, 256, 256, false]);
      const rgba = new Uint8Array(256 * 256 * 4);
      reader.decodeAndBlitFrameRGBA(i, rgba);
      expect(colourMismatches(rgba, expected, RAIN_PALETTE, true)).toEqual([]);
    });
    // The crop has rain, dry and no-data pixels, so all three paths were checked.
    const first = observed[0]!;
    expect(first.includes(NO_RAIN_INDEX) && first.includes(NO_DATA_INDEX) && first.some((i) => i >= 3 && i < 10)).toBe(
      true,
    );
  });

  it("encodes 24 full-size frames (an hour observed, an hour forecast) that decode exactly", () => {
    const full = frames.map((f) => classifier.classify(f.dbz));
    const hour = Array.from({ length: 24 }, (_, i) => full[i % full.length]!);
    const gif = encodeGif(hour, 760, 1226, RAIN_PALETTE, { delayMs: 300 });
    const reader = new GifReader(gif);
    expect(reader.numFrames()).toBe(24);
    expect(reader.frameInfo(23).delay).toBe(30);
    const rgba = new Uint8Array(760 * 1226 * 4);
    for (const i of [0, 5, 23]) {
      // omggif leaves transparent pixels alone; clearing first is what disposal 2 asks of a viewer.
      rgba.fill(0);
      reader.decodeAndBlitFrameRGBA(i, rgba);
      expect(colourMismatches(rgba, hour[i]!, RAIN_PALETTE, true)).toEqual([]);
    }
  });

  it("round-trips the smallest and the largest colour tables", () => {
    // 2 colours: minimum LZW code size 2. 256 grey levels of raw samples: 8-bit codes and many table resets.
    const rainMask = Uint8Array.from(indexes, (i) => (i >= FIRST_STEP_INDEX && i < NO_DATA_INDEX ? 1 : 0));
    for (const [field, palette] of [
      [rainMask, [RAIN_PALETTE[0]!, RAIN_PALETTE[3]!]],
      [frame.samples, SAMPLE_PALETTE],
    ] as const) {
      for (const [w, h] of [
        [760, 1226],
        [7, 3],
        [1, 1],
      ] as const) {
        const part = crop(field, frame.width, 0, 0, w, h);
        const reader = new GifReader(encodeGif([part], w, h, palette, { delayMs: 100, loop: false }));
        expect(reader.loopCount()).toBeNull();
        const rgba = new Uint8Array(w * h * 4);
        reader.decodeAndBlitFrameRGBA(0, rgba);
        expect(colourMismatches(rgba, part, palette, true)).toEqual([]);
      }
    }
  });

  it("rejects bad input with a clear error", () => {
    const part = crop(indexes, frame.width, 300, 600, 8, 8);
    expect(() => encodeGif([], 8, 8, RAIN_PALETTE, { delayMs: 100 })).toThrow(/no frames/);
    expect(() => encodeGif([part, part.subarray(1)], 8, 8, RAIN_PALETTE, { delayMs: 100 })).toThrow(
      /frame 1: 63 palette indexes do not fill 8 x 8/,
    );
    expect(() => encodeGif([part], 0, 0, RAIN_PALETTE, { delayMs: 100 })).toThrow(/width must be an integer from 1 to 65535/);
    expect(() => encodeGif([part, part], 8, 8, RAIN_PALETTE, { delaysMs: [100] })).toThrow(/1 delays for 2 frames/);
    expect(() => encodeGif([part], 8, 8, RAIN_PALETTE, { delayMs: -1 })).toThrow(/delay of frame 0/);
    expect(() => encodeGif([part], 8, 8, [...SAMPLE_PALETTE, [0, 0, 0, 255]], { delayMs: 100 })).toThrow(
      /1 to 256 entries, got 257/,
    );
    const corner = crop(indexes, frame.width, 0, 0, 8, 8); // no data: index 10
    expect(() => encodeGif([corner], 8, 8, RAIN_PALETTE.slice(0, 4), { delayMs: 100 })).toThrow(
      /pixel 0 has index 10, outside the 4-entry palette/,
    );
    expect(() => encodeGif([part], 8, 8, RAIN_PALETTE, { delayMs: 100, transparentIndex: 20 })).toThrow(/transparent index 20/);
  });
});

describe("place marker", () => {
  it("draws a ring with an outline around the place and leaves the place itself visible", async () => {
    const part = crop(indexes, frame.width, 150, 450, 64, 64);
    const before = part.slice();
    expect(drawPlaceMarker(part, 64, 64, 32.4, 31.6)).toBe(true);
    const at = (x: number, y: number): number => part[y * 64 + x]!;
    // Ring at radius 5 on both axes, ticks beyond it, outline outside, centre untouched.
    for (const [x, y] of [
      [37, 32],
      [27, 32],
      [32, 37],
      [32, 27],
      [40, 32],
      [32, 24],
    ] as const) {
      expect(at(x, y)).toBe(MARKER_INDEX);
    }
    expect(at(41, 32)).toBe(MARKER_HALO_INDEX);
    expect(at(32, 32)).toBe(before[32 * 64 + 32]);
    expect(at(0, 0)).toBe(before[0]);
    const decoded = decodePngRgba(await encodePng(part, 64, 64, RAIN_PALETTE));
    expect(rgbaAt(decoded.rgba, 32 * 64 + 37)).toEqual(RAIN_PALETTE[MARKER_INDEX]);
  });

  it("clips at the image edge", () => {
    const part = crop(indexes, frame.width, 150, 450, 16, 16);
    expect(drawPlaceMarker(part, 16, 16, 0, 15)).toBe(true);
    expect(part.includes(MARKER_INDEX)).toBe(true);
    const outside = crop(indexes, frame.width, 150, 450, 16, 16);
    expect(drawPlaceMarker(outside, 16, 16, -7, 8)).toBe(false);
    expect(outside.includes(MARKER_INDEX)).toBe(true); // the right-hand tick still shows
    expect(() => drawPlaceMarker(outside, 16, 16, NaN, 8)).toThrow(/not finite/);
  });
});
