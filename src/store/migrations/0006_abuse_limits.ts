import { sql, type Kysely } from 'kysely';

/**
 * Abuse limits (docs/decisions/0007-abuse-limits.md): each login state records a keyed hash of the client address
 * it was issued to, so the INSERT itself can refuse a login once that address holds too many open states (the
 * partial index makes that count cheap); failed admin sign-ins are counted per address hash for the lockout.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_states').addColumn('client_hash', 'text').execute();
  await db.schema
    .createIndex('login_states_open_by_client_idx')
    .on('login_states')
    .columns(['client_hash', 'expires_at'])
    .where(sql.ref('consumed_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('admin_auth_failures')
    .addColumn('client_hash', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('admin_auth_failures').ifExists().execute();
  await db.schema.dropIndex('login_states_open_by_client_idx').ifExists().execute();
  await db.schema.alterTable('login_states').dropColumn('client_hash').execute();
}
