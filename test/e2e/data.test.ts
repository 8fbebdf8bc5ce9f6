// Data jobs in the browser against the local product (npm start): a job over vega-datasets'
// weather.csv from the local replay server, created from the page; its run's steps advance live to
// done; the dataset page shows the schema, sample rows and a bar chart built without SQL whose bars
// are the per-city averages the query returns. Screenshots at desktop and phone sizes.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, launch, PHONE, screenshot, signIn } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, baseUrl);
});
afterAll(async () => browser?.close());

describe("data jobs", () => {
  it("creates a job from the page, watches its steps finish, and charts the dataset", async () => {
    await page.goto(`${baseUrl}/data`);
    await page.getByRole("button", { name: "weather.csv", exact: true }).click();
    await page.getByLabel("Dataset", { exact: true }).fill(`weather-e2e-${Date.now()}`);
    await page.getByRole("button", { name: "Create and run" }).click();
    await page.waitForURL(/\/data\/runs\//);
    await page.locator('[data-testid="run-status"]').filter({ hasText: /succeeded|failed/ }).waitFor({ timeout: 60_000 });
    expect(await page.textContent('[data-testid="run-status"]')).toBe("succeeded");
    for (const step of ["fetch", "sniff", "transform", "load", "export"]) expect(await page.getAttribute(`[data-testid="step-${step}"]`, "data-state")).toBe("done");
    await screenshot(page, "data-run");
    await page.setViewportSize(PHONE);
    await screenshot(page, "data-run-phone");
    await page.setViewportSize(DESKTOP);

    await page.getByRole("link", { name: "dataset" }).click();
    await page.waitForURL(/\/data\/datasets\//);
    expect(await page.textContent("main")).toContain("2,922 rows");
    await page.getByRole("combobox", { name: "Chart", exact: true }).selectOption("bar");
    await page.getByRole("combobox", { name: "Group by", exact: true }).selectOption("location");
    await page.getByRole("combobox", { name: "Measure", exact: true }).selectOption("avg");
    await page.getByRole("combobox", { name: "of", exact: true }).selectOption("temp_max");
    await page.getByRole("button", { name: "Draw" }).click();
    const bars = page.locator(".query-chart rect.bar");
    await bars.first().waitFor();
    expect(await bars.count()).toBe(2);
    // The bars' titles are the rows the aggregate returned.
    const titles = await page.$$eval(".query-chart rect.bar title", (ts) => ts.map((t) => t.textContent));
    const cells = await page.$$eval(".result tbody tr", (rows) => rows.map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent)));
    expect(titles.map((t) => t!.split(": ")[0])).toEqual(cells.map((c) => c[0]));
    titles.forEach((t, i) => expect(Number(t!.split(": ")[1])).toBeCloseTo(Number(cells[i]![1]), 1));
    await screenshot(page, "data-dataset");
    await page.setViewportSize(PHONE);
    await screenshot(page, "data-dataset-phone");
  });
});
