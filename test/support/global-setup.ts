import type { TestProject } from "vitest/node";
import { startIdentityProvider } from "./identity-provider";

declare module "vitest" {
  export interface ProvidedContext {
    idpUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const idp = await startIdentityProvider();
  project.provide("idpUrl", idp.url);
  return () => idp.close();
}
