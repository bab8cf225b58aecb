import type { Kysely } from 'kysely';
import type { AlertMarkRepo } from '../services/instructorAlerts.js';
import type { Database } from './schema.js';
import { parseRoles } from './instructorRepo.js';

/** Read and e-mailed marks of instructor alerts (migration 0022), on PostgreSQL or SQLite. */
export const alertRepo = (db: Kysely<Database>): AlertMarkRepo => {
  const upsert = async (contextId: string, userId: string, keys: readonly string[], column: 'seen_at' | 'emailed_at', at: number) => {
    if (!keys.length) return;
    await db
      .insertInto('instructor_alert_marks')
      .values(keys.map((k) => ({ context_id: contextId, user_id: userId, alert_key: k, seen_at: column === 'seen_at' ? at : null, emailed_at: column === 'emailed_at' ? at : null })))
      .onConflict((oc) => oc.columns(['context_id', 'user_id', 'alert_key']).doUpdateSet(column === 'seen_at' ? { seen_at: at } : { emailed_at: at }))
      .execute();
  };
  return {
    marks: async (contextId, userId) => {
      const rows = await db
        .selectFrom('instructor_alert_marks')
        .select(['alert_key', 'seen_at', 'emailed_at'])
        .where('context_id', '=', contextId)
        .where('user_id', '=', userId)
        .execute();
      return new Map(rows.map((r) => [r.alert_key, { seenAt: r.seen_at === null ? null : Number(r.seen_at), emailedAt: r.emailed_at === null ? null : Number(r.emailed_at) }]));
    },
    markSeen: (contextId, userId, keys, at) => upsert(contextId, userId, keys, 'seen_at', at),
    markEmailed: (contextId, userId, keys, at) => upsert(contextId, userId, keys, 'emailed_at', at),
    recipients: async () => {
      const rows = await db
        .selectFrom('enrollments as e')
        .innerJoin('users as u', 'u.id', 'e.user_id')
        .innerJoin('contexts as c', 'c.id', 'e.context_id')
        .innerJoin('engine_courses as ec', 'ec.context_id', 'e.context_id')
        .select(['e.context_id', 'e.user_id', 'e.roles', 'u.email', 'c.title', 'c.label'])
        .where('u.email', 'is not', null)
        .execute();
      return rows.map((r) => ({ contextId: r.context_id, userId: r.user_id, email: r.email ?? '', courseTitle: r.title ?? r.label ?? '', roles: parseRoles(r.roles) }));
    },
  };
};
