import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainError, DomainErrorKind } from "./domain-error";

/** The product's one error shape: {"error": {"code", "message"}}. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * An HTTPException that carries a machine-readable code; onError turns it into
 * the error shape, keeping any extra headers (WWW-Authenticate, Retry-After).
 */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: ContentfulStatusCode, code: string, message: string, headers: Record<string, string> = {}) {
    super(status, { message });
    this.code = code;
    this.headers = headers;
  }
}

export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(errorBody(code, message)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

const STATUS_OF_KIND: Record<DomainErrorKind, ContentfulStatusCode> = { invalid: 400, not_found: 404, unprocessable: 422, unavailable: 503 };

/** The HTTP answer to a domain error: the only place a domain kind becomes a status (used by onError). */
export function apiErrorOf(error: DomainError): ApiError {
  const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { "Retry-After": String(error.retryAfterSeconds) };
  return new ApiError(STATUS_OF_KIND[error.kind], error.code, error.message, headers);
}
