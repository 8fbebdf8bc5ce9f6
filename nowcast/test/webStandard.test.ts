import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

describe("the library", () => {
  it("uses no Node-only API, so it runs in Workers and browsers too", async () => {
    const files = (await readdir(SRC, { recursive: true })).filter((file) => file.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = await readFile(join(SRC, file), "utf8");
      expect(source, file).not.toMatch(/from\s+["']node:|require\(|\bBuffer\b|\bprocess\.|__dirname/);
    }
  });
});
