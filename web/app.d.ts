// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Env } from "../worker/env";

declare global {
  namespace App {
    interface SessionUser {
      sub: string;
      email: string | null;
      roles: ("user" | "admin")[];
      issuer: "local" | "external" | "api-token";
    }
    interface Locals {
      user: SessionUser | null;
    }
    interface Platform {
      env: Env & { API: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> } };
      ctx: ExecutionContext;
    }
  }
}

export {};
