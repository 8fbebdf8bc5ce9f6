import { describe, expect, it } from "vitest";
import { MAX_SAVED_PLACES } from "../worker/places/saved";
import { call, createUser, errorOf, ORIGIN, postJson, signUp, tokenFor } from "./support/helpers";

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const list = async (token: string) => ((await (await call("/api/me/places", { headers: auth(token) })).json()) as { places: { id: string; name: string; lat: number; lon: number }[] }).places;

describe("saved places", () => {
  it("saves, lists, saves the same name again without a copy, and removes", async () => {
    const token = await tokenFor(await createUser("saver@example.com", "saver password 1"));
    const first = await postJson("/api/me/places", { name: "Helsinki", lat: 60.1699, lon: 24.9384 }, auth(token));
    expect(first.status).toBe(201);
    const again = await postJson("/api/me/places", { name: "Helsinki", lat: 60.1699, lon: 24.9384 }, auth(token));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    await postJson("/api/me/places", { name: "Turku", lat: 60.4518, lon: 22.2666 }, auth(token));
    const places = await list(token);
    expect(places.map((p) => p.name)).toEqual(["Helsinki", "Turku"]);
    expect((await call(`/api/me/places/${places[0]!.id}`, { method: "DELETE", headers: auth(token) })).status).toBe(204);
    expect((await list(token)).map((p) => p.name)).toEqual(["Turku"]);
  });

  it("shows and removes no one else's places", async () => {
    const alice = await tokenFor(await createUser("alice-places@example.com", "alice password 1"));
    const bob = await tokenFor(await createUser("bob-places@example.com", "bob password 12"));
    const saved = (await (await postJson("/api/me/places", { name: "Oulu", lat: 65.01, lon: 25.47 }, auth(alice))).json()) as { id: string };
    expect(await list(bob)).toEqual([]);
    const res = await call(`/api/me/places/${saved.id}`, { method: "DELETE", headers: auth(bob) });
    expect(res.status).toBe(404);
    expect((await list(alice)).map((p) => p.name)).toEqual(["Oulu"]);
  });

  it("refuses bad input, more than the limit, no token, and a cross-site cookie write", async () => {
    const token = await tokenFor(await createUser("limits-places@example.com", "limits password 1"));
    expect((await postJson("/api/me/places", { name: "", lat: 60, lon: 25 }, auth(token))).status).toBe(400);
    expect((await postJson("/api/me/places", { name: "X", lat: 91, lon: 25 }, auth(token))).status).toBe(400);
    expect((await call("/api/me/places/not-a-uuid", { method: "DELETE", headers: auth(token) })).status).toBe(400);
    for (let i = 0; i < MAX_SAVED_PLACES; i++) {
      expect((await postJson("/api/me/places", { name: `Place ${i}`, lat: 60 + i / 100, lon: 25 }, auth(token))).status).toBe(201);
    }
    const over = await postJson("/api/me/places", { name: "One too many", lat: 61, lon: 25 }, auth(token));
    expect(over.status).toBe(409);
    expect((await errorOf(over)).code).toBe("too_many_places");
    expect((await list(token)).length).toBe(MAX_SAVED_PLACES);
    expect((await call("/api/me/places")).status).toBe(401);
    const { cookie } = await signUp("cookie-places@example.com", "cookie password 1");
    const foreign = await postJson("/api/me/places", { name: "Espoo", lat: 60.2, lon: 24.66 }, { cookie, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const own = await postJson("/api/me/places", { name: "Espoo", lat: 60.2, lon: 24.66 }, { cookie, origin: ORIGIN });
    expect(own.status).toBe(201);
  });
});
