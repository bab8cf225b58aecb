import type { Kysely } from 'kysely';

/**
 * A deep-linking request is answered once (a second response would add the content to the course again): the launch session of an LtiDeepLinkingRequest records
 * when its response was signed, set by one conditional UPDATE, so a second submit of the picker adds nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('launch_sessions').addColumn('deep_link_returned_at', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('launch_sessions').dropColumn('deep_link_returned_at').execute();
}
