// Rain alerts while the installed app is closed: the page registers a periodic background sync,
// the app's page is closed, and the sync is fired through the DevTools protocol (Chromium would
// otherwise fire it at its own pace, at most every few hours for a little-used site). The
// service worker's notifications are read back with registration.getNotifications().
//
// Headless Chromium, like a Chromium tab of an app that is not installed, denies the
// "periodic-background-sync" permission (periodicSync.register rejects with NotAllowedError);
// Playwright's grantPermissions does not know that permission, so it is granted here with CDP's
// Browser.grantPermissions ("periodicBackgroundSync") for the context's browserContextId, which
// stands in for installing the app. The session that granted it stays attached: detaching it
// drops its permission overrides.
import type { APIRequestContext, Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, launch, signIn } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

interface Saved {
  id: string;
  name: string;
  rainInMinutes: number | null;
  radarTime: string | null;
}

/** Removes every saved place of the signed-in user (the demo user's list is shared with other tests). */
async function removeSavedPlaces(request: APIRequestContext): Promise<void> {
  const res = await request.get(`${baseUrl}/api/me/places`);
  if (!res.ok()) return;
  for (const p of ((await res.json()) as { places: { id: string }[] }).places) await request.delete(`${baseUrl}/api/me/places/${p.id}`);
}

/** Saves a place as another device of the same user would (the app here stays closed). */
async function savePlace(request: APIRequestContext, q: string): Promise<void> {
  const found = (await (await request.get(`${baseUrl}/api/places?q=${encodeURIComponent(q)}&limit=1`)).json()) as { places: { name: string; lat: number; lon: number }[] };
  const place = found.places[0]!;
  const res = await request.post(`${baseUrl}/api/me/places`, { data: { name: place.name, lat: place.lat, lon: place.lon } });
  expect(res.status()).toBe(201);
}

async function savedPlaces(request: APIRequestContext): Promise<Saved[]> {
  const res = await request.get(`${baseUrl}/app/saved`, { headers: { accept: "application/json" } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { places: Saved[] }).places;
}

/** A page of the origin that is not the app (no saved-places list on it, so nothing it shows itself). */
async function originPage(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  await p.goto(`${baseUrl}/favicon.svg`);
  return p;
}

/** The titles of the notifications the service worker's registration is showing now. */
async function notificationTitles(ctx: BrowserContext): Promise<string[]> {
  const p = await originPage(ctx);
  const titles = await p.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title));
  await p.close();
  return titles;
}

async function closeNotifications(ctx: BrowserContext): Promise<void> {
  const p = await originPage(ctx);
  await p.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).forEach((n) => n.close()));
  await p.close();
}

/** The service worker's record of its last background check (in the alerts' IndexedDB store), or null. */
async function lastCheck(ctx: BrowserContext): Promise<{ at: string; outcome: string; notified: number } | null> {
  const p = await originPage(ctx);
  const check = await p.evaluate(
    () =>
      new Promise<{ at: string; outcome: string; notified: number } | null>((resolve, reject) => {
        const req = indexedDB.open("rain-alerts");
        // Not there yet: do not create it (the app creates it with its stores).
        req.onupgradeneeded = () => req.transaction!.abort();
        req.onerror = () => resolve(null);
        req.onsuccess = () => {
          const db = req.result;
          const get = db.transaction("state").objectStore("state").get("lastCheck");
          get.onsuccess = () => (db.close(), resolve((get.result as { at: string; outcome: string; notified: number } | undefined) ?? null));
          get.onerror = () => reject(get.error);
        };
      }),
  );
  await p.close();
  return check;
}

/** The service worker registrations DevTools sees in the context, from a session on a page of that context. */
async function serviceWorkerRegistration(cdp: CDPSession): Promise<string> {
  const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  const deadline = Date.now() + 10_000;
  while (!registrations.some((r) => r.scopeURL === `${baseUrl}/` && !r.isDeleted)) {
    if (Date.now() > deadline) throw new Error(`no service worker registration for ${baseUrl}/: ${JSON.stringify(registrations)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return registrations.find((r) => r.scopeURL === `${baseUrl}/` && !r.isDeleted)!.registrationId;
}

/** Fires the "rain-alerts" periodic sync as the browser would, and waits until the service worker has done its check. */
async function firePeriodicSync(ctx: BrowserContext, cdp: CDPSession, registrationId: string): Promise<{ outcome: string; notified: number }> {
  const before = (await lastCheck(ctx))?.at;
  await cdp.send("ServiceWorker.dispatchPeriodicSyncEvent", { origin: baseUrl, registrationId, tag: "rain-alerts" });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const check = await lastCheck(ctx);
    if (check && check.at !== before) return check;
    if (Date.now() > deadline) throw new Error("the service worker did not check the saved places after the periodic sync");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A context where notifications are allowed, and periodic background sync as for an installed app when asked. */
async function alertsContext(periodicSync: boolean, prepare?: (ctx: BrowserContext) => Promise<void>): Promise<{ ctx: BrowserContext; app: Page }> {
  const ctx = await browser.newContext({ viewport: DESKTOP, permissions: ["notifications"] });
  await prepare?.(ctx);
  const app = await ctx.newPage();
  await signIn(app, baseUrl);
  if (periodicSync) {
    const pageSession = await ctx.newCDPSession(app);
    const { targetInfo } = await pageSession.send("Target.getTargetInfo");
    await pageSession.detach();
    const browserSession = await browser.newBrowserCDPSession();
    await browserSession.send("Browser.grantPermissions", {
      origin: baseUrl,
      browserContextId: targetInfo.browserContextId,
      permissions: ["notifications", "periodicBackgroundSync"],
    });
    // Kept open: Chromium drops a session's permission overrides when the session detaches
    // (notifications included, whose prompt would then wait forever in headless mode).
  }
  return { ctx, app };
}

async function turnAlerts(app: Page, on: boolean): Promise<string> {
  const toggle = app.getByTestId("alerts-toggle");
  await toggle.waitFor();
  expect(await toggle.textContent()).toBe(on ? "Turn on rain alerts" : "Turn off rain alerts");
  await toggle.click();
  await app.waitForFunction((want) => document.querySelector("[data-testid=alerts-toggle]")?.textContent === want, on ? "Turn off rain alerts" : "Turn on rain alerts");
  const note = app.getByTestId("saved-places").getByRole("status");
  await app.waitForFunction(() => (document.querySelector("[data-testid=saved-places] [role=status]")?.textContent ?? "") !== "");
  return (await note.textContent()) ?? "";
}

function periodicTags(app: Page): Promise<string[]> {
  return app.evaluate(async () => {
    const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { periodicSync: { getTags(): Promise<string[]> } };
    return registration.periodicSync.getTags();
  });
}

describe("rain alerts while the app is closed", () => {
  it("says alerts come only while the app is open where the browser does not allow periodic sync", async () => {
    const { ctx, app } = await alertsContext(false);
    try {
      // Helsinki saved, with rain due there within the half hour on the replay clock: turning
      // alerts on tells it at once, from the open page (the service worker may still be installing).
      await removeSavedPlaces(ctx.request);
      await savePlace(ctx.request, "Helsinki");
      const [helsinki] = await savedPlaces(ctx.request);
      expect(helsinki!.rainInMinutes).not.toBeNull();
      expect(helsinki!.rainInMinutes!).toBeLessThanOrEqual(30);
      await app.goto(`${baseUrl}/app`);
      await app.getByTestId("saved-places").getByText("Helsinki").first().waitFor();
      const expected = /within 30 min at a saved place, while the app is open\. Install the app to be told also while it is closed\.$/;
      expect(await turnAlerts(app, true)).toMatch(expected);
      const title = helsinki!.rainInMinutes === 0 ? `Rain now at ${helsinki!.name}` : `Rain at ${helsinki!.name} in about ${helsinki!.rainInMinutes} min`;
      const deadline = Date.now() + 10_000;
      while (!(await notificationTitles(ctx)).includes(title)) {
        if (Date.now() > deadline) throw new Error(`no notification "${title}"; the page says "${await app.getByTestId("saved-places").getByRole("status").textContent()}"`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // Showing it did not turn the note into an error.
      expect(await app.getByTestId("saved-places").getByRole("status").textContent()).toMatch(expected);
      expect(await periodicTags(app)).toEqual([]);
    } finally {
      await removeSavedPlaces(ctx.request);
      await ctx.close();
    }
  });

  it("registers a periodic sync, and its service worker notifies once per place and frame, only while alerts are on and the user is signed in", async () => {
    const { ctx, app } = await alertsContext(true);
    try {
      await removeSavedPlaces(ctx.request);
      await app.goto(`${baseUrl}/app`);
      // Alerts on, with nothing saved yet: the page has nothing to tell.
      await app.getByTestId("saved-places").getByText("No saved places yet").waitFor({ timeout: 30_000 });
      expect(await turnAlerts(app, true)).toMatch(/within 30 min at a saved place, also while the app is closed, as often as your browser allows\.$/);
      expect(await periodicTags(app)).toEqual(["rain-alerts"]);

      // The app is closed; DevTools stays on a blank page of the same context.
      const blank = await ctx.newPage();
      const cdp = await ctx.newCDPSession(blank);
      const registrationId = await serviceWorkerRegistration(cdp);
      await app.close();
      await closeNotifications(ctx);
      expect(await notificationTitles(ctx)).toEqual([]);

      // Helsinki is saved elsewhere; on the replay clock rain is due there within the half hour.
      await savePlace(ctx.request, "Helsinki");
      const [helsinki] = await savedPlaces(ctx.request);
      expect(helsinki!.rainInMinutes).not.toBeNull();
      expect(helsinki!.rainInMinutes!).toBeLessThanOrEqual(30);
      const title = helsinki!.rainInMinutes === 0 ? `Rain now at ${helsinki!.name}` : `Rain at ${helsinki!.name} in about ${helsinki!.rainInMinutes} min`;

      expect(await firePeriodicSync(ctx, cdp, registrationId)).toMatchObject({ outcome: "checked", notified: 1 });
      expect(await notificationTitles(ctx)).toEqual([title]);
      // Fired again for the same radar frame: not told again (the shown one is closed first, as
      // a second notification with the same tag would replace it unseen).
      await closeNotifications(ctx);
      expect(await firePeriodicSync(ctx, cdp, registrationId)).toMatchObject({ outcome: "checked", notified: 0 });
      expect(await notificationTitles(ctx)).toEqual([]);

      // The app opened again: the page does not tell what the service worker told.
      const again = await ctx.newPage();
      await again.addInitScript(() => {
        const shown: string[] = [];
        (window as unknown as { __shown: string[] }).__shown = shown;
        const original = ServiceWorkerRegistration.prototype.showNotification;
        ServiceWorkerRegistration.prototype.showNotification = function (t: string, options?: NotificationOptions) {
          shown.push(t);
          return original.call(this, t, options);
        };
      });
      await again.goto(`${baseUrl}/app`);
      await again.getByTestId("saved-place").filter({ hasText: helsinki!.name }).waitFor({ timeout: 30_000 });
      await again.waitForTimeout(2_000); // its refresh's notify() has run
      expect(await again.evaluate(() => (window as unknown as { __shown: string[] }).__shown)).toEqual([]);
      expect(await notificationTitles(ctx)).toEqual([]);

      // Alerts off: the periodic sync is unregistered, and a sync that fires anyway tells nothing
      // (Helsinki saved anew is a new place+frame, not one told already).
      expect(await turnAlerts(again, false)).toBe("Rain alerts are off.");
      expect(await periodicTags(again)).toEqual([]);
      await again.close();
      await removeSavedPlaces(ctx.request);
      await savePlace(ctx.request, "Helsinki");
      expect(await firePeriodicSync(ctx, cdp, registrationId)).toMatchObject({ outcome: "off", notified: 0 });
      expect(await notificationTitles(ctx)).toEqual([]);

      // Signed out (the session cookie gone) with alerts on: no notification and no error.
      const third = await ctx.newPage();
      await third.goto(`${baseUrl}/app`);
      await turnAlerts(third, true);
      await third.close();
      await removeSavedPlaces(ctx.request);
      await savePlace(ctx.request, "Helsinki");
      await closeNotifications(ctx);
      const cookies = await ctx.cookies();
      await ctx.clearCookies();
      expect(await firePeriodicSync(ctx, cdp, registrationId)).toMatchObject({ outcome: "signed-out", notified: 0 });
      expect(await notificationTitles(ctx)).toEqual([]);
      await ctx.addCookies(cookies);
    } finally {
      await removeSavedPlaces(ctx.request).catch(() => undefined);
      await ctx.close();
    }
  }, 180_000);
});
