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

/** The page's screenshot in ARTIFACTS: the whole page, or (fullPage false) what the viewport shows. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path, fullPage });
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

/** The radar frame the map shows now: the URL of the one rain overlay that is not transparent. */
export function shownFrame(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll<HTMLImageElement>("[data-testid=radar-view] img.rain-frame")].filter((img) => Number(getComputedStyle(img).opacity) > 0);
    return shown.length === 1 ? shown[0]!.getAttribute("src") : null;
  });
}

/** axe-core's serious and critical violations on the page as it is now ("rule: target" lines). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { source } = await import("axe-core");
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
}
