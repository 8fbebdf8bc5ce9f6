import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_USER } from "../../worker/cli/demo-user";
import { launch, overflowsHorizontally, PHONE, screenshot } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
});
afterAll(async () => browser?.close());

describe("signing in on the site", () => {
  it("shows the public landing page: what it does, a live example, sign-in, the API docs and the data credit", async () => {
    await page.goto(`${baseUrl}/`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Rain in the next hour");
    expect(await page.textContent("footer")).toContain("Radar data: Finnish Meteorological Institute, CC BY 4.0");
    expect(await page.getByRole("link", { name: "API docs" }).first().getAttribute("href")).toBe("/api/docs");
    expect(await page.getByRole("main").getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/signin");
    // The live example: a warm popular place's nowcast, for a visitor without a session.
    const sentence = page.getByTestId("sentence");
    await sentence.waitFor({ timeout: 60_000 });
    // The one server sentence ("Light drizzle for the next hour.", "Dry for the next hour, …"): a full sentence, no jargon.
    const said = (await sentence.textContent())!;
    expect(said).toMatch(/^[A-Z][^.]*[a-z0-9%)].*\.$/);
    expect(said).not.toMatch(/HIT|MISS|optical-flow/);
    await page.waitForFunction(() => Number(document.querySelector("[data-testid=radar-map]")?.getAttribute("data-loaded")) >= 24);
    expect(await page.getByTestId("fresh-run").count()).toBe(0);
    await screenshot(page, "landing-desktop");
    const phone = await browser.newPage({ viewport: PHONE, isMobile: true });
    await phone.goto(`${baseUrl}/`);
    await phone.getByTestId("sentence").waitFor();
    await phone.waitForTimeout(500);
    expect(await overflowsHorizontally(phone)).toBe(false);
    await screenshot(phone, "landing-phone");
    await phone.close();
  });

  it("sends a signed-in page without a session to sign-in", async () => {
    await page.goto(`${baseUrl}/app`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/app");
  });

  it("says so when the password is wrong", async () => {
    await page.getByLabel("Email").fill(DEMO_USER.email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Email or password is wrong");
  });

  it("signs in with the demo user and sees a signed-in page", async () => {
    await page.getByLabel("Email").fill(DEMO_USER.email);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${baseUrl}/app`);
    expect(await page.getByTestId("signed-in-as").textContent()).toBe(DEMO_USER.email);
    const cookie = (await page.context().cookies()).find((c) => c.name === "nc_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    await screenshot(page, "signed-in-desktop");
  });

  it("signs out, and the signed-in page is closed again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect((await page.context().cookies()).find((c) => c.name === "nc_session")).toBeUndefined();
    await page.goto(`${baseUrl}/app`);
    expect(new URL(page.url()).pathname).toBe("/signin");
  });

  it("brings a shared nowcast link back after signing in", async () => {
    await page.goto(`${baseUrl}/app?place=Helsinki`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/app?place=Helsinki");
    await page.getByLabel("Email").fill(DEMO_USER.email);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${baseUrl}/app?place=Helsinki`);
    await page.getByTestId("sentence").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("place-heading").textContent()).toBe("Helsinki, FI");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/`);
  });
});
