import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { IDP_AUDIENCE, IDP_ISSUER } from "./test/support/identity-provider.ts";
import { unstable_readConfig } from "wrangler";
import { workloads } from "./worker/jobs/queues.ts";
import { FMI_URL_TEMPLATE_PATH } from "./worker/radar/source-url.ts";

interface QueueConsumer {
  queue: string;
  max_batch_size?: number;
  max_retries?: number;
  dead_letter_queue?: string;
}

/**
 * wrangler.toml's queue consumers for Miniflare. Fails when a workload of worker/jobs/queues.ts
 * and wrangler.toml disagree on its queue, dead-letter queue or max_retries (one fact, two files).
 */
function testQueueConsumers() {
  const consumers: QueueConsumer[] = unstable_readConfig({ config: "./wrangler.toml" }).queues.consumers ?? [];
  for (const [name, w] of Object.entries(workloads)) {
    const declared = consumers.find((c) => c.queue === w.queue);
    if (declared?.dead_letter_queue !== w.deadLetterQueue || declared.max_retries !== w.retry.maxRetries || !consumers.some((c) => c.queue === w.deadLetterQueue)) {
      throw new Error(`wrangler.toml and worker/jobs/queues.ts disagree on the ${name} queue`);
    }
  }
  return Object.fromEntries(
    consumers.map((c) => [
      c.queue,
      {
        maxBatchSize: c.max_batch_size,
        maxBatchTimeout: 1,
        // One retry instead of two, so the test of a dead-lettered warm-up job waits seconds, not half a minute.
        maxRetries: c.queue === workloads.warmup.queue ? 1 : c.max_retries,
        deadLetterQueue: c.dead_letter_queue,
      },
    ]),
  );
}

// Integration tests run inside workerd against the real Worker entry with
// local D1/KV/R2/Queue bindings from wrangler.toml and every migration applied.
export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => {
      const idpUrl = inject("idpUrl");
      const weatherReplayUrl = inject("weatherReplayUrl");
      const radarReplayUrl = inject("radarReplayUrl");
      const inferenceUrl = inject("inferenceUrl");
      return {
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            JWT_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
            IMAGE_LINK_SECRET: "test-image-link-secret-0123456789abcdef0123",
            JWKS_URL: `${idpUrl}/.well-known/jwks.json`,
            JWKS_ISSUER: IDP_ISSUER,
            JWKS_AUDIENCE: IDP_AUDIENCE,
            // Refetch the key set on every unknown kid so rotation is visible at once.
            JWKS_COOLDOWN_SECONDS: "0",
            IDP_URL: idpUrl,
            // City weather providers: the local replay server (test/support/open-meteo-replay.ts).
            OPEN_METEO_URL: weatherReplayUrl,
            NWS_URL: weatherReplayUrl,
            WEATHER_FETCH_TIMEOUT_MS: "1000",
            // Radar ingest: the replay server of the real FMI frames, its clock the ingest's clock.
            RADAR_URL_TEMPLATE: `${radarReplayUrl}${FMI_URL_TEMPLATE_PATH}`,
            RADAR_CLOCK_URL: `${radarReplayUrl}/__clock`,
            // Inference: the container server as a local process (test/support/inference-servers.ts), plus
            // a misbehaving one and a closed port for the fallback tests; ensembles take seconds under load.
            CONTAINER_URL: inferenceUrl,
            INFERENCE_TIMEOUT_MS: "60000",
            INFERENCE_FAULT_URL: inject("inferenceFaultUrl"),
            INFERENCE_DOWN_URL: inject("inferenceDownUrl"),
            // ETL: the CSV replay server and the DuckDB Parquet reader (test/support/global-setup.ts).
            CSV_REPLAY_URL: inject("csvReplayUrl"),
            PARQUET_READER_URL: inject("parquetReaderUrl"),
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          },
          // The queues as wrangler.toml declares them (checked against worker/jobs/queues.ts), with
          // batches delivered after 1 s instead of up to 10 s, so tests can follow a message through
          // the real queue to its consumer.
          queueConsumers: testQueueConsumers(),
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
