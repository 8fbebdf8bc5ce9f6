import { spawnSync } from "node:child_process";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { canvasPixels, DESKTOP, launch, overflowsHorizontally, PHONE, screenshot, signIn } from "./browser";

const baseUrl = inject("baseUrl");
const stateDir = inject("stateDir");
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
  await signIn(page, baseUrl);
});
afterAll(async () => browser?.close());

const sentencePattern = /^(No rain expected in the next hour\.|Rain (now|starting in about \d+ min), .+\.)$/;

async function frameIndex(p: Page): Promise<number> {
  return Number(await p.getByTestId("radar-map").getAttribute("data-frame-index"));
}

async function waitForFrames(p: Page): Promise<void> {
  await p.waitForFunction(() => {
    const map = document.querySelector("[data-testid=radar-map]");
    return map !== null && Number(map.getAttribute("data-loaded")) >= 24;
  }, undefined, { timeout: 30_000 });
}

describe("the nowcast view", () => {
  it("searches with autocomplete, moves through the suggestions with the keyboard and opens a place", async () => {
    await page.goto(`${baseUrl}/app`);
    const input = page.getByRole("combobox", { name: "Place" });
    await input.click();
    await input.pressSequentially("Helsin", { delay: 30 });
    const listbox = page.getByRole("listbox", { name: "Suggested places" });
    await listbox.getByRole("option").first().waitFor();
    expect(await listbox.getByRole("option").first().textContent()).toContain("Helsinki");
    await input.press("ArrowDown");
    expect(await input.getAttribute("aria-activedescendant")).toBe("place-option-0");
    expect(await listbox.getByRole("option").first().getAttribute("aria-selected")).toBe("true");
    await input.press("Enter");
    await page.waitForURL(`${baseUrl}/app?place=Helsinki`);
    await page.getByTestId("sentence").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("place-heading").textContent()).toBe("Helsinki, FI");
  });

  it("shows the sentence, the minute-by-minute chart, the legend and the cache status", async () => {
    expect((await page.getByTestId("sentence").textContent())?.trim()).toMatch(sentencePattern);
    const chart = page.getByTestId("rain-chart");
    expect(await chart.locator("svg path.line").count()).toBeGreaterThan(0);
    expect(await chart.textContent()).toContain("interpolated to each minute for display");
    expect(await chart.locator("svg text.unit").textContent()).toBe("mm/h");
    const legend = page.getByTestId("legend");
    expect(await legend.textContent()).toContain("Rain rate (mm/h)");
    expect(await legend.locator("li").count()).toBeGreaterThanOrEqual(10);
    expect(await page.getByTestId("cache-status").textContent()).toMatch(/computed .*radar frame of \d\d:\d\d/);
    expect(await page.getByTestId("radar-alt").getAttribute("aria-label")).toMatch(/^Radar map of the \d+ km around Helsinki/);
  });

  it("animates the map: the canvas pixels change between frames, observed then forecast", async () => {
    await waitForFrames(page);
    expect(await page.getByTestId("radar-map").getAttribute("data-playing")).toBe("true");
    const before = await canvasPixels(page);
    const index = await frameIndex(page);
    await page.waitForFunction((i) => Number(document.querySelector("[data-testid=radar-map]")?.getAttribute("data-frame-index")) !== i, index);
    expect(await canvasPixels(page)).not.toBe(before);
    // The forecast hour follows the observed hour, each clearly marked.
    await page.getByTestId("frame-kind").filter({ hasText: "Forecast" }).waitFor({ timeout: 20_000 });
    await screenshot(page, "nowcast-desktop");
  });

  it("pauses, and the slider shows any frame with its time and kind", async () => {
    await page.getByTestId("play-toggle").click();
    expect(await page.getByTestId("radar-map").getAttribute("data-playing")).toBe("false");
    const slider = page.getByTestId("time-slider");
    await slider.fill("0");
    expect(await page.getByTestId("frame-kind").textContent()).toBe("Observed");
    const first = await canvasPixels(page);
    await slider.fill("23");
    expect(await frameIndex(page)).toBe(23);
    expect(await page.getByTestId("frame-kind").textContent()).toBe("Forecast");
    expect(await page.getByTestId("frame-time").textContent()).toContain("in 60 min");
    expect(await page.getByTestId("radar-alt").getAttribute("aria-label")).toContain("forecast for");
    expect(await canvasPixels(page)).not.toBe(first);
    // The chart marks the map's time.
    expect(await page.getByTestId("chart-cursor").count()).toBe(1);
  });

  it("restores the view from the shareable URL", async () => {
    const url = page.url();
    const sentence = await page.getByTestId("sentence").textContent();
    const other = await context.newPage();
    await other.goto(url);
    await other.getByTestId("sentence").waitFor();
    expect(await other.getByTestId("place-heading").textContent()).toBe("Helsinki, FI");
    expect(await other.getByTestId("sentence").textContent()).toBe(sentence);
    expect(await other.getByRole("combobox", { name: "Place" }).inputValue()).toBe("Helsinki");
    expect(await other.getByTestId("cache-status").textContent()).toContain("Served from the cache");
    await other.close();
  });

  it("asks for a fresh run with visible progress, and says when the nowcast is already from the newest frame", async () => {
    const id = await page.getByTestId("nowcast").getAttribute("data-nowcast-id");
    await page.getByTestId("fresh-run").click();
    await page.getByTestId("fresh-progress").waitFor({ state: "visible", timeout: 5_000 });
    // The shown nowcast already comes from the newest frame, so the service runs nothing and says so.
    await page.getByText(/^Already up to date: this nowcast comes from the newest radar frame/).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("nowcast").getAttribute("data-nowcast-id")).toBe(id);
    expect(await page.getByTestId("cache-status").textContent()).toContain("Already computed from the newest radar frame");
  });

  it("uses the browser's position, with a lat/lon link", async () => {
    const located = await browser.newContext({
      viewport: DESKTOP,
      geolocation: { latitude: 60.4518, longitude: 22.2666 },
      permissions: ["geolocation"],
    });
    const p = await located.newPage();
    await signIn(p, baseUrl);
    await p.getByTestId("use-my-location").click();
    await p.waitForURL(/\/app\?lat=60\.4518&lon=22\.2666$/);
    await p.getByTestId("sentence").waitFor({ timeout: 30_000 });
    expect(await p.getByTestId("place-heading").textContent()).toMatch(/Turku/);
    await located.close();
  });

  it("honours prefers-reduced-motion: no autoplay, the current frame stays", async () => {
    const calm = await browser.newContext({ viewport: DESKTOP, reducedMotion: "reduce" });
    const p = await calm.newPage();
    await signIn(p, baseUrl);
    await p.goto(`${baseUrl}/app?place=Helsinki`);
    await p.getByTestId("sentence").waitFor();
    await waitForFrames(p);
    const map = p.getByTestId("radar-map");
    expect(await map.getAttribute("data-playing")).toBe("false");
    const index = await frameIndex(p);
    expect(index).toBe(11); // the newest observed frame: now
    await p.waitForTimeout(1500);
    expect(await frameIndex(p)).toBe(index);
    expect(await map.textContent()).toContain("reduced motion");
    await calm.close();
  });

  it("says in words when a place is outside the radar's coverage, or a link's position is malformed", async () => {
    await page.goto(`${baseUrl}/app?place=Madrid`);
    expect(await page.getByTestId("nowcast-error").textContent()).toContain("outside the radar's coverage");
    await page.goto(`${baseUrl}/app?lat=95&lon=10`);
    expect(await page.getByRole("alert").first().textContent()).toContain("position is not valid");
  });
});

describe("popular places", () => {
  it("lists the most requested places with their summary, one click from the nowcast", async () => {
    // Request counts reach the database through the queue in batches (a few seconds).
    let found = false;
    for (let attempt = 0; attempt < 30 && !found; attempt++) {
      await page.goto(`${baseUrl}/popular`);
      found = (await page.getByTestId("popular-places").getByRole("link", { name: /Helsinki/ }).count()) > 0;
      if (!found) await page.waitForTimeout(1000);
    }
    expect(found).toBe(true);
    const item = page.getByTestId("popular-places").locator("li", { hasText: "Helsinki" });
    expect(await item.textContent()).toMatch(/No rain expected|Rain /);
    await item.getByRole("link").click();
    await page.waitForURL(/\/app\?lat=60\.\d+&lon=24\.\d+/);
    await page.getByTestId("sentence").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("place-heading").textContent()).toBe("Helsinki, FI");
  });
});

describe("operator pages", () => {
  it("shows ingest status, cache hit rate, frame charts and warm-up runs to an admin", async () => {
    const cron = await fetch(`${baseUrl}/__scheduled?cron=0+*+*+*+*`);
    expect(cron.ok).toBe(true);
    await page.goto(`${baseUrl}/admin`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Operator overview");
    expect(await page.getByTestId("hit-rate").textContent()).toMatch(/^\d+\.\d %$/);
    // npm start brought the archive in through the pipeline: the status is there, with its newest frame.
    const ingest = (await page.getByTestId("ingest-status").textContent()) ?? "";
    expect(ingest).not.toMatch(/not available/);
    expect(ingest).toMatch(/\d{2}:\d{2}/);
    await screenshot(page, "operator-desktop");
    await page.getByRole("link", { name: "Radar frames" }).click();
    await page.waitForURL(`${baseUrl}/admin/frames`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Radar frame parameters");
    expect(await page.locator("main").textContent()).toMatch(/[1-9]\d* frames? since/);
    await page.getByRole("link", { name: "Warm-up runs" }).click();
    await page.waitForURL(`${baseUrl}/admin/warmup`);
    for (let attempt = 0; attempt < 20 && (await page.getByTestId("warmup-runs").count()) === 0; attempt++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    expect(await page.getByTestId("warmup-runs").locator("tbody tr").count()).toBeGreaterThan(0);
  });

  it("refuses them to a user without the admin role, in words", async () => {
    const added = spawnSync("npm", ["run", "--silent", "user:add", "--", "--email", "viewer@example.com", "--password", "viewer password 1"], {
      env: { ...process.env, NOWCAST_STATE_DIR: stateDir },
      encoding: "utf8",
    });
    expect(added.status).toBe(0);
    const other = await browser.newContext({ viewport: DESKTOP });
    const p = await other.newPage();
    await signIn(p, baseUrl, "viewer@example.com", "viewer password 1");
    expect(await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operator" }).count()).toBe(0);
    const res = await p.goto(`${baseUrl}/admin`);
    expect(res?.status()).toBe(403);
    expect(await p.getByRole("alert").textContent()).toContain("need the admin role");
    await other.close();
  });
});

describe("on a phone", () => {
  it("fits a 390-pixel-wide screen: search, map, chart and sentence", async () => {
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await signIn(p, baseUrl);
    await p.goto(`${baseUrl}/app?place=Kouvola`); // a place with rain on its way in the archived hour
    await p.getByTestId("sentence").waitFor({ timeout: 30_000 });
    expect((await p.getByTestId("sentence").textContent())?.trim()).toMatch(sentencePattern);
    await waitForFrames(p);
    await p.getByTestId("play-toggle").click(); // a still frame for the screenshot
    expect(await overflowsHorizontally(p)).toBe(false);
    const box = await p.getByTestId("radar-canvas").boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(p, "nowcast-phone");
    await p.goto(`${baseUrl}/popular`);
    expect(await overflowsHorizontally(p)).toBe(false);
    await phone.close();
  });
});
