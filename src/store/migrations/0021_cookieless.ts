import type { Kysely } from 'kysely';

/**
 * Launches without third-party cookies (docs/decisions/0021-cookieless-launches.md):
 * - login_states.storage_target: the `lti_storage_target` frame of a login that also keeps its binding in the
 *   platform's storage (LTI Platform Storage); null when the platform offered none.
 * - login_states.relaunch: the login initiation parameters (JSON), so a launch whose browser blocked the binding can
 *   offer to start the same login again in a new top-level window.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_states').addColumn('storage_target', 'text').execute();
  await db.schema.alterTable('login_states').addColumn('relaunch', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('login_states').dropColumn('relaunch').execute();
  await db.schema.alterTable('login_states').dropColumn('storage_target').execute();
}
