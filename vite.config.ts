import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig, type Plugin } from "vite";

const REDOC_MODULE = "virtual:redoc-standalone";
const REDOC_DEV_PATH = "/@redoc/redoc.standalone.js";
// What changes in Redoc's standalone bundle, each found exactly once (a newer Redoc without one fails
// the build, to be looked at again):
const REDOC_PATCHES: [string, string][] = [
  // The one thing it fetches from another origin: the Redocly logo in its menu's footer. An image URL
  // that decodes to nothing takes the logo's own onError path, which leaves it out.
  ['src:"https://cdn.redoc.ly/redoc/logo-mini.svg"', 'src:"data:,"'],
  // A schema's pattern is in a fixed teal that its theme cannot change (too dark on the site's dark
  // background): a CSS variable, the same teal unless web/routes/api/docs sets it.
  ["color: #0e7c86;", "color: var(--redoc-pattern-color, #0e7c86);"],
];

/** Redoc's standalone bundle (devDependency `redoc`) as shipped, with REDOC_PATCHES and no source map link. */
function redocStandalone(): string {
  let code = readFileSync(createRequire(import.meta.url).resolve("redoc/bundles/redoc.standalone.js"), "utf8");
  for (const [from, to] of REDOC_PATCHES) {
    if (code.split(from).length !== 2) throw new Error(`redoc.standalone.js: expected ${from} exactly once; check the patch in vite.config.ts against this Redoc`);
    code = code.replace(from, to);
  }
  return code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
}

/**
 * The API reference's library, served from the site's own origin: `import src from "virtual:redoc-standalone"`
 * is the URL of the bundle, emitted by every build as a hashed asset under _app/immutable/assets (so
 * `npm run build` and `npm start` ship it, and nothing is copied by hand or committed). The page loads
 * it with a script element after first paint; it is in no route's first-view JavaScript.
 */
function redocAsset(): Plugin {
  let serving = false;
  return {
    name: "nowcast-redoc-asset",
    configResolved(config) {
      serving = config.command === "serve";
    },
    resolveId: (id) => (id === REDOC_MODULE ? `\0${REDOC_MODULE}` : undefined),
    load(id) {
      if (id !== `\0${REDOC_MODULE}`) return;
      // vite dev: the middleware below serves it.
      if (serving) return `export default ${JSON.stringify(REDOC_DEV_PATH)};`;
      // The server renders no script of it (the page loads it in the browser only).
      if (this.environment.config.consumer === "server") return `export default "";`;
      const ref = this.emitFile({ type: "asset", name: "redoc.standalone.js", source: redocStandalone() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
    configureServer(server) {
      server.middlewares.use(REDOC_DEV_PATH, (_req, res) => {
        res.setHeader("content-type", "text/javascript");
        res.end(redocStandalone());
      });
    },
  };
}

export default defineConfig({ plugins: [redocAsset(), sveltekit()] });
