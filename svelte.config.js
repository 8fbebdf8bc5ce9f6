import adapter from "@sveltejs/adapter-cloudflare";

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    // The adapter reads this site-only config so it writes its worker into
    // .svelte-kit/cloudflare/ instead of over worker/index.ts, the real entry.
    adapter: adapter({ config: "web/wrangler.site.toml" }),
    files: { src: "web", assets: "web/static" },
  },
};
