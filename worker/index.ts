// The Worker's entry: /api goes to Hono, everything else to the SvelteKit site,
// with the queue consumer and cron triggers beside them.
import sveltekit from "../.svelte-kit/cloudflare/_worker.js";
import { createApp } from "./app";
import type { Env } from "./env";
import { runCron } from "./jobs/cron";
import { consumeJobs } from "./jobs/queue";
import { fromOutside } from "./site-internal";

// The inference container's Durable Object class (Cloudflare Containers); bound in [env.production] only.
export { InferenceContainer } from "./inference/container-class";

const api = createApp();

function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

export default {
  fetch(incoming, env, ctx) {
    // Nothing from the network may claim to be the site's own call.
    const request = fromOutside(incoming);
    if (isApiPath(new URL(request.url).pathname)) return api.fetch(request, env, ctx);
    // The site's server code calls the API in process through platform.env.API,
    // the same routes and checks a browser or API client gets, without a network hop.
    const siteEnv = {
      ...env,
      API: { fetch: (input: RequestInfo | URL, init?: RequestInit) => api.fetch(new Request(input, init), env, ctx) },
    };
    return sveltekit.fetch(request, siteEnv, ctx);
  },
  queue(batch, env, ctx) {
    return consumeJobs(batch, env, ctx);
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runCron(controller.cron, new Date(controller.scheduledTime), env));
  },
} satisfies ExportedHandler<Env>;
