// The limits of wrangler.toml's [[ratelimits]] bindings, read from the file itself, so the tests follow
// the configuration instead of repeating it.
import wranglerToml from "../../wrangler.toml?raw";

function limitOf(name: string): number {
  const match = new RegExp(`name = "${name}"\\s+namespace_id = "\\d+"\\s+simple = \\{ limit = (\\d+), period = (\\d+) \\}`).exec(wranglerToml);
  if (!match) throw new Error(`no [[ratelimits]] entry ${name} in wrangler.toml`);
  return Number(match[1]);
}

export const AUTH_IP_LIMIT = limitOf("AUTH_IP_LIMITER");
export const AUTH_ACCOUNT_LIMIT = limitOf("AUTH_ACCOUNT_LIMITER");
export const SIGNUP_IP_LIMIT = limitOf("SIGNUP_IP_LIMITER");
export const API_LIMIT = limitOf("API_LIMITER");
export const MODEL_RUN_LIMIT = limitOf("MODEL_RUN_LIMITER");
