// Sessions that end: sign-out revokes a token's jti until the token would have expired, and a
// password change (or a deleted account) ends every session issued before it.
import { lt, sql } from "drizzle-orm";
import { revokedSessions } from "../db/schema";
import type { Db } from "../env";
import { SITE_SUBJECT_PREFIX, type Principal } from "./principal";
import { TokenError } from "./tokens";

export async function revokeSession(db: Db, session: NonNullable<Principal["session"]>): Promise<void> {
  if (!session.jti) return;
  const now = new Date();
  await db.batch([
    db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, now)),
    db
      .insert(revokedSessions)
      .values({ jti: session.jti, expiresAt: new Date(session.expiresAtMs) })
      .onConflictDoNothing(),
  ]);
}

/** Refuses a local session that was signed out, or whose account was deleted or changed its password since. */
export async function assertSessionLive(db: Db, principal: Principal): Promise<void> {
  if (principal.issuer !== "local" || !principal.session) return;
  const { jti, issuedAtMs } = principal.session;
  // One round trip: is the jti revoked, and does the account still exist, and since when are its sessions valid.
  const row = await db.get<{ revoked: number; account: number; validAfter: number | null }>(sql`
    select exists(select 1 from revoked_sessions where jti = ${jti ?? ""}) as revoked,
           exists(select 1 from users where id = ${principal.sub}) as account,
           (select sessions_valid_after from users where id = ${principal.sub}) as validAfter`);
  if (row.revoked) throw new TokenError("token_revoked", "this session was signed out");
  if (!row.account && !principal.sub.startsWith(SITE_SUBJECT_PREFIX)) throw new TokenError("account_gone", "the account no longer exists");
  if (row.validAfter !== null && (issuedAtMs ?? 0) < row.validAfter) {
    throw new TokenError("token_revoked", "the password was changed after this session began");
  }
}
