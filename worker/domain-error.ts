// What the services and leaves throw: a domain failure with a machine-readable
// code and a kind, never an HTTP status. The API's onError (worker/app.ts, via
// apiErrorOf in worker/errors.ts) is the one place a kind becomes a status.
export type DomainErrorKind =
  /** The caller asked for something that cannot exist (an unknown model). */
  | "invalid"
  /** The thing asked for is not there. */
  | "not_found"
  /** Well-formed, but the service cannot serve it (a position outside the radar's coverage). */
  | "unprocessable"
  /** Not yet or not now (no radar data yet); retrying later may succeed. */
  | "unavailable";

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    /** For "unavailable": when trying again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
