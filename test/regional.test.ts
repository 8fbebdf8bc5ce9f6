// The regional view: the whole FMI composite around a nowcast's crop, observed and forecast, at
// the nowcast's radar time, on real frames of 2016-09-28.
import { convertIndexedToRgb, decode as decodePng } from "fast-png";
import { beforeAll, describe, expect, it } from "vitest";
import type { Georeference } from "../nowcast/src/index";
import { NO_DATA_INDEX, RAIN_PALETTE } from "../worker/render/colour-scale";
import { bearer, call, createUser, r2Keys, tokenFor } from "./support/helpers";
import { pinNewestFrame } from "./support/radar";

interface Links {
  observed: { time: string; url: string }[];
  forecast: { time: string; url: string }[];
}
interface Body {
  nowcast: { georef: Georeference; frames: Links; regional: { georef: Georeference; frames: Links } | null };
}

type Kind = "dry" | "rain" | "none";
const [noDataR, noDataG, noDataB] = RAIN_PALETTE[NO_DATA_INDEX]!;

/** Each pixel's kind, from the colours a viewer would show. */
async function kinds(res: Response): Promise<{ width: number; height: number; kind: Kind[] }> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  const image = decodePng(new Uint8Array(await res.arrayBuffer()));
  const rgba = convertIndexedToRgb(image);
  const kind: Kind[] = [];
  for (let p = 0; p < image.width * image.height; p++) {
    const [r, g, b, a] = [rgba[p * 4]!, rgba[p * 4 + 1]!, rgba[p * 4 + 2]!, rgba[p * 4 + 3]!];
    kind.push(a === 0 ? "dry" : r === noDataR && g === noDataG && b === noDataB ? "none" : "rain");
  }
  return { width: image.width, height: image.height, kind };
}

/** Whether pixel p of a regional image lies inside the crop's square. */
function insideCrop(crop: Georeference, wide: Georeference): (p: number) => boolean {
  const x0 = Math.round((crop.westM - wide.westM) / wide.pixelWidthM);
  const y0 = Math.round((wide.northM - crop.northM) / wide.pixelHeightM);
  const side = Math.round((crop.width * crop.pixelWidthM) / wide.pixelWidthM);
  return (p) => {
    const x = p % wide.width, y = Math.floor(p / wide.width);
    return x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
  };
}

let auth: RequestInit;
let body: Body;
beforeAll(async () => {
  auth = bearer(await tokenFor(await createUser("regional@example.com", "regional password")));
  await pinNewestFrame("201609281755");
  const res = await call("/api/nowcast?place=Helsinki", auth);
  expect(res.status).toBe(200);
  body = (await res.json()) as Body;
}, 60_000);

describe("the regional view", () => {
  it("is linked from the nowcast: the whole FMI grid at 2 km, at the nowcast's own frame times", () => {
    const regional = body.nowcast.regional!;
    expect(regional).not.toBeNull();
    expect([regional.georef.width, regional.georef.height]).toEqual([380, 613]);
    expect(regional.georef.pixelWidthM).toBeCloseTo(2 * body.nowcast.georef.pixelWidthM, 6);
    expect(regional.frames.observed.map((f) => f.time)).toEqual(body.nowcast.frames.observed.map((f) => f.time));
    expect(regional.frames.forecast.map((f) => f.time)).toEqual(body.nowcast.frames.forecast.map((f) => f.time));
    expect(regional.frames.forecast[0]!.url).toBe("/api/regional/fmi/201609281755/forecast-01.png");
  });

  it("shows rain far beyond the crop, and inside the crop about as much rain as the crop itself", async () => {
    const { georef: wide, frames } = body.nowcast.regional!;
    const crop = body.nowcast.georef;
    for (const [regionalUrl, cropUrl] of [
      [frames.observed.at(-1)!.url, body.nowcast.frames.observed.at(-1)!.url],
      [frames.forecast[5]!.url, body.nowcast.frames.forecast[5]!.url],
    ] as const) {
      const image = await kinds(await call(regionalUrl, auth));
      expect([image.width, image.height]).toEqual([wide.width, wide.height]);
      const within = insideCrop(crop, wide);
      let inside = 0, insideRain = 0, outsideRain = 0, none = 0;
      image.kind.forEach((k, p) => {
        if (k === "none") none++;
        if (within(p)) {
          inside++;
          if (k === "rain") insideRain++;
        } else if (k === "rain") outsideRain++;
      });
      // Rain well outside the 256 km around Helsinki: what the crop alone could never show.
      expect(outsideRain).toBeGreaterThan(1000);
      // The composite's no-data area (beyond the radars) is drawn as such.
      expect(none / image.kind.length).toBeGreaterThan(0.1);
      const own = await kinds(await call(cropUrl, auth));
      const ownShare = own.kind.filter((k) => k === "rain").length / own.kind.length;
      expect(Math.abs(insideRain / inside - ownShare)).toBeLessThan(0.1);
    }
  });

  it("is drawn once per radar time and shared: 12 observed frames, 12 leads and the manifest", async () => {
    await call(`/api/regional/fmi/201609281755/forecast-12.png`, auth);
    const keys = await r2Keys("regional/fmi/201609281755/");
    expect(keys.filter((k) => /observed-\d{2}\.png$/.test(k))).toHaveLength(12);
    expect(keys.filter((k) => /forecast-\d{2}\.png$/.test(k))).toHaveLength(12);
    expect(keys).toContain("regional/fmi/201609281755/view.json");
    expect(keys).toContain("regional/fmi/201609281755/forecast-dbz.bin.gz");
  });

  it("fills a crop's forecast beyond its own reach from the regional forecast, so the forecast area shows the rain around it", async () => {
    await call(`/api/regional/fmi/201609281755/forecast-12.png`, auth);
    // beforeAll's Helsinki nowcast ran before the view existed; Espoo's (15 km west), after it.
    const res = await call("/api/nowcast?place=Espoo", auth);
    expect(res.status).toBe(200);
    const espoo = (await res.json()) as Body;
    const share = (image: { kind: Kind[] }, kind: Kind) => image.kind.filter((k) => k === kind).length / image.kind.length;
    const before = await kinds(await call(body.nowcast.frames.forecast[11]!.url, auth));
    const after = await kinds(await call(espoo.nowcast.frames.forecast[11]!.url, auth));
    // An hour ahead, advection has left a fifth of the crop without data on its own ...
    expect(share(before, "none")).toBeGreaterThan(0.15);
    // ... and the regional forecast covers nearly all of it: as much rain as the view shows there.
    expect(share(after, "none")).toBeLessThan(0.03);
    const wide = espoo.nowcast.regional!.georef;
    const crop = espoo.nowcast.georef;
    const view = await kinds(await call(espoo.nowcast.regional!.frames.forecast[11]!.url, auth));
    const within = insideCrop(crop, wide);
    let inside = 0, rain = 0;
    view.kind.forEach((k, p) => {
      if (within(p)) {
        inside++;
        if (k === "rain") rain++;
      }
    });
    expect(Math.abs(share(after, "rain") - rain / inside)).toBeLessThan(0.1);
  });

  it("refuses bad names, unknown sources, old times never drawn, and anonymous callers", async () => {
    expect((await call("/api/regional/fmi/201609281755/forecast-01.png")).status).toBe(401);
    expect((await call("/api/regional/fmi/201609281755/secret.txt", auth)).status).toBe(400);
    expect((await call("/api/regional/nowhere/201609281755/forecast-01.png", auth)).status).toBe(400);
    expect((await call("/api/regional/fmi/2016-09-28/forecast-01.png", auth)).status).toBe(400);
    // More than an hour before the newest frame: only served if it was drawn then, and it was not.
    const old = await call("/api/regional/fmi/201609281200/forecast-01.png", auth);
    expect(old.status).toBe(404);
    expect(await r2Keys("regional/fmi/201609281200/")).toEqual([]);
  });
});
