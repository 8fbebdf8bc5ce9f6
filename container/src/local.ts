// Runs the inference service as a plain local process (no Docker engine here): `npm start`,
// the Worker tests' globalSetup and bench:infer start it this way and point the Worker at
// its URL (CONTAINER_URL). Node only.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const CONTAINER_MAIN = resolve(here, "main.ts");
export const DEFAULT_MODEL_DIR = resolve(here, "..", "models");

export interface LocalInferenceServer {
  url: string;
  process: ChildProcess;
  close(): Promise<void>;
}

export interface LocalInferenceOptions {
  /** 0 (default) = any free port. */
  port?: number;
  modelDir?: string;
  /** onnxruntime's intra-op threads. */
  threads?: number;
  /** Lines the server logs (JSON), e.g. to print them; dropped by default. */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
}

export async function startLocalInferenceServer(options: LocalInferenceOptions = {}): Promise<LocalInferenceServer> {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const child = spawn(process.execPath, [tsx, CONTAINER_MAIN], {
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: "127.0.0.1",
      MODEL_DIR: options.modelDir ?? DEFAULT_MODEL_DIR,
      ...(options.threads ? { ORT_THREADS: String(options.threads) } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The server goes when this process goes, however it ends.
  const killChild = () => child.kill("SIGTERM");
  process.once("exit", killChild);
  child.once("exit", () => process.off("exit", killChild));
  const onLog = options.onLog ?? (() => {});
  createInterface({ input: child.stderr! }).on("line", onLog);
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error("the inference server did not start in time")), options.startTimeoutMs ?? 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`the inference server exited (${code}) before listening`));
    });
    lines.on("line", (line) => {
      onLog(line);
      try {
        const parsed = JSON.parse(line) as { message?: string; url?: string };
        if (parsed.message === "inference service listening" && parsed.url) {
          clearTimeout(timer);
          done(parsed.url);
        }
      } catch {
        // not a log line of ours
      }
    });
  });
  return {
    url,
    process: child,
    close: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
