// The city weather pages in the browser against the local product (npm start):
// the real history is there from the first start, the pages render on the
// server (they read without JavaScript), the chart shows values on hover, and
// collection reaches every city through the replay server. (The cron -> queue ->
// consumer path is tested in the workers pool, test/weather-collect.test.ts: local
// queues of concurrently running `wrangler dev` sessions on one machine share consumers.)
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_USER } from "../../worker/cli/demo-user";
import { launch, screenshot } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
let noJs: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  noJs = await browser.newContext({ javaScriptEnabled: false });
  page = await browser.newPage();
});
afterAll(async () => browser?.close());

async function rowTexts(p: Page, selector: string): Promise<string[][]> {
  return p.$$eval(`${selector} tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent?.trim() ?? "")));
}

describe("city weather statistics", () => {
  it("opens on the real 2015 history, server-rendered: readable without JavaScript", async () => {
    const p = await noJs.newPage();
    await p.goto(`${baseUrl}/weather`);
    expect(await p.getByRole("heading", { level: 1 }).textContent()).toBe("City weather statistics");
    expect(await p.inputValue('input[name="from"]')).toBe("2015-01-01");
    expect(await p.inputValue('input[name="to"]')).toBe("2015-12-31");
    const summary = await rowTexts(p, '[data-testid="summary-table"]');
    expect(summary.map((r) => r[0])).toEqual(["New York", "Seattle"]);
    for (const row of summary) expect(row[1]).toBe("365");
    expect(await p.locator('[data-testid="daily-table"] tbody tr').count()).toBe(100);
    expect(await p.textContent(".pager")).toContain("Page 1 of 8 (730 rows)");
    await screenshot(p, "weather-statistics");
    await p.close();
  });

  it("the date-range picker is a GET form that works without JavaScript", async () => {
    const p = await noJs.newPage();
    await p.goto(`${baseUrl}/weather`);
    await p.fill('input[name="from"]', "2014-01-01");
    await p.fill('input[name="to"]', "2014-01-31");
    await p.uncheck('input[name="city"][value="new-york"]');
    await p.getByRole("button", { name: "Show" }).click();
    await p.waitForURL(/from=2014-01-01/);
    const url = new URL(p.url());
    expect(url.searchParams.get("to")).toBe("2014-01-31");
    const summary = await rowTexts(p, '[data-testid="summary-table"]');
    expect(summary).toHaveLength(1);
    expect(summary[0]!.slice(0, 2)).toEqual(["Seattle", "31"]);
    const daily = await rowTexts(p, '[data-testid="daily-table"]');
    // Seattle,2014-01-01,0.0,7.2,3.3,1.2,sun in the NOAA record.
    // The browser's default language here is en-US, so the day reads as it does there.
    expect(daily[0]!.slice(0, 5)).toEqual(["Jan 1, 2014", "Seattle", "5.3", "3.3", "7.2"]);
    const csv = await p.getAttribute('a[href^="/api/weather/stats/daily.csv"]', "href");
    const res = await fetch(`${baseUrl}${csv}`);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect((await res.text()).split("\r\n")).toHaveLength(33); // header, 31 days, final newline
    await p.close();
  });

  it("writes dates the reader's way: the browser's language decides", async () => {
    for (const [locale, day, heading] of [["fi-FI", "1.1.2014", "Averages over 1.1.2014 – 31.1.2014"], ["de-DE", "01.01.2014", "Averages over 01.01.2014 – 31.01.2014"], ["en-GB", "1 Jan 2014", "Averages over 1 Jan 2014 – 31 Jan 2014"]] as const) {
      const reader = await browser.newContext({ javaScriptEnabled: false, locale });
      const p = await reader.newPage();
      await p.goto(`${baseUrl}/weather?from=2014-01-01&to=2014-01-31&city=seattle`);
      const daily = await rowTexts(p, '[data-testid="daily-table"]');
      expect(daily[0]![0], locale).toBe(day);
      expect(await p.locator('[data-testid="daily-table"] tbody tr time').first().getAttribute("datetime")).toBe("2014-01-01");
      expect(await p.getByRole("heading", { level: 2 }).first().textContent()).toBe(heading);
      await reader.close();
    }
  });

  it("says so when the dates make no sense, and shows the default range", async () => {
    const p = await noJs.newPage();
    await p.goto(`${baseUrl}/weather?from=2015-03-01&to=2015-02-01`);
    expect(await p.getByRole("alert").textContent()).toContain("start date is after the end date");
    expect(await p.inputValue('input[name="from"]')).toBe("2015-01-01");
    await p.close();
  });
});

describe("daily average temperature chart", () => {
  it("draws one line per city with values on hover", async () => {
    await page.goto(`${baseUrl}/weather/chart?from=2015-01-01&to=2015-03-31`);
    const chart = page.getByTestId("temperature-chart");
    expect(await chart.locator("g.series").count()).toBe(2);
    expect(await chart.locator('g.series[data-city="seattle"] circle').count()).toBe(90);
    // Seattle,2015-02-14,0.3,14.4,6.7,2.9,rain in the NOAA record: a mean of 10.55 °C.
    const point = chart.locator('g.series[data-city="seattle"] circle').nth(44);
    expect(await point.locator("title").textContent()).toBe("Seattle, 2015-02-14: 10.6 °C");
    // The tooltip comes with the page's JavaScript: hover once it has taken over.
    await page.waitForSelector('figure.chart[data-enhanced="true"]');
    await point.hover();
    await expect(page.getByRole("tooltip").textContent()).resolves.toBe("Seattle, 2015-02-14: 10.6 °C");
    expect(await page.textContent(".legend")).toContain("New York");
    await screenshot(page, "weather-chart");
  });

  it("renders on the server: the lines and the per-point titles are there without JavaScript", async () => {
    const p = await noJs.newPage();
    await p.goto(`${baseUrl}/weather/chart`);
    expect(await p.locator('[data-testid="temperature-chart"] path').count()).toBe(2);
    expect(await p.locator('[data-testid="temperature-chart"] circle title').first().textContent()).toMatch(/^New York, 2015-01-01: -?\d+\.\d °C$/);
    await p.close();
  });
});

describe("city classifier", () => {
  it("shows cross-validated accuracy beside the majority baseline, and a PCA scatter coloured by city", async () => {
    await page.goto(`${baseUrl}/weather/classifier`);
    const accuracy = Number.parseFloat((await page.getByTestId("accuracy").locator(".value").textContent()) ?? "");
    const baseline = Number.parseFloat((await page.getByTestId("baseline").locator(".value").textContent()) ?? "");
    expect(baseline).toBeCloseTo(50, 0);
    expect(accuracy).toBeGreaterThan(baseline + 10);
    const scatter = page.getByTestId("pca-scatter");
    expect(await scatter.locator('circle[data-city="seattle"]').count()).toBeGreaterThan(500);
    expect(await scatter.locator('circle[data-city="new-york"]').count()).toBeGreaterThan(500);
    const fills = await scatter.locator("circle").evaluateAll((cs) => [...new Set(cs.map((c) => c.getAttribute("fill")))]);
    expect(fills).toHaveLength(2);
    // The RBF SVM against logistic regression and the baseline, on CV and on the 2015 hold-out.
    const models = await rowTexts(page, '[data-testid="model-comparison"]');
    expect(models.map((r) => r[0]!.split(" (")[0])).toEqual(["RBF SVM", "logistic regression", "majority class"]);
    const [svm, logistic] = models.map((r) => r.slice(1).map((v) => Number.parseFloat(v)));
    expect(svm![1]!).toBeGreaterThanOrEqual(85);
    expect(svm![1]!).toBeGreaterThan(logistic![1]!);
    expect(await page.getByTestId("holdout").textContent()).toContain("on 2015");
    await screenshot(page, "weather-classifier");
  });
});

describe("collection in the running product", () => {
  it("an admin's collect-now fetches every city from the replay server, and the pages show them", async () => {
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: DEMO_USER.email, password: DEMO_USER.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${baseUrl}/api/admin/weather/collect`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const { outcomes } = (await res.json()) as { outcomes: { city: string; outcome: string; rawKey: string }[] };
    expect(outcomes.map((o) => o.city).sort()).toEqual(["helsinki", "madrid", "new-york", "seattle"]);
    for (const o of outcomes) expect(["stored", "duplicate"]).toContain(o.outcome);
    const collection = (await (await fetch(`${baseUrl}/api/weather/collection`)).json()) as { total: number };
    expect(collection.total).toBeGreaterThanOrEqual(4);
    // Days are local days: around midnight UTC, Helsinki is already in tomorrow and Seattle still in yesterday.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${baseUrl}/weather?from=${day(-1)}&to=${day(1)}`);
    const rows = await rowTexts(page, '[data-testid="summary-table"]');
    expect(rows.map((r) => r[0]).sort()).toEqual(["Helsinki", "Madrid", "New York", "Seattle"]);
    // Collected observations carry humidity, which the daily history does not have.
    for (const r of rows) expect(r[8]).toMatch(/^\d+$/);
  });
});
