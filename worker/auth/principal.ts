import { z } from "zod";

export const roleSchema = z.enum(["user", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/** What an API token for programs may do: read nowcasts and places, nothing else. */
export const API_TOKEN_SCOPES = ["nowcasts:read", "places:read"] as const;

/** Who a verified token speaks for. */
export interface Principal {
  sub: string;
  email: string | null;
  roles: Role[];
  /** "local": a session token this service issued; "external": one from the identity provider; "api-token": a program's token. */
  issuer: "local" | "external" | "api-token";
  /** The session's id (jti) and lifetime, for sign-out and password changes; null for API tokens. */
  session: { jti: string | null; issuedAtMs: number | null; expiresAtMs: number } | null;
  /** The API token's id, for its own limit and usage count. */
  apiTokenId?: string;
}

/** Subjects of the site's own service token (web/lib/server/service-token.ts); they name no account. */
export const SITE_SUBJECT_PREFIX = "site:";
