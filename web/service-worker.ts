/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The installed app's service worker: the site's shell (the built scripts and styles, the
// static files) is cached at install, so the app opens offline; pages are fetched from the
// network first, and the last nowcast page seen, with its radar images, is kept to be shown
// when the network is gone. API calls other than nowcast images are never cached.
// It also checks the saved places for rain while the installed app is closed, when the browser
// wakes it with a periodic background sync (see $lib/rain-alerts; there is no Web Push).
import { build, files, version } from "$service-worker";
import { checkSavedPlaces, placeUrl, SYNC_TAG } from "$lib/rain-alerts";

const sw = self as unknown as ServiceWorkerGlobalScope;
const SHELL = `shell-${version}`;
const LAST = "last-nowcast";
// The API reference's library (1 MB, web/lib/api-docs.ts) is no part of the app's shell: fetched when /api/docs asks for it.
const SHELL_FILES = [...build.filter((file) => !file.includes("/redoc.standalone.")), ...files];

sw.addEventListener("install", (event) => {
  // One by one: a file that cannot be fetched (one the server keeps to signed-in users) must
  // not keep the app from installing; it is fetched from the network when asked for.
  event.waitUntil(caches.open(SHELL).then((cache) => Promise.allSettled(SHELL_FILES.map((file) => cache.add(file)))));
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("shell-") && k !== SHELL).map((k) => caches.delete(k)))),
  );
});

/** A nowcast page (/app?…) or one of its images: what "the last nowcast" is made of. */
function isNowcast(url: URL): boolean {
  return (url.pathname === "/app" && url.search !== "") || url.pathname.startsWith("/api/nowcasts/") || url.pathname === "/map/basemap.json";
}

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  // Signing out forgets the last nowcast: it is the signed-in user's.
  if (url.pathname === "/signin") event.waitUntil(caches.delete(LAST));
  if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
    return;
  }
  if (request.mode === "navigate" || isNowcast(url)) {
    event.respondWith(
      (async () => {
        try {
          const response = await fetch(request);
          if (response.ok && isNowcast(url)) {
            const cache = await caches.open(LAST);
            if (request.mode === "navigate") {
              // One nowcast page at a time: the newest replaces the one before.
              for (const key of await cache.keys()) if (new URL(key.url).pathname === "/app") await cache.delete(key);
              await cache.put("/app?last", response.clone());
            }
            await cache.put(request, response.clone());
          }
          return response;
        } catch {
          const cache = await caches.open(LAST);
          const hit = (await cache.match(request)) ?? (request.mode === "navigate" ? await cache.match("/app?last") : undefined);
          if (hit) return hit;
          return new Response(
            "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'><title>Offline · Nowcast Edge</title>" +
              "<body style='font:16px system-ui;padding:2rem'><h1>You are offline</h1><p>No nowcast has been saved on this device yet. Connect and open a place once; it will be here next time.</p>",
            { status: 503, headers: { "content-type": "text/html; charset=utf-8" } },
          );
        }
      })(),
    );
  }
});

/** A periodic background sync's event (not in TypeScript's worker library yet). */
interface PeriodicSyncEvent extends ExtendableEvent {
  readonly tag: string;
}

// The browser wakes the closed app: the same check, rule and "already told" set as the open page's.
sw.addEventListener("periodicsync", (event) => {
  const sync = event as PeriodicSyncEvent;
  if (sync.tag !== SYNC_TAG) return;
  sync.waitUntil(
    checkSavedPlaces((title, options) => sw.registration.showNotification(title, options)).catch((error: unknown) => {
      console.warn("rain alerts: the background check failed", error);
    }),
  );
});

// A rain alert opens (or focuses) the place's nowcast.
sw.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const place = (event.notification.data as { place?: unknown } | null)?.place;
  const url = new URL(typeof place === "string" ? placeUrl(place) : "/app", sw.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await sw.clients.matchAll({ type: "window", includeUncontrolled: true });
      const same = windows.find((w) => w.url === url);
      if (same) {
        await same.focus();
        return;
      }
      const other = windows.find((w) => new URL(w.url).origin === sw.location.origin);
      if (other) {
        try {
          const focused = await other.focus();
          if (await focused.navigate(url)) return;
        } catch {
          // Not this service worker's client, or it went away: open a new window instead.
        }
      }
      await sw.clients.openWindow(url);
    })(),
  );
});
