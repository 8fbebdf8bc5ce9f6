// Real FMI composites for the tests (RADAR_DIR or ../shared/data/radar/fmi), read once per test file.
import { listCompositeFiles, radarDataDir, readComposites } from "../node/radarFiles.js";
import { expect } from "vitest";
import { RadarFormatError, type RadarFormatProblem, type RadarFrame } from "../src/index.js";

export const EVENT_DIR = `${radarDataDir()}/20160928`;

let event: Promise<RadarFrame[]> | undefined;

/** The 40 frames of 2016-09-28, ordered by obstime. */
export function eventFrames(): Promise<RadarFrame[]> {
  event ??= readComposites(EVENT_DIR);
  return event;
}

export async function eventFiles(): Promise<string[]> {
  return listCompositeFiles(EVENT_DIR);
}

/** The problem code a reader refuses the bytes with; fails the test when it accepts them or throws otherwise. */
export async function refusalOf(read: (bytes: Uint8Array) => Promise<RadarFrame>, bytes: Uint8Array): Promise<RadarFormatProblem> {
  try {
    await read(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(RadarFormatError);
    return (error as RadarFormatError).problem;
  }
  throw new Error("expected the reader to refuse the input");
}
