/// <reference types="vite/client" />
// Sniffing on real files (vega-datasets as they ship): the dialect, the header, and each column's
// rung of the type ladder with its detected date or timestamp format; overrides and tokens.
import { describe, expect, it } from "vitest";
import weatherCsv from "../node_modules/vega-datasets/data/weather.csv?raw";
import stocksCsv from "../node_modules/vega-datasets/data/stocks.csv?raw";
import githubCsv from "../node_modules/vega-datasets/data/github.csv?raw";
import unemploymentTsv from "../node_modules/vega-datasets/data/unemployment.tsv?raw";
import { optionsSchema } from "../worker/etl/contract";
import { sniff, detectType } from "../worker/etl/sniff";
import { castValue, DEFAULT_FALSE_TOKENS, DEFAULT_NULL_TOKENS, DEFAULT_TRUE_TOKENS, tokensOf } from "../worker/etl/types";

const defaults = optionsSchema.parse({});
const typesOf = (text: string, options = defaults) => sniff(text, options, true).columns.map((c) => `${c.name}:${c.type}${c.format ? ` ${c.format}` : ""}`);
const tokens = tokensOf(DEFAULT_NULL_TOKENS, DEFAULT_TRUE_TOKENS, DEFAULT_FALSE_TOKENS);

describe("sniffing real files", () => {
  it("finds each column's type and format", () => {
    expect(typesOf(stocksCsv)).toEqual(["symbol:text", "date:date %b %d %Y", "price:real"]);
    expect(typesOf(githubCsv)).toEqual([`time:timestamp ${sniff(githubCsv, defaults, true).columns[0]!.format}`, "count:integer"]);
    expect(sniff(githubCsv, defaults, true).columns[0]!.type).toBe("timestamp");
    expect(typesOf(unemploymentTsv)).toEqual(["id:integer", "rate:real"]);
    expect(sniff(unemploymentTsv, defaults, true).delimiter).toBe("\t");
  });

  it("a file without a header gets column names and its first row counts as data", () => {
    const body = weatherCsv.split("\n").slice(1).join("\n");
    const record = sniff(body, defaults, true);
    expect(record.header).toBe(false);
    expect(record.columns.map((c) => c.name)).toEqual(["column_1", "column_2", "column_3", "column_4", "column_5", "column_6", "column_7"]);
    expect(record.columns[1]).toEqual({ name: "column_2", type: "date", format: "%Y-%m-%d" });
  });

  it("the ladder: boolean before integer before real before dates before text", () => {
    expect(detectType(["true", "false", "t"], tokens).type).toBe("boolean");
    expect(detectType(["1", "-2", "30"], tokens).type).toBe("integer");
    expect(detectType(["1", "2.5", "-3e2"], tokens).type).toBe("real");
    expect(detectType(["2015-02-28", "2015-03-01"], tokens)).toEqual({ type: "date", format: "%Y-%m-%d" });
    // 2015-02-30 is no date: the column stays text.
    expect(detectType(["2015-02-28", "2015-02-30"], tokens).type).toBe("text");
    expect(detectType(["13/01/2015", "01/02/2015"], tokens)).toEqual({ type: "date", format: "%d/%m/%Y" });
    // Mixed formats: the majority's is kept (the other values become rejects); a non-date makes it text.
    expect(detectType(["2015-01-01 10:00:00", "2015-01-01 12:00:00", "2015-01-01T11:30:00"], tokens)).toEqual({ type: "timestamp", format: "%Y-%m-%d %H:%M:%S" });
    expect(detectType(["2015-01-01 10:00:00", "soon"], tokens).type).toBe("text");
    expect(detectType(["2015-01-01 10:00:00", "2015-01-01 11:30:00.250"], tokens)).toEqual({ type: "timestamp", format: "%Y-%m-%d %H:%M:%S" });
    expect(castValue("2015-01-01 11:30:00.250", "timestamp", "%Y-%m-%d %H:%M:%S", tokens)).toBe("2015-01-01 11:30:00.250");
    expect(castValue("NA", "integer", null, tokens)).toBeNull();
  });

  it("every detected setting can be overridden, and the record says which were", () => {
    const options = optionsSchema.parse({ header: true, delimiter: ",", columns: { date: { type: "text" } }, trueTokens: ["sun"], falseTokens: ["rain"] });
    const record = sniff(weatherCsv, options, true);
    expect(record.columns.find((c) => c.name === "date")!.type).toBe("text");
    expect(record.overridden).toEqual(["delimiter", "header", "trueTokens", "falseTokens", "columns.date"]);
    expect(() => sniff(weatherCsv, optionsSchema.parse({ columns: { nope: { type: "text" } } }), true)).toThrow(/"nope"/);
  });
});
