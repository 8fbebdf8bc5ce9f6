import { describe, expect, it } from "vitest";
import { budgetOf, formatWeights, pageWeights } from "./page-weight";

// The global setup built the site (worker/cli/start.ts runs vite build), so the output is current.
describe("page weight", () => {
  it("keeps every route's first-view JavaScript within the budget", () => {
    const weights = pageWeights();
    console.log(`JavaScript per route (first view, from .svelte-kit/output):\n${formatWeights(weights)}`);
    expect(weights.map((w) => w.route)).toEqual(expect.arrayContaining(["/", "/app", "/popular", "/admin", "/signin", "/lab"]));
    for (const w of weights) expect(w.jsGzipBytes, `${w.route}: ${w.jsGzipBytes} bytes of gzipped JS`).toBeLessThanOrEqual(budgetOf(w.route));
  });
});
