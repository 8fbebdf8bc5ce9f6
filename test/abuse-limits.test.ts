import { describe, expect, it } from "vitest";
import { bearer, call, createUser, errorOf, postJson, signUp, someIp } from "./support/helpers";
import { API_LIMIT, AUTH_ACCOUNT_LIMIT, AUTH_IP_LIMIT, MODEL_RUN_LIMIT, SIGNUP_IP_LIMIT } from "./support/limits";

const STRONG = "a kettle of grey herons";

async function expectLimited(res: Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(res.headers.get("content-type")).toContain("application/json");
  expect((await errorOf(res)).code).toBe("rate_limited");
}

/**
 * Sends until the first refusal. Windows align to the clock, so one may roll over mid-way:
 * twice the limit plus one always reaches a refusal; returns how many were let through before it.
 */
async function untilLimited(limit: number, send: (i: number) => Promise<Response>, allowed: (r: Response) => boolean) {
  for (let i = 0; i <= 2 * limit; i++) {
    const res = await send(i);
    if (res.status === 429) return { res, passed: i };
    expect(allowed(res), `attempt ${i}: ${res.status}`).toBe(true);
  }
  throw new Error("never limited");
}

describe("abuse limits (Workers rate-limiting bindings, as deployed)", () => {
  it("sign-in per account: wrong passwords from many addresses are throttled, then even the right one waits", async () => {
    const email = `target-${crypto.randomUUID()}@example.com`;
    await createUser(email, STRONG);
    const { res, passed } = await untilLimited(
      AUTH_ACCOUNT_LIMIT,
      () => postJson("/api/auth/login", { email, password: "guess guess guess" }, { "cf-connecting-ip": someIp() }),
      (r) => r.status === 401,
    );
    expect(passed).toBeLessThanOrEqual(AUTH_ACCOUNT_LIMIT);
    await expectLimited(res);
    await expectLimited(await postJson("/api/auth/login", { email, password: STRONG }, { "cf-connecting-ip": someIp() }));
  }, 120_000);

  it("sign-in per address: one address trying many accounts is throttled; another address is not", async () => {
    const ip = someIp();
    const { res, passed } = await untilLimited(
      AUTH_IP_LIMIT,
      (i) => postJson("/api/auth/login", { email: `spray-${i}-${crypto.randomUUID()}@example.com`, password: "guess guess guess" }, { "cf-connecting-ip": ip }),
      (r) => r.status === 401,
    );
    expect(passed).toBeLessThanOrEqual(AUTH_IP_LIMIT);
    await expectLimited(res);
    const elsewhere = await postJson("/api/auth/login", { email: "nobody@example.com", password: "guess guess guess" }, { "cf-connecting-ip": someIp() });
    expect(elsewhere.status).toBe(401);
  }, 120_000);

  it("sign-up per address", async () => {
    const ip = someIp();
    const { res, passed } = await untilLimited(
      SIGNUP_IP_LIMIT,
      () => postJson("/api/auth/signup", { email: `flood-${crypto.randomUUID()}@example.com`, password: STRONG }, { "cf-connecting-ip": ip }),
      (r) => r.status === 201,
    );
    expect(passed).toBeLessThanOrEqual(SIGNUP_IP_LIMIT);
    await expectLimited(res);
  }, 120_000);

  it("fresh=1 and non-default models per user; the default cached route is not counted there", async () => {
    const s = await signUp(`runs-${crypto.randomUUID()}@example.com`, STRONG);
    // An unknown place answers 404 after the limit is counted, so no model runs in this test.
    const { res } = await untilLimited(
      MODEL_RUN_LIMIT,
      (i) => call(`/api/nowcast?place=Nowhere-${i}-qqq&${i % 2 ? "fresh=1" : "model=persistence"}`, bearer(s.token)),
      (r) => r.status === 404,
    );
    await expectLimited(res);
    await expectLimited(await call("/api/nowcast?place=Nowhere-qqq&model=ensemble", bearer(s.token)));
    const plain = await call("/api/nowcast?place=Nowhere-qqq", bearer(s.token));
    expect(plain.status).toBe(404);
  }, 120_000);

  it("all authenticated API calls per user", async () => {
    const s = await signUp(`calls-${crypto.randomUUID()}@example.com`, STRONG);
    const other = await signUp(`calls-other-${crypto.randomUUID()}@example.com`, STRONG);
    const { res } = await untilLimited(API_LIMIT, () => call("/api/me", bearer(s.token)), (r) => r.status === 200);
    await expectLimited(res);
    expect((await call("/api/me", bearer(other.token))).status).toBe(200);
  }, 120_000);
});
