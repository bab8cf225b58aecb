import type { Kysely } from 'kysely';

/**
 * A revision number on each course draft (docs/decisions/0016-authoring-drafts-and-content-events.md): a save
 * applies only on the revision it read, so two instructors editing different parts of a course at once both keep
 * their edits instead of the later save overwriting the earlier one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('course_drafts').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('course_drafts').dropColumn('revision').execute();
}
