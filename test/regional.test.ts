// The regional view: the whole FMI composite around a nowcast's crop, observed and forecast, at
// the nowcast's radar time, on real frames of 2016-09-28.
import { convertIndexedToRgb, decode as decodePng } from "fast-png";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { dbzToRainRate, latLonToPixel, zrForSource, type Georeference } from "../nowcast/src/index";
import { nowcastResponseSchema } from "../worker/nowcast/payload";
import { NO_DATA_INDEX, RAIN_PALETTE } from "../worker/render/colour-scale";
import { bearer, call, createUser, r2Keys, tokenFor, until } from "./support/helpers";
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
    expect(keys).toContain("regional/fmi/201609281755/dbz.bin.gz");
  });

  it("fills a crop's forecast beyond its own reach from the regional forecast, so the forecast area shows the rain around it", async () => {
    await call(`/api/regional/fmi/201609281755/forecast-12.png`, auth);
    // beforeAll's Helsinki nowcast ran before the view existed; Espoo's (15 km west), after it
    // (fresh: its own run, not the regional answer a place with no nowcast gets at once).
    const res = await call("/api/nowcast?place=Espoo&fresh=1", auth);
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

  it("answers a place with no nowcast of its own at once from the regional forecast, then with its own", async () => {
    await call(`/api/regional/fmi/201609281755/forecast-12.png`, auth);
    const res = await call("/api/nowcast?place=Porvoo", auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("HIT");
    const json = await res.json();
    const answer = nowcastResponseSchema.parse(json);
    expect(answer.cache.reason).toBe("regional");
    expect(answer.cache.behindSeconds).toBe(0);
    const { nowcast } = answer;
    // Its map is the regional view: the whole grid, the view's own images, no GIF.
    expect([nowcast.georef.width, nowcast.georef.height]).toEqual([380, 613]);
    expect(nowcast.frames.forecast.map((f) => f.url)).toEqual(Array.from({ length: 12 }, (_, i) => `/api/regional/fmi/201609281755/forecast-${String(i + 1).padStart(2, "0")}.png`));
    expect(nowcast.frames.observed).toHaveLength(12);
    expect(nowcast.frames.observed.at(-1)!.time).toBe("2016-09-28T17:55:00.000Z");
    expect(nowcast.animation.url).toBeNull();
    expect(nowcast.neighbourhoodKm).toBe(6);

    // The series is the stored values' rain rate averaged over the 3 x 3 pixels (6 km) at the place.
    const object = await env.FRAMES.get("regional/fmi/201609281755/dbz.bin.gz");
    const bytes = new Uint8Array(await new Response(object!.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
    const wide = nowcast.georef;
    const size = wide.width * wide.height;
    expect(bytes.length).toBe(13 * size);
    const { x, y } = latLonToPixel(wide, nowcast.location.lat, nowcast.location.lon);
    const zr = zrForSource("fmi");
    const expected = Array.from({ length: 13 }, (_, field) => {
      let sum = 0, n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const byte = bytes[field * size + (Math.floor(y) + dy) * wide.width + Math.floor(x) + dx]!;
          if (byte === 255) continue;
          const dbz = byte / 2 - 32;
          sum += dbz <= -32 ? 0 : dbzToRainRate(dbz, zr);
          n++;
        }
      return n >= 5 ? sum / n : null;
    });
    expect(nowcast.series).toHaveLength(13);
    nowcast.series.forEach((point, k) => {
      if (expected[k] === null) expect(point.mmPerHour).toBeNull();
      else expect(point.mmPerHour!).toBeCloseTo(expected[k]!, 1);
    });
    // Rain at Porvoo in that hour, so the comparison is of rain, not of zeros.
    expect(Math.max(...expected.map((v) => v ?? 0))).toBeGreaterThan(0.1);

    // Its own nowcast runs meanwhile: soon a hit on the 1 km crop.
    const own = await until(async () => {
      const again = await call("/api/nowcast?place=Porvoo", auth);
      const body = (await again.json()) as { cache: { reason: string }; nowcast: { georef: Georeference } };
      return body.cache.reason === "hit" ? body : null;
    }, "Porvoo's own nowcast");
    expect([own.nowcast.georef.width, own.nowcast.georef.height]).toEqual([256, 256]);
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
