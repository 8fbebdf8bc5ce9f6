import { chromium } from "playwright-core";
import { DEMO_USER } from "./worker/cli/demo-user";
const base = process.env.BASE ?? "http://127.0.0.1:8820";
const out = "/tmp/shots12";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
const place = process.env.PLACE ?? "Helsnki";
for (const [name, viewport, scheme] of [
  ["desktop-light", { width: 1280, height: 800 }, "light"],
  ["desktop-dark", { width: 1280, height: 800 }, "dark"],
  ["phone-light", { width: 390, height: 844 }, "light"],
  ["phone-dark", { width: 390, height: 844 }, "dark"],
] as const) {
  if (process.env.ONLY && !name.includes(process.env.ONLY)) continue;
  const ctx = await browser.newContext({ viewport, colorScheme: scheme, isMobile: name.startsWith("phone"), hasTouch: name.startsWith("phone") });
  const page = await ctx.newPage();
  page.on("console", (m) => console.log(name, "console:", m.text()));
  page.on("pageerror", (e) => console.log(name, "pageerror:", e.message));
  await page.goto(`${base}/signin`);
  await page.getByLabel("Email").fill(DEMO_USER.email);
  await page.getByLabel("Password").fill(DEMO_USER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/app`);
  await page.goto(`${base}/app?place=${place}`);
  await page.getByTestId("sentence").waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=radar-map]")?.getAttribute("data-loaded")) >= 24, undefined, { timeout: 60_000 });
  await page.waitForTimeout(1500);
  console.log(name, "sentence:", await page.getByTestId("sentence").textContent());
  console.log(name, "first forecast ms:", await page.getByTestId("radar-map").getAttribute("data-first-forecast-ms"));
  const box = await page.getByTestId("radar-view").boundingBox();
  console.log(name, "map box:", JSON.stringify(box));
  await page.getByTestId("play-toggle").click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${out}/${name}.png` });
  if (process.env.FULL) await page.screenshot({ path: `${out}/${name}-full.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
