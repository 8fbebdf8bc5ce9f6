import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["nowcast/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
