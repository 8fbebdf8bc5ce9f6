import { defineConfig } from "vitest/config";

// Browser tests: Node drives Debian's chromium against the local product
// started by globalSetup exactly as `npm start` starts it.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
