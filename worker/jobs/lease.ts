// A lease in D1: one holder of a named job at a time, until it releases the lease or the
// lease expires (a holder that died cannot block the job for ever). D1 is one database, so
// the conditional upsert is atomic across every isolate and cron run.
const ACQUIRE_SQL = `INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE leases.expires_at <= ?4
RETURNING holder`;

/** Takes the lease when it is free or expired; false when someone else holds it. */
export async function acquireLease(db: D1Database, name: string, holder: string, ttlMs: number, nowMs = Date.now()): Promise<boolean> {
  const row = await db.prepare(ACQUIRE_SQL).bind(name, holder, nowMs + ttlMs, nowMs).first<{ holder: string }>();
  return row?.holder === holder;
}

/** Gives the lease back (only its holder can). */
export async function releaseLease(db: D1Database, name: string, holder: string): Promise<void> {
  await db.prepare("DELETE FROM leases WHERE name = ?1 AND holder = ?2").bind(name, holder).run();
}
