import { beforeAll, describe, expect, it } from "vitest";
import { locations, requests } from "../worker/db/schema";
import { bearer, call, createUser, db, errorOf, tokenFor } from "./support/helpers";

interface Stats {
  hours: number;
  requests: number;
  hits: number;
  misses: number;
  hitRate: number | null;
  hourly: { hour: string; requests: number; hits: number }[];
}

const HOUR = 3_600_000;
let admin: RequestInit;
let user: RequestInit;
beforeAll(async () => {
  admin = bearer(await tokenFor(await createUser("cache-admin@example.com", "cache password 1", "admin")));
  user = bearer(await tokenFor(await createUser("cache-user@example.com", "cache password 2")));
});

async function stats(): Promise<Stats> {
  const res = await call("/api/admin/cache-stats?hours=3", admin);
  expect(res.status).toBe(200);
  return (await res.json()) as Stats;
}

describe("GET /api/admin/cache-stats", () => {
  it("counts hits and misses from the request log, overall and per whole hour", async () => {
    const before = await stats();
    const [location] = await db().insert(locations).values({ name: "Cachetown", country: "FI", lat: 61, lon: 25 }).returning();
    const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
    const row = (at: number, cacheStatus: "HIT" | "MISS") => ({ locationId: location!.id, userId: null, requestedAt: new Date(at), cacheStatus });
    await db()
      .insert(requests)
      .values([
        row(thisHour + 1_000, "HIT"),
        row(thisHour + 2_000, "HIT"),
        row(thisHour + 3_000, "MISS"),
        row(thisHour - HOUR + 5_000, "HIT"),
        row(thisHour - 10 * HOUR, "MISS"), // outside the 3-hour window
      ]);
    const after = await stats();
    expect(after.hours).toBe(3);
    expect(after.requests - before.requests).toBe(4);
    expect(after.hits - before.hits).toBe(3);
    expect(after.misses - before.misses).toBe(1);
    expect(after.hitRate).toBeCloseTo(after.hits / after.requests);
    const bucket = (s: Stats, t: number) => s.hourly.find((b) => b.hour === new Date(t).toISOString()) ?? { requests: 0, hits: 0 };
    expect(bucket(after, thisHour).requests - bucket(before, thisHour).requests).toBe(3);
    expect(bucket(after, thisHour).hits - bucket(before, thisHour).hits).toBe(2);
    expect(bucket(after, thisHour - HOUR).requests - bucket(before, thisHour - HOUR).requests).toBe(1);
    expect(after.hourly.every((b) => Date.parse(b.hour) % HOUR === 0)).toBe(true);
  });

  it("is for admins only", async () => {
    const res = await call("/api/admin/cache-stats", user);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("forbidden");
    expect((await call("/api/admin/cache-stats?hours=0", admin)).status).toBe(400);
  });
});
