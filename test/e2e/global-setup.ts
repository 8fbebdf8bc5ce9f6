import type { TestProject } from "vitest/node";
import { startLocalStack } from "./local-stack";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    stateDir: string;
  }
}

export default async function setup(project: TestProject) {
  const stateDir = ".wrangler/e2e-state";
  const stack = await startLocalStack(stateDir);
  project.provide("baseUrl", stack.baseUrl);
  project.provide("stateDir", stateDir);
  return () => stack.stop();
}
