import type { Kysely } from 'kysely';

/**
 * Dynamic registration and the admin console (docs/decisions/0017-dynamic-registration.md):
 * - platforms.status: 'active' | 'pending' (arrived by dynamic registration, waits for an administrator) | 'disabled'.
 * - platforms.registered_via: 'admin' (CLI or console) | 'dynamic' (LTI Dynamic Registration).
 * - platforms.new_deployments: what a launch with a deployment id not on the list does: 'accept' (recorded and
 *   accepted) or 'hold' (recorded as pending and refused until an administrator approves it).
 * - platforms.registration_json: what the platform answered to the registration (granted scopes, product, …), or null.
 * - deployments.status: 'active' | 'pending' | 'disabled'.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('platforms').addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
  await db.schema.alterTable('platforms').addColumn('registered_via', 'text', (c) => c.notNull().defaultTo('admin')).execute();
  await db.schema.alterTable('platforms').addColumn('new_deployments', 'text', (c) => c.notNull().defaultTo('hold')).execute();
  await db.schema.alterTable('platforms').addColumn('registration_json', 'text').execute();
  await db.schema.alterTable('deployments').addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('status').execute();
  await db.schema.alterTable('platforms').dropColumn('registration_json').execute();
  await db.schema.alterTable('platforms').dropColumn('new_deployments').execute();
  await db.schema.alterTable('platforms').dropColumn('registered_via').execute();
  await db.schema.alterTable('platforms').dropColumn('status').execute();
}
