import { defineConfig } from "vitest/config";

// The inference service's own tests, in Node (onnxruntime-node is a native addon: not in workerd).
export default defineConfig({
  test: {
    environment: "node",
    include: ["container/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
