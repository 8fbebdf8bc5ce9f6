// Types for `cloudflare:workers` in the tests: the Worker's bindings plus the
// test-only ones from vitest.config.ts, and the entry's exports.
type WorkerEnv = import("../../worker/env").Env;

declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../../worker/index");
  }
  interface Env extends WorkerEnv {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    IDP_URL: string;
    CSV_REPLAY_URL: string;
    PARQUET_READER_URL: string;
  }
}
