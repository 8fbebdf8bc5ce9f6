import { RadarFormatError } from "../io/errors.js";
import { BESSEL_1841, type Ellipsoid, WGS84 } from "./ellipsoid.js";
import type { Projection } from "./georeference.js";

const ELLIPSOIDS: Readonly<Record<string, Ellipsoid>> = { WGS84, bessel: BESSEL_1841 };

/**
 * A PROJ definition string ("+proj=laea +lat_0=55 ...") as one of the engine's projections.
 * Lengths (+a, +b, +R, +x_0, +y_0) are in `lengthUnitM` metres unless +units=m says otherwise:
 * KNMI writes its ellipsoid in km without +units. Anything the engine cannot project exactly is
 * refused, never approximated.
 */
export function projectionFromProj4(definition: string, lengthUnitM = 1): Projection {
  const params = new Map<string, string>();
  for (const word of definition.replace(/\0+$/, "").trim().split(/\s+/)) {
    const m = /^\+([a-z_0-9]+)(?:=(.*))?$/i.exec(word);
    if (!m) throw new RadarFormatError("bad-metadata", `projection '${definition}': '${word}' is not a +key=value parameter`);
    params.set(m[1]!, m[2] ?? "");
  }
  const units = params.get("units");
  if (units !== undefined && units !== "m" && units !== "km") throw new RadarFormatError("bad-metadata", `projection units '${units}' are not supported`);
  const unitM = units === "m" ? 1 : units === "km" ? 1000 : lengthUnitM;
  const number = (key: string, fallback?: number): number => {
    const text = params.get(key);
    if (text === undefined) {
      if (fallback !== undefined) return fallback;
      throw new RadarFormatError("bad-metadata", `projection '${definition}' lacks +${key}`);
    }
    const n = Number(text);
    if (!Number.isFinite(n)) throw new RadarFormatError("bad-metadata", `projection +${key}=${text} is not a number`);
    return n;
  };
  const ellipsoid = ((): Ellipsoid => {
    const named = params.get("ellps");
    if (named !== undefined) {
      const known = ELLIPSOIDS[named];
      if (!known) throw new RadarFormatError("bad-metadata", `projection ellipsoid '${named}' is not supported`);
      return known;
    }
    if (params.has("R")) return { semiMajorAxisM: number("R") * unitM, semiMinorAxisM: number("R") * unitM };
    const a = number("a") * unitM;
    const b = params.has("b") ? number("b") * unitM : params.has("rf") ? a * (1 - 1 / number("rf")) : a;
    if (!(a > 0 && b > 0 && b <= a)) throw new RadarFormatError("bad-metadata", `projection ellipsoid a=${a} b=${b} is not valid`);
    return { semiMajorAxisM: a, semiMinorAxisM: b };
  })();
  const falseEastingM = number("x_0", 0) * unitM;
  const falseNorthingM = number("y_0", 0) * unitM;
  const proj = params.get("proj");
  switch (proj) {
    case "stere": {
      if (number("lat_0") !== 90) throw new RadarFormatError("bad-metadata", "only north-polar stereographic grids are supported");
      if (falseEastingM !== 0 || falseNorthingM !== 0 || number("k_0", 1) !== 1) {
        throw new RadarFormatError("bad-metadata", "polar stereographic with false origin or scale factor is not supported");
      }
      return { kind: "polar-stereographic", centralLongitudeDeg: number("lon_0"), trueLatitudeDeg: number("lat_ts", 90), ellipsoid };
    }
    case "laea":
      return {
        kind: "lambert-azimuthal-equal-area",
        centralLatitudeDeg: number("lat_0"),
        centralLongitudeDeg: number("lon_0"),
        falseEastingM,
        falseNorthingM,
        ellipsoid,
      };
    case "somerc": {
      const shift = (params.get("towgs84") ?? "0,0,0").split(",").map(Number);
      if (shift.some((n) => !Number.isFinite(n)) || (shift.length !== 3 && !(shift.length === 7 && shift.slice(3).every((n) => n === 0)))) {
        throw new RadarFormatError("bad-metadata", "somerc +towgs84 must be three translations (rotations and scale zero)");
      }
      return {
        kind: "swiss-oblique-mercator",
        centralLatitudeDeg: number("lat_0"),
        centralLongitudeDeg: number("lon_0"),
        scaleFactor: number("k_0", 1),
        falseEastingM,
        falseNorthingM,
        ellipsoid,
        toWgs84M: [shift[0]!, shift[1]!, shift[2]!],
      };
    }
    default:
      throw new RadarFormatError("bad-metadata", `projection '${proj ?? "(none)"}' is not supported`);
  }
}
