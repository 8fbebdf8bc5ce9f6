import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/** The largest request body a route accepts; the first matching prefix wins, the last entry is the default. */
export const BODY_LIMITS: readonly { prefix: string; bytes: number }[] = [
  { prefix: "/api/auth/", bytes: 4 * 1024 },
  { prefix: "/api/account/", bytes: 4 * 1024 },
  // CSV uploads for ETL jobs stream into R2 (worker/etl/source.ts checks them on the way).
  { prefix: "/api/etl/uploads", bytes: 64 * 1024 * 1024 },
  { prefix: "/api/", bytes: 64 * 1024 },
];

export function bodyLimitFor(path: string): number {
  return (BODY_LIMITS.find((l) => path.startsWith(l.prefix)) ?? BODY_LIMITS[BODY_LIMITS.length - 1]!).bytes;
}

// Hono's bodyLimit checks Content-Length first and counts a streamed body as it is read,
// so a 20 MB body is refused without being buffered or parsed.
const limiters = new Map(BODY_LIMITS.map((l) => [l.bytes, limiterOf(l.bytes)]));
function limiterOf(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, "body_too_large", `request body is larger than ${maxSize} bytes`);
    },
  });
}

export const requestBodyLimit = createMiddleware<AppEnv>((c, next) => limiters.get(bodyLimitFor(c.req.path))!(c, next));
