// API tokens for programs: "nce_" and 32 random bytes (base64url), shown once, kept only as SHA-256.
// A token reads nowcasts and places (API_TOKEN_SCOPES); its uses are counted and limited per token.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { apiTokens, users, type ApiToken } from "../db/schema";
import type { Db } from "../env";
import type { Principal } from "./principal";
import { TokenError } from "./tokens";

export const API_TOKEN_PREFIX = "nce_";
/** A user may hold this many live tokens at once. */
export const MAX_API_TOKENS_PER_USER = 20;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

export type ApiTokenView = Pick<ApiToken, "id" | "name" | "createdAt" | "lastUsedAt" | "useCount">;

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenView[]> {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, useCount: apiTokens.useCount })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

/** Creates a token; the secret is returned here once and never stored. Null when the user holds the maximum. */
export async function createApiToken(db: Db, userId: string, name: string): Promise<{ token: string; view: ApiTokenView } | null> {
  const [{ live }] = (await db
    .select({ live: sql<number>`count(*)` })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))) as [{ live: number }];
  if (live >= MAX_API_TOKENS_PER_USER) return null;
  const token = API_TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
  const row = { id: crypto.randomUUID(), userId, name, tokenHash: await sha256Hex(token), createdAt: new Date(), lastUsedAt: null, useCount: 0 };
  await db.insert(apiTokens).values(row);
  return { token, view: { id: row.id, name, createdAt: row.createdAt, lastUsedAt: null, useCount: 0 } };
}

export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return revoked.length > 0;
}

/** The principal of a live API token, or TokenError. */
export async function apiTokenPrincipal(db: Db, token: string): Promise<Principal> {
  const [row] = await db
    .select({ id: apiTokens.id, userId: apiTokens.userId, email: users.email, roles: users.roles })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(apiTokens.revokedAt)));
  if (!row) throw new TokenError("invalid_api_token", "API token is unknown or revoked");
  // A program's token never carries the admin role, whatever its owner holds.
  return { sub: row.userId, email: row.email, roles: ["user"], issuer: "api-token", session: null, apiTokenId: row.id };
}

/** Counts one use; run after the response (waitUntil), so a request does not wait for the write. */
export async function recordApiTokenUse(db: Db, id: string): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date(), useCount: sql`${apiTokens.useCount} + 1` })
    .where(eq(apiTokens.id, id));
}
