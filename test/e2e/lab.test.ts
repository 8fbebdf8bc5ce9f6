import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, launch, overflowsHorizontally, PHONE, screenshot, signIn } from "./browser";

// The synthetic-data lab in chromium: a shipped real table in, metadata reviewed and edited,
// synthesizers run as queue jobs and watched until done, the scores and their breakdowns read,
// the winner's data downloaded; a bad upload refused with nothing kept.
const baseUrl = inject("baseUrl");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage({ viewport: DESKTOP });
  await signIn(page, baseUrl);
});
afterAll(async () => browser?.close());

async function datasetCount(): Promise<number> {
  const res = await page.request.get(`${baseUrl}/api/synth/datasets`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { datasets: unknown[] }).datasets.length;
}

describe("the synthetic-data lab in the browser", () => {
  let datasetUrl = "";

  it("takes weather.csv from the shipped tables and shows the metadata SDV's rules detect", async () => {
    await page.goto(`${baseUrl}/lab`);
    const shipped = page.locator("form", { has: page.locator('input[name=dataset][value="vega-datasets|weather.csv"]') });
    await shipped.locator('input[value="vega-datasets|weather.csv"]').check();
    await shipped.getByRole("button", { name: "Use this table" }).click();
    await page.waitForURL(/\/lab\/datasets\/[^/]+$/);
    datasetUrl = page.url();
    // weather.csv: 2,922 days of Seattle and New York (location, date, precipitation, temp_max, temp_min, wind, weather).
    await expect(page.textContent("main")).resolves.toContain("2,922 rows × 7 columns");
    expect(await page.getByLabel("type of date").inputValue()).toBe("datetime");
    expect(await page.getByLabel("type of location").inputValue()).toBe("categorical");
    expect(await page.getByLabel("type of weather").inputValue()).toBe("categorical");
    expect(await page.getByLabel("type of temp_max").inputValue()).toBe("numerical");
    await screenshot(page, "lab-dataset-desktop");
    // Changing a type shows that type's details; changing it back restores the detected ones.
    await page.getByLabel("type of wind").selectOption("pii");
    await page.getByLabel("PII kind of wind").waitFor({ timeout: 5_000 });
    expect(await page.getByLabel("representation of wind").count()).toBe(0);
    await page.getByLabel("type of wind").selectOption("numerical");
    await page.getByLabel("representation of wind").waitFor({ timeout: 5_000 });
    expect(await page.getByLabel("representation of wind").inputValue()).toBe("Float");
  });

  it("renders the detected types in the server's HTML, before any script runs", async () => {
    // Without JS (or before hydration) the form is the server's HTML; a save from it must send
    // the detected types, not every select's first option.
    const noScript = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, storageState: await page.context().storageState() });
    try {
      const bare = await noScript.newPage();
      await bare.goto(datasetUrl);
      expect(await bare.getByLabel("type of date").inputValue()).toBe("datetime");
      expect(await bare.getByLabel("type of location").inputValue()).toBe("categorical");
      expect(await bare.getByLabel("format of date").inputValue()).toBe("%Y-%m-%d");
    } finally {
      await noScript.close();
    }
  });

  it("saves an edited metadata: an ML-efficacy target", async () => {
    await page.locator("select[name=target]").selectOption("weather");
    await page.getByRole("button", { name: "Save metadata" }).click();
    await expect(page.getByRole("status").textContent()).resolves.toContain("Metadata saved.");
    await page.goto(datasetUrl);
    expect(await page.locator("select[name=target]").inputValue()).toBe("weather");
  });

  it("runs the synthesizers, shows them advancing to done, and names a winner with the reason for each verdict", async () => {
    await page.locator("input[name=seed]").fill("20261202");
    await page.getByRole("button", { name: "Start the run" }).click();
    await page.waitForURL(/\/lab\/runs\/[^/]+$/);
    // Live: the page polls the run; the status turns from running to done without a reload.
    await page.waitForFunction(() => document.querySelector("[data-testid=run-status]")?.textContent === "done", null, { timeout: 240_000 });
    const rows = page.locator("tbody tr");
    const jobs = await rows.count();
    expect(jobs).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < jobs; i++) {
      const row = rows.nth(i);
      await expect(row.locator(".phase").textContent()).resolves.toBe("done");
      const quality = Number(await row.locator("td").nth(2).textContent());
      expect(quality).toBeGreaterThan(0);
      expect(quality).toBeLessThanOrEqual(1);
    }
    // The report's reasons: one per synthesizer, the winner's saying why it won.
    const verdicts = page.getByTestId("verdicts").locator("li");
    await expect(verdicts.count()).resolves.toBe(jobs);
    for (let i = 0; i < jobs; i++) expect((await verdicts.nth(i).textContent())!.split(": ").slice(1).join(": ").trim().length).toBeGreaterThan(10);
    const winner = (await page.getByTestId("winner").textContent())?.trim();
    expect(winner && winner.length > 0).toBe(true);
    await expect(page.locator("tr.won").count()).resolves.toBe(1);
    expect(await page.locator("tr.won td").first().textContent()).toContain(winner!);
    expect(await page.getByTestId("verdicts").locator("li.won").textContent()).toMatch(new RegExp(`^${winner!.replace(/[()]/g, "\\$&")}: won`));
  });

  it("shows the winner's real and synthetic histograms per column and the pair heatmap", async () => {
    // One histogram per modelled column (the seven of weather.csv), and a cell per pair below the diagonal.
    await page.locator("figure svg").first().waitFor();
    await expect(page.locator("figure").count()).resolves.toBe(7);
    const firstBars = page.locator("figure").first().locator("rect");
    expect(await firstBars.count()).toBeGreaterThanOrEqual(4);
    await expect(page.locator('svg[aria-label="Column pair trend scores"] rect').count()).resolves.toBe((7 * 6) / 2);
    await screenshot(page, "lab-run-desktop");
    const phone = await browser.newPage({ viewport: PHONE, isMobile: true });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(page.url());
    await phone.locator("figure svg").first().waitFor();
    expect(await overflowsHorizontally(phone)).toBe(false);
    await screenshot(phone, "lab-run-phone");
    await phone.close();
  });

  it("downloads the winner's synthetic data as a CSV with the dataset's columns", async () => {
    const href = await page.getByTestId("download-winner").getAttribute("href");
    const res = await page.request.get(`${baseUrl}${href}`);
    expect(res.status()).toBe(200);
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]!.split(",").sort()).toEqual(["date", "location", "precipitation", "temp_max", "temp_min", "weather", "wind"]);
    expect(lines.length - 1).toBeGreaterThan(100);
  });

  it("refuses an upload with a header only, says why, and keeps nothing", async () => {
    const before = await datasetCount();
    await page.goto(`${baseUrl}/lab`);
    await page.locator("input[type=file]").setInputFiles({ name: "header-only.csv", mimeType: "text/csv", buffer: Buffer.from("a,b,c\n") });
    await page.getByRole("button", { name: "Upload and detect metadata" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(10);
    expect(new URL(page.url()).pathname).toBe("/lab");
    expect(await datasetCount()).toBe(before);
  });
});
