import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { DEMO_USER } from "../../worker/cli/demo-user";

// Debian's chromium; downloads of Playwright's own browsers are not possible here.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTIFACTS = "test-results/browser";

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Desktop and phone viewports of the screenshots. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Signs in through the form (the demo user, an admin, unless told otherwise) and waits for /app. */
export async function signIn(page: Page, baseUrl: string, email: string = DEMO_USER.email, password: string = DEMO_USER.password): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}/app`);
}

/** Whether the page is wider than its viewport (a horizontal scroll bar on a phone). */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/** The radar canvas's pixels, as a data URL, to tell two drawn frames apart. */
export function canvasPixels(page: Page): Promise<string> {
  return page.locator("[data-testid=radar-canvas]").first().evaluate((c) => (c as HTMLCanvasElement).toDataURL());
}
