import { beforeAll, describe, expect, it } from "vitest";
import { eligibleStarts, opticalFlow, persistence, type RadarFrame, scoreNowcasts } from "../src/index.js";
import { eventFrames } from "./fixtures.js";

let frames: RadarFrame[];

beforeAll(async () => {
  frames = await eventFrames();
});

describe("start times of the verification protocol", () => {
  it("has 26 starts with 3 past and 12 future frames among 40", () => {
    const { stepMinutes, sequences } = eligibleStarts(frames, 3, 12);
    expect(stepMinutes).toBe(5);
    expect(sequences).toHaveLength(26);
    expect(sequences[0]!.past.map((frame) => frame.obstime.toISOString())).toEqual([
      "2016-09-28T14:45:00.000Z",
      "2016-09-28T14:50:00.000Z",
      "2016-09-28T14:55:00.000Z",
    ]);
    expect(sequences[25]!.future.at(-1)!.obstime.toISOString()).toBe("2016-09-28T18:00:00.000Z");
  });

  it("matches frames by time, so a missing file removes the starts that need it", () => {
    const withGap = [...frames.slice(0, 20), ...frames.slice(21)].reverse();
    expect(eligibleStarts(withGap, 3, 12).sequences).toHaveLength(11);
  });
});

describe("skill on 2016-09-28, full composite", () => {
  it("optical flow beats persistence in CSI at 1 mm/h from 15 minutes on", () => {
    const options = { stride: 2, clock: () => 0 };
    const flow = scoreNowcasts(opticalFlow, frames, options);
    const still = scoreNowcasts(persistence, frames, options);
    expect(flow.analysisTimes).toHaveLength(13);
    expect(flow.msPerNowcast).toEqual(new Array(13).fill(0));
    const csi = (leads: typeof flow.leads, minutes: number) =>
      leads.find((lead) => lead.leadMinutes === minutes)!.categorical.find((c) => c.thresholdMmPerHour === 1)!.csi;
    for (let minutes = 15; minutes <= 60; minutes += 5) {
      expect(csi(flow.leads, minutes)).toBeGreaterThan(csi(still.leads, minutes));
    }
    expect(csi(flow.leads, 30)).toBeGreaterThan(csi(still.leads, 30) + 0.05);
  });
});
