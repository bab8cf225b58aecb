import type { Kysely } from 'kysely';

/**
 * A version of each course's content, bumped by every course import: processes cache the compiled course and
 * compare this number (read with one small statement) instead of re-reading objectives, items and content on every
 * request. Writers of course content (engine_courses, objectives, prerequisites, items, content) must bump it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('engine_courses').addColumn('content_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('engine_courses').dropColumn('content_version').execute();
}
