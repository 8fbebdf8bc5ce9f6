import { describe, expect, it } from "vitest";
import { constantTimeEqual, hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../worker/auth/password";

describe("password hashing", () => {
  it("uses PBKDF2-SHA256 with at least 100,000 iterations and a random salt", async () => {
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    const [scheme, iterations, saltA] = a.split("$");
    expect(scheme).toBe("pbkdf2-sha256");
    expect(Number(iterations)).toBe(PBKDF2_ITERATIONS);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(100_000);
    expect(saltA).not.toBe(b.split("$")[2]);
    expect(a).not.toBe(b);
  });

  it("verifies the right password and refuses others", async () => {
    const stored = await hashPassword("hunter2 but longer");
    expect(await verifyPassword("hunter2 but longer", stored)).toBe(true);
    expect(await verifyPassword("hunter2 but longe", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("refuses stored values it does not understand", async () => {
    expect(await verifyPassword("x", "plaintext")).toBe(false);
    expect(await verifyPassword("x", "md5$1$abc$def")).toBe(false);
    expect(await verifyPassword("x", "pbkdf2-sha256$zero$abc$def")).toBe(false);
  });

  it("compares byte arrays by content and length", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
  });
});
