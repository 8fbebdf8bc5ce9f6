import { Container } from "@cloudflare/containers";

/**
 * The inference container as deployed on Cloudflare Containers: a Durable Object class
 * that starts the image built from container/Dockerfile and forwards requests to its
 * server on port 8080. Bound as INFERENCE_CONTAINER in wrangler.toml's [env.production]
 * only: locally (npm start, tests) there is no Docker engine, and the same server runs as
 * a plain process reached through CONTAINER_URL.
 */
export class InferenceContainer extends Container {
  override defaultPort = 8080;
  override sleepAfter = "10m";
  override envVars: Record<string, string> = { PORT: "8080", HOST: "0.0.0.0", MODEL_DIR: "/app/container/models" };
}
