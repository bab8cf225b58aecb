import { sql, type Kysely } from 'kysely';
import type { AdminAuthFailureRepo } from '../services/verifyAdminToken.js';
import type { Database } from './schema.js';

/** Failed admin sign-ins per client address hash (table admin_auth_failures, migration 0006). */
export const adminAuthFailureRepo = (db: Kysely<Database>): AdminAuthFailureRepo => ({
  lockedUntil: async (clientHash) => {
    const row = await db.selectFrom('admin_auth_failures').select('locked_until').where('client_hash', '=', clientHash).executeTakeFirst();
    return row ? Number(row.locked_until) : undefined;
  },
  recordFailure: async (clientHash, now, { maxFailures, windowMs, lockMs }) => {
    // Records that are neither locked nor inside their window say nothing any more.
    await db.deleteFrom('admin_auth_failures').where('window_start', '<=', now - windowMs).where('locked_until', '<=', now).execute();
    // One upsert, so concurrent failures from several processes all count.
    const stale = sql<boolean>`admin_auth_failures.window_start <= ${now - windowMs}`;
    const row = await db
      .insertInto('admin_auth_failures')
      .values({ client_hash: clientHash, failures: 1, window_start: now, locked_until: maxFailures <= 1 ? now + lockMs : 0 })
      .onConflict((oc) =>
        oc.column('client_hash').doUpdateSet({
          failures: sql`case when ${stale} then 1 else admin_auth_failures.failures + 1 end`,
          window_start: sql`case when ${stale} then ${now} else admin_auth_failures.window_start end`,
          locked_until: sql`case when not (${stale}) and admin_auth_failures.failures + 1 >= ${maxFailures} then ${now + lockMs} else admin_auth_failures.locked_until end`,
        }),
      )
      .returning('locked_until')
      .executeTakeFirstOrThrow();
    return Number(row.locked_until);
  },
  clear: async (clientHash) => {
    await db.deleteFrom('admin_auth_failures').where('client_hash', '=', clientHash).execute();
  },
});
