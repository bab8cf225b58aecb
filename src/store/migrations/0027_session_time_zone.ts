import type { Kysely } from 'kysely';

/**
 * The reader's time zone (ADR 0029): an IANA name the browser reported once for this launch session (null until
 * then); pages show times in it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('launch_sessions').addColumn('time_zone', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('launch_sessions').dropColumn('time_zone').execute();
}
