// The Worker's entry: /api goes to Hono, everything else to the SvelteKit site,
// with the queue consumer and cron triggers beside them.
import sveltekit from "../.svelte-kit/cloudflare/_worker.js";
import { createApp } from "./app";
import type { Env } from "./env";
import { runCron } from "./jobs/cron";
import { consumeJobs } from "./jobs/queue";
import { withSecurityHeaders } from "./security/headers";
import { fromOutside } from "./site-internal";

// The inference container's Durable Object class (Cloudflare Containers); bound in [env.production] only.
export { InferenceContainer } from "./inference/container-class";
// The CSV ETL job run (worker/etl/workflow.ts), bound as ETL_WORKFLOW.
export { EtlWorkflow } from "./etl/workflow";

const api = createApp();

/** The one page under /api: the API reference, a page of the site (web/routes/api/docs) in the site's frame. */
const SITE_PAGES_UNDER_API = new Set(["/api/docs"]);

function isApiPath(pathname: string): boolean {
  return (pathname === "/api" || pathname.startsWith("/api/")) && !SITE_PAGES_UNDER_API.has(pathname);
}

export default {
  async fetch(incoming, env, ctx) {
    // Nothing from the network may claim to be the site's own call.
    const request = fromOutside(incoming);
    const url = new URL(request.url);
    if (isApiPath(url.pathname)) return withSecurityHeaders(await api.fetch(request, env, ctx), url);
    // The site's server code calls the API in process through platform.env.API,
    // the same routes and checks a browser or API client gets, without a network hop;
    // the visitor's address goes along, so per-address limits count the visitor, not the site.
    const visitorIp = request.headers.get("cf-connecting-ip");
    const siteEnv = {
      ...env,
      API: {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          const inner = new Request(input, init);
          if (visitorIp) inner.headers.set("cf-connecting-ip", visitorIp);
          else inner.headers.delete("cf-connecting-ip");
          return api.fetch(inner, env, ctx);
        },
      },
    };
    return withSecurityHeaders(await sveltekit.fetch(request, siteEnv, ctx), url);
  },
  queue(batch, env, ctx) {
    return consumeJobs(batch, env, ctx);
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runCron(controller.cron, new Date(controller.scheduledTime), env));
  },
} satisfies ExportedHandler<Env>;
