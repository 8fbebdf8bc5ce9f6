// Rain alerts for saved places, shared by the page (SavedPlaces.svelte, while the app is open)
// and the service worker (a periodic background sync, while the installed app is closed): the
// rule for when to notify, the notification's words, the settings and the set of place+frame
// pairs already told all live here, once. Both sides reach the same IndexedDB database, so a
// place and radar frame the page told about is not told again by the service worker, and the
// other way round.
//
// Only Periodic Background Sync wakes the app while it is closed. Web Push would wake it more
// reliably, but it needs the browser vendor's push service, which this product cannot count on
// reaching (it runs offline against a local stack), so there is no push here. Where periodic
// sync is missing (Firefox, Safari, a Chromium tab of an app that is not installed), alerts come
// only while the app is open.

/** The periodic sync's tag; the service worker answers only this one. */
export const SYNC_TAG = "rain-alerts";
/** How often the browser is asked to wake the app at most; it decides the real interval. */
export const SYNC_MIN_INTERVAL_MS = 5 * 60_000;

export interface AlertSettings {
  on: boolean;
  /** Rain due within this many minutes is told. */
  minutes: number;
}

export const DEFAULT_SETTINGS: AlertSettings = { on: false, minutes: 30 };

/** A saved place as GET /app/saved answers it (only what alerts need). */
export interface SavedNowcast {
  id: string;
  name: string;
  summary: string | null;
  /** Minutes until rain reaches the place; null: none in the hour. */
  rainInMinutes: number | null;
  radarTime: string | null;
}

export interface Alert {
  /** One notification per place and radar frame. */
  key: string;
  title: string;
  options: NotificationOptions & { data: { place: string } };
}

/** What the last background check did (kept so a check can be seen to have run). */
export interface BackgroundCheck {
  at: string;
  outcome: "off" | "blocked" | "offline" | "signed-out" | "failed" | "checked";
  notified: number;
}

/** The alert for a place, or null when no rain is due there within the chosen minutes. */
export function alertFor(p: SavedNowcast, minutes: number): Alert | null {
  if (p.rainInMinutes === null || p.rainInMinutes > minutes || !p.radarTime) return null;
  return {
    key: `${p.id}|${p.radarTime}`,
    title: p.rainInMinutes === 0 ? `Rain now at ${p.name}` : `Rain at ${p.name} in about ${p.rainInMinutes} min`,
    options: { body: p.summary ?? "", tag: `rain-${p.id}`, icon: "/icons/icon-192.png", data: { place: p.name } },
  };
}

/** Where a click on a place's notification goes. */
export function placeUrl(name: string): string {
  return `/app?place=${encodeURIComponent(name)}`;
}

// --- The shared store -------------------------------------------------------------------------

const DB_NAME = "rain-alerts";
const STATE = "state"; // "settings": AlertSettings; "lastCheck": BackgroundCheck
const TOLD = "told"; // { key, at }: the place+frame pairs already told, indexed by when
/** The told set is kept bounded: pairs older than a day, and all but the newest few hundred, are dropped. */
const TOLD_MAX = 300;
const TOLD_MAX_AGE_MS = 24 * 3_600_000;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore(STATE);
      db.createObjectStore(TOLD, { keyPath: "key" }).createIndex("at", "at");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("the rain alerts store is blocked by an older version"));
  });
}

async function withStore<T>(store: string, mode: IDBTransactionMode, work: (s: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await open();
  try {
    const tx = db.transaction(store, mode);
    const [result] = await Promise.all([work(tx.objectStore(store)), done(tx)]);
    return result;
  } finally {
    db.close();
  }
}

export async function readSettings(): Promise<AlertSettings | null> {
  const stored = await withStore(STATE, "readonly", (s) => request(s.get("settings")));
  return (stored as AlertSettings | undefined) ?? null;
}

export async function writeSettings(settings: AlertSettings): Promise<void> {
  const minutes = Number.isFinite(settings.minutes) ? Math.min(60, Math.max(0, Math.round(settings.minutes))) : DEFAULT_SETTINGS.minutes;
  await withStore(STATE, "readwrite", (s) => request(s.put({ on: settings.on, minutes }, "settings")));
}

export async function readLastCheck(): Promise<BackgroundCheck | null> {
  return ((await withStore(STATE, "readonly", (s) => request(s.get("lastCheck")))) as BackgroundCheck | undefined) ?? null;
}

async function recordCheck(outcome: BackgroundCheck["outcome"], notified = 0): Promise<BackgroundCheck> {
  const check: BackgroundCheck = { at: new Date().toISOString(), outcome, notified };
  await withStore(STATE, "readwrite", (s) => request(s.put(check, "lastCheck")));
  return check;
}

/**
 * Marks a place+frame as told; false if it was told already (by this side or the other). One
 * read-write transaction, so the page and the service worker cannot both claim the same key.
 * Old keys are dropped in the same transaction.
 */
export async function claim(key: string, now = Date.now()): Promise<boolean> {
  return withStore(TOLD, "readwrite", async (s) => {
    if ((await request(s.getKey(key))) !== undefined) return false;
    await request(s.put({ key, at: now }));
    let extra = (await request(s.count())) - TOLD_MAX;
    const oldest = s.index("at").openCursor();
    await new Promise<void>((resolve, reject) => {
      oldest.onerror = () => reject(oldest.error);
      oldest.onsuccess = () => {
        const cursor = oldest.result;
        if (!cursor || (extra <= 0 && (cursor.value as { at: number }).at >= now - TOLD_MAX_AGE_MS)) return resolve();
        cursor.delete();
        extra--;
        cursor.continue();
      };
    });
    return true;
  });
}

/** Gives a claimed key back (the notification could not be shown), so a later check tells it. */
async function release(key: string): Promise<void> {
  await withStore(TOLD, "readwrite", (s) => request(s.delete(key)));
}

/**
 * Shows one notification per saved place and radar frame where rain is due within the chosen
 * minutes, unless alerts are off or it was told already. Returns how many were shown.
 */
export async function notifyDue(places: SavedNowcast[], show: (title: string, options: NotificationOptions) => Promise<void>): Promise<number> {
  const settings = await readSettings();
  if (!settings?.on) return 0;
  let shown = 0;
  for (const p of places) {
    const alert = alertFor(p, settings.minutes);
    if (!alert || !(await claim(alert.key))) continue;
    try {
      await show(alert.title, alert.options);
      shown++;
    } catch (error) {
      await release(alert.key);
      throw error;
    }
  }
  return shown;
}

/**
 * The service worker's check while the app is closed: fetches the signed-in user's saved places
 * (the session cookie goes with it) and notifies as the page would. A signed-out user (401, or a
 * redirect to sign-in) and a network that is gone are quiet outcomes, not errors.
 */
export async function checkSavedPlaces(show: (title: string, options: NotificationOptions) => Promise<void>): Promise<BackgroundCheck> {
  const settings = await readSettings();
  if (!settings?.on) return recordCheck("off");
  if (Notification.permission !== "granted") return recordCheck("blocked");
  let res: Response;
  try {
    res = await fetch("/app/saved", { headers: { accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
  } catch {
    return recordCheck("offline");
  }
  if (res.status === 401 || res.status === 403 || res.redirected) return recordCheck("signed-out");
  const body = res.ok ? ((await res.json().catch(() => null)) as { places?: SavedNowcast[] } | null) : null;
  if (!body?.places) return recordCheck("failed");
  return recordCheck("checked", await notifyDue(body.places, show));
}

// --- Periodic background sync, from the page ----------------------------------------------------

interface PeriodicSyncManager {
  register(tag: string, options?: { minInterval?: number }): Promise<void>;
  unregister(tag: string): Promise<void>;
  getTags(): Promise<string[]>;
}

function periodicSync(registration: ServiceWorkerRegistration): PeriodicSyncManager | null {
  return "periodicSync" in registration ? (registration as ServiceWorkerRegistration & { periodicSync: PeriodicSyncManager }).periodicSync : null;
}

/**
 * The service worker's registration once its worker is active (a sync and showNotification need
 * one). On a first visit the worker is registered at the page's load and then installs, so it is
 * waited for, up to a bound; undefined where there is none by then.
 */
export async function activeRegistration(timeoutMs = 20_000): Promise<ServiceWorkerRegistration | undefined> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const none = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    return await Promise.race([navigator.serviceWorker.ready, none]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks the browser to wake the app for background checks. "unsupported": the browser has no
 * periodic sync (or no service worker); "not-allowed": it has, but does not allow it for this
 * site (Chromium allows it only for an installed app).
 */
export async function startBackgroundChecks(): Promise<"registered" | "unsupported" | "not-allowed"> {
  const registration = await activeRegistration();
  const sync = registration ? periodicSync(registration) : null;
  if (!sync) return "unsupported";
  const state = await navigator.permissions
    .query({ name: "periodic-background-sync" as PermissionName })
    .then((s) => s.state, () => "denied" as const);
  if (state !== "granted") return "not-allowed";
  try {
    await sync.register(SYNC_TAG, { minInterval: SYNC_MIN_INTERVAL_MS });
    return "registered";
  } catch {
    return "not-allowed";
  }
}

export async function stopBackgroundChecks(): Promise<void> {
  const registration = await navigator.serviceWorker?.getRegistration();
  const sync = registration ? periodicSync(registration) : null;
  if (sync) await sync.unregister(SYNC_TAG).catch(() => undefined);
}
