import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { IDP_AUDIENCE, IDP_ISSUER } from "./test/support/identity-provider.ts";

// Integration tests run inside workerd against the real Worker entry with
// local D1/KV/R2/Queue bindings from wrangler.toml and every migration applied.
export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => {
      const idpUrl = inject("idpUrl");
      return {
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            JWT_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
            JWKS_URL: `${idpUrl}/.well-known/jwks.json`,
            JWKS_ISSUER: IDP_ISSUER,
            JWKS_AUDIENCE: IDP_AUDIENCE,
            // Refetch the key set on every unknown kid so rotation is visible at once.
            JWKS_COOLDOWN_SECONDS: "0",
            IDP_URL: idpUrl,
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          },
        },
      };
    }),
  ],
  test: {
    include: ["test/*.test.ts"],
    // Structured request logs are noise when a test passes; kept for failures.
    silent: "passed-only",
    globalSetup: ["./test/support/global-setup.ts"],
    setupFiles: ["./test/support/apply-migrations.ts"],
  },
});
