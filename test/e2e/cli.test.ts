import { spawnSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";

const baseUrl = inject("baseUrl");
const stateDir = inject("stateDir");

/** Runs an npm script exactly as the README documents it, against the running stack's state. */
function npmRun(script: string, args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", script, "--", ...args], {
    env: { ...process.env, NOWCAST_STATE_DIR: stateDir },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

async function me(token: string) {
  const res = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("local CLIs", () => {
  it("user:add creates an admin, and token prints a token the running Worker accepts", async () => {
    const added = npmRun("user:add", ["--email", "ops@example.com", "--password", "ops password 1", "--role", "admin"]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^(created|updated) ops@example.com \(user, admin\)/);

    const token = npmRun("token", ["--email", "ops@example.com"]);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await me(token.stdout);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: "ops@example.com", roles: ["user", "admin"] });
  });

  it("token with a negative ttl prints an expired token", async () => {
    const token = npmRun("token", ["--email", "ops@example.com", "--ttl", "-120"]);
    expect(token.code).toBe(0);
    const res = await me(token.stdout);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "token_expired", message: "token has expired" } });
  });

  it("token with another audience or issuer prints a token the Worker refuses", async () => {
    expect((await me(npmRun("token", ["--email", "ops@example.com", "--aud", "elsewhere"]).stdout)).status).toBe(401);
    expect((await me(npmRun("token", ["--email", "ops@example.com", "--iss", "someone"]).stdout)).body).toEqual({
      error: { code: "wrong_issuer", message: "token issuer is not trusted" },
    });
  });

  it("refuses bad arguments with a reason and a non-zero exit", () => {
    const shortPassword = npmRun("user:add", ["--email", "x@example.com", "--password", "short"]);
    expect(shortPassword.code).not.toBe(0);
    expect(shortPassword.stderr).toContain("at least 8 characters");
    const unknownUser = npmRun("token", ["--email", "nobody@example.com"]);
    expect(unknownUser.code).not.toBe(0);
    expect(unknownUser.stderr).toContain("no user nobody@example.com");
    const unknownFlag = npmRun("token", ["--mail", "ops@example.com"]);
    expect(unknownFlag.code).not.toBe(0);
    expect(unknownFlag.stderr).toContain("unknown argument --mail");
  });
});
