// The shipped history: vega-datasets' data/weather.csv, daily NOAA observations
// of Seattle and New York 2012-2015 (U.S. Government work). Columns: location,
// date, precipitation (mm), temp_max, temp_min (°C), wind, weather (a label).
// The data package describes `wind` as km/h, but its values are NOAA's daily
// average wind speed (AWND) in m/s (Seattle's mean is 3.2), and that is how
// they are stored. Humidity is not in the data set and stays null.
import { z } from "zod";
import { VEGA_LABEL_CODES } from "../codes";
import { localMidnight } from "../time";
import { assertPlausible, describeZodError } from "./open-meteo";
import { PayloadError, type CityRef, type ObservationRecord } from "./types";

export const VEGA_COLUMNS = ["location", "date", "precipitation", "temp_max", "temp_min", "wind", "weather"] as const;

const num = z.coerce.number().finite();
export const vegaRowSchema = z.object({
  location: z.string().min(1),
  date: z.iso.date(),
  precipitation: num.min(0),
  temp_max: num,
  temp_min: num,
  wind: num.min(0),
  weather: z.enum(Object.keys(VEGA_LABEL_CODES) as [string, ...string[]]),
});
export type VegaRow = z.infer<typeof vegaRowSchema>;

/** Splits CSV text into lines of fields (RFC 4180 quoting), keeping each original line. */
export function csvLines(text: string): { line: string; fields: string[] }[] {
  const out: { line: string; fields: string[] }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
        else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") fields.push(field), (field = "");
      else field += ch;
    }
    if (quoted) throw new PayloadError("malformed_json", `unterminated quote in CSV line: ${line.slice(0, 80)}`);
    fields.push(field);
    out.push({ line, fields });
  }
  return out;
}

/** Parses and validates the CSV; `header` is the original header line, rows keep their original line. */
export function parseVegaCsv(text: string): { header: string; rows: (VegaRow & { line: string })[] } {
  const [head, ...body] = csvLines(text);
  if (!head || head.fields.join(",") !== VEGA_COLUMNS.join(",")) {
    throw new PayloadError("invalid_payload", `expected the header ${VEGA_COLUMNS.join(",")}`);
  }
  const rows = body.map(({ line, fields }, i) => {
    const parsed = vegaRowSchema.safeParse(Object.fromEntries(VEGA_COLUMNS.map((c, j) => [c, fields[j]])));
    if (!parsed.success) throw new PayloadError("invalid_payload", `line ${i + 2}: ${describeZodError(parsed.error)}`);
    if (parsed.data.temp_min > parsed.data.temp_max) throw new PayloadError("invalid_payload", `line ${i + 2}: temp_min above temp_max`);
    return { ...parsed.data, line };
  });
  return { header: head.line, rows };
}

/** The landed raw object of one city (a slice of the CSV's lines): one daily record per row. */
export function parseVegaObject(body: string, city: CityRef): ObservationRecord[] {
  const { rows } = parseVegaCsv(body);
  return rows.map((row) => {
    if (row.location !== city.name) throw new PayloadError("invalid_payload", `row for ${row.location} in ${city.name}'s object`);
    const midnight = localMidnight(row.date, city.timezone);
    return assertPlausible({
      observedAt: midnight.instantMs,
      utcOffsetSeconds: midnight.offsetSeconds,
      intervalSeconds: 86400,
      temperature: null,
      temperatureMin: row.temp_min,
      temperatureMax: row.temp_max,
      precipitation: row.precipitation,
      windSpeed: row.wind,
      relativeHumidity: null,
      weatherCode: VEGA_LABEL_CODES[row.weather] ?? null,
    });
  });
}
