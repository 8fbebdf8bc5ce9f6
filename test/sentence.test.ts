import { describe, expect, it } from "vitest";
import { nowcastSentence, sentenceOf } from "../worker/nowcast/sentence";
import { categoryOf, RAIN_CATEGORIES } from "../worker/nowcast/rain-categories";
import { legend } from "../worker/render/colour-scale";

// A point series every 5 minutes from the radar time, the way the nowcast gives it.
const series = (rates: (number | null)[]) => rates.map((mmPerHour, k) => ({ minutes: k * 5, mmPerHour }));
const chance = (ps: (number | null)[]) => ps.map((chanceOfRain, k) => ({ minutes: k * 5, chanceOfRain }));
const clock = (m: number) => `14:${String(m).padStart(2, "0")}`;

describe("rain categories", () => {
  it("name drizzle under 0.5 mm/h as rain, and nothing under 0.1", () => {
    expect(categoryOf(0.05)).toBeNull();
    expect(categoryOf(0.1)!.words).toBe("light drizzle");
    expect(categoryOf(0.39)!.words).toBe("light drizzle");
    expect(categoryOf(0.5)!.words).toBe("light rain");
    expect(categoryOf(12)!.words).toBe("heavy rain");
  });

  it("are the legend's: every colour step names the category its lower bound falls in", () => {
    const steps = legend().steps;
    expect(steps[0]!.fromMmPerHour).toBe(RAIN_CATEGORIES[0]!.fromMmPerHour);
    for (const step of steps) expect(step.categoryWords).toBe(categoryOf(step.fromMmPerHour)!.words);
    expect(new Set(steps.map((s) => s.category)).size).toBe(RAIN_CATEGORIES.length);
  });
});

describe("the nowcast sentence", () => {
  it("names light drizzle (0.10-0.39 mm/h) instead of calling the hour dry", () => {
    const text = nowcastSentence({ series: series([0.1, 0.2, 0.39, 0.3, 0.25, 0.2, 0.15, 0.12, 0.11, 0.05, 0, 0, 0]), chance: null, nowMinutes: 0, clock: null });
    expect(text).toBe("Light drizzle for the next 45 min.");
  });

  it("says the chance and the start of rain to come, in clock times when a zone is known", () => {
    const input = {
      series: series([0, 0, 0, 0, 0.6, 1.2, 0.8, 0, 0, 0, 0, 0, 0]),
      chance: chance([0, 0.1, 0.2, 0.4, 0.7, 0.8, 0.6, 0.3, 0.1, 0, 0, 0, 0]),
      nowMinutes: 0,
    };
    expect(nowcastSentence({ ...input, clock })).toBe("80 % chance of light rain from 14:20, until 14:35.");
    expect(nowcastSentence({ ...input, clock: null })).toBe("80 % chance of light rain in 20 min, for 15 min.");
  });

  it("puts events in time order: rain now, dry, then rain again", () => {
    const text = nowcastSentence({
      series: series([0.8, 0.7, 0.6, 0, 0, 0, 0, 3, 4, 2.5, 0, 0, 0]),
      chance: chance([1, 0.9, 0.8, 0.3, 0.2, 0.3, 0.5, 0.7, 0.6, 0.5, 0.2, 0.1, 0]),
      nowMinutes: 0,
      clock,
    });
    expect(text).toBe("Light rain now, until 14:15, then 70 % chance of moderate rain again from 14:35, until 14:50.");
    const times = [...text.matchAll(/14:(\d\d)/g)].map((m) => Number(m[1]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("names a heavier peak after rain that has started", () => {
    const text = nowcastSentence({ series: series([0.3, 0.4, 2, 12, 6, 1, 0.2, 0, 0, 0, 0, 0, 0]), chance: null, nowMinutes: 0, clock });
    expect(text).toBe("Light drizzle now, heavy rain around 14:15, dry from 14:35.");
  });

  it("counts from now, not from the radar time, when the radar is minutes old", () => {
    // Radar from 16 minutes ago: the shower of leads 0-10 is over by now.
    const rates = [2, 1, 0.6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(nowcastSentence({ series: series(rates), chance: null, nowMinutes: 16, clock: null })).toBe("No rain expected in the next 44 min.");
    // 7 minutes: the lead of 5 minutes holds now; the rain ends at the 15-minute lead.
    expect(nowcastSentence({ series: series(rates), chance: null, nowMinutes: 7, clock: null })).toBe("Light rain for the next 8 min.");
  });

  it("mentions rain close by on a dry hour when the chance is worth saying", () => {
    const text = nowcastSentence({
      series: series(Array(13).fill(0)),
      chance: chance([0, 0, 0.1, 0.3, 0.4, 0.2, 0, 0, 0, 0, 0, 0, 0]),
      nowMinutes: 0,
      clock,
    });
    expect(text).toBe("Dry for the next hour, with a 40 % chance of rain from 14:15.");
  });

  it("says a nowcast read after its hour is out of date, never 'for the next 0 min'", () => {
    const input = { series: series([2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5]), chance: chance(Array(13).fill(0.3)) };
    expect(nowcastSentence({ ...input, nowMinutes: 60, clock: null })).toBe("Out of date: the hour this forecast covered is over.");
    expect(nowcastSentence({ ...input, nowMinutes: 130, clock: (m) => `${14 + Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}` })).toBe("Out of date: this forecast ran until 15:00.");
    // Five minutes of forecast left is still a forecast.
    expect(nowcastSentence({ ...input, nowMinutes: 55, clock: null })).toBe("Moderate rain for the next 5 min.");
  });

  it("sentenceOf says clock times in the zone asked for", () => {
    const payload = { radarTime: "2016-09-28T17:55:00.000Z", series: series([0, 0, 0.2, 0.2, 0, 0, 0, 0, 0, 0, 0, 0, 0]).map((p) => ({ ...p, time: "", dbz: null })) };
    expect(sentenceOf(payload, Date.parse(payload.radarTime), "Europe/Helsinki")).toBe("Light drizzle from 21:05, until 21:15.");
    expect(sentenceOf(payload, Date.parse(payload.radarTime), null)).toBe("Light drizzle in 10 min, for 10 min.");
  });
});
