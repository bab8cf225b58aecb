import { sql, type Kysely } from 'kysely';
import { autoId, isPostgres } from '../dialectHelpers.js';

/**
 * Privacy and operations (docs/decisions/0019-privacy-audit-erasure.md):
 * - audit_log: who did what and when (overrides, resets, accommodations, grade policies, exports, erasures, platform
 *   registrations, key rotations). Append-only: the repository has no update or delete, and a trigger on both
 *   dialects refuses UPDATE and DELETE. It names people only through `audit_people` refs, never by id or name.
 * - audit_people: ref ↔ (user, course). Erasing a student deletes their refs (and deleting a user cascades), so the
 *   log's rows about them stay but no longer lead to anyone.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  let log = db.schema.createTable('audit_log');
  log = autoId(db, log)
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_ref', 'text')
    .addColumn('context_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_ref', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'));
  await log.execute();
  await db.schema.createIndex('audit_log_context_idx').on('audit_log').columns(['context_id', 'id']).execute();

  await db.schema
    .createTable('audit_people')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('context_id', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_people_user_context_uq', ['user_id', 'context_id'])
    .execute();

  if (isPostgres(db)) {
    await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db);
    await sql`create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_people').ifExists().execute();
  await db.schema.dropTable('audit_log').ifExists().execute();
  if (isPostgres(db)) await sql`drop function if exists audit_log_append_only()`.execute(db);
}
