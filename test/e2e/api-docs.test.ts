import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_USER } from "../../worker/cli/demo-user";
import { launch, overflowsHorizontally, PHONE, screenshot, seriousViolations, signIn } from "./browser";
import { DOCS_PAGE_JS_BUDGET_GZIP_BYTES } from "./page-weight";

// /api/docs: the API reference (Redoc, from the site's own origin) in the site's frame.
const baseUrl = inject("baseUrl");
const DESKTOP_800 = { width: 1280, height: 800 };
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

/** Every URL the page asks for (data: URLs aside), to check none leaves the site's origin. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("data:")) urls.push(request.url());
  });
  return urls;
}

/** Waits until Redoc has drawn the reference: its menu and the operations in the DOM. */
async function openReference(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/api/docs`);
  await page.locator("[data-testid=api-reference][data-state=ready] li[data-item-id]").first().waitFor({ state: "attached", timeout: 30_000 });
  await page.locator('[id="/paths/~1api~1nowcast/get"]').waitFor({ state: "attached" });
}

async function newContext(options: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext> {
  return browser.newContext({ reducedMotion: "reduce", ...options });
}

describe("the API reference at /api/docs", () => {
  it("lists the operations in the library's rendering, inside the site's frame, with the curl quick start and no developer notes", async () => {
    const ctx = await newContext({ viewport: DESKTOP_800, colorScheme: "light" });
    const page = await ctx.newPage();
    const requests = recordRequests(page);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await openReference(page);

    // The site's frame: its header (brand, main navigation, theme toggle) and footer.
    expect(await page.locator("header .brand").textContent()).toBe("Nowcast Edge");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).getAttribute("href")).resolves.toBe("/signin");
    expect(await page.getByTestId("theme-toggle").count()).toBe(1);
    expect(await page.locator("footer").getByRole("link", { name: "API reference" }).getAttribute("href")).toBe("/api/docs");
    expect(await page.title()).toBe("API reference · Nowcast Edge");
    // A working favicon.
    const icon = new URL((await page.locator('link[rel="icon"]').getAttribute("href"))!, page.url());
    const iconRes = await fetch(icon);
    expect(iconRes.status).toBe(200);
    expect(iconRes.headers.get("content-type")).toContain("image/svg+xml");

    // Operations as Redoc drew them: the menu entry and the operation's own section.
    const nowcastItem = page.locator('li[data-item-id="/paths/~1api~1nowcast/get"]');
    expect(await nowcastItem.textContent()).toContain("The next hour of radar at a place");
    expect(await nowcastItem.getAttribute("aria-label")).toBeNull();
    expect(await page.locator('li[data-item-id="/paths/~1api~1auth~1login/post"]').textContent()).toContain("Sign in with email and password");
    expect(await page.locator('li[data-item-id="/paths/~1api~1places/get"]').textContent()).toContain("Search places by name");
    expect((await page.locator('[id="/paths/~1api~1nowcast/get"] h2').textContent())?.trim()).toBe("The next hour of radar at a place");
    expect((await page.locator('[id="/paths/~1api~1auth~1login/post"] h2').textContent())?.trim()).toBe("Sign in with email and password");
    expect(await page.locator('[id="/paths/~1api~1nowcast/get"]').textContent()).toContain("/api/nowcast");
    expect(await page.locator("li[data-item-id]").count()).toBeGreaterThanOrEqual(60);

    // The curl examples, with this site's own address.
    const quickStart = (await page.getByTestId("quick-start").textContent())!;
    expect(quickStart).toContain(`curl -s -X POST ${baseUrl}/api/auth/login`);
    expect(quickStart).toContain(`'${baseUrl}/api/places?q=Helsnki'`);
    expect(quickStart).toContain(`'${baseUrl}/api/nowcast?place=Helsinki&tz=Europe/Helsinki'`);

    // No developer notes anywhere on the page as shown.
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).not.toMatch(/npm run|bench/i);

    // Nothing from another origin; the library itself came from this one.
    const origin = new URL(baseUrl).origin;
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(requests.some((url) => /\/_app\/immutable\/assets\/redoc\.standalone\.[^/]+\.js$/.test(url))).toBe(true);
    expect(requests).toContain(`${origin}/api/openapi.json`);
    expect(errors.filter((e) => /Content Security Policy|Refused/i.test(e))).toEqual([]);

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "api-docs-desktop", false);
    await page.locator('[id="/paths/~1api~1nowcast/get"]').scrollIntoViewIfNeeded();
    await screenshot(page, "api-docs-desktop-nowcast", false);
    await ctx.close();
  });

  it(`weighs at most ${DOCS_PAGE_JS_BUDGET_GZIP_BYTES / 1024} KB of gzipped JavaScript, the library loaded after first paint`, async () => {
    const ctx = await newContext({ viewport: DESKTOP_800 });
    const page = await ctx.newPage();
    const scripts = new Set<string>();
    page.on("response", (res) => {
      if (res.request().resourceType() === "script") scripts.add(res.url());
    });
    await openReference(page);
    let gzipBytes = 0;
    let library: { url: string; gzipBytes: number } | null = null;
    for (const url of scripts) {
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      const gz = gzipSync(body, { level: 9 }).length;
      gzipBytes += gz;
      if (url.includes("/redoc.standalone.")) library = { url, gzipBytes: gz };
    }
    console.log(`/api/docs: ${scripts.size} scripts, ${(gzipBytes / 1024).toFixed(1)} KB gzipped, of which Redoc ${((library?.gzipBytes ?? 0) / 1024).toFixed(1)} KB`);
    expect(library, "Redoc's bundle was fetched").not.toBeNull();
    expect(gzipBytes).toBeLessThanOrEqual(DOCS_PAGE_JS_BUDGET_GZIP_BYTES);
    const timing = await page.evaluate((name) => {
      const paint = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null;
      const script = performance.getEntriesByType("resource").find((e) => e.name === name)?.startTime ?? null;
      return { paint, script };
    }, library!.url);
    expect(timing.paint).not.toBeNull();
    expect(timing.script).not.toBeNull();
    expect(timing.script!).toBeGreaterThan(timing.paint!);
    await ctx.close();
  });

  it("fits a phone's width (390 px) without sideways scrolling, and axe finds nothing serious there", async () => {
    const ctx = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await openReference(page);
    await page.waitForTimeout(300);
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(await page.getByTestId("menu-toggle").isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "api-docs-phone", false);
    await page.locator('[id="/paths/~1api~1nowcast/get"]').scrollIntoViewIfNeeded();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, "api-docs-phone-nowcast", false);
    await ctx.close();
  });

  it("follows dark mode, the system's and the header toggle's, with no serious axe violations", async () => {
    const ctx = await newContext({ viewport: DESKTOP_800, colorScheme: "dark" });
    const page = await ctx.newPage();
    await openReference(page);
    await page.locator(".redoc.dark").waitFor({ state: "attached" });
    const background = (selector: string) => page.evaluate((s) => getComputedStyle(document.querySelector(s)!).backgroundColor, selector);
    expect(await background("body")).toBe("rgb(13, 17, 23)");
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('[id="/paths/~1api~1nowcast/get"]').scrollIntoViewIfNeeded();
    await screenshot(page, "api-docs-dark", false);
    // The toggle: system (dark) -> dark -> light; the reference is drawn again in light colours.
    await page.getByTestId("theme-toggle").click();
    await page.getByTestId("theme-toggle").click();
    await page.locator(".redoc:not(.dark)").waitFor({ state: "attached" });
    await page.locator("[data-testid=api-reference][data-state=ready] li[data-item-id]").first().waitFor({ state: "attached" });
    expect(await background("body")).toBe("rgb(246, 248, 250)");
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });

  it("shows the signed-in header to a signed-in reader", async () => {
    const ctx = await newContext({ viewport: DESKTOP_800 });
    const page = await ctx.newPage();
    await signIn(page, baseUrl);
    await openReference(page);
    expect(await page.getByTestId("signed-in-as").textContent()).toBe(DEMO_USER.email);
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Nowcast", exact: true }).getAttribute("href")).toBe("/app");
    await ctx.close();
  });
});
