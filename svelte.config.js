import adapter from "@sveltejs/adapter-cloudflare";

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    // The adapter reads this site-only config so it writes its worker into
    // .svelte-kit/cloudflare/ instead of over worker/index.ts, the real entry.
    adapter: adapter({ config: "web/wrangler.site.toml" }),
    files: { src: "web", assets: "web/static", serviceWorker: "web/service-worker" },
    // The site's Content-Security-Policy: SvelteKit adds nonces (or hashes, when prerendered) for its own
    // inline scripts; nothing else runs. Styles stay 'unsafe-inline' for Svelte's transitions.
    csp: {
      mode: "auto",
      directives: {
        "default-src": ["self"],
        "script-src": ["self"],
        "style-src": ["self", "unsafe-inline"],
        "img-src": ["self", "data:", "blob:"],
        "connect-src": ["self"],
        "worker-src": ["self"],
        "manifest-src": ["self"],
        "font-src": ["self"],
        "object-src": ["none"],
        "base-uri": ["self"],
        "form-action": ["self"],
        "frame-ancestors": ["none"],
      },
    },
  },
};
