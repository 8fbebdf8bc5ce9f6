// Starts the whole local product the way `npm start` does, on a free port and a
// fresh state folder, for the browser tests; stops it (and wrangler's workerd)
// afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { DEMO_USER } from "../../worker/cli/demo-user";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface LocalStack {
  baseUrl: string;
  /** The radar replay server the stack ingests from (POST /__clock {"now": iso} moves its clock). */
  replayUrl: string | null;
  /** A token of the seeded demo admin, from the running product's own sign-in. */
  demoToken(): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalStack(
  stateDir: string,
  options: { wranglerArgs?: string[]; env?: Record<string, string> } = {},
): Promise<LocalStack> {
  rmSync(stateDir, { recursive: true, force: true });
  const port = await freePort();
  const child: ChildProcess = spawn("npx", ["tsx", "worker/cli/start.ts", ...(options.wranglerArgs ?? [])], {
    env: { ...process.env, PORT: String(port), NOWCAST_STATE_DIR: stateDir, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (d: Buffer) => (output += d);
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const baseUrl = `http://127.0.0.1:${port}`;
  // E2E_START_TIMEOUT_MS: more time on a machine shared by many (the start builds the site first).
  const deadline = Date.now() + Number(process.env.E2E_START_TIMEOUT_MS ?? 180_000);
  while (!output.includes("Nowcast Edge is running")) {
    if (child.exitCode !== null) throw new Error(`local stack exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      // Leave nothing running behind a failed start.
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      throw new Error(`local stack did not start in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // Once up, its request logs are drained but not kept (a load test makes many).
  child.stdout?.off("data", collect);
  child.stderr?.off("data", collect);
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    baseUrl,
    replayUrl: /source: replay (http:\/\/[^\s,]+)/.exec(output)?.[1] ?? null,
    async demoToken() {
      const res = await fetch(`${baseUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: DEMO_USER.email, password: DEMO_USER.password }),
      });
      if (!res.ok) throw new Error(`demo sign-in failed: ${res.status}`);
      return ((await res.json()) as { token: string }).token;
    },
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    },
  };
}
