// Opens the local bindings that `wrangler dev` uses (.wrangler/state), so the
// CLIs read and write the same D1/KV/R2 as the running product.
import { getPlatformProxy } from "wrangler";
import type { Env } from "../env";

/**
 * NOWCAST_STATE_DIR points the local product at another state folder, as
 * wrangler's --persist-to (the browser tests use a fresh one); unset, it is
 * wrangler's default .wrangler/state.
 */
export function statePath(): string | undefined {
  return process.env.NOWCAST_STATE_DIR || undefined;
}

export async function withLocalEnv<T>(work: (env: Env) => Promise<T>): Promise<T> {
  // Keep wrangler's notices off stdout: `npm run token` must print the token alone.
  process.env.WRANGLER_LOG ??= "error";
  const proxy = await getPlatformProxy<Env>({ configPath: "wrangler.toml", persist: statePath() ? { path: `${statePath()}/v3` } : true });
  try {
    return await work(proxy.env);
  } finally {
    await proxy.dispose();
  }
}

/** Prints a one-line reason and exits non-zero: the CLIs' single failure path. */
export function die(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}
