// The forecast record: what a nowcast predicted, kept beside its images (R2, under its prefix,
// so retention removes it with them) until its hour has been observed and it is scored.
// The fields themselves are not kept: per pixel and lead only how many of the verified
// thresholds the forecast rate exceeds (one byte, run-length coded), which is all a contingency table needs,
// and at the place the series and chances the person was shown.
import { rainRateToDbz, type ZRelation, zrForSource } from "../../nowcast/src/convert";
import type { NowcastResult } from "../../nowcast/src/models/model";
import type { PointForecast } from "../../nowcast/src/point";
import { z } from "zod";
import { experimentalLabelSchema } from "../inference/contract";
import type { NowcastPayload } from "../nowcast/payload";

/** Rain rates the service verifies itself at (mm/h); an event is a rate strictly above one. */
export const VERIFIED_THRESHOLDS_MM_PER_HOUR = [0.5, 1, 5] as const;
/** Class of a pixel without data. */
export const NO_DATA_CLASS = 255;
export const FORECAST_RECORD_NAME = "forecast-record.bin";
const VERSION = 1;

/**
 * Per pixel, how many thresholds the rate exceeds (0 .. thresholds), NO_DATA_CLASS where the
 * field has no value. Compared in dBZ: the same as comparing rates, the relation being monotonic.
 */
export function exceedanceClasses(dbz: Float32Array, zr: ZRelation, out = new Uint8Array(dbz.length)): Uint8Array {
  const limits = VERIFIED_THRESHOLDS_MM_PER_HOUR.map((t) => rainRateToDbz(t, zr));
  for (let i = 0; i < dbz.length; i++) {
    const v = dbz[i]!;
    if (v !== v) {
      out[i] = NO_DATA_CLASS;
      continue;
    }
    let k = 0;
    while (k < limits.length && v > limits[k]!) k++;
    out[i] = k;
  }
  return out;
}

const headerSchema = z.object({
  version: z.literal(VERSION),
  source: z.string(),
  radarTimeMs: z.number().int(),
  stepMinutes: z.number().positive(),
  leads: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The crop's grid origin: the observed frames are cut the same way, or the record is not scored. */
  westM: z.number(),
  northM: z.number(),
  point: z.object({ col: z.number().int(), row: z.number().int(), radiusPx: z.number().int().nonnegative() }),
  /** The served point series, lead 0 (the analysis) first; null where it had no value. */
  seriesMmPerHour: z.array(z.number().nullable()),
  /** Per lead (1 .. leads) and verified threshold, the chance shown of exceeding it at the place. */
  pointChance: z.array(z.array(z.number().min(0).max(1).nullable())),
  /** What the sentence said: minutes to rain of the events' threshold, null = no rain in the hour. */
  startsInMinutes: z.number().int().nullable(),
  eventThresholdMmPerHour: z.number(),
  /** The model's label when it is experimental, so its scores are shown as such. */
  experimental: experimentalLabelSchema.nullable(),
});
export type ForecastRecordHeader = z.infer<typeof headerSchema>;

export interface ForecastRecord {
  header: ForecastRecordHeader;
  /** leads x width x height classes (exceedanceClasses), lead 1 first. */
  classes: Uint8Array;
}

/**
 * Run-length code of the classes: a class byte, then the run's length as a LEB128 varint. Hand-written
 * because it is on the request path: CompressionStream gzip of the 786 KB of a 256 x 256 x 12 record
 * took ~190 ms in Node on the shared dev machine, the whole record coded so ~60 ms (180 KB for a
 * Helsinki crop of 2016-09-28 17:00), next to ~1 s for the optical-flow run itself.
 */
function runLengthEncode(classes: Uint8Array): Uint8Array {
  const out = new Uint8Array(classes.length * 2 + 16);
  let n = 0;
  for (let i = 0; i < classes.length; ) {
    const value = classes[i]!;
    let run = 1;
    while (i + run < classes.length && classes[i + run] === value) run++;
    i += run;
    out[n++] = value;
    while (run >= 0x80) {
      out[n++] = (run & 0x7f) | 0x80;
      run >>>= 7;
    }
    out[n++] = run;
  }
  return out.subarray(0, n);
}

function runLengthDecode(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < bytes.length; ) {
    const value = bytes[i++]!;
    let run = 0;
    let shift = 0;
    for (;;) {
      if (i >= bytes.length) throw new ForecastRecordError("forecast record is truncated");
      const b = bytes[i++]!;
      run += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    if (at + run > length) throw new ForecastRecordError("forecast record holds too many pixels");
    out.fill(value, at, at + run);
    at += run;
  }
  if (at !== length) throw new ForecastRecordError("forecast record holds the wrong number of pixels");
  return out;
}

/** Serializes a record: a little-endian u32 header length, the header as JSON, the run-length coded classes. */
export async function encodeForecastRecord(header: Omit<ForecastRecordHeader, "version">, forecastDbz: readonly Float32Array[], zr: ZRelation): Promise<Uint8Array> {
  const json = new TextEncoder().encode(JSON.stringify({ version: VERSION, ...header }));
  const pixels = header.width * header.height;
  if (forecastDbz.length !== header.leads || forecastDbz.some((f) => f.length !== pixels)) throw new RangeError("forecast fields do not match the record's grid");
  const classes = new Uint8Array(header.leads * pixels);
  forecastDbz.forEach((field, k) => exceedanceClasses(field, zr, classes.subarray(k * pixels, (k + 1) * pixels)));
  const runs = runLengthEncode(classes);
  const bytes = new Uint8Array(4 + json.length + runs.length);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  bytes.set(runs, 4 + json.length);
  return bytes;
}

export class ForecastRecordError extends Error {
  override readonly name = "ForecastRecordError";
}

export function decodeForecastRecord(bytes: Uint8Array): ForecastRecord {
  if (bytes.length < 4) throw new ForecastRecordError("forecast record is truncated");
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  if (4 + length > bytes.length) throw new ForecastRecordError("forecast record header is truncated");
  const parsed = headerSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))));
  if (!parsed.success) throw new ForecastRecordError(`forecast record header: ${parsed.error.issues[0]?.message}`);
  const header = parsed.data;
  return { header, classes: runLengthDecode(bytes.subarray(4 + length), header.leads * header.width * header.height) };
}

/** The record of a nowcast about to be stored: its forecast fields and what its place was shown. */
export function forecastRecordOf(
  result: NowcastResult,
  point: Pick<PointForecast, "col" | "row" | "radiusPx">,
  payload: Pick<NowcastPayload, "source" | "series" | "events" | "probability" | "experimental">,
): Promise<Uint8Array> {
  const series = payload.series.map((p) => p.mmPerHour);
  const probability = payload.probability;
  // An ensemble's chance of exceeding each threshold where it has one; otherwise the series' yes or no.
  const pointChance = result.frames.map((_, i) =>
    VERIFIED_THRESHOLDS_MM_PER_HOUR.map((t) => {
      const at = probability?.thresholdsMmPerHour.indexOf(t) ?? -1;
      if (probability && at >= 0) return probability.series[i]?.exceedance[at] ?? null;
      const rate = series[i + 1];
      return rate === null || rate === undefined ? null : rate > t ? 1 : 0;
    }),
  );
  return encodeForecastRecord(
    {
      source: payload.source,
      radarTimeMs: result.analysisTime.getTime(),
      stepMinutes: result.stepMinutes,
      leads: result.frames.length,
      width: result.width,
      height: result.height,
      westM: result.georef.westM,
      northM: result.georef.northM,
      point: { col: point.col, row: point.row, radiusPx: point.radiusPx },
      seriesMmPerHour: series,
      pointChance,
      startsInMinutes: payload.events.startsInMinutes,
      eventThresholdMmPerHour: payload.events.thresholdMmPerHour,
      experimental: payload.experimental ?? null,
    },
    result.frames,
    zrForSource(payload.source),
  );
}
